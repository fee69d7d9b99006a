#include "asterai/registry/http/server.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <chrono>
#include <condition_variable>
#include <list>
#include <thread>

#include "http/connection.h"

namespace asterai::registry::http {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct Server::Impl {
  Registry& registry;
  ServerOptions options;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::unique_ptr<asio::ssl::context> tls;
  std::thread accept_thread;
  std::thread reaper_thread;
  std::mutex mutex;
  std::condition_variable stopped_cv;
  bool stopping = false;
  std::list<std::shared_ptr<ConnectionSlot>> connections;

  explicit Impl(Registry& r, ServerOptions o) : registry(r), options(std::move(o)) {}

  void accept_loop() {
    while (true) {
      boost::system::error_code ec;
      tcp::socket socket(io);
      acceptor.accept(socket, ec);
      {
        std::lock_guard lock(mutex);
        if (stopping) return;
      }
      if (ec) {
        std::this_thread::sleep_for(
            std::chrono::milliseconds(10));  // e.g. EMFILE: back off, keep serving
        continue;
      }
      socket.set_option(tcp::no_delay(true), ec);
      auto slot = std::make_shared<ConnectionSlot>();
      slot->fd = socket.native_handle();
      slot->touch(options.idle_timeout_seconds);
      std::lock_guard lock(mutex);
      if (connections.size() >= options.max_connections) {
        serve_overloaded(std::move(socket));
        continue;
      }
      connections.push_back(slot);
      slot->thread = std::thread([this, slot, s = std::move(socket)]() mutable {
        serve_connection(registry, tls.get(), std::move(s), *slot, options.idle_timeout_seconds);
        slot->done = true;
      });
    }
  }

  // Cuts connections that made no progress within the idle timeout, and reaps finished ones.
  void reaper_loop() {
    std::unique_lock lock(mutex);
    while (!stopping) {
      stopped_cv.wait_for(lock, std::chrono::milliseconds(500));
      auto now = ConnectionSlot::now();
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

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  stop();
}

Result<std::unique_ptr<Server>> Server::start(Registry& registry, const ServerOptions& options) {
  auto impl = std::make_unique<Impl>(registry, options);
  boost::system::error_code ec;
  auto address = asio::ip::make_address(options.host, ec);
  if (ec) return make_error(ErrorKind::usage, "invalid listen address " + options.host);
  if (!options.tls_cert.empty() || !options.tls_key.empty()) {
    if (options.tls_cert.empty() || options.tls_key.empty()) {
      return make_error(ErrorKind::usage, "TLS needs both --tls-cert and --tls-key");
    }
    impl->tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    impl->tls->set_options(asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 |
                           asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
    impl->tls->use_certificate_chain_file(options.tls_cert, ec);
    if (!ec) impl->tls->use_private_key_file(options.tls_key, asio::ssl::context::pem, ec);
    if (ec) return make_error(ErrorKind::io, "cannot load TLS certificate or key: " + ec.message());
  }
  tcp::endpoint endpoint(address, options.port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return make_error(ErrorKind::io, "cannot listen on " + options.host + ":" +
                                         std::to_string(options.port) + ": " + ec.message());
  }
  Impl* raw = impl.get();
  raw->accept_thread = std::thread([raw] { raw->accept_loop(); });
  raw->reaper_thread = std::thread([raw] { raw->reaper_loop(); });
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

uint16_t Server::port() const {
  boost::system::error_code ec;
  return impl_->acceptor.local_endpoint(ec).port();
}

void Server::stop() {
  if (!impl_) return;
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->stopping && !impl_->accept_thread.joinable()) return;
    impl_->stopping = true;
    // shutdown() wakes the blocked accept() and every blocked read on a connection.
    ::shutdown(impl_->acceptor.native_handle(), SHUT_RDWR);
    for (auto& c : impl_->connections) c->cut();
  }
  impl_->stopped_cv.notify_all();
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

void Server::wait() {
  std::unique_lock lock(impl_->mutex);
  impl_->stopped_cv.wait(lock, [&] { return impl_->stopping; });
}

}  // namespace asterai::registry::http
