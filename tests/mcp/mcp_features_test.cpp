// All of MCP for components (wit/asterai-mcp/mcp.wit) through a session over the real
// examples/mcp-everything component: content results, logging and progress while a call runs,
// sampling and elicitation answered (or not) by the client, resources, prompts, completion,
// and the error cases: a client without the capability, no answer before the deadline, a
// cancelled call, unknown resources and prompts.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <thread>

#include "asterai/common/base64.h"
#include "asterai/mcp/session.h"
#include "mcp_test_support.h"
#include "test_support.h"

namespace asterai::mcp {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using test::request;
using test::Responder;

class McpFeaturesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    runtime::Policy policy;
    policy.limits.timeout = 2s;
    ServerOptions options;
    options.tool_naming = ToolNaming::bare;
    server_ = std::make_unique<test::TestServer>(
        std::vector<std::string>{asterai::test::component("mcp-everything.wasm").string()}, policy,
        options);
    session_ = Session::create(*server_->server, [this](const json& m) {
      std::lock_guard lock(mutex_);
      outbound_.push_back(m);
    });
  }

  // initialize declaring `capabilities`; returns the server's capabilities.
  json start(json capabilities = json::object()) {
    auto r = test::send(*session_, request(0, "initialize",
                                           {{"protocolVersion", "2025-11-25"},
                                            {"capabilities", std::move(capabilities)},
                                            {"clientInfo", {{"name", "t"}, {"version", "1"}}}}));
    test::send(*session_, {{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}});
    return r.response["result"]["capabilities"];
  }

  json call(const std::string& tool, json args = json::object(), Responder responder = nullptr,
            json meta = nullptr) {
    json params = {{"name", tool}, {"arguments", std::move(args)}};
    if (!meta.is_null()) params["_meta"] = std::move(meta);
    last_ = test::send(*session_, request(next_id_++, "tools/call", params), std::move(responder));
    EXPECT_TRUE(last_.response.contains("result")) << last_.response.dump();
    return last_.response["result"];
  }

  json rpc(const std::string& method, json params = json::object()) {
    return test::send(*session_, request(next_id_++, method, std::move(params))).response;
  }

  std::unique_ptr<test::TestServer> server_;
  std::shared_ptr<Session> session_;
  std::mutex mutex_;
  std::vector<json> outbound_;
  test::Exchange last_;
  int next_id_ = 1;
};

TEST_F(McpFeaturesTest, DeclaresWhatTheComponentOffers) {
  auto caps = start();
  EXPECT_EQ(caps["resources"]["subscribe"], true);
  EXPECT_TRUE(caps.contains("prompts"));
  EXPECT_TRUE(caps.contains("completions"));
  auto tools = rpc("tools/list")["result"]["tools"];
  std::vector<std::string> names;
  for (const auto& t : tools) {
    names.push_back(t["name"]);
    // Content results have no output schema; a plain JSON result keeps its own.
    EXPECT_EQ(t.contains("outputSchema"), t["name"] == "bench_json") << t.dump();
  }
  EXPECT_NE(std::find(names.begin(), names.end(), "test_simple_text"), names.end());
  // The resources, prompts and completion exports are not tools.
  EXPECT_EQ(names.size(), 16u);
}

TEST_F(McpFeaturesTest, ContentResultsKeepTheirTypesAndBytes) {
  start();
  auto text = call("test_simple_text");
  EXPECT_EQ(text["content"][0],
            (json{{"type", "text"}, {"text", "This is a simple text response for testing."}}));
  EXPECT_EQ(text["isError"], false);
  EXPECT_FALSE(text.contains("structuredContent"));
  auto image = call("test_image_content")["content"][0];
  EXPECT_EQ(image["type"], "image");
  EXPECT_EQ(image["mimeType"], "image/png");
  auto png = base64_decode(image["data"].get<std::string>());
  ASSERT_TRUE(png);
  EXPECT_EQ(png->substr(1, 3), "PNG");
  auto mixed = call("test_multiple_content_types")["content"];
  ASSERT_EQ(mixed.size(), 3u);
  EXPECT_EQ(mixed[2]["type"], "resource");
  EXPECT_EQ(mixed[2]["resource"]["uri"], "test://mixed-content-resource");
  auto failed = call("test_error_handling");
  EXPECT_EQ(failed["isError"], true);
}

TEST_F(McpFeaturesTest, LogsAndProgressArriveBeforeTheResult) {
  start();
  // Without logging/setLevel, info and above pass.
  call("test_tool_with_logging");
  EXPECT_EQ(last_.notifications.size(), 3u);
  EXPECT_EQ(last_.notifications[0]["params"]["level"], "info");
  ASSERT_TRUE(rpc("logging/setLevel", {{"level", "error"}}).contains("result"));
  call("test_tool_with_logging");
  EXPECT_TRUE(last_.notifications.empty());

  call("test_tool_with_progress", json::object(), nullptr, {{"progressToken", "p1"}});
  ASSERT_EQ(last_.notifications.size(), 3u);
  EXPECT_EQ(last_.notifications[2]["params"],
            (json{{"progressToken", "p1"}, {"progress", 100.0}, {"total", 100.0}}));
  // No token, no progress.
  call("test_tool_with_progress");
  EXPECT_TRUE(last_.notifications.empty());
}

TEST_F(McpFeaturesTest, SamplingIsAnsweredByTheClient) {
  start({{"sampling", json::object()}});
  json asked;
  auto r = call("test_sampling", {{"prompt", "What is 2+2?"}}, [&](const json& req) {
    asked = req;
    return json{{"result",
                 {{"role", "assistant"},
                  {"content", {{"type", "text"}, {"text", "4"}}},
                  {"model", "m"},
                  {"stopReason", "endTurn"}}}};
  });
  EXPECT_EQ(asked["method"], "sampling/createMessage");
  EXPECT_EQ(asked["params"]["maxTokens"], 100);
  EXPECT_EQ(asked["params"]["messages"][0]["content"]["text"], "What is 2+2?");
  EXPECT_EQ(r["isError"], false);
  EXPECT_EQ(r["content"][0]["text"], "LLM response: 4");

  // The client refuses: the tool gets the error value.
  r = call("test_sampling", {{"prompt", "x"}}, [](const json&) {
    return json{{"error", {{"code", -1}, {"message", "user rejected"}}}};
  });
  EXPECT_EQ(r["isError"], true);
  EXPECT_NE(r["content"][0]["text"].get<std::string>().find("user rejected"), std::string::npos)
      << r.dump();
}

TEST_F(McpFeaturesTest, AClientWithoutTheCapabilityIsNeverAsked) {
  start();
  auto started = std::chrono::steady_clock::now();
  auto r = call("test_sampling", {{"prompt", "x"}}, [](const json&) -> json {
    ADD_FAILURE() << "the client was asked";
    return {};
  });
  EXPECT_EQ(r["isError"], true);
  EXPECT_NE(r["content"][0]["text"].get<std::string>().find("did not declare sampling"),
            std::string::npos)
      << r.dump();
  r = call("test_elicitation", {{"message", "name?"}});
  EXPECT_NE(r["content"][0]["text"].get<std::string>().find("did not declare elicitation"),
            std::string::npos)
      << r.dump();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);  // an error at once, no wait
}

TEST_F(McpFeaturesTest, ElicitationWaitsNoLongerThanTheCallsDeadline) {
  start({{"elicitation", json::object()}});
  auto r = call("test_elicitation", {{"message", "name?"}}, [](const json& req) {
    EXPECT_EQ(req["params"]["requestedSchema"]["required"], (json{"username", "email"}));
    return json{
        {"result", {{"action", "accept"}, {"content", {{"username", "a"}, {"email", "a@b"}}}}}};
  });
  EXPECT_EQ(r["isError"], false);
  auto text = r["content"][0]["text"].get<std::string>();
  EXPECT_NE(text.find("accept"), std::string::npos) << text;
  EXPECT_NE(text.find("a@b"), std::string::npos) << text;

  // Never answered: the request ends with the call's 2 s deadline, as an error value.
  auto started = std::chrono::steady_clock::now();
  r = call("test_elicitation", {{"message", "name?"}});
  auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(r["isError"], true);
  EXPECT_NE(r["content"][0]["text"].get<std::string>().find("deadline"), std::string::npos)
      << r.dump();
  EXPECT_GE(took, 1500ms);
  EXPECT_LT(took, 10s);
}

TEST_F(McpFeaturesTest, ResourcesPromptsAndCompletion) {
  start();
  auto resources = rpc("resources/list")["result"]["resources"];
  EXPECT_GE(resources.size(), 3u);
  for (const auto& r : resources) EXPECT_TRUE(r.contains("description")) << r.dump();
  auto binary = rpc("resources/read", {{"uri", "test://static-binary"}})["result"]["contents"][0];
  EXPECT_EQ(binary["mimeType"], "image/png");
  EXPECT_TRUE(base64_decode(binary["blob"].get<std::string>()));
  auto templated = rpc("resources/read", {{"uri", "test://template/123/data"}});
  EXPECT_EQ(json::parse(templated["result"]["contents"][0]["text"].get<std::string>())["id"],
            "123");
  auto missing = rpc("resources/read", {{"uri", "test://nothing"}});
  EXPECT_EQ(missing["error"]["code"], -32002) << missing.dump();
  EXPECT_EQ(rpc("resources/read")["error"]["code"], -32602);
  EXPECT_EQ(rpc("resources/subscribe", {{"uri", "test://watched-resource"}})["result"],
            json::object());

  auto prompt = rpc("prompts/get", {{"name", "test_prompt_with_arguments"},
                                    {"arguments", {{"arg1", "hello"}, {"arg2", "world"}}}});
  EXPECT_EQ(prompt["result"]["messages"][0]["content"]["text"],
            "Prompt with arguments: arg1='hello', arg2='world'");
  auto no_arg = rpc("prompts/get", {{"name", "test_prompt_with_arguments"}});
  EXPECT_EQ(no_arg["error"]["code"], -32602) << no_arg.dump();
  EXPECT_EQ(rpc("prompts/get", {{"name", "nope"}})["error"]["code"], -32602);

  auto done = rpc("completion/complete",
                  {{"ref", {{"type", "ref/prompt"}, {"name", "test_prompt_with_arguments"}}},
                   {"argument", {{"name", "arg1"}, {"value", "par"}}}});
  EXPECT_EQ(done["result"]["completion"]["values"], (json{"paris", "park", "party"}));
  EXPECT_EQ(rpc("completion/complete", {{"ref", {{"type", "ref/other"}}}})["error"]["code"],
            -32602);
}

TEST(McpFeatureMetering, ResourceAndPromptCallsReachTheObserverLikeToolCalls) {
  // A cloud node writes usage records from the observer: guest code behind resources and
  // prompts must not run unrecorded.
  std::mutex mutex;
  std::vector<std::string> seen;
  ServerOptions options;
  options.observer = [&](const ToolCall& call, ToolCallResult&, std::function<void()> release) {
    {
      std::lock_guard lock(mutex);
      seen.push_back(call.tool->function->qualified_name());
    }
    std::thread(std::move(release)).detach();  // released later, from another thread
  };
  test::TestServer server({asterai::test::component("mcp-everything.wasm").string()}, {}, options);
  auto session = Session::create(*server.server, nullptr);
  test::initialize(*session);
  auto r = test::send(*session, request(1, "resources/read", {{"uri", "test://static-text"}}));
  EXPECT_TRUE(r.response.contains("result")) << r.response.dump();
  test::send(*session, request(2, "prompts/list"));
  std::lock_guard lock(mutex);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], "asterai:mcp/resources@0.1.0#read");
  EXPECT_EQ(seen[1], "asterai:mcp/prompts@0.1.0#list-prompts");
}

TEST(McpFeatureClashes, TwoComponentsListingTheSameNamesAreReported) {
  auto everything = asterai::test::component("mcp-everything.wasm").string();
  test::TestServer one({everything});
  EXPECT_TRUE(feature_clashes(*one.server).empty());
  test::TestServer two({"a=" + everything, "b=" + everything});
  auto clashes = feature_clashes(*two.server);
  EXPECT_EQ(clashes.size(), 8u);  // 3 resources, 1 template, 4 prompts
  EXPECT_NE(std::find(clashes.begin(), clashes.end(),
                      "prompt test_simple_prompt is offered by a and b; a answers it"),
            clashes.end());
}

}  // namespace
}  // namespace asterai::mcp
