// The HTTP listener of `asterai serve --listen`: MCP Streamable HTTP on /mcp and the plain
// API (api.h) on the same port. Boost.Beast on the asynchronous listener (net/listener.h):
// connections live on event loops that only parse and write; tool calls run on the
// executor's workers and resume the connection when they end.
// Every request passes the Origin check (DNS-rebinding protection: browsers' cross-site
// requests are refused) and, with a token, the bearer check.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "asterai/common/error.h"
#include "asterai/mcp/server.h"

namespace asterai::httpapi {

struct HttpOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0 = any free port (see HttpServer::port)
  // Required as "Authorization: Bearer <token>" on every path but /healthz; empty = none.
  std::string token;
  // Origins allowed besides loopback ones (http://localhost:*, http://127.0.0.1:*,
  // http://[::1]:*), e.g. "https://app.example.com".
  std::vector<std::string> allowed_origins;
  size_t max_body = 4 << 20;  // larger requests get 413 (the API and /mcp)
  // Largest request body a proxy component's route takes, unless the route sets its own.
  uint64_t http_max_body = 16 << 20;
  // One JSON line per request to a proxy component's route, on stderr.
  bool access_log = true;
  int idle_timeout_seconds = 60;             // keep-alive wait for the next request
  int header_timeout_seconds = 10;           // a request's headers must arrive within this
  int body_timeout_seconds = 30;             // longest silence within a request body or a response
  size_t max_connections = 16384;            // all clients; beyond: 503 + Retry-After
  size_t max_connections_per_client = 1024;  // per client IP address
};

class HttpServer {
 public:
  static Result<std::unique_ptr<HttpServer>> start(mcp::Server& server, HttpOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  uint16_t port() const;
  // Stops accepting, ends open streams and connections, joins their threads.
  void stop();

  struct Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// True when the Origin header value is allowed: absent, a loopback origin, or listed.
bool origin_allowed(const std::string& origin, const std::vector<std::string>& allowed);

}  // namespace asterai::httpapi
