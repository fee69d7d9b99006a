#include "asterai/httpapi/server.h"

#include "asterai/net/listener.h"

#include "asterai/httpapi/site.h"

namespace asterai::httpapi {

namespace {

// `serve --listen`: one server at the root; nothing is left for handle().
class RootSite : public Site {
 public:
  explicit RootSite(const Routes& routes) : routes_(routes) {}
  std::optional<Mount> mount(std::string&, const mcp::HttpRequest&) const override {
    Mount m;
    m.routes = &routes_;
    return m;
  }
  mcp::HttpResponse handle(const mcp::HttpRequest&) const override { return {}; }
  size_t max_body() const override { return routes_.options.max_body; }
  void closing() const override { routes_.mcp.close_streams(); }

 private:
  const Routes& routes_;
};

}  // namespace

struct HttpServer::Impl {
  mcp::Server& server;
  HttpOptions options;
  mcp::StreamableHttp mcp;
  Routes routes{server, mcp, options};
  RootSite site{routes};
  std::unique_ptr<net::Listener> listener;

  Impl(mcp::Server& s, HttpOptions o) : server(s), options(std::move(o)), mcp(s) {}
};

net::ListenerOptions listener_options(const HttpOptions& o) {
  net::ListenerOptions listen;
  listen.host = o.host;
  listen.port = o.port;
  listen.max_connections = o.max_connections;
  listen.max_connections_per_client = o.max_connections_per_client;
  listen.deadlines.idle = std::chrono::seconds(o.idle_timeout_seconds);
  listen.deadlines.header = std::chrono::seconds(o.header_timeout_seconds);
  listen.deadlines.body = std::chrono::seconds(o.body_timeout_seconds);
  listen.deadlines.write = std::chrono::seconds(o.body_timeout_seconds);
  return listen;
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() {
  stop();
}

Result<std::unique_ptr<HttpServer>> HttpServer::start(mcp::Server& server, HttpOptions options) {
  auto impl = std::make_unique<Impl>(server, std::move(options));
  const Site* site = &impl->site;  // owned by impl, which outlives the listener
  auto handler = [site](net::Connection& connection) {
    return serve_connection(*site, connection);
  };
  net::Overloaded overloaded{
      "application/json",
      R"({"ok":false,"error":{"kind":"busy","message":"too many clients"}})"};
  impl->listener = ASTERAI_TRY(
      net::Listener::start(listener_options(impl->options), handler, std::move(overloaded)));
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

uint16_t HttpServer::port() const {
  return impl_->listener->port();
}

void HttpServer::stop() {
  if (!impl_ || !impl_->listener) return;
  // Event streams wait on the MCP session, not on their socket: wake them before the join.
  impl_->listener->stop([this] { impl_->site.closing(); });
}

bool origin_allowed(const std::string& origin, const std::vector<std::string>& allowed) {
  if (origin.empty()) return true;  // not a browser: nothing to protect against
  for (const auto& a : allowed)
    if (a == origin || a == "*") return true;
  // Loopback origins: scheme://host[:port] with host localhost, 127.0.0.1 or [::1].
  for (std::string_view scheme : {"http://", "https://"}) {
    if (!origin.starts_with(scheme)) continue;
    std::string_view host = std::string_view(origin).substr(scheme.size());
    for (std::string_view loopback : {"localhost", "127.0.0.1", "[::1]"}) {
      if (host == loopback) return true;
      if (!host.starts_with(loopback) || host.size() < loopback.size() + 2 ||
          host[loopback.size()] != ':')
        continue;
      auto port = host.substr(loopback.size() + 1);
      if (port.find_first_not_of("0123456789") == std::string_view::npos) return true;
    }
  }
  return false;
}

}  // namespace asterai::httpapi
