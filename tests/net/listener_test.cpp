// The shared listener on its own, over real sockets on 127.0.0.1 with the small handler of
// test_http.h: keep-alive, the caps and their 503 + Retry-After, the deadlines, stop(), the
// open-file limit and bad options.
#include "asterai/net/listener.h"

#include <gtest/gtest.h>

#include <sys/resource.h>

#include <chrono>
#include <csignal>
#include <memory>
#include <thread>
#include <vector>

#include "test_http.h"

namespace asterai::net {
namespace {
using namespace std::chrono_literals;
using test::Client;

ListenerOptions options() {
  ListenerOptions o;
  o.threads = 2;
  return o;
}

TEST(Listener, ServesKeepAliveRequestsAndBlockingWork) {
  auto l = test::start_test_listener(options());
  ASSERT_TRUE(l);
  ASSERT_NE(l->port(), 0);
  Client c(l->port());
  ASSERT_TRUE(c.connected());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(c.get("/"), "ok");
  EXPECT_EQ(c.get("/block"), "ok");
  EXPECT_EQ(c.get("/count"), "1");
}

// The only loop's thread runs a job that ends only when another connection of that loop is
// served: a helper thread must serve the loop meanwhile, or the job gives up after 10 s.
TEST(Listener, ALoopLentToALongJobHasAHelperServeItsOtherConnections) {
  auto o = options();
  o.threads = 1;
  auto l = test::start_test_listener(o);
  ASSERT_TRUE(l);
  Client lender(l->port()), other(l->port());
  ASSERT_TRUE(lender.connected() && other.connected());
  ASSERT_TRUE(lender.send(test::get_request("/lend")));
  std::string released;
  for (int i = 0; i < 200 && released != "ok"; ++i) {
    released = other.get("/release");
    if (released == "not started") std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(released, "ok");
  auto answer = lender.read_response();
  EXPECT_EQ(test::status_of(answer), 200) << answer;
  EXPECT_TRUE(answer.ends_with("\r\n\r\nreleased")) << answer;
  // The owner has the loop back, and serves both connections.
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(lender.get("/"), "ok");
    EXPECT_EQ(other.get("/"), "ok");
  }
  EXPECT_EQ(lender.get("/release"), "not started");
}

TEST(Listener, OverTheCapIs503WithRetryAfterThenClosed) {
  auto o = options();
  o.max_connections = 2;
  auto l = test::start_test_listener(o);
  ASSERT_TRUE(l);
  Client a(l->port()), b(l->port());
  EXPECT_EQ(a.get("/"), "ok");  // both admitted before the third arrives
  EXPECT_EQ(b.get("/"), "ok");
  Client third(l->port());
  auto refused = third.read_response();
  EXPECT_EQ(test::status_of(refused), 503) << refused;
  EXPECT_EQ(test::header_of(refused, "retry-after"), "1");
  EXPECT_EQ(test::header_of(refused, "connection"), "close");
  EXPECT_TRUE(third.wait_closed());
  EXPECT_EQ(a.get("/"), "ok");  // the admitted ones are unaffected
}

TEST(Listener, OneClientOverItsCapDoesNotAffectOthers) {
  auto o = options();
  o.max_connections_per_client = 2;
  auto l = test::start_test_listener(o);
  ASSERT_TRUE(l);
  Client a(l->port(), "127.0.0.2"), b(l->port(), "127.0.0.2");
  EXPECT_EQ(a.get("/"), "ok");
  EXPECT_EQ(b.get("/"), "ok");
  Client greedy(l->port(), "127.0.0.2");
  EXPECT_EQ(test::status_of(greedy.read_response()), 503);
  Client other(l->port(), "127.0.0.1");
  EXPECT_EQ(other.get("/"), "ok");
}

TEST(Listener, SilentAndIdleConnectionsAreCut) {
  auto o = options();
  o.deadlines.header = 1s;
  o.deadlines.idle = 1s;
  auto l = test::start_test_listener(o);
  ASSERT_TRUE(l);
  Client silent(l->port());  // never sends a request: cut at the header deadline
  Client idle(l->port());    // one request, then keep-alive idle: cut at the idle deadline
  EXPECT_EQ(idle.get("/"), "ok");
  EXPECT_TRUE(silent.wait_closed());
  EXPECT_TRUE(idle.wait_closed());
  Client fresh(l->port());
  EXPECT_TRUE(test::eventually(fresh, "/count", "1"));  // only itself
}

TEST(Listener, StopEndsWaitingHandlersAndRunsTheHook) {
  auto l = test::start_test_listener(options());
  ASSERT_TRUE(l);
  Client a(l->port()), b(l->port());
  a.send("GET / HTTP/1.1\r\n");  // both wait in the middle of their headers
  b.send("GET / HTTP/1.1\r\n");
  Client c(l->port());
  EXPECT_EQ(c.get("/count"), "3");
  bool hook = false;
  l->stop([&] { hook = true; });
  EXPECT_TRUE(hook);
  EXPECT_TRUE(a.wait_closed());
  EXPECT_TRUE(b.wait_closed());
  EXPECT_EQ(l->open_connections(), 0u);
  l->stop();  // idempotent
}

TEST(Listener, RaisesTheOpenFileLimitAndFitsTheCapUnderIt) {
  auto o = options();
  o.max_connections = 1'000'000;
  auto l = test::start_test_listener(o);
  ASSERT_TRUE(l);
  rlimit limit{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &limit), 0);
  EXPECT_EQ(limit.rlim_cur, limit.rlim_max);
  EXPECT_LT(l->max_connections(), size_t(limit.rlim_cur));
}

TEST(Listener, AWriteToAClientThatLeftCannotKillTheServer) {
  // sendfile(2) has no MSG_NOSIGNAL: the listener makes SIGPIPE harmless for the process.
  // Without it, `asterai registry serve` died under wrk when wrk closed mid-blob.
  auto before = std::signal(SIGPIPE, SIG_DFL);
  auto l = test::start_test_listener({});
  ASSERT_TRUE(l);
  EXPECT_EQ(std::signal(SIGPIPE, before), SIG_IGN);
}

TEST(Listener, BadAddressAndHalfTlsAreUsageErrors) {
  auto handler = [](Connection&) -> boost::asio::awaitable<void> { co_return; };
  auto o = options();
  o.host = "not an address";
  auto bad = Listener::start(o, handler);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::usage);
  o = options();
  o.tls_cert = "cert.pem";
  auto half = Listener::start(o, handler);
  ASSERT_FALSE(half);
  EXPECT_EQ(half.error().kind, ErrorKind::usage);
}

}  // namespace
}  // namespace asterai::net
