// Serving one client connection (plain TCP or TLS) until it closes or idles out.
#pragma once

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <mutex>
#include <thread>

#include "asterai/registry/registry.h"

namespace asterai::registry::http {

// Shared between a connection's thread and the server's reaper. The fd is only shut down
// (never closed) from outside, under `mutex`, and only while the connection still owns it,
// so a recycled descriptor number is never touched.
struct ConnectionSlot {
  std::thread thread;
  std::mutex mutex;
  int fd = -1;
  std::atomic<int64_t> deadline{0};
  std::atomic<bool> done{false};

  static int64_t now() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  void touch(int timeout_seconds) { deadline = now() + int64_t{timeout_seconds} * 1000; }
  void cut();      // shutdown(fd) if still owned
  void release();  // the connection is about to close its fd
};

void serve_connection(Registry& registry, boost::asio::ssl::context* tls,
                      boost::asio::ip::tcp::socket socket, ConnectionSlot& slot,
                      int timeout_seconds);

// Answers 503 and closes, when the server is at its connection limit.
void serve_overloaded(boost::asio::ip::tcp::socket socket);

}  // namespace asterai::registry::http
