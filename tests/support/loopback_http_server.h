// A tiny HTTP/1.1 server on 127.0.0.1 for the sandbox tests: it answers every request with one
// fixed status and records what reached it, so a test can prove a refused request was never
// sent. Bounded: it accepts at most `max_connections` connections and stops by itself after
// `lifetime`, so a broken test cannot leave it running.
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

 private:
  void serve(std::chrono::steady_clock::time_point deadline);
  void handle(int fd);

  int status_;
  int max_connections_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  mutable std::mutex mutex_;
  std::vector<std::string> requests_;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace asterai::test
