// Proxy components served over real sockets (the in-process HTTP listener): routes, bodies
// streamed both ways, limits and faults answered with the right status, metering, and the
// server still serving after each.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <fstream>
#include <limits>
#include <sstream>
#include <thread>

#include "asterai/httpapi/server.h"
#include "mcp_test_support.h"
#include "test_support.h"

namespace asterai::httpapi {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using namespace std::chrono_literals;
using tcp = asio::ip::tcp;

struct Reply {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  bool complete = false;  // the whole response arrived (its framing ended properly)
};

// One connection; requests written raw, responses parsed by Beast.
class Client {
 public:
  explicit Client(uint16_t port) : socket_(io_) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  }
  void write(std::string_view bytes) { asio::write(socket_, asio::buffer(bytes)); }
  Reply read() {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    beast::error_code ec;
    bhttp::read(socket_, buffer_, parser, ec);
    Reply r;
    r.status = parser.get().result_int();
    for (const auto& f : parser.get()) {
      std::string name(f.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r.headers[name] = std::string(f.value());
    }
    r.body = parser.get().body();
    r.complete = !ec && parser.is_done();
    return r;
  }
  Reply get(const std::string& target, const std::string& extra_headers = {}) {
    write("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers + "\r\n");
    return read();
  }
  tcp::socket& socket() { return socket_; }

 private:
  asio::io_context io_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

uint64_t rss_bytes() {
  std::ifstream in("/proc/self/status");
  std::string key;
  while (in >> key) {
    if (key == "VmRSS:") {
      uint64_t kib = 0;
      in >> kib;
      return kib * 1024;
    }
    in.ignore(1 << 10, '\n');
  }
  return 0;
}

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;  // ASan's quarantine keeps freed memory resident
#else
constexpr bool kSanitized = false;
#endif

class HttpRoutes : public ::testing::Test {
 protected:
  void start(std::vector<std::string> specs, HttpOptions options = {},
             std::chrono::milliseconds timeout = 1s) {
    runtime::Policy policy;
    policy.limits.timeout = timeout;
    policy.limits.max_memory = 32 << 20;
    policy.grants.env = {{"GREETING", "hello from a grant"}};
    server_ = std::make_unique<mcp::test::TestServer>(specs, policy);
    options.port = 0;
    options.access_log = false;
    auto started = HttpServer::start(*server_->server, options);
    ASSERT_TRUE(started) << started.error().message;
    http_ = std::move(*started);
  }
  void start_probe(HttpOptions options = {}, std::chrono::milliseconds timeout = 1s) {
    start({"probe=" + probe().string()}, std::move(options), timeout);
  }
  static std::filesystem::path probe() { return asterai::test::component("http-probe.wasm"); }
  uint16_t port() const { return http_->port(); }

  void expect_still_serving() {
    Client c(port());
    auto r = c.get("/hello");
    EXPECT_EQ(r.status, 200u);
    EXPECT_EQ(r.body, "hello, world\n");
  }
  std::string metrics() {
    Client c(port());
    return c.get("/metrics").body;
  }

  // Requests the probe's route has recorded, over every status.
  uint64_t requests_recorded() {
    std::istringstream in(metrics());
    std::string line;
    uint64_t total = 0;
    while (std::getline(in, line)) {
      if (line.starts_with("asterai_http_requests_total{member=\"probe\""))
        total += std::stoull(line.substr(line.rfind(' ') + 1));
    }
    return total;
  }

  // A call is recorded when the handler returns, which may be just after its answer reached
  // the client: wait, with a bound, for `n` recordings.
  uint64_t wait_for_recorded(uint64_t n) {
    auto deadline = std::chrono::steady_clock::now() + 30s;
    while (requests_recorded() < n && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(20ms);
    return requests_recorded();
  }

  // The metrics once they hold `line` (or after 30 s): a request is recorded when its handler
  // returns, which may be just after its answer reached the client.
  std::string metrics_with(const std::string& line) {
    auto deadline = std::chrono::steady_clock::now() + 30s;
    std::string m = metrics();
    while (m.find(line) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(20ms);
      m = metrics();
    }
    return m;
  }

  std::unique_ptr<mcp::test::TestServer> server_;
  std::unique_ptr<HttpServer> http_;
};

TEST_F(HttpRoutes, ALoneHandlerAnswersAtTheRootOnOneKeptAliveConnection) {
  start_probe();
  Client c(port());
  for (int i = 0; i < 20; ++i) {
    auto r = c.get("/hello");
    ASSERT_TRUE(r.complete);
    EXPECT_EQ(r.status, 200u);
    EXPECT_EQ(r.headers["content-type"], "text/plain");
    EXPECT_EQ(r.body, "hello, world\n");
  }
  // The server's own paths stay its own.
  auto health = c.get("/healthz");
  EXPECT_EQ(health.status, 200u);
  EXPECT_NE(health.body.find("\"status\":\"ok\""), std::string::npos) << health.body;
  auto missing = c.get("/nowhere");
  EXPECT_EQ(missing.status, 404u);
  EXPECT_EQ(missing.body, "not found\n");
}

TEST_F(HttpRoutes, SeveralHandlersAreMountedByNameWithThePrefixRemoved) {
  start({"a=" + probe().string(), "b=" + probe().string(),
         "ks=" + asterai::test::component("kitchen-sink-c.wasm").string()});
  Client c(port());
  auto info = nlohmann::json::parse(c.get("/b/info?q=1").body);
  EXPECT_EQ(info["path"], "/info");
  EXPECT_EQ(info["query"], "q=1");
  EXPECT_EQ(info["headers"]["x-forwarded-prefix"], "/b");
  EXPECT_EQ(c.get("/a/hello").body, "hello, world\n");
  EXPECT_EQ(c.get("/a").body, "hello, world\n");  // "/" under the route
  EXPECT_EQ(c.get("/ab/hello").status, 404u);     // not under /a: nobody's route
  // The tool component next to them is still a tool.
  std::string call_body = R"({"tool":"ks_add","arguments":{"a":2,"b":3}})";
  c.write(
      "POST /v1/call HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Content-Length: " +
      std::to_string(call_body.size()) + "\r\n\r\n" + call_body);
  auto call = c.read();
  EXPECT_EQ(call.status, 200u) << call.body;
  EXPECT_NE(call.body.find("\"result\":5"), std::string::npos) << call.body;
}

TEST_F(HttpRoutes, GrantsReachTheHandlerAndNothingElse) {
  start_probe();
  Client c(port());
  EXPECT_EQ(c.get("/env?name=GREETING").body, "hello from a grant");
  setenv("ASTERAI_ROUTE_TEST_SECRET", "host only", 1);
  EXPECT_EQ(c.get("/env?name=ASTERAI_ROUTE_TEST_SECRET").status, 404u);
}

// 256 MiB up and back down at once, chunked in both directions; the server's memory grows by
// far less than the body (it is never held whole, on either side of the sandbox).
TEST_F(HttpRoutes, A256MiBBodyStreamsThroughWithBoundedMemory) {
  HttpOptions options;
  options.http_max_body = 300 << 20;
  start_probe(options, 120s);  // the whole exchange is one call: time for a slow machine
  const size_t total = 256u << 20;
  expect_still_serving();  // the instance pool and first-use costs are behind us
  uint64_t rss_before = rss_bytes();
  Client c(port());
  c.write(
      "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
      "Content-Type: application/octet-stream\r\n\r\n");
  std::thread writer([&] {
    std::string piece(1 << 20, '\0');
    for (size_t i = 0; i < piece.size(); ++i) piece[i] = static_cast<char>('a' + i % 26);
    char head[32];
    int n = std::snprintf(head, sizeof head, "%zx\r\n", piece.size());
    for (size_t sent = 0; sent < total; sent += piece.size()) {
      beast::error_code ec;
      std::array<asio::const_buffer, 3> parts = {asio::buffer(head, static_cast<size_t>(n)),
                                                 asio::buffer(piece), asio::buffer("\r\n", 2)};
      asio::write(c.socket(), parts, ec);
      if (ec) return;
    }
    asio::write(c.socket(), asio::buffer(std::string_view("0\r\n\r\n")));
  });
  // Read the response as it streams, checking the pattern without keeping it.
  bhttp::response_parser<bhttp::buffer_body> parser;
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  beast::flat_buffer buffer;
  beast::error_code ec;
  bhttp::read_header(c.socket(), buffer, parser, ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(parser.get().result_int(), 200u);
  std::vector<char> chunk(1 << 16);
  size_t received = 0;
  bool pattern_ok = true;
  uint64_t rss_peak = rss_before;
  while (!parser.is_done()) {
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    bhttp::read(c.socket(), buffer, parser, ec);
    if (ec == bhttp::error::need_buffer) ec = {};
    if (ec) break;
    size_t n = chunk.size() - parser.get().body().size;
    for (size_t i = 0; i < n; i += 997)
      pattern_ok &= chunk[i] == static_cast<char>('a' + (received + i) % (1 << 20) % 26);
    received += n;
    if (received % (16 << 20) < n) rss_peak = std::max(rss_peak, rss_bytes());
  }
  writer.join();
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(received, total);
  EXPECT_TRUE(pattern_ok);
  rss_peak = std::max(rss_peak, rss_bytes());
  if (!kSanitized) {
    EXPECT_LT(rss_peak - rss_before, uint64_t{64} << 20);
  }
  std::string bytes = "asterai_http_request_body_bytes_total{member=\"probe\",route=\"/\"} " +
                      std::to_string(total);
  auto m = metrics_with(bytes);
  EXPECT_NE(m.find(bytes), std::string::npos) << m;
}

TEST_F(HttpRoutes, ABodyOverTheLimitIs413) {
  HttpOptions options;
  options.http_max_body = 1000;
  start_probe(options);
  {
    // Declared too large: refused before the handler runs.
    Client c(port());
    c.write("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5000\r\n\r\n");
    auto r = c.read();
    EXPECT_EQ(r.status, 413u);
    EXPECT_NE(r.body.find("over this route's limit of 1000 bytes"), std::string::npos) << r.body;
  }
  {
    // Chunked past the limit: the echo has answered already, so the body is cut.
    Client c(port());
    std::string chunk(800, 'x');
    c.write("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n320\r\n" +
            chunk + "\r\n320\r\n" + chunk + "\r\n0\r\n\r\n");
    auto r = c.read();
    EXPECT_FALSE(r.complete);
    EXPECT_LE(r.body.size(), 1000u);
  }
  expect_still_serving();
}

TEST_F(HttpRoutes, EachFaultHasItsStatusAndTheServerKeepsServing) {
  start_probe();
  struct Case {
    const char* path;
    unsigned status;
    const char* reason;
  };
  for (const Case& k :
       {Case{"/trap", 500, "probe: trap: "}, Case{"/loop", 504, "probe: timeout: "},
        Case{"/sleep", 504, "probe: timeout: "}, Case{"/oom", 500, "probe: out-of-memory: "},
        Case{"/drop", 500, "returned without setting a response"}}) {
    Client c(port());
    auto r = c.get(k.path);
    EXPECT_EQ(r.status, k.status) << k.path << ": " << r.body;
    EXPECT_NE(r.body.find(k.reason), std::string::npos) << k.path << ": " << r.body;
    EXPECT_EQ(std::count(r.body.begin(), r.body.end(), '\n'), 1) << "one line: " << r.body;
    expect_still_serving();
  }
  // A trap after the head: the client must not take the body for a whole one.
  Client c(port());
  auto half = c.get("/half");
  EXPECT_EQ(half.status, 200u);
  EXPECT_FALSE(half.complete);
  EXPECT_LT(half.body.size(), 100u);
  expect_still_serving();
  std::string timeouts =
      "asterai_http_request_errors_total{member=\"probe\",route=\"/\",kind=\"timeout\"} 2";
  auto m = metrics_with(timeouts);
  EXPECT_NE(m.find(timeouts), std::string::npos) << m;
}

TEST_F(HttpRoutes, AClientThatLeavesMidBodyDoesNotHoldTheHandler) {
  start_probe();
  for (int i = 0; i < 3; ++i) {
    Client c(port());
    c.write("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10000000\r\n\r\n" +
            std::string(100000, 'y'));
    std::this_thread::sleep_for(20ms);
    c.socket().close();
  }
  // A client that asks for a body and stops reading at once.
  {
    Client c(port());
    c.write(
        "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        "100000\r\n" +
        std::string(0x100000, 'z') + "\r\n");
    c.socket().close();
  }
  expect_still_serving();
  // Every one of those calls ends by itself (recorded once it returned), none by its timeout:
  // the guest's reads and writes fail as soon as the client is gone.
  EXPECT_EQ(wait_for_recorded(5), 5u) << metrics();
  EXPECT_EQ(metrics().find("kind=\"timeout\""), std::string::npos) << metrics();
}

TEST_F(HttpRoutes, TwoHundredConcurrentRequestsAllGetTheirAnswer) {
  start_probe();
  std::atomic<int> good{0};
  std::mutex failures_mutex;
  std::vector<std::string> failures;
  std::vector<std::thread> threads;
  for (int i = 0; i < 200; ++i) {
    threads.emplace_back([&, i] {
      Client c(port());
      int code = 400 + i % 50;  // distinct answers, all with a body (not 204)
      auto r = c.get("/status?code=" + std::to_string(code));
      if (r.status == static_cast<unsigned>(code) &&
          r.body == "status " + std::to_string(code) + "\n") {
        ++good;
      } else {
        std::lock_guard lock(failures_mutex);
        failures.push_back(std::to_string(r.status) + " " + r.body);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(good.load(), 200) << (failures.empty() ? "" : failures.front());
  EXPECT_EQ(wait_for_recorded(200), 200u) << metrics();
  auto m = metrics();
  EXPECT_NE(m.find("asterai_http_requests_total{member=\"probe\",route=\"/\",status=\"449\"} 4"),
            std::string::npos)
      << m;
}

}  // namespace
}  // namespace asterai::httpapi
