// The shared listener on its own, with plain sockets on 127.0.0.1: connections are handed to
// the handler, the limit is enforced with the refuser's answer, idle connections are cut,
// and stop() ends blocked handlers.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <string>

#include "asterai/net/listener.h"

namespace asterai::net {
namespace {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// A blocking client socket; reads give up after 20 s so a broken listener fails, not hangs.
class Client {
 public:
  explicit Client(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    timeval tv{20, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~Client() { ::close(fd_); }
  bool connected() const { return connected_; }
  void send(const std::string& s) {
    ASSERT_EQ(::write(fd_, s.data(), s.size()), ssize_t(s.size()));
  }
  // Everything until the peer closes (or the timeout: then `closed` stays false).
  std::string read_all(bool* closed = nullptr) {
    std::string out;
    char buf[256];
    for (;;) {
      ssize_t n = ::read(fd_, buf, sizeof buf);
      if (n > 0) {
        out.append(buf, size_t(n));
        continue;
      }
      if (closed) *closed = n == 0 || errno == ECONNRESET;
      return out;
    }
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

ListenerOptions options(size_t max_connections = 8, int idle_seconds = 60) {
  ListenerOptions o;
  o.host = "127.0.0.1";
  o.port = 0;
  o.max_connections = max_connections;
  o.idle_timeout_seconds = idle_seconds;
  return o;
}

// Echoes one line back upper-cased, then closes; or blocks reading until cut.
void echo_line(tcp::socket socket, asio::ssl::context* tls, ConnectionSlot& slot) {
  EXPECT_EQ(tls, nullptr);
  std::string line;
  char c;
  boost::system::error_code ec;
  while (asio::read(socket, asio::buffer(&c, 1), ec) == 1 && c != '\n') line += char(toupper(c));
  if (!ec) asio::write(socket, asio::buffer(line + "\n"), ec);
  slot.release();
  socket.close(ec);
}

TEST(Listener, HandsEachConnectionToTheHandler) {
  auto l = Listener::start(options(), echo_line, nullptr);
  ASSERT_TRUE(l) << l.error().message;
  ASSERT_NE((*l)->port(), 0);
  for (int i = 0; i < 3; ++i) {
    Client c((*l)->port());
    ASSERT_TRUE(c.connected());
    c.send("hello " + std::to_string(i) + "\n");
    bool closed = false;
    EXPECT_EQ(c.read_all(&closed), "HELLO " + std::to_string(i) + "\n");
    EXPECT_TRUE(closed);
  }
}

TEST(Listener, OverTheLimitGetsTheRefusersAnswer) {
  auto l = Listener::start(options(/*max_connections=*/1), echo_line, [](tcp::socket& s) {
    boost::system::error_code ec;
    asio::write(s, asio::buffer(std::string("busy\n")), ec);
  });
  ASSERT_TRUE(l);
  Client first((*l)->port());
  first.send("x");  // the handler now waits for the rest of the line
  Client second((*l)->port());
  bool closed = false;
  EXPECT_EQ(second.read_all(&closed), "busy\n");
  EXPECT_TRUE(closed);
  first.send("\n");
  EXPECT_EQ(first.read_all(), "X\n");
}

TEST(Listener, IdleConnectionsAreCut) {
  auto l = Listener::start(options(8, /*idle_seconds=*/1), echo_line, nullptr);
  ASSERT_TRUE(l);
  Client idle((*l)->port());
  ASSERT_TRUE(idle.connected());
  bool closed = false;
  EXPECT_EQ(idle.read_all(&closed), "");  // nothing sent: the reaper shuts it down
  EXPECT_TRUE(closed);
}

TEST(Listener, StopEndsBlockedHandlersAndRunsTheHook) {
  std::atomic<int> served{0};
  auto l = Listener::start(
      options(),
      [&](tcp::socket s, asio::ssl::context* tls, ConnectionSlot& slot) {
        echo_line(std::move(s), tls, slot);
        ++served;
      },
      nullptr);
  ASSERT_TRUE(l);
  Client a((*l)->port()), b((*l)->port());
  a.send("partial");
  b.send("partial");
  // Both are accepted and blocked in read once the listener answers a third one.
  {
    Client c((*l)->port());
    c.send("ping\n");
    EXPECT_EQ(c.read_all(), "PING\n");
  }
  bool hook = false;
  (*l)->stop([&] { hook = true; });
  EXPECT_TRUE(hook);
  EXPECT_EQ(served.load(), 3);
  (*l)->stop();  // idempotent
}

TEST(Listener, BadAddressAndHalfTlsAreUsageErrors) {
  auto o = options();
  o.host = "not an address";
  auto bad = Listener::start(o, echo_line, nullptr);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::usage);
  o = options();
  o.tls_cert = "cert.pem";
  auto half = Listener::start(o, echo_line, nullptr);
  ASSERT_FALSE(half);
  EXPECT_EQ(half.error().kind, ErrorKind::usage);
}

}  // namespace
}  // namespace asterai::net
