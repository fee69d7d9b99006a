// The listener against clients that misbehave, over real sockets: thousands of idle
// connections, slowloris headers, a client that stops reading a response, a flood of new
// connections over the cap. Each checks that legitimate clients are still served and that
// the bad ones end as they should; counts and waits are bounded, nothing is timed.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "asterai/net/listener.h"
#include "test_http.h"

namespace asterai::net {
namespace {
using namespace std::chrono_literals;
using test::Client;
using test::eventually;

// A non-blocking connect to the listener, left idle.
int open_idle(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 && errno != EINPROGRESS) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// The server of the 10,000-connection test runs in a child process: a process holding both
// ends would need twice the descriptors. Closing `hold_` tells it to stop.
class ServerProcess {
 public:
  explicit ServerProcess(const ListenerOptions& options) {
    int ready[2], hold[2];
    if (::pipe(ready) != 0 || ::pipe(hold) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::close(ready[0]);
      ::close(hold[1]);  // else the child would wait for its own end to close
      serve(options, ready[1], hold[0]);
    }
    ::close(ready[1]);
    ::close(hold[0]);
    hold_ = hold[1];
    if (::read(ready[0], &port_, sizeof port_) != sizeof port_) port_ = 0;
    ::close(ready[0]);
  }
  ~ServerProcess() { finish(); }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  uint16_t port() const { return port_; }
  // Stops the child; its exit status (0 = it stopped cleanly).
  int finish() {
    if (pid_ <= 0) return -1;
    ::close(hold_);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  }

 private:
  [[noreturn]] static void serve(const ListenerOptions& options, int ready, int hold) {
    auto listener = test::start_test_listener(options);
    uint16_t port = listener ? listener->port() : 0;
    if (::write(ready, &port, sizeof port) != sizeof port) ::_exit(2);
    char c;
    while (::read(hold, &c, 1) > 0) {
    }
    if (!listener) ::_exit(1);
    listener->stop();
    ::_exit(0);
  }

  pid_t pid_ = -1;
  int hold_ = -1;
  uint16_t port_ = 0;
};

TEST(Robustness, TenThousandIdleConnectionsAndAWorkingClient) {
  constexpr size_t kIdle = 10'000;
  constexpr size_t kNeeded = kIdle + 256;  // the idle sockets, the clients, the test's own
  size_t limit = raise_open_file_limit();
  if (limit < kNeeded) {
    GTEST_SKIP() << "RLIMIT_NOFILE's hard limit allows " << limit << " open files; this test "
                 << "needs " << kNeeded << " (raise it, e.g. ulimit -Hn 65536)";
  }
  auto o = ListenerOptions{};
  o.threads = 2;
  o.max_connections = kIdle + 100;
  o.max_connections_per_client = kIdle + 100;
  o.deadlines.header = 120s;  // the idle ones stay for the whole test
  ServerProcess server(o);
  ASSERT_GT(server.port(), 0);
  Client counter(server.port());
  ASSERT_EQ(counter.get("/"), "ok");

  std::vector<int> idle;
  idle.reserve(kIdle);
  // In batches the accept queue can take, each confirmed by the server's own count.
  while (idle.size() < kIdle) {
    for (int i = 0; i < 1000; ++i) {
      int fd = open_idle(server.port());
      ASSERT_GE(fd, 0) << "connect failed after " << idle.size() << ": " << strerror(errno);
      idle.push_back(fd);
    }
    ASSERT_TRUE(eventually(counter, "/count", std::to_string(idle.size() + 1)))
        << "the server does not hold " << idle.size() << " idle connections";
  }
  // A new client is served while all of them are held, several requests over keep-alive.
  Client working(server.port());
  ASSERT_TRUE(working.connected());
  for (int i = 0; i < 20; ++i) ASSERT_EQ(working.get("/"), "ok") << "request " << i;
  EXPECT_EQ(working.get("/count"), std::to_string(kIdle + 2));
  for (int fd : idle) ::close(fd);
  EXPECT_TRUE(eventually(counter, "/count", "2"));
  EXPECT_EQ(server.finish(), 0);
}

TEST(Robustness, SlowlorisHeadersAreCutWhileOthersAreServed) {
  auto o = ListenerOptions{};
  o.threads = 2;
  o.deadlines.header = 1s;
  auto l = test::start_test_listener(o);
  ASSERT_TRUE(l);
  std::vector<std::unique_ptr<Client>> slow;
  for (int i = 0; i < 50; ++i) {
    slow.push_back(std::make_unique<Client>(l->port()));
    slow.back()->send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  }
  Client good(l->port());
  // A header line now and then from each, never the blank line that ends them.
  for (int round = 0; round < 8; ++round) {
    for (auto& c : slow) c->send("X-Slow: " + std::to_string(round) + "\r\n");
    EXPECT_EQ(good.get("/"), "ok") << "round " << round;
    std::this_thread::sleep_for(250ms);
  }
  for (size_t i = 0; i < slow.size(); ++i) EXPECT_TRUE(slow[i]->wait_closed()) << i;
  EXPECT_TRUE(eventually(good, "/count", "1"));
}

TEST(Robustness, AClientThatStopsReadingIsCutAtTheWriteDeadline) {
  auto o = ListenerOptions{};
  o.threads = 2;
  o.deadlines.write = 1s;
  auto l = test::start_test_listener(o);
  ASSERT_TRUE(l);
  Client stalled(l->port());
  ASSERT_TRUE(stalled.send(test::get_request("/big")));  // 64 MiB it never reads
  Client good(l->port());
  EXPECT_EQ(good.get("/"), "ok");
  // Once the socket buffers are full, the write deadline ends the stalled connection.
  EXPECT_TRUE(eventually(good, "/count", "1"));
  EXPECT_TRUE(stalled.wait_closed());
  EXPECT_EQ(good.get("/"), "ok");
}

TEST(Robustness, AFloodOfNewConnectionsGetsAnswersNotResets) {
  constexpr size_t kCap = 32;
  constexpr size_t kFlood = 400;
  auto o = ListenerOptions{};
  o.threads = 2;
  o.max_connections = kCap;
  auto l = test::start_test_listener(o);
  ASSERT_TRUE(l);
  std::vector<std::unique_ptr<Client>> flood;
  for (size_t i = 0; i < kFlood; ++i) flood.push_back(std::make_unique<Client>(l->port()));
  // Every connection gets a whole answer: served within the cap, 503 + Retry-After beyond.
  size_t served = 0, refused = 0;
  for (size_t i = 0; i < kFlood; ++i) {
    ASSERT_TRUE(flood[i]->connected()) << i;
    flood[i]->send(test::get_request("/"));
    auto response = flood[i]->read_response();
    int status = test::status_of(response);
    ASSERT_TRUE(status == 200 || status == 503) << "connection " << i << ": " << response;
    if (status == 503) {
      EXPECT_EQ(test::header_of(response, "retry-after"), "1");
      ++refused;
    } else {
      ++served;
    }
  }
  EXPECT_EQ(served, kCap);
  EXPECT_EQ(refused, kFlood - kCap);
  flood.clear();
  // Once they are gone, a new client is admitted again.
  bool admitted = false;
  for (int i = 0; i < 500 && !admitted; ++i) {
    Client fresh(l->port());
    admitted = fresh.get("/") == "ok";
    if (!admitted) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(admitted);
}

}  // namespace
}  // namespace asterai::net
