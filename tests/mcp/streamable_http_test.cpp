// The Streamable HTTP endpoint and the /v1 API as functions of a request (no sockets).
#include "asterai/mcp/streamable_http.h"

#include <gtest/gtest.h>

#include "asterai/httpapi/api.h"
#include "mcp_test_support.h"
#include "test_support.h"

namespace asterai::mcp {
namespace {

using nlohmann::json;

std::string header(const HttpResponse& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return {};
}

class StreamableHttpTest : public ::testing::Test {
 protected:
  explicit StreamableHttpTest(
      std::string spec = "ks=" + asterai::test::component("kitchen-sink-c.wasm").string())
      : server_({std::move(spec)}), http_(*server_.server) {}

  HttpRequest post(const json& body, const std::string& session = {}) {
    HttpRequest r;
    r.method = "POST";
    r.path = "/mcp";
    r.headers["accept"] = "application/json, text/event-stream";
    r.headers["content-type"] = "application/json";
    if (!session.empty()) r.headers["mcp-session-id"] = session;
    r.body = body.dump();
    return r;
  }
  std::string open_session(const std::string& version = "2025-11-25",
                           json capabilities = json::object()) {
    auto r = http_.handle(post(test::request(1, "initialize",
                                             {{"protocolVersion", version},
                                              {"capabilities", std::move(capabilities)},
                                              {"clientInfo", {{"name", "t"}, {"version", "1"}}}})));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(json::parse(r.body)["result"]["protocolVersion"], version);
    auto id = header(r, "Mcp-Session-Id");
    EXPECT_EQ(id.size(), 32u);
    return id;
  }

  test::TestServer server_;
  StreamableHttp http_;
};

TEST_F(StreamableHttpTest, SessionLifecycle) {
  auto id = open_session();
  auto note = http_.handle(post({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}}, id));
  EXPECT_EQ(note.status, 202);
  EXPECT_TRUE(note.body.empty());
  auto call = http_.handle(post(
      test::request(2, "tools/call", {{"name", "ks_add"}, {"arguments", {{"a", 1}, {"b", 2}}}}),
      id));
  EXPECT_EQ(call.status, 200);
  EXPECT_EQ(header(call, "Content-Type"), "application/json");
  EXPECT_EQ(json::parse(call.body)["result"]["structuredContent"]["result"], 3);

  HttpRequest del;
  del.method = "DELETE";
  del.path = "/mcp";
  del.headers["mcp-session-id"] = id;
  EXPECT_EQ(http_.handle(del).status, 204);
  EXPECT_EQ(http_.handle(post(test::request(3, "ping"), id)).status, 404);
}

TEST_F(StreamableHttpTest, LogNotificationsMakeTheAnswerAnEventStream) {
  auto id = open_session();
  http_.handle(post(test::request(2, "logging/setLevel", {{"level", "debug"}}), id));
  auto r = http_.handle(post(
      test::request(3, "tools/call", {{"name", "ks_values_fail"}, {"arguments", {{"msg", "hi"}}}}),
      id));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(header(r, "Content-Type"), "text/event-stream");
  // The events stream as they come: the log message, then the response, then the end.
  ASSERT_TRUE(r.stream);
  std::string body;
  r.stream([&](std::string_view chunk) {
    body += chunk;
    return true;
  });
  auto first = body.find("notifications/message");
  auto last = body.find("\"id\":3");
  EXPECT_NE(first, std::string::npos) << body;
  EXPECT_NE(last, std::string::npos) << body;
  EXPECT_LT(first, last);
}

TEST_F(StreamableHttpTest, MalformedRequestsAre4xx) {
  auto id = open_session();
  auto bad_json = post(json::object(), id);
  bad_json.body = "{oops";
  auto r = http_.handle(bad_json);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body)["error"]["code"], jsonrpc::kParseError);

  EXPECT_EQ(http_.handle(post(json::array({test::request(1, "ping")}), id)).status, 400);
  EXPECT_EQ(http_.handle(post({{"jsonrpc", "2.0"}, {"id", 1}}, id)).status, 400);
  EXPECT_EQ(http_.handle(post(test::request(2, "ping"))).status, 400);  // no session id
  EXPECT_EQ(http_.handle(post(test::request(2, "ping"), "nope")).status, 404);

  auto version = post(test::request(3, "ping"), id);
  version.headers["mcp-protocol-version"] = "2020-01-01";
  EXPECT_EQ(http_.handle(version).status, 400);
  version.headers["mcp-protocol-version"] = "2025-06-18";
  EXPECT_EQ(http_.handle(version).status, 200);

  auto type = post(test::request(4, "ping"), id);
  type.headers["content-type"] = "text/plain";
  EXPECT_EQ(http_.handle(type).status, 415);
  auto accept = post(test::request(5, "ping"), id);
  accept.headers["accept"] = "text/html";
  EXPECT_EQ(http_.handle(accept).status, 406);

  HttpRequest get;
  get.method = "GET";
  get.path = "/mcp";
  get.headers["mcp-session-id"] = id;
  EXPECT_EQ(http_.handle(get).status, 406);  // no text/event-stream in Accept
  HttpRequest put = get;
  put.method = "PUT";
  EXPECT_EQ(http_.handle(put).status, 405);
}

TEST_F(StreamableHttpTest, GetStreamCarriesListChanged) {
  auto id = open_session();
  HttpRequest get;
  get.method = "GET";
  get.path = "/mcp";
  get.headers["accept"] = "text/event-stream";
  get.headers["mcp-session-id"] = id;
  auto r = http_.handle(get);
  ASSERT_EQ(r.status, 200);
  ASSERT_TRUE(r.stream);
  EXPECT_EQ(http_.handle(get).status, 409);  // one stream per session
  std::string received;
  std::thread reader([&] {
    r.stream([&](std::string_view chunk) {
      received += chunk;
      return received.find("list_changed") == std::string::npos;  // stop after it
    });
  });
  for (int i = 0; i < 200 && received.empty(); ++i) {
    ASSERT_TRUE(server_.server->reload());
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  reader.join();
  EXPECT_NE(received.find("notifications/tools/list_changed"), std::string::npos);
}

TEST(HttpApi, ToolsInEveryFormatAndCalls) {
  test::TestServer server({"ks=" + asterai::test::component("kitchen-sink-c.wasm").string()});
  auto& s = *server.server;
  HttpRequest list;
  list.method = "GET";
  list.path = "/v1/tools";
  auto ours = json::parse(httpapi::handle_api(s, list).body);
  ASSERT_GE(ours["tools"].size(), 30u);
  EXPECT_EQ(ours["tools"][0]["component"], "ks");
  list.query["format"] = "openai";
  auto openai = json::parse(httpapi::handle_api(s, list).body);
  EXPECT_EQ(openai["tools"][0]["type"], "function");
  EXPECT_EQ(openai["tools"][0]["function"]["parameters"]["type"], "object");
  list.query["format"] = "mcp";
  EXPECT_TRUE(json::parse(httpapi::handle_api(s, list).body)["tools"][0].contains("inputSchema"));
  list.query["format"] = "yaml";
  EXPECT_EQ(httpapi::handle_api(s, list).status, 400);

  HttpRequest call;
  call.method = "POST";
  call.path = "/v1/call";
  call.headers["content-type"] = "application/json";
  call.body = R"({"tool":"ks_add","arguments":{"a":2,"b":3}})";
  auto ok = httpapi::handle_api(s, call);
  EXPECT_EQ(ok.status, 200);
  auto body = json::parse(ok.body);
  EXPECT_EQ(body["ok"], true);
  EXPECT_EQ(body["result"], 5);
  EXPECT_TRUE(body["metering"].contains("wall_ms"));
  EXPECT_EQ(body["metering"]["http_bytes_sent"], 0);  // HTTP traffic is metered too

  call.body = R"({"tool":"ks_values_fail","arguments":{"msg":"x"}})";
  auto trap = httpapi::handle_api(s, call);
  EXPECT_EQ(trap.status, 200);
  EXPECT_EQ(json::parse(trap.body)["error"]["kind"], "trap");
  call.body = R"({"tool":"ks_add","arguments":{"a":"2"}})";
  EXPECT_EQ(httpapi::handle_api(s, call).status, 400);
  call.body = R"({"tool":"nope"})";
  EXPECT_EQ(httpapi::handle_api(s, call).status, 404);
  call.body = "[";
  EXPECT_EQ(httpapi::handle_api(s, call).status, 400);

  HttpRequest metrics;
  metrics.method = "GET";
  metrics.path = "/metrics";
  auto text = httpapi::handle_api(s, metrics).body;
  EXPECT_NE(text.find("asterai_tool_calls_total{tool=\"ks_add\"} 2"), std::string::npos) << text;
  EXPECT_NE(text.find("asterai_tool_call_errors_total{kind=\"trap\"} 1"), std::string::npos);
  EXPECT_NE(text.find("asterai_tool_call_duration_seconds_bucket{le=\"+Inf\"}"), std::string::npos);
  EXPECT_NE(text.find("asterai_tool_queue_wait_seconds_bucket{le=\"0.0001\"}"), std::string::npos);
  EXPECT_NE(text.find("# TYPE asterai_tool_queue_wait_seconds histogram"), std::string::npos);
  HttpRequest health;
  health.method = "GET";
  health.path = "/healthz";
  EXPECT_EQ(json::parse(httpapi::handle_api(s, health).body)["status"], "ok");
}

// POST streams of a 2025-11-25 session are resumable (SEP-1699): a priming event with an id
// and a retry interval first, ids on every event, and a GET with Last-Event-ID after a dropped
// connection carries on with exactly the events not yet read.
class StreamableHttpResumeTest : public StreamableHttpTest {
 protected:
  StreamableHttpResumeTest()
      : StreamableHttpTest("e=" + asterai::test::component("mcp-everything.wasm").string()) {}

  // Reads `r`'s stream, chunk by chunk, hanging up after `keep` chunks (0: to the end).
  static std::vector<std::string> read(const HttpResponse& r, size_t keep = 0) {
    std::vector<std::string> chunks;
    r.stream([&](std::string_view chunk) {
      chunks.emplace_back(chunk);
      return keep == 0 || chunks.size() < keep;
    });
    return chunks;
  }
};

TEST_F(StreamableHttpResumeTest, ADroppedStreamResumesWithLastEventId) {
  auto id = open_session();
  auto r = http_.handle(
      post(test::request(7, "tools/call", {{"name", "e_test-tool-with-logging"}}), id));
  ASSERT_TRUE(r.stream);
  auto first = read(r, 2);  // the priming event and the first log message, then hang up
  ASSERT_EQ(first.size(), 2u);
  EXPECT_TRUE(first[0].starts_with("id: ")) << first[0];
  EXPECT_NE(first[0].find("retry: 1000\n"), std::string::npos) << first[0];
  EXPECT_NE(first[0].find("data: \n\n"), std::string::npos) << first[0];
  EXPECT_NE(first[1].find("Tool execution started"), std::string::npos) << first[1];
  std::string last_id = first[1].substr(4, first[1].find('\n') - 4);

  HttpRequest get;
  get.method = "GET";
  get.path = "/mcp";
  get.headers["accept"] = "text/event-stream";
  get.headers["mcp-session-id"] = id;
  get.headers["last-event-id"] = last_id;
  auto resumed = http_.handle(get);
  ASSERT_EQ(resumed.status, 200);
  ASSERT_TRUE(resumed.stream);
  std::string rest;
  for (const auto& c : read(resumed)) rest += c;
  EXPECT_EQ(rest.find("Tool execution started"), std::string::npos) << rest;  // not twice
  auto processing = rest.find("Tool processing data");
  auto completed = rest.find("Tool execution completed");
  auto response = rest.find("\"id\":7");
  EXPECT_NE(processing, std::string::npos) << rest;
  EXPECT_LT(processing, completed);
  EXPECT_LT(completed, response);

  // An id of no kept stream opens the session's ordinary GET stream instead.
  get.headers["last-event-id"] = "999-0";
  auto ordinary = http_.handle(get);
  EXPECT_EQ(ordinary.status, 200);
  http_.close_streams();
  read(ordinary);  // ends: the streams were closed
}

TEST_F(StreamableHttpResumeTest, OlderSessionsGetNoIdsNorPriming) {
  auto id = open_session("2025-06-18");
  auto r = http_.handle(
      post(test::request(7, "tools/call", {{"name", "e_test-tool-with-logging"}}), id));
  ASSERT_TRUE(r.stream);
  std::string body;
  for (const auto& c : read(r)) body += c;
  EXPECT_EQ(body.find("id: "), std::string::npos) << body;
  EXPECT_EQ(body.find("retry:"), std::string::npos) << body;
  EXPECT_NE(body.find("\"id\":7"), std::string::npos) << body;
}

// A client that accepts only application/json can be sent nothing before the result, so a
// tool's sampling request fails at once instead of waiting out the call's deadline.
TEST_F(StreamableHttpResumeTest, AJsonOnlyClientIsNeverAskedAndNeverWaitedFor) {
  auto id = open_session("2025-11-25", {{"sampling", json::object()}});
  auto request =
      post(test::request(8, "tools/call",
                         {{"name", "e_test-sampling"}, {"arguments", {{"prompt", "2+2?"}}}}),
           id);
  request.headers["accept"] = "application/json";
  auto started = std::chrono::steady_clock::now();
  auto r = http_.handle(request);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(header(r, "Content-Type"), "application/json");
  auto result = json::parse(r.body)["result"];
  EXPECT_EQ(result["isError"], true);
  EXPECT_NE(result["content"][0]["text"].get<std::string>().find("accepts only application/json"),
            std::string::npos)
      << r.body;
}

}  // namespace
}  // namespace asterai::mcp
