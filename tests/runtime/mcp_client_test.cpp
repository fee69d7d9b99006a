// The runtime's asterai:mcp/client imports (include/asterai/runtime/mcp_client.h) with the
// real examples/mcp-everything component: without a client they do nothing or return an
// error value; with one, each reaches it, in a plain call and inside an environment's
// composition (the member's own linker).
#include "asterai/runtime/mcp_client.h"

#include <gtest/gtest.h>

#include <mutex>

#include "asterai/runtime/composition.h"
#include "asterai/runtime/runtime.h"
#include "test_support.h"

namespace asterai::runtime {
namespace {

using nlohmann::json;

// Records what the guest asked; answers sampling with `reply`.
class RecordingClient : public McpClient {
 public:
  void log(const std::string& level, const std::optional<std::string>&,
           const std::string& message) override {
    std::lock_guard lock(mutex_);
    logs.push_back(level + ": " + message);
  }
  void progress(double progress, std::optional<double> total,
                const std::optional<std::string>&) override {
    std::lock_guard lock(mutex_);
    steps.push_back({progress, total.value_or(-1)});
  }
  bool cancelled() const override { return false; }
  void resource_updated(const std::string&) override {}
  tl::expected<json, std::string> create_message(const json& request, Deadline) override {
    std::lock_guard lock(mutex_);
    asked = request;
    return json{{"role", "assistant"},
                {"content", {{"text", "four"}}},
                {"model", "m"},
                {"stop-reason", nullptr}};
  }
  tl::expected<json, std::string> elicit(const std::string&, const std::string&,
                                         Deadline) override {
    return tl::unexpected(std::string("the user closed the dialog"));
  }

  std::mutex mutex_;
  std::vector<std::string> logs;
  std::vector<std::pair<double, double>> steps;
  json asked;
};

class McpClientImportsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    EngineOptions options;
    options.cache_dir = test::shared_cache_dir();
    runtime_ = *Runtime::create(options);
    auto loaded = runtime_->load_file(test::component("mcp-everything.wasm"));
    ASSERT_TRUE(loaded) << loaded.error().to_string();
    component_ = *loaded;
  }
  static void TearDownTestSuite() {
    component_.reset();
    runtime_.reset();
  }
  static CallOutcome call(const std::string& function, const json& args = json::object()) {
    auto fn = component_->find_function(function);
    EXPECT_TRUE(fn) << fn.error().to_string();
    return runtime_->call(*component_, **fn, args);
  }
  static std::string text_of(const CallOutcome& outcome) {
    EXPECT_TRUE(outcome.ok()) << outcome.error->to_string();
    return outcome.result["content"][0]["text"].get<std::string>();
  }

  static inline std::shared_ptr<Runtime> runtime_;
  static inline std::shared_ptr<const Component> component_;
};

TEST_F(McpClientImportsTest, TheImportsAreTheHosts) {
  for (const auto& import : component_->imports()) {
    if (import.name.starts_with("asterai:mcp/")) {
      EXPECT_EQ(import.source, ImportSource::host) << import.name;
      EXPECT_TRUE(import.provider.ends_with("@0.1.0")) << import.provider;
    }
  }
}

TEST_F(McpClientImportsTest, WithoutAClientLogsAreDroppedAndRequestsFail) {
  EXPECT_EQ(text_of(call("test-tool-with-logging")), "Tool with logging executed successfully");
  auto sampled = call("test-sampling", {{"prompt", "x"}});
  EXPECT_NE(text_of(sampled).find("only a call served over MCP can ask its client"),
            std::string::npos)
      << sampled.result.dump();
  EXPECT_EQ(sampled.result["is-error"], true);
}

TEST_F(McpClientImportsTest, WithAClientEveryImportReachesIt) {
  RecordingClient client;
  McpClientScope scope(&client);
  call("test-tool-with-logging");
  EXPECT_EQ(client.logs,
            (std::vector<std::string>{"info: Tool execution started", "info: Tool processing data",
                                      "info: Tool execution completed"}));
  EXPECT_EQ(text_of(call("test-sampling", {{"prompt", "2+2?"}})), "LLM response: four");
  EXPECT_EQ(client.asked["messages"][0]["content"]["text"], "2+2?");
  EXPECT_EQ(client.asked["max-tokens"], 100);
  auto elicited = call("test-elicitation", {{"message", "who?"}});
  EXPECT_NE(text_of(elicited).find("the user closed the dialog"), std::string::npos);
}

TEST_F(McpClientImportsTest, InsideACompositionTheMembersLinkerBridgesThem) {
  auto linked = Composition::link(runtime_, {Member{"everything", component_, {}, {}}}, {});
  ASSERT_TRUE(linked) << linked.error().to_string();
  RecordingClient client;
  McpClientScope scope(&client);
  auto fn = component_->find_function("test-tool-with-progress");
  ASSERT_TRUE(fn);
  auto outcome = (*linked)->call("everything", **fn, json::object());
  ASSERT_TRUE(outcome.ok()) << outcome.error->to_string();
  EXPECT_EQ(client.steps,
            (std::vector<std::pair<double, double>>{{0, 100}, {50, 100}, {100, 100}}));
}

}  // namespace
}  // namespace asterai::runtime
