// The MCP session over real components: lifecycle, tools/list, tools/call results and
// errors, logging, cancellation and list_changed.
#include "asterai/mcp/session.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "asterai/mcp/naming.h"
#include "mcp_test_support.h"
#include "test_support.h"

namespace asterai::mcp {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using test::request;
using test::send;

class SessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    runtime::Policy policy;
    policy.limits.timeout = timeout_;
    server_ = std::make_unique<test::TestServer>(
        std::vector<std::string>{"ks=" + asterai::test::component("kitchen-sink-c.wasm").string(),
                                 "adv=" + test::write_adversary(dir_.path()).string()},
        policy, options_);
    session_ = Session::create(*server_->server, [this](const json& m) {
      std::lock_guard lock(mutex_);
      outbound_.push_back(m);
    });
  }
  json call(int id, const std::string& tool, json args) {
    auto r = send(*session_, request(id, "tools/call", {{"name", tool}, {"arguments", args}}));
    EXPECT_TRUE(r.response.contains("result")) << r.response.dump();
    return r.response["result"];
  }

  asterai::test::TempDir dir_{"mcp-session"};
  std::chrono::milliseconds timeout_ = 300ms;
  ServerOptions options_;
  std::unique_ptr<test::TestServer> server_;
  std::shared_ptr<Session> session_;
  std::mutex mutex_;
  std::vector<json> outbound_;
};

TEST_F(SessionTest, NegotiatesTheProtocolVersion) {
  EXPECT_EQ(test::initialize(*session_, "2025-06-18")["protocolVersion"], "2025-06-18");
  auto other = Session::create(*server_->server, nullptr);
  auto r = test::initialize(*other, "1999-01-01");
  EXPECT_EQ(r["protocolVersion"], "2025-11-25");
  EXPECT_EQ(r["capabilities"]["tools"]["listChanged"], true);
  EXPECT_TRUE(r["capabilities"].contains("logging"));
  EXPECT_EQ(r["serverInfo"]["name"], "asterai");
}

TEST_F(SessionTest, OlderVersionsGetNoStructuredOutput) {
  test::initialize(*session_, "2025-03-26");
  auto tools = send(*session_, request(1, "tools/list")).response["result"]["tools"];
  for (const auto& t : tools) EXPECT_FALSE(t.contains("outputSchema")) << t["name"];
  auto r = call(2, "ks_add", {{"a", 1}, {"b", 2}});
  EXPECT_FALSE(r.contains("structuredContent"));
  EXPECT_EQ(r["content"][0]["text"], "{\"result\":3}");
}

TEST_F(SessionTest, RequestsBeforeInitializeAreRefused) {
  auto r = send(*session_, request(1, "tools/list"));
  EXPECT_EQ(r.response["error"]["code"], jsonrpc::kNotInitialized);
  EXPECT_EQ(send(*session_, request(2, "ping")).response["result"], json::object());
}

TEST_F(SessionTest, ListsEveryFunctionAsATool) {
  test::initialize(*session_);
  auto tools = send(*session_, request(1, "tools/list")).response["result"]["tools"];
  ASSERT_GE(tools.size(), 30u);
  json add;
  for (const auto& t : tools) {
    EXPECT_TRUE(valid_tool_name(t["name"].get<std::string>())) << t["name"];
    EXPECT_FALSE(t["description"].get<std::string>().empty());
    EXPECT_EQ(t["inputSchema"]["type"], "object");
    if (t.contains("outputSchema")) {
      EXPECT_EQ(t["outputSchema"]["type"], "object");
    }
    if (t["name"] == "ks_add") add = t;
  }
  ASSERT_FALSE(add.is_null());
  EXPECT_EQ(add["inputSchema"]["properties"]["a"]["minimum"], INT32_MIN);
  EXPECT_EQ(add["inputSchema"]["required"], json::array({"a", "b"}));
  EXPECT_EQ(add["outputSchema"]["properties"]["result"]["maximum"], INT32_MAX);
  EXPECT_EQ(add["annotations"]["readOnlyHint"], true);
}

TEST_F(SessionTest, PaginatesToolsList) {
  options_.page_size = 4;
  SetUp();
  test::initialize(*session_);
  size_t total = server_->server->catalog()->tools().size();
  std::vector<std::string> seen;
  json cursor;
  for (int page = 0; page < 100; ++page) {
    json params = json::object();
    if (!cursor.is_null()) params["cursor"] = cursor;
    auto r = send(*session_, request(page + 1, "tools/list", params)).response["result"];
    EXPECT_LE(r["tools"].size(), 4u);
    for (const auto& t : r["tools"]) seen.push_back(t["name"]);
    if (!r.contains("nextCursor")) break;
    cursor = r["nextCursor"];
  }
  EXPECT_EQ(seen.size(), total);
  auto bad = send(*session_, request(200, "tools/list", {{"cursor", "zzz"}}));
  EXPECT_EQ(bad.response["error"]["code"], jsonrpc::kInvalidParams);
}

TEST_F(SessionTest, CallsReturnStructuredAndTextContent) {
  test::initialize(*session_);
  auto r = call(1, "ks_add", {{"a", 40}, {"b", 2}});
  EXPECT_EQ(r["isError"], false);
  EXPECT_EQ(r["structuredContent"], json({{"result", 42}}));
  EXPECT_EQ(r["content"][0]["type"], "text");
  EXPECT_EQ(json::parse(r["content"][0]["text"].get<std::string>()), r["structuredContent"]);
  EXPECT_TRUE(r["_meta"]["asterai/metering"].contains("wall_ms"));
  EXPECT_EQ(r["_meta"]["asterai/metering"]["http_requests"], 0);  // HTTP traffic is metered too

  // A record result is the structured content itself.
  json person = {{"name", "Ada"}, {"age", 36}};
  auto p = call(2, "ks_values_echo-person", {{"v", person}});
  EXPECT_EQ(p["structuredContent"], person);
  EXPECT_EQ(call(3, "ks_values_greet", {{"who", person}})["structuredContent"]["result"],
            "Hello, Ada! You are 36.");
}

TEST_F(SessionTest, ComponentErrorsAreToolErrors) {
  test::initialize(*session_);
  auto r = call(1, "ks_values_divide", {{"a", 1}, {"b", 0}});
  EXPECT_EQ(r["isError"], true);
  EXPECT_TRUE(r["structuredContent"]["result"].contains("err"));
  EXPECT_NE(r["content"][0]["text"].get<std::string>().find("returned an error"),
            std::string::npos);
}

TEST_F(SessionTest, BadArgumentsTrapsAndTimeoutsAreToolErrors) {
  test::initialize(*session_);
  auto bad = call(1, "ks_add", {{"a", "x"}, {"b", 1}});
  EXPECT_EQ(bad["isError"], true);
  auto text = bad["content"][0]["text"].get<std::string>();
  EXPECT_NE(text.find("bad-arguments"), std::string::npos) << text;
  EXPECT_NE(text.find("args.a"), std::string::npos) << text;

  auto trap = call(2, "ks_values_fail", {{"msg", "boom"}});
  EXPECT_EQ(trap["isError"], true);
  text = trap["content"][0]["text"].get<std::string>();
  EXPECT_TRUE(text.starts_with("trap:")) << text;
  EXPECT_NE(text.find("boom"), std::string::npos) << text;  // the component's stderr

  auto start = std::chrono::steady_clock::now();
  auto spin = call(3, "adv_spin", json::object());
  EXPECT_EQ(spin["isError"], true);
  EXPECT_TRUE(spin["content"][0]["text"].get<std::string>().starts_with("timeout:"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
  EXPECT_EQ(call(4, "adv_ok", json::object())["structuredContent"]["result"], 7);
}

TEST_F(SessionTest, ProtocolErrors) {
  test::initialize(*session_);
  EXPECT_EQ(send(*session_, request(1, "tools/call", {{"name", "nope"}})).response["error"]["code"],
            jsonrpc::kInvalidParams);
  EXPECT_EQ(send(*session_, request(2, "tools/call", {{"name", "ks_add"}, {"arguments", 3}}))
                .response["error"]["code"],
            jsonrpc::kInvalidParams);
  EXPECT_EQ(send(*session_, request(3, "resources/list")).response["error"]["code"],
            jsonrpc::kMethodNotFound);
  EXPECT_EQ(send(*session_, json::parse(R"({"jsonrpc":"2.0","id":4,"method":5})"))
                .response["error"]["code"],
            jsonrpc::kInvalidRequest);
  EXPECT_EQ(send(*session_, request(5, "logging/setLevel", {{"level", "loud"}}))
                .response["error"]["code"],
            jsonrpc::kInvalidParams);
}

TEST_F(SessionTest, StderrBecomesALogMessageWhenAsked) {
  test::initialize(*session_);
  auto quiet =
      send(*session_,
           request(1, "tools/call", {{"name", "ks_values_fail"}, {"arguments", {{"msg", "a"}}}}));
  EXPECT_TRUE(quiet.notifications.empty());
  send(*session_, request(2, "logging/setLevel", {{"level", "info"}}));
  auto loud = send(
      *session_,
      request(3, "tools/call", {{"name", "ks_values_fail"}, {"arguments", {{"msg", "shout"}}}}));
  ASSERT_EQ(loud.notifications.size(), 1u);
  auto n = loud.notifications[0];
  EXPECT_EQ(n["method"], "notifications/message");
  EXPECT_EQ(n["params"]["level"], "error");
  EXPECT_EQ(n["params"]["logger"], "ks_values_fail");
  EXPECT_NE(n["params"]["data"].get<std::string>().find("shout"), std::string::npos);
}

TEST_F(SessionTest, CancelledQueuedCallIsNotRunNorAnswered) {
  options_.workers = 1;
  SetUp();
  test::initialize(*session_);
  // The single worker is busy spinning (300 ms); the second call waits in the queue. Both
  // orderings are waited for, not slept for: a loaded machine may start threads late.
  std::thread spinner([&] { call(1, "adv_spin", json::object()); });
  for (int i = 0; i < 1000 && server_->server->metrics().snapshot().in_flight == 0; ++i)
    std::this_thread::sleep_for(10ms);
  ASSERT_EQ(server_->server->metrics().snapshot().in_flight, 1);
  // handle() returns once the call is queued; its answer (if any) comes on the channel.
  std::mutex mutex;
  std::condition_variable finished;
  std::optional<json> answer;
  session_->handle(request(2, "tools/call", {{"name", "adv_ok"}}), [&](json message, bool final) {
    if (!final) return;
    std::lock_guard lock(mutex);
    answer = std::move(message);
    finished.notify_all();
  });
  send(*session_, {{"jsonrpc", "2.0"},
                   {"method", "notifications/cancelled"},
                   {"params", {{"requestId", 2}, {"reason", "user"}}}});
  spinner.join();
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(finished.wait_for(lock, 10s, [&] { return answer.has_value(); }));
  }
  EXPECT_TRUE(answer->is_null()) << answer->dump();
  auto m = server_->server->metrics().snapshot();
  EXPECT_EQ(m.calls_by_tool.count("adv_ok"), 0u);
}

TEST_F(SessionTest, CancelledRunningCallStopsAndIsNotAnswered) {
  timeout_ = 1h;  // only the cancellation can end the spin
  SetUp();
  test::initialize(*session_);
  json spin_response = "not set";
  std::thread spinner([&] {
    spin_response = send(*session_, request(1, "tools/call", {{"name", "adv_spin"}})).response;
  });
  for (int i = 0; i < 1000 && server_->server->metrics().snapshot().in_flight == 0; ++i)
    std::this_thread::sleep_for(10ms);
  ASSERT_EQ(server_->server->metrics().snapshot().in_flight, 1);
  // Unknown ids and malformed notifications are ignored.
  send(
      *session_,
      {{"jsonrpc", "2.0"}, {"method", "notifications/cancelled"}, {"params", {{"requestId", 99}}}});
  send(*session_, {{"jsonrpc", "2.0"}, {"method", "notifications/cancelled"}, {"params", 1}});
  send(*session_, {{"jsonrpc", "2.0"},
                   {"method", "notifications/cancelled"},
                   {"params", {{"requestId", 1}, {"reason", "changed my mind"}}}});
  spinner.join();
  EXPECT_TRUE(spin_response.is_null()) << spin_response.dump();
  auto m = server_->server->metrics().snapshot();
  EXPECT_EQ(m.errors_by_kind["cancelled"], 1u);
  EXPECT_EQ(m.in_flight, 0);
  EXPECT_EQ(call(2, "adv_ok", json::object())["structuredContent"]["result"], 7);
  // A finished id: nothing happens, the next call is answered.
  send(*session_,
       {{"jsonrpc", "2.0"}, {"method", "notifications/cancelled"}, {"params", {{"requestId", 2}}}});
  EXPECT_EQ(call(3, "adv_ok", json::object())["structuredContent"]["result"], 7);
}

TEST_F(SessionTest, ManyCallsInParallel) {
  test::initialize(*session_);
  std::vector<std::thread> threads;
  std::vector<json> results(16);
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&, i] { results[i] = call(100 + i, "ks_add", {{"a", i}, {"b", 1000}}); });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < 16; ++i) EXPECT_EQ(results[i]["structuredContent"]["result"], 1000 + i);
  EXPECT_EQ(server_->server->metrics().snapshot().calls_by_tool["ks_add"], 16u);
}

TEST_F(SessionTest, ReloadNotifiesListChanged) {
  test::initialize(*session_);
  ASSERT_TRUE(server_->server->reload());
  std::lock_guard lock(mutex_);
  ASSERT_EQ(outbound_.size(), 1u);
  EXPECT_EQ(outbound_[0]["method"], "notifications/tools/list_changed");
}

}  // namespace
}  // namespace asterai::mcp
