// A tiny HTTP/1.1 server on 127.0.0.1 for the sandbox tests: it answers every request with one
// fixed status and records what reached it, so a test can prove a refused request was never
// sent. It can also answer with a body of a chosen size and count the request body bytes it
// read (metering tests), or never answer at all (timeout tests). Bounded: it accepts at most
// `max_connections` connections and stops by itself after `lifetime`, so a broken test
// cannot leave it running.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace asterai::test {

class LoopbackHttpServer {
 public:
  explicit LoopbackHttpServer(int status = 200, int max_connections = 32,
                              std::chrono::seconds lifetime = std::chrono::seconds(60));
  ~LoopbackHttpServer();  // stops and joins the serving thread
  LoopbackHttpServer(const LoopbackHttpServer&) = delete;
  LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;

  uint16_t port() const { return port_; }
  // "127.0.0.1:PORT"
  std::string authority() const;
  // "http://127.0.0.1:PORT" + path
  std::string url(const std::string& path) const;

  // Every request received so far, as "METHOD TARGET" ("GET /allowed"), in order.
  std::vector<std::string> requests() const;
  // Every TCP connection accepted so far, whether or not it carried a request.
  int connections() const { return connections_.load(); }
  // Request body bytes read so far (Content-Length or chunked bodies, decoded).
  uint64_t body_bytes_received() const { return body_bytes_.load(); }

  // From now on, answer with `n` bytes of "abc…z" repeated instead of "recorded\n".
  void set_response_body_size(size_t n) { response_body_size_ = n; }
  // From now on, read each request and then hold the connection open without ever answering
  // (until the server stops): a server that accepts but never responds.
  void never_answer() { never_answer_ = true; }
  // From now on, send the response head and the first half of the body, then hold the
  // connection open (until the server stops): a body that stalls mid-way.
  void stall_mid_body() { stall_mid_body_ = true; }

 private:
  void serve(std::chrono::steady_clock::time_point deadline);
  void handle(int fd, std::chrono::steady_clock::time_point deadline);
  uint64_t read_body(int fd, const std::string& head, std::string rest);

  int status_;
  int max_connections_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::atomic<uint64_t> body_bytes_{0};
  std::atomic<size_t> response_body_size_{SIZE_MAX};  // SIZE_MAX: "recorded\n"
  std::atomic<bool> never_answer_{false};
  std::atomic<bool> stall_mid_body_{false};
  mutable std::mutex mutex_;
  std::vector<std::string> requests_;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace asterai::test
