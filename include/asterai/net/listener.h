// A TCP listener with one thread per connection (blocking I/O), shared by the registry and
// the `serve` HTTP listener: the accept loop, a slot per connection with its idle deadline,
// a reaper thread that cuts idle connections and joins finished ones, a connection limit and
// optional TLS. What is spoken on a connection is the handler's business.
#pragma once

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "asterai/common/error.h"

namespace asterai::net {

// Shared by a connection's thread and the reaper. The reaper only shuts the fd down (never
// closes it), under `mutex`, while the connection still owns it, so a recycled descriptor
// number is never touched.
struct ConnectionSlot {
  std::thread thread;
  std::mutex mutex;
  int fd = -1;
  // When the reaper may cut the connection (ms on the steady clock).
  std::atomic<int64_t> deadline{0};
  std::atomic<bool> done{false};

  static int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  void idle_for(int seconds) { deadline = now_ms() + int64_t{seconds} * 1000; }
  // Never cut as idle (a long tool call or an event stream is being answered).
  void busy() { deadline = INT64_MAX; }
  void cut();      // shutdown(fd) if still owned
  void release();  // the connection is about to close its fd
};

struct ListenerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;     // 0 = any free port
  std::string tls_cert;  // PEM chain; TLS is on when both are set
  std::string tls_key;
  size_t max_connections = 1024;
  int idle_timeout_seconds = 60;
};

class Listener {
 public:
  // Serves one connection on its own thread until it returns; `tls` is null for plain TCP.
  using Handler = std::function<void(boost::asio::ip::tcp::socket socket,
                                     boost::asio::ssl::context* tls, ConnectionSlot& slot)>;
  // Answers a connection over the limit (e.g. 503) on the accept thread, then it is closed.
  using Refuser = std::function<void(boost::asio::ip::tcp::socket& socket)>;

  // Binds, listens and starts the accept and reaper threads. The handlers must stay valid
  // until stop() returns.
  static Result<std::unique_ptr<Listener>> start(const ListenerOptions& options, Handler handler,
                                                 Refuser overloaded);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  uint16_t port() const;
  // Stops accepting and cuts every connection; then `before_join` runs (to wake handlers
  // blocked on something other than their socket), and every thread is joined. Idempotent.
  void stop(const std::function<void()>& before_join = {});
  // Blocks until stop() is called from another thread.
  void wait();

  struct Impl;

 private:
  explicit Listener(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace asterai::net
