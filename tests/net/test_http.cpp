#include "test_http.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "asterai/common/inline_host.h"

namespace asterai::net::test {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

namespace {

auto with(beast::error_code& ec) {
  return asio::redirect_error(asio::use_awaitable, ec);
}

// The job /lend lends its loop's thread to: it waits for /release, at most 10 s.
struct LentJob {
  std::mutex mutex;
  std::condition_variable cv;
  bool started = false;
  bool released = false;
};
LentJob lent_job;

std::string lend_the_loop() {
  auto* host = inline_host();
  if (!host) return "no host";
  std::string outcome;
  host->lend([&outcome] {
    std::unique_lock lock(lent_job.mutex);
    lent_job.started = true;
    lent_job.released = false;
    lent_job.cv.wait_for(lock, std::chrono::seconds(10), [] { return lent_job.released; });
    outcome = lent_job.released ? "released" : "not released";
    lent_job.started = false;
  });
  return outcome;
}

std::string release_the_job() {
  {
    std::lock_guard lock(lent_job.mutex);
    if (!lent_job.started) return "not started";
    lent_job.released = true;
  }
  lent_job.cv.notify_all();
  return "ok";
}

asio::awaitable<void> serve(Connection& c, const std::atomic<Listener*>& listener) {
  while (co_await c.next_request()) {
    bhttp::request_parser<bhttp::string_body> parser;
    beast::error_code ec;
    co_await bhttp::async_read_header(c.stream(), c.buffer(), parser, with(ec));
    while (!ec && !parser.is_done()) {
      c.expect_body();
      co_await bhttp::async_read_some(c.stream(), c.buffer(), parser, with(ec));
    }
    if (ec) co_return;
    auto& req = parser.get();
    bhttp::response<bhttp::string_body> res{bhttp::status::ok, 11};
    std::string target(req.target());
    if (target == "/count") {
      res.body() = std::to_string(listener.load()->open_connections());
    } else if (target == "/big") {
      res.body() = std::string(size_t{64} << 20, 'x');
    } else if (target == "/block") {
      auto r = co_await c.pool().run([] {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        return std::string("ok");
      });
      res.body() = r ? *r : "refused";
    } else if (target == "/lend") {
      res.body() = lend_the_loop();
    } else if (target == "/release") {
      res.body() = release_the_job();
    } else {
      res.body() = "ok";
    }
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    c.expect_write();
    co_await bhttp::async_write(c.stream(), res, with(ec));
    if (ec || !req.keep_alive()) co_return;
  }
}

}  // namespace

std::unique_ptr<Listener> start_test_listener(ListenerOptions options) {
  auto holder = std::make_shared<std::atomic<Listener*>>(nullptr);
  auto started = Listener::start(
      options, [holder](Connection& c) { return serve(c, *holder); },
      Overloaded{"text/plain", "busy\n"});
  EXPECT_TRUE(started) << started.error().message;
  if (!started) return nullptr;
  *holder = started->get();
  return std::move(*started);
}

Client::Client(uint16_t port, const std::string& source, int timeout_seconds) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in local{};
  local.sin_family = AF_INET;
  ::inet_pton(AF_INET, source.c_str(), &local.sin_addr);
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) return;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  timeval tv{timeout_seconds, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

Client::~Client() {
  if (fd_ >= 0) ::close(fd_);
}

bool Client::send(const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += size_t(n);
  }
  return true;
}

std::string Client::read_response() {
  char buf[64 * 1024];
  for (;;) {
    auto end = pending_.find("\r\n\r\n");
    if (end != std::string::npos) {
      auto length = header_of(pending_.substr(0, end + 4), "content-length");
      size_t total = end + 4 + (length.empty() ? 0 : std::stoul(length));
      if (pending_.size() >= total) {
        std::string response = pending_.substr(0, total);
        pending_.erase(0, total);
        return response;
      }
    }
    ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n <= 0) return "";
    pending_.append(buf, size_t(n));
  }
}

std::string Client::get(const std::string& target, int* status) {
  if (!send(get_request(target))) return "";
  auto response = read_response();
  int code = status_of(response);
  if (status) *status = code;
  if (code != 200) return "";
  return response.substr(response.find("\r\n\r\n") + 4);
}

bool Client::wait_closed() {
  char buf[64 * 1024];
  for (;;) {
    ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n > 0) continue;
    return n == 0 || errno == ECONNRESET;
  }
}

std::string get_request(const std::string& target) {
  return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
}

int status_of(const std::string& response) {
  if (response.size() < 12 || !response.starts_with("HTTP/1.1 ")) return 0;
  return std::atoi(response.c_str() + 9);
}

std::string header_of(const std::string& response, const std::string& name) {
  size_t line = response.find("\r\n");
  while (line != std::string::npos && line + 2 < response.size()) {
    size_t next = response.find("\r\n", line + 2);
    if (next == std::string::npos || next == line + 2) break;
    std::string field = response.substr(line + 2, next - line - 2);
    auto colon = field.find(':');
    if (colon != std::string::npos) {
      std::string key = field.substr(0, colon);
      for (auto& ch : key) ch = char(std::tolower(static_cast<unsigned char>(ch)));
      if (key == name) {
        auto value = field.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        return value;
      }
    }
    line = next;
  }
  return "";
}

bool eventually(Client& client, const std::string& target, const std::string& expected,
                std::chrono::seconds within) {
  auto until = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < until) {
    if (client.get(target) == expected) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace asterai::net::test
