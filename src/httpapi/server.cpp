#include "asterai/httpapi/server.h"

#include <sys/socket.h>

#include <boost/asio/write.hpp>
#include <condition_variable>
#include <list>

#include "connection.h"

namespace asterai::httpapi {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct HttpServer::Impl {
  mcp::Server& server;
  HttpOptions options;
  mcp::StreamableHttp mcp;
  Routes routes{server, mcp, options};
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::thread accept_thread;
  std::thread reaper_thread;
  std::mutex mutex;
  std::condition_variable cv;
  bool stopping = false;
  std::list<std::shared_ptr<ConnectionSlot>> connections;

  Impl(mcp::Server& s, HttpOptions o) : server(s), options(std::move(o)), mcp(s) {}

  void accept_loop() {
    while (true) {
      boost::system::error_code ec;
      tcp::socket socket(io);
      acceptor.accept(socket, ec);
      std::lock_guard lock(mutex);
      if (stopping) return;
      if (ec) continue;  // e.g. EMFILE; the reaper frees descriptors
      socket.set_option(tcp::no_delay(true), ec);
      if (connections.size() >= options.max_connections) {
        static constexpr std::string_view kBusy =
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nConnection: "
            "close\r\nContent-Length: 71\r\n\r\n{\"ok\":false,\"error\":{\"kind\":\"internal\","
            "\"message\":\"too many clients\"}}";
        asio::write(socket, asio::buffer(kBusy.data(), kBusy.size()), ec);
        continue;
      }
      auto slot = std::make_shared<ConnectionSlot>();
      slot->fd = socket.native_handle();
      slot->idle_for(options.idle_timeout_seconds);
      connections.push_back(slot);
      slot->thread = std::thread([this, slot, s = std::move(socket)]() mutable {
        serve_connection(routes, std::move(s), *slot);
        slot->done = true;
      });
    }
  }

  // Cuts connections idle past the timeout and joins finished ones.
  void reaper_loop() {
    std::unique_lock lock(mutex);
    while (!stopping) {
      cv.wait_for(lock, std::chrono::milliseconds(500));
      auto now = ConnectionSlot::now_ms();
      for (auto it = connections.begin(); it != connections.end();) {
        auto& c = **it;
        if (c.done) {
          if (c.thread.joinable()) c.thread.join();
          it = connections.erase(it);
          continue;
        }
        if (now > c.deadline.load()) c.cut();
        ++it;
      }
    }
  }
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() {
  stop();
}

Result<std::unique_ptr<HttpServer>> HttpServer::start(mcp::Server& server, HttpOptions options) {
  auto impl = std::make_unique<Impl>(server, std::move(options));
  const auto& o = impl->options;
  boost::system::error_code ec;
  auto address = asio::ip::make_address(o.host, ec);
  if (ec) return make_error(ErrorKind::usage, "invalid listen address \"" + o.host + "\"");
  tcp::endpoint endpoint(address, o.port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return make_error(ErrorKind::io, "cannot listen on " + o.host + ":" + std::to_string(o.port) +
                                         ": " + ec.message());
  }
  Impl* raw = impl.get();
  raw->accept_thread = std::thread([raw] { raw->accept_loop(); });
  raw->reaper_thread = std::thread([raw] { raw->reaper_loop(); });
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

uint16_t HttpServer::port() const {
  boost::system::error_code ec;
  return impl_->acceptor.local_endpoint(ec).port();
}

void HttpServer::stop() {
  if (!impl_) return;
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->stopping) return;
    impl_->stopping = true;
    // shutdown() wakes the blocked accept() and every blocked read.
    ::shutdown(impl_->acceptor.native_handle(), SHUT_RDWR);
    for (auto& c : impl_->connections) c->cut();
  }
  impl_->mcp.close_streams();
  impl_->cv.notify_all();
  if (impl_->accept_thread.joinable()) impl_->accept_thread.join();
  if (impl_->reaper_thread.joinable()) impl_->reaper_thread.join();
  std::list<std::shared_ptr<ConnectionSlot>> rest;
  {
    std::lock_guard lock(impl_->mutex);
    rest.swap(impl_->connections);
  }
  for (auto& c : rest) {
    c->cut();
    if (c->thread.joinable()) c->thread.join();
  }
  boost::system::error_code ec;
  impl_->acceptor.close(ec);
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
