// The registry's HTTP(S) server. One thread per connection with blocking I/O: blob
// uploads and downloads stream straight between socket and file, and SQLite calls
// block anyway; a reaper thread closes connections that make no progress.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "asterai/registry/registry.h"

namespace asterai::registry::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 5000;  // 0 = any free port (tests)
  std::string tls_cert;  // PEM chain; TLS is on when both are set
  std::string tls_key;
  size_t max_connections = 1024;
  int idle_timeout_seconds = 60;
};

class Server {
 public:
  // Binds and starts accepting; `registry` must outlive the server.
  static Result<std::unique_ptr<Server>> start(Registry& registry, const ServerOptions& options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  uint16_t port() const;
  // Stops accepting, closes every connection and joins all threads. Idempotent.
  void stop();
  // Blocks until stop() is called (from another thread or a signal handler's thread).
  void wait();

  struct Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace asterai::registry::http
