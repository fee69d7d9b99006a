// The registry's HTTP(S) server on the asynchronous listener (net/listener.h): connections
// live on event loops, each request's handler runs on the listener's blocking pool (SQLite
// and storage block), blob uploads and downloads stream between socket and storage.
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
  size_t max_connections = 16384;            // all clients; beyond: 503 + Retry-After
  size_t max_connections_per_client = 1024;  // per client IP address
  int idle_timeout_seconds = 60;             // keep-alive wait for the next request
  int header_timeout_seconds = 10;           // a request's headers must arrive within this
  int body_timeout_seconds = 30;             // longest silence within a request body or a response
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
