// The HTTP listener over real sockets: keep-alive, size limit, Origin and bearer checks,
// and that a slow call does not hold up others.
#include "asterai/httpapi/server.h"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <thread>

#include "mcp_test_support.h"
#include "test_support.h"

namespace asterai::httpapi {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using namespace std::chrono_literals;
using nlohmann::json;
using tcp = asio::ip::tcp;

// One keep-alive connection to the listener.
class Client {
 public:
  explicit Client(uint16_t port) : socket_(io_) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  }
  bhttp::response<bhttp::string_body> send(bhttp::verb verb, const std::string& target,
                                           const std::string& body = {},
                                           std::map<std::string, std::string> headers = {}) {
    bhttp::request<bhttp::string_body> req{verb, target, 11};
    req.set(bhttp::field::host, "127.0.0.1");
    if (!body.empty()) req.set(bhttp::field::content_type, "application/json");
    for (const auto& [k, v] : headers) req.set(k, v);
    req.body() = body;
    req.prepare_payload();
    bhttp::write(socket_, req);
    bhttp::response<bhttp::string_body> res;
    boost::beast::error_code ec;
    bhttp::read(socket_, buffer_, res, ec);
    return res;
  }

 private:
  asio::io_context io_;
  tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

class ListenerTest : public ::testing::Test {
 protected:
  void start(HttpOptions options = {}) {
    runtime::Policy policy;
    policy.limits.timeout = timeout_;
    server_ = std::make_unique<mcp::test::TestServer>(
        std::vector<std::string>{"ks=" + asterai::test::component("kitchen-sink-c.wasm").string(),
                                 "adv=" + mcp::test::write_adversary(dir_.path()).string()},
        policy);
    options.port = 0;
    options.max_body = 64 * 1024;
    auto started = HttpServer::start(*server_->server, options);
    ASSERT_TRUE(started) << started.error().message;
    http_ = std::move(*started);
  }
  asterai::test::TempDir dir_{"mcp-listener"};
  std::chrono::milliseconds timeout_ = 2s;
  std::unique_ptr<mcp::test::TestServer> server_;
  std::unique_ptr<HttpServer> http_;
};

TEST_F(ListenerTest, KeepAliveServesManyRequests) {
  start();
  Client c(http_->port());
  for (int i = 0; i < 50; ++i) {
    auto r = c.send(bhttp::verb::post, "/v1/call",
                    json{{"tool", "ks_add"}, {"arguments", {{"a", i}, {"b", 1}}}}.dump());
    ASSERT_EQ(r.result_int(), 200);
    EXPECT_EQ(json::parse(r.body())["result"], i + 1);
  }
  auto health = c.send(bhttp::verb::get, "/healthz");
  EXPECT_EQ(health.result_int(), 200);
}

TEST_F(ListenerTest, OversizedBodiesAre413) {
  start();
  Client c(http_->port());
  auto r = c.send(bhttp::verb::post, "/v1/call", std::string(100 * 1024, ' '));
  EXPECT_EQ(r.result_int(), 413);
  Client again(http_->port());  // still serving
  EXPECT_EQ(again.send(bhttp::verb::get, "/healthz").result_int(), 200);
}

// Bodies over 16 KiB are parsed on the workers, not on the event loop: the same answers.
TEST_F(ListenerTest, LargeBodiesGetTheSameAnswers) {
  start();
  Client c(http_->port());
  json values = json::array();
  for (int i = 0; i < 5000; ++i) values.push_back(i);
  auto big = json{{"tool", "ks_values_sum"}, {"arguments", {values}}}.dump();
  ASSERT_GT(big.size(), 16u * 1024);
  for (int i = 0; i < 3; ++i) {  // keep-alive: each answer comes back on the same connection
    auto r = c.send(bhttp::verb::post, "/v1/call", big);
    ASSERT_EQ(r.result_int(), 200) << r.body();
    EXPECT_EQ(json::parse(r.body())["result"], 5000 * 4999 / 2);
  }
  std::string padding(20 * 1024, ' ');
  auto bad = c.send(bhttp::verb::post, "/v1/call", "{\"tool\": " + padding);
  EXPECT_EQ(bad.result_int(), 400) << bad.body();
  auto unknown =
      c.send(bhttp::verb::post, "/v1/call", json{{"tool", "nope"}, {"arguments", {values}}}.dump());
  EXPECT_EQ(unknown.result_int(), 404) << unknown.body();
  auto small = c.send(bhttp::verb::post, "/v1/call",
                      json{{"tool", "ks_add"}, {"arguments", {{"a", 1}, {"b", 2}}}}.dump());
  EXPECT_EQ(json::parse(small.body())["result"], 3);
}

TEST_F(ListenerTest, OriginAndToken) {
  HttpOptions o;
  o.token = "s3cret";
  o.allowed_origins = {"https://app.example.com"};
  start(o);
  Client c(http_->port());
  EXPECT_EQ(c.send(bhttp::verb::get, "/healthz").result_int(), 200);  // no token needed
  auto denied = c.send(bhttp::verb::get, "/v1/tools");
  EXPECT_EQ(denied.result_int(), 401);
  EXPECT_EQ(denied[bhttp::field::www_authenticate], "Bearer realm=\"asterai\"");
  EXPECT_EQ(
      c.send(bhttp::verb::get, "/v1/tools", {}, {{"Authorization", "Bearer wrong"}}).result_int(),
      401);
  auto auth = std::map<std::string, std::string>{{"Authorization", "Bearer s3cret"}};
  EXPECT_EQ(c.send(bhttp::verb::get, "/v1/tools", {}, auth).result_int(), 200);
  auth["Origin"] = "https://evil.example";
  EXPECT_EQ(c.send(bhttp::verb::get, "/v1/tools", {}, auth).result_int(), 403);
  auth["Origin"] = "http://localhost:3000";
  EXPECT_EQ(c.send(bhttp::verb::get, "/v1/tools", {}, auth).result_int(), 200);
  auth["Origin"] = "https://app.example.com";
  EXPECT_EQ(c.send(bhttp::verb::get, "/v1/tools", {}, auth).result_int(), 200);
}

TEST_F(ListenerTest, ASpinningCallDoesNotBlockOthers) {
  start();
  std::thread slow([&] {
    Client c(http_->port());
    auto r = c.send(bhttp::verb::post, "/v1/call", json{{"tool", "adv_spin"}}.dump());
    EXPECT_EQ(json::parse(r.body())["error"]["kind"], "timeout");
  });
  std::this_thread::sleep_for(100ms);
  Client c(http_->port());
  auto start_time = std::chrono::steady_clock::now();
  auto r = c.send(bhttp::verb::post, "/v1/call",
                  json{{"tool", "ks_add"}, {"arguments", {{"a", 1}, {"b", 1}}}}.dump());
  EXPECT_EQ(json::parse(r.body())["result"], 2);
  // Not a timing assertion on speed: only that it did not wait for the 2 s spin to end.
  EXPECT_LT(std::chrono::steady_clock::now() - start_time, 1500ms);
  slow.join();
}

TEST_F(ListenerTest, McpCancellationStopsARunningCall) {
  timeout_ = 1h;  // only the cancellation can end the spin
  start();
  std::map<std::string, std::string> headers{{"Accept", "application/json, text/event-stream"}};
  Client c(http_->port());
  auto init = c.send(bhttp::verb::post, "/mcp",
                     mcp::test::request(1, "initialize",
                                        {{"protocolVersion", "2025-11-25"},
                                         {"capabilities", json::object()},
                                         {"clientInfo", {{"name", "t"}, {"version", "1"}}}})
                         .dump(),
                     headers);
  ASSERT_EQ(init.result_int(), 200);
  auto session = init["Mcp-Session-Id"];
  headers["Mcp-Session-Id"] = std::string(session.data(), session.size());
  auto notify = [&](const json& params) {
    return c
        .send(bhttp::verb::post, "/mcp",
              json{{"jsonrpc", "2.0"}, {"method", "notifications/cancelled"}, {"params", params}}
                  .dump(),
              headers)
        .result_int();
  };

  bhttp::response<bhttp::string_body> spin;
  std::thread spinner([&] {
    Client other(http_->port());
    spin = other.send(bhttp::verb::post, "/mcp",
                      mcp::test::request(2, "tools/call", {{"name", "adv_spin"}}).dump(), headers);
  });
  auto& metrics = server_->server->metrics();
  for (int i = 0; i < 1000 && metrics.snapshot().in_flight == 0; ++i)
    std::this_thread::sleep_for(10ms);
  ASSERT_EQ(metrics.snapshot().in_flight, 1);
  EXPECT_EQ(notify({{"requestId", 77}}), 202);  // unknown: ignored
  EXPECT_EQ(notify({{"requestId", 2}, {"reason", "user"}}), 202);
  spinner.join();
  // No response for a cancelled request: an event stream without events.
  EXPECT_EQ(spin.result_int(), 200);
  EXPECT_EQ(spin.body().find("\"id\""), std::string::npos) << spin.body();
  EXPECT_EQ(metrics.snapshot().errors_by_kind["cancelled"], 1u);

  auto ok = c.send(bhttp::verb::post, "/mcp",
                   mcp::test::request(3, "tools/call", {{"name", "adv_ok"}}).dump(), headers);
  ASSERT_EQ(ok.result_int(), 200);
  EXPECT_EQ(json::parse(ok.body())["result"]["structuredContent"]["result"], 7) << ok.body();
}

TEST(Origin, LoopbackAndListed) {
  EXPECT_TRUE(origin_allowed("", {}));
  EXPECT_TRUE(origin_allowed("http://127.0.0.1:8080", {}));
  EXPECT_TRUE(origin_allowed("http://[::1]", {}));
  EXPECT_FALSE(origin_allowed("http://localhost.evil.com", {}));
  EXPECT_FALSE(origin_allowed("http://127.0.0.1.evil.com", {}));
  EXPECT_FALSE(origin_allowed("null", {}));
  EXPECT_FALSE(origin_allowed("http://localhost:80@evil.com", {}));
  EXPECT_TRUE(origin_allowed("https://x.dev", {"https://x.dev"}));
}

}  // namespace
}  // namespace asterai::httpapi
