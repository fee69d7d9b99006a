#include "asterai/net/listener.h"
#include "event_loop.h"

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>
#include <vector>

namespace asterai::net {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using asio::awaitable;

namespace {

// Descriptors kept free for everything but client sockets (files, SQLite, the pool).
constexpr size_t kReservedDescriptors = 256;
// Over-the-cap answers in flight; past this a flood is closed without one.
constexpr size_t kMaxRefusing = 1024;
// How long a closing connection may take: TLS close_notify, or draining what the client
// still sends (lingering close) so the kernel does not reset away the end of a response.
constexpr std::chrono::seconds kCloseGrace{2};
constexpr size_t kMaxDrain = size_t{64} << 20;

std::string client_of(const tcp::socket& socket) {
  boost::system::error_code ec;
  auto address = socket.remote_endpoint(ec).address();
  if (ec) return "?";
  if (address.is_v6() && address.to_v6().is_v4_mapped())
    address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  return address.to_string();
}

awaitable<void> close_gracefully(Stream& stream) {
  boost::system::error_code ec;
  stream.expires_after(kCloseGrace);
  if (auto* tls = stream.tls()) {
    co_await tls->async_shutdown(with(ec));
  } else {
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    // One sink per loop thread: the data is thrown away, and a loop runs one read at a time.
    static thread_local char sink[64 * 1024];
    for (size_t drained = 0; !ec && drained < kMaxDrain;)
      drained += co_await stream.async_read_some(asio::buffer(sink), with(ec));
  }
  stream.cut();
}

// A loop lent to a job hands its other connections to a helper after this long; the watch
// looks this often while loops are being lent.
constexpr std::chrono::microseconds kWatchTick{1000};
constexpr std::chrono::microseconds kHandOver{1000};

}  // namespace

size_t raise_open_file_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur == RLIM_INFINITY ? SIZE_MAX : static_cast<size_t>(limit.rlim_cur);
}

struct Listener::Impl {
  ListenerOptions options;
  Handler handler;
  std::string busy;  // the whole 503 response
  LoopWatch watch{kWatchTick, kHandOver};
  std::vector<std::unique_ptr<EventLoop>> loops;
  std::unique_ptr<asio::ssl::context> tls;
  tcp::acceptor acceptor;
  BlockingPool pool;
  size_t cap = 0;
  uint16_t port = 0;
  size_t next_loop = 0;  // accept loop only

  std::atomic<bool> stopping{false};
  std::atomic<size_t> open{0};      // admitted connections
  std::atomic<size_t> refusing{0};  // 503s being written
  std::mutex mutex;
  std::condition_variable cv;
  size_t running = 0;  // connection coroutines, admitted or refused (under mutex)
  bool stopped = false;
  std::unordered_map<std::string, size_t> per_client;  // under mutex

  Impl(ListenerOptions o, Handler h, const Overloaded& overloaded)
      : options(std::move(o)),
        handler(std::move(h)),
        loops(make_loops(options.threads, watch)),
        acceptor(loops.front()->io()),
        pool(options.max_blocking, options.max_blocking_queued) {
    busy = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: " + overloaded.content_type +
           "\r\nRetry-After: " + std::to_string(options.retry_after_seconds) +
           "\r\nConnection: close\r\nContent-Length: " + std::to_string(overloaded.body.size()) +
           "\r\n\r\n" + overloaded.body;
  }

  static std::vector<std::unique_ptr<EventLoop>> make_loops(unsigned threads, LoopWatch& watch) {
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::unique_ptr<EventLoop>> loops;
    for (unsigned i = 0; i < threads; ++i) {
      loops.push_back(std::make_unique<EventLoop>(watch));
      watch.watch(loops.back().get());
    }
    return loops;
  }

  // Counts the connection against both caps, or says it is over one.
  bool admit(const std::string& client) {
    std::lock_guard lock(mutex);
    ++running;
    auto& mine = per_client[client];
    if (open.load() >= cap || mine >= options.max_connections_per_client) {
      if (mine == 0) per_client.erase(client);
      return false;
    }
    ++mine;
    ++open;
    return true;
  }

  void finished(const std::string* admitted_client) {
    std::lock_guard lock(mutex);
    if (admitted_client) {
      auto it = per_client.find(*admitted_client);
      if (it != per_client.end() && --it->second == 0) per_client.erase(it);
      --open;
    }
    if (--running == 0) cv.notify_all();
  }

  // Counted in `running` (see start()), so stop() waits for it before the loops end.
  awaitable<void> accept_loop() {
    co_await accept_connections();
    finished(nullptr);
  }

  awaitable<void> accept_connections() {
    asio::steady_timer backoff(acceptor.get_executor());
    while (!stopping) {
      auto& loop = *loops[next_loop++ % loops.size()];
      tcp::socket socket(loop.io());
      boost::system::error_code ec;
      co_await acceptor.async_accept(socket, with(ec));
      if (stopping || ec == asio::error::operation_aborted) co_return;
      if (ec) {
        // e.g. EMFILE: the connection waits in the backlog while others close.
        backoff.expires_after(std::chrono::milliseconds(10));
        co_await backoff.async_wait(with(ec));
        continue;
      }
      socket.set_option(tcp::no_delay(true), ec);
      std::string client = client_of(socket);
      if (admit(client)) {
        asio::co_spawn(loop.io(), serve(std::move(socket), std::move(client), loop),
                       asio::detached);
      } else if (refusing.load() < kMaxRefusing) {
        ++refusing;
        asio::co_spawn(loop.io(), refuse(std::move(socket)), asio::detached);
      } else {
        socket.close(ec);
        finished(nullptr);
      }
    }
  }

  awaitable<void> serve(tcp::socket socket, std::string client, EventLoop& loop) {
    Connection conn(Stream(std::move(socket), tls.get()), client, options.deadlines, pool);
    loop.live().insert(&conn);
    boost::system::error_code ec;
    // The first request's header deadline runs from here and covers the TLS handshake.
    conn.stream().expires_after(options.deadlines.header);
    if (auto* s = conn.stream().tls())
      co_await s->async_handshake(asio::ssl::stream_base::server, with(ec));
    if (!ec && !stopping) {
      try {
        co_await handler(conn);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "asterai: connection from %s: %s\n", client.c_str(), e.what());
      }
    }
    co_await close_gracefully(conn.stream());
    loop.live().erase(&conn);
    finished(&client);
  }

  awaitable<void> refuse(tcp::socket socket) {
    Stream stream(std::move(socket), tls.get());
    boost::system::error_code ec;
    stream.expires_after(options.deadlines.header);
    if (auto* s = stream.tls())
      co_await s->async_handshake(asio::ssl::stream_base::server, with(ec));
    if (!ec) co_await asio::async_write(stream, asio::buffer(busy), with(ec));
    co_await close_gracefully(stream);
    --refusing;
    finished(nullptr);
  }
};

Listener::Listener(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Listener::~Listener() {
  stop();
}

Result<std::unique_ptr<Listener>> Listener::start(const ListenerOptions& options, Handler handler,
                                                  Overloaded overloaded) {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(options.host, ec);
  if (ec) return make_error(ErrorKind::usage, "invalid listen address \"" + options.host + "\"");
  if (options.tls_cert.empty() != options.tls_key.empty())
    return make_error(ErrorKind::usage, "TLS needs both --tls-cert and --tls-key");
  // A client that leaves mid-response makes the next write fail with EPIPE. Beast's writes
  // pass MSG_NOSIGNAL, but sendfile(2) (the registry's blobs) cannot, and SIGPIPE's default
  // action would end the whole server: it is ignored process-wide.
  std::signal(SIGPIPE, SIG_IGN);
  auto impl = std::make_unique<Impl>(options, std::move(handler), overloaded);
  if (!options.tls_cert.empty()) {
    impl->tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    impl->tls->set_options(asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 |
                           asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
    impl->tls->use_certificate_chain_file(options.tls_cert, ec);
    if (!ec) impl->tls->use_private_key_file(options.tls_key, asio::ssl::context::pem, ec);
    if (ec) return make_error(ErrorKind::io, "cannot load TLS certificate or key: " + ec.message());
  }
  size_t descriptors = raise_open_file_limit();
  size_t room =
      descriptors > 2 * kReservedDescriptors ? descriptors - kReservedDescriptors : descriptors / 2;
  impl->cap = std::min(options.max_connections, room);
  tcp::endpoint endpoint(address, options.port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return make_error(ErrorKind::io, "cannot listen on " + options.host + ":" +
                                         std::to_string(options.port) + ": " + ec.message());
  }
  impl->port = impl->acceptor.local_endpoint(ec).port();
  Impl* raw = impl.get();
  raw->running = 1;  // the accept loop
  asio::co_spawn(raw->acceptor.get_executor(), raw->accept_loop(), asio::detached);
  for (auto& loop : raw->loops) loop->start();
  raw->watch.start();
  return std::unique_ptr<Listener>(new Listener(std::move(impl)));
}

uint16_t Listener::port() const {
  return impl_->port;
}

size_t Listener::max_connections() const {
  return impl_->cap;
}

size_t Listener::open_connections() const {
  return impl_->open.load();
}

void Listener::stop(const std::function<void()>& before_join) {
  if (!impl_) return;
  auto& impl = *impl_;
  {
    std::lock_guard lock(impl.mutex);
    if (impl.stopped) return;
    impl.stopped = true;
    impl.stopping = true;
  }
  impl.cv.notify_all();
  asio::post(impl.acceptor.get_executor(), [&impl] {
    boost::system::error_code ec;
    impl.acceptor.close(ec);
  });
  for (auto& loop : impl.loops) {
    asio::post(loop->io(), [l = loop.get()] {
      for (auto* c : l->live()) c->stream().cut();
    });
  }
  if (before_join) before_join();
  {
    std::unique_lock lock(impl.mutex);
    impl.cv.wait(lock, [&] { return impl.running == 0; });
  }
  for (auto& loop : impl.loops) loop->io().stop();
  impl.watch.stop();  // first: it may start a loop's helper thread
  for (auto& loop : impl.loops) loop->join();
}

void Listener::wait() {
  std::unique_lock lock(impl_->mutex);
  impl_->cv.wait(lock, [&] { return impl_->stopped; });
}

}  // namespace asterai::net
