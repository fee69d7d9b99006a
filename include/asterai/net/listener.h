// The TCP listener (optional TLS) under both HTTP servers, the registry's and the one of
// `asterai serve --listen`: asynchronous, an event loop (io_context on its own thread) per
// core, each connection a C++20 coroutine on one loop. Deadlines bound every wait on a
// client (Connection::Deadlines), so a slow or silent client holds a descriptor, not a
// thread. Connections are capped in total and per client IP address; one over a cap is
// answered 503 with Retry-After and closed cleanly. Blocking work goes to a bounded
// BlockingPool the listener owns. What is spoken on a connection is the handler's business.
#pragma once

#include "asterai/net/awaitable.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "asterai/common/error.h"
#include "asterai/net/connection.h"

namespace asterai::net {

struct ListenerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;     // 0 = any free port
  std::string tls_cert;  // PEM chain; TLS is on when both are set
  std::string tls_key;
  // Open connections, all clients together; lowered to what RLIMIT_NOFILE allows (its soft
  // limit is raised to the hard one at start).
  size_t max_connections = 16384;
  size_t max_connections_per_client = 1024;  // per client IP address
  Deadlines deadlines;
  unsigned threads = 0;       // event loops; 0 = one per core
  size_t max_blocking = 256;  // BlockingPool threads
  size_t max_blocking_queued = 4096;
  int retry_after_seconds = 1;  // in the 503 over a cap
};

// The body of the 503 a server answers when over a cap (its own error format).
struct Overloaded {
  std::string content_type = "text/plain";
  std::string body = "too many connections\n";
};

class Listener {
 public:
  // Speaks the protocol on one connection; the listener closes it when this returns.
  using Handler = std::function<boost::asio::awaitable<void>(Connection&)>;

  // Binds, listens and starts the event loops. The handler must stay valid until stop()
  // returns.
  static Result<std::unique_ptr<Listener>> start(const ListenerOptions& options, Handler handler,
                                                 Overloaded overloaded = {});
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  uint16_t port() const;
  // The connection cap in force (max_connections, lowered to fit RLIMIT_NOFILE).
  size_t max_connections() const;
  size_t open_connections() const;
  // Stops accepting and cuts every connection; then `before_join` runs (to wake handlers
  // waiting on something other than their socket); then waits for every handler to return,
  // and stops the loops and the pool. Idempotent.
  void stop(const std::function<void()>& before_join = {});
  // Blocks until stop() is called from another thread.
  void wait();

  struct Impl;

 private:
  explicit Listener(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Raises RLIMIT_NOFILE's soft limit to its hard limit; returns the soft limit now in force.
size_t raise_open_file_limit();

}  // namespace asterai::net
