// What the listener tests talk to: a small HTTP/1.1 handler written the way the servers write
// theirs (next_request, the header / body / write deadlines), and blocking client sockets on
// 127.0.0.x with receive timeouts, so a broken listener fails a test instead of hanging it.
//   GET /        -> "ok"
//   GET /count   -> the listener's open connection count
//   GET /big     -> a 64 MiB body (for clients that stop reading)
//   GET /block   -> "ok" after 200 ms on the blocking pool
//   GET /lend    -> the loop's thread runs a job (InlineHost) that waits for /release (at
//                   most 10 s): "released", "not released" or "no host"
//   GET /release -> ends that job: "ok", or "not started" when none runs yet
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "asterai/net/listener.h"

namespace asterai::net::test {

// Starts a listener with the test handler; fails the test (ASSERT) when it cannot.
std::unique_ptr<Listener> start_test_listener(ListenerOptions options);

class Client {
 public:
  // Connects from `source` (any 127.0.0.0/8 address is local, so tests can be several
  // clients); `timeout_seconds` bounds every read.
  explicit Client(uint16_t port, const std::string& source = "127.0.0.1", int timeout_seconds = 20);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return connected_; }
  int fd() const { return fd_; }
  bool send(const std::string& bytes);
  // One whole response (headers and Content-Length body), or "" when the connection ended
  // or timed out first.
  std::string read_response();
  // GET `target` on this connection; the body of a 200, or "" (with `status` set when given).
  std::string get(const std::string& target, int* status = nullptr);
  // Reads until the peer closes; true when it did (EOF or reset) within the timeout.
  bool wait_closed();

 private:
  int fd_ = -1;
  bool connected_ = false;
  std::string pending_;
};

// Polls `target` on `client` until it answers `expected` (the listener's bookkeeping runs
// just after a connection is closed); bounded, so a failure is a failure.
bool eventually(Client& client, const std::string& target, const std::string& expected,
                std::chrono::seconds within = std::chrono::seconds(30));

// "GET target HTTP/1.1" with a Host header.
std::string get_request(const std::string& target);
int status_of(const std::string& response);
std::string header_of(const std::string& response, const std::string& name);

}  // namespace asterai::net::test
