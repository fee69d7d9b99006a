#include "asterai/net/listener.h"

#include <sys/socket.h>

#include <boost/asio/ssl.hpp>
#include <condition_variable>
#include <list>

namespace asterai::net {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

void ConnectionSlot::cut() {
  std::lock_guard lock(mutex);
  if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
}

void ConnectionSlot::release() {
  std::lock_guard lock(mutex);
  fd = -1;
}

struct Listener::Impl {
  ListenerOptions options;
  Handler handler;
  Refuser overloaded;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::unique_ptr<asio::ssl::context> tls;
  std::thread accept_thread;
  std::thread reaper_thread;
  std::mutex mutex;
  std::condition_variable cv;
  bool stopping = false;
  std::list<std::shared_ptr<ConnectionSlot>> connections;

  Impl(ListenerOptions o, Handler h, Refuser r)
      : options(std::move(o)), handler(std::move(h)), overloaded(std::move(r)) {}

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
        // e.g. EMFILE: back off (the reaper frees descriptors) and keep serving.
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        continue;
      }
      socket.set_option(tcp::no_delay(true), ec);
      std::lock_guard lock(mutex);
      if (connections.size() >= options.max_connections) {
        if (overloaded) overloaded(socket);
        socket.close(ec);
        continue;
      }
      auto slot = std::make_shared<ConnectionSlot>();
      slot->fd = socket.native_handle();
      slot->idle_for(options.idle_timeout_seconds);
      connections.push_back(slot);
      slot->thread = std::thread([this, slot, s = std::move(socket)]() mutable {
        handler(std::move(s), tls.get(), *slot);
        slot->done = true;
      });
    }
  }

  // Cuts connections idle past their deadline and joins finished ones.
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

Listener::Listener(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Listener::~Listener() {
  stop();
}

Result<std::unique_ptr<Listener>> Listener::start(const ListenerOptions& options, Handler handler,
                                                  Refuser overloaded) {
  auto impl = std::make_unique<Impl>(options, std::move(handler), std::move(overloaded));
  boost::system::error_code ec;
  auto address = asio::ip::make_address(options.host, ec);
  if (ec) return make_error(ErrorKind::usage, "invalid listen address \"" + options.host + "\"");
  if (!options.tls_cert.empty() || !options.tls_key.empty()) {
    if (options.tls_cert.empty() || options.tls_key.empty())
      return make_error(ErrorKind::usage, "TLS needs both --tls-cert and --tls-key");
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
  return std::unique_ptr<Listener>(new Listener(std::move(impl)));
}

uint16_t Listener::port() const {
  boost::system::error_code ec;
  return impl_->acceptor.local_endpoint(ec).port();
}

void Listener::stop(const std::function<void()>& before_join) {
  if (!impl_) return;
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->stopping && !impl_->accept_thread.joinable()) return;
    impl_->stopping = true;
    // shutdown() wakes the blocked accept() and every blocked read on a connection.
    ::shutdown(impl_->acceptor.native_handle(), SHUT_RDWR);
    for (auto& c : impl_->connections) c->cut();
  }
  if (before_join) before_join();
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

void Listener::wait() {
  std::unique_lock lock(impl_->mutex);
  impl_->cv.wait(lock, [&] { return impl_->stopping; });
}

}  // namespace asterai::net
