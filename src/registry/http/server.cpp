#include "asterai/registry/http/server.h"

#include "asterai/net/listener.h"

#include "http/connection.h"

namespace asterai::registry::http {
struct Server::Impl {
  Registry& registry;
  ServerOptions options;
  std::unique_ptr<net::Listener> listener;

  Impl(Registry& r, ServerOptions o) : registry(r), options(std::move(o)) {}
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  stop();
}

Result<std::unique_ptr<Server>> Server::start(Registry& registry, const ServerOptions& options) {
  auto impl = std::make_unique<Impl>(registry, options);
  net::ListenerOptions listen;
  listen.host = options.host;
  listen.port = options.port;
  listen.tls_cert = options.tls_cert;
  listen.tls_key = options.tls_key;
  listen.max_connections = options.max_connections;
  listen.max_connections_per_client = options.max_connections_per_client;
  listen.deadlines.idle = std::chrono::seconds(options.idle_timeout_seconds);
  listen.deadlines.header = std::chrono::seconds(options.header_timeout_seconds);
  listen.deadlines.body = std::chrono::seconds(options.body_timeout_seconds);
  listen.deadlines.write = std::chrono::seconds(options.body_timeout_seconds);
  auto handler = [&registry](net::Connection& connection) {
    return serve_connection(registry, connection);
  };
  impl->listener = ASTERAI_TRY(net::Listener::start(listen, handler, overloaded_answer()));
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

uint16_t Server::port() const {
  return impl_->listener->port();
}

void Server::stop() {
  if (impl_ && impl_->listener) impl_->listener->stop();
}

void Server::wait() {
  impl_->listener->wait();
}

}  // namespace asterai::registry::http
