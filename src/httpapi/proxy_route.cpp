#include "proxy_route.h"

#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>

#include "asterai/common/http_route.h"
#include "asterai/net/async_call.h"
#include "asterai/runtime/composition.h"
#include "asterai/runtime/http_handler.h"

namespace asterai::httpapi {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using asio::awaitable;

namespace {

using net::with;

using Clock = std::chrono::steady_clock;
using BodyParser = bhttp::request_parser<bhttp::buffer_body>;

// How much of a request body one socket read may take.
constexpr size_t kReadAhead = 64 * 1024;
// Response chunks the guest has written are gathered into writes of up to this size.
constexpr size_t kWriteGather = 64 * 1024;

// Wakes the connection's coroutine from any thread. A wake that comes while the coroutine is
// not waiting is remembered, so none is lost. Shared: a wake may still be queued on the loop
// after the exchange ended.
class Signal : public std::enable_shared_from_this<Signal> {
 public:
  explicit Signal(const asio::any_io_executor& executor)
      : timer_(executor, asio::steady_timer::time_point::max()) {}

  // Any thread. Wakes that come while one is still queued are one wake: the coroutine
  // looks at everything once it runs (each post is a thread wake-up on an idle loop).
  void notify() {
    if (queued_.exchange(true)) return;
    asio::post(timer_.get_executor(), [self = shared_from_this()] {
      self->queued_ = false;
      self->fired_ = true;
      self->timer_.cancel();
    });
  }
  // On the loop only.
  awaitable<void> wait() {
    if (!fired_) {
      beast::error_code ec;
      timer_.expires_at(asio::steady_timer::time_point::max());
      co_await timer_.async_wait(with(ec));
    }
    fired_ = false;
  }

 private:
  asio::steady_timer timer_;
  bool fired_ = false;
  std::atomic<bool> queued_{false};
};

// Headers the server frames itself (hop by hop): a handler's values are not passed on.
bool hop_by_hop(beast::string_view name) {
  for (beast::string_view h : {"connection", "keep-alive", "transfer-encoding", "te", "trailer",
                               "upgrade", "proxy-connection"})
    if (beast::iequals(name, h)) return true;
  return false;
}

// What one request's exchange shares between the loop and the worker running the guest.
struct Exchange {
  runtime::IncomingRequest request;
  std::unique_ptr<runtime::HttpResponse> response;
  runtime::CallOutcome outcome;
  bool done = false;  // set on the loop once the call returned
  // Request body, counted on the loop.
  uint64_t request_bytes = 0;
  bool too_large = false;
};

class ProxyExchange {
 public:
  ProxyExchange(const Routes& routes, net::Connection& conn, BodyParser& parser,
                const mcp::HttpRoute& route, std::shared_ptr<const mcp::Catalog> catalog)
      : routes_(routes),
        conn_(conn),
        stream_(conn.stream()),
        buffer_(conn.buffer()),
        parser_(parser),
        route_(route),
        catalog_(std::move(catalog)) {}

  awaitable<bool> run() {
    auto executor = co_await asio::this_coro::executor;
    signal_ = std::make_shared<Signal>(executor);
    auto& msg = parser_.get();
    method_ = std::string(msg.method_string());
    target_ = std::string(msg.target());
    max_body_ = route_.max_body ? route_.max_body : routes_.options.http_max_body;
    keep_ = msg.keep_alive();

    if (parser_.content_length() && *parser_.content_length() > max_body_) {
      co_await write_error(413, "request body of " + std::to_string(*parser_.content_length()) +
                                    " bytes is over this route's limit of " +
                                    std::to_string(max_body_) + " bytes");
      log(413);
      co_return false;
    }
    if (beast::iequals(msg[bhttp::field::expect], "100-continue")) {
      bool sent = co_await conn_.send_continue();
      if (!sent) co_return false;
    }

    ex_ = std::make_shared<Exchange>();
    fill_request(executor);
    auto signal = signal_;
    ex_->response = std::make_unique<runtime::HttpResponse>([signal] { signal->notify(); });
    start_ = Clock::now();
    auto ex = ex_;
    auto route = route_;  // the worker keeps its own copy: the catalog may be swapped
    auto catalog = catalog_;
    bool queued = routes_.server.executor().submit_task(
        [ex, route, catalog, signal, executor,
         &runtime = routes_.server.executor().runtime()]() mutable {
          runtime::CallOutcome outcome =
              route.composition
                  ? route.composition->handle_http(route.component_name, ex->request, *ex->response)
                  : runtime.handle_http(*route.component, ex->request, *ex->response,
                                        route.policy.limits, route.policy.grants);
          // Moved, not copied: what holds the loop's timer must end on the loop. The connection
          // (and so the loop) lives until this handler ran; this worker's task may be destroyed
          // later, after a stopping listener destroyed the loop.
          asio::post(executor, [ex = std::move(ex), signal = std::move(signal),
                                outcome = std::move(outcome)]() mutable {
            ex->outcome = std::move(outcome);
            ex->done = true;
            signal->notify();
          });
        });
    if (!queued) {
      co_await write_error(503, "server busy, retry later", true);
      log(503);
      co_return false;
    }
    bool keep = co_await answer();
    // The guest may still be reading the body or writing: never leave before it returned.
    co_await wait_done();
    record();
    co_return keep&& keep_&& parser_.is_done() && !closed_;
  }

 private:
  void fill_request(const asio::any_io_executor& executor) {
    auto& msg = parser_.get();
    auto& r = ex_->request;
    r.method = method_;
    r.https = stream_.is_tls();
    r.authority = std::string(msg[bhttp::field::host]);
    auto q = target_.find('?');
    std::string path = target_.substr(0, q);
    r.path_with_query =
        path_under_route(route_.prefix, path) + (q == std::string::npos ? "" : target_.substr(q));
    for (const auto& field : msg) {
      std::string name(field.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (hop_by_hop(beast::string_view(name.data(), name.size())) || name == "expect") continue;
      r.headers.push_back({std::move(name), std::string(field.value())});
    }
    if (route_.prefix != "/") r.headers.push_back({"x-forwarded-prefix", route_.prefix});
    if (parser_.is_done()) return;  // no body
    // Reads size themselves by the buffer's free space: after the headers that is a few
    // hundred bytes, and a body would arrive in pieces that small.
    buffer_.reserve(kReadAhead);
    // Called on the worker: each piece is read through this connection's loop.
    r.read_body = [this, executor](uint8_t* buf, size_t cap) -> int64_t {
      return net::block_on<int64_t>(executor, [this, buf, cap] { return read_piece(buf, cap); });
    };
  }

  // On the loop: the next piece of the request body straight into the guest's buffer.
  awaitable<int64_t> read_piece(uint8_t* buf, size_t cap) {
    for (;;) {
      if (parser_.is_done()) co_return 0;
      auto& body = parser_.get().body();
      body.data = buf;
      body.size = cap;
      conn_.expect_body();
      beast::error_code ec;
      co_await bhttp::async_read_some(stream_, buffer_, parser_, with(ec));
      if (ec == bhttp::error::need_buffer) ec = {};
      size_t n = cap - body.size;
      if (ec) {
        closed_ = true;
        co_return ec == beast::error::timeout ? runtime::body_timeout : runtime::body_closed;
      }
      if (n == 0) continue;  // framing only (a chunk header)
      ex_->request_bytes += n;
      if (ex_->request_bytes > max_body_) {
        ex_->too_large = true;
        closed_ = true;
        co_return runtime::body_too_large;
      }
      co_return static_cast<int64_t>(n);
    }
  }

  // Writes the handler's answer, or the error that stands for it. Returns false when the
  // connection cannot carry another request.
  awaitable<bool> answer() {
    uint16_t status = 0;
    runtime::HttpResponse::Head head = runtime::HttpResponse::Head::pending;
    for (;;) {
      head = ex_->response->head(&status);
      if (head != runtime::HttpResponse::Head::pending || ex_->done) break;
      co_await signal_->wait();
    }
    if (head == runtime::HttpResponse::Head::pending) head = ex_->response->head(&status);
    if (head != runtime::HttpResponse::Head::ready) {
      co_await wait_done();
      auto [code, reason] = failure(head);
      status_ = code;
      co_await write_error(code, reason, code == 503);
      co_return false;
    }
    status_ = status;
    bool written = co_await write_head(status);
    if (!written) {
      ex_->response->abandon();
      co_return false;
    }
    co_return co_await write_body();
  }

  awaitable<void> wait_done() {
    for (;;) {
      if (ex_->done) break;
      co_await signal_->wait();
    }
  }

  // The status and one-line reason for a request the handler did not answer.
  std::pair<unsigned, std::string> failure(runtime::HttpResponse::Head head) const {
    const auto& o = ex_->outcome;
    std::string who = route_.component_name + ": ";
    if (ex_->too_large)
      return {413,
              "request body is over this route's limit of " + std::to_string(max_body_) + " bytes"};
    if (!o.ok()) {
      unsigned code = o.error->kind == ErrorKind::timeout ? 504
                      : o.never_ran()                     ? 503  // retry
                                                          : 500;
      return {code, who + std::string(error_kind_name(o.error->kind)) + ": " + o.error->message};
    }
    if (head == runtime::HttpResponse::Head::failed)
      return {500, who + "the handler answered with error " + ex_->response->error()};
    return {500, who + "the handler returned without setting a response"};
  }

  awaitable<bool> write_head(uint16_t status) {
    bhttp::response<bhttp::empty_body> res{static_cast<bhttp::status>(status), 11};
    for (auto& h : ex_->response->headers()) {
      if (hop_by_hop(beast::string_view(h.name.data(), h.name.size()))) continue;
      if (beast::iequals(h.name, "content-length")) {
        content_length_ = std::strtoull(h.value.c_str(), nullptr, 10);
      }
      res.insert(h.name, h.value);
    }
    no_body_ =
        method_ == "HEAD" || status == 204 || status == 304 || (status >= 100 && status < 200);
    chunked_ = !content_length_ && !no_body_;
    if (chunked_) res.chunked(true);
    res.keep_alive(keep_);
    bhttp::response_serializer<bhttp::empty_body> sr{res};
    beast::error_code ec;
    conn_.expect_write();
    co_await bhttp::async_write_header(stream_, sr, with(ec));
    co_return !ec;
  }

  // Streams the body as the guest writes it; a body cut by a trap or short of its declared
  // length ends the connection without the final chunk, so the client sees it incomplete.
  awaitable<bool> write_body() {
    bool complete = false, ended = false;
    std::string gathered;
    while (!ended) {
      // Everything the guest has written by now goes out in one write (up to kWriteGather).
      auto c = runtime::HttpResponse::Chunk::pending;
      for (;;) {
        std::string_view chunk;
        c = ex_->response->next(&chunk);
        if (c != runtime::HttpResponse::Chunk::data) break;
        if (!no_body_) gathered.append(chunk);
        if (gathered.size() >= kWriteGather) break;
      }
      if (c == runtime::HttpResponse::Chunk::end) complete = ended = true;
      if (c == runtime::HttpResponse::Chunk::broken) ended = true;
      if (!gathered.empty()) {
        bool written = co_await write_chunk(gathered);
        gathered.clear();
        if (!written) {
          ex_->response->abandon();
          co_return false;
        }
      }
      if (c == runtime::HttpResponse::Chunk::pending) co_await signal_->wait();
    }
    // The body ends when the guest finishes it or its store is dropped: only a call that
    // returned without error makes it a complete response.
    co_await wait_done();
    // A request body that broke (too large, the client gone) leaves the guest with a partial
    // one: what it answered is not presented as complete either.
    if (!complete || !ex_->outcome.ok() || closed_) co_return false;
    if (content_length_ && response_bytes_ != *content_length_) co_return false;
    if (chunked_) {
      static constexpr std::string_view kLast = "0\r\n\r\n";
      beast::error_code ec;
      conn_.expect_write();
      co_await asio::async_write(stream_, asio::buffer(kLast.data(), kLast.size()), with(ec));
      if (ec) co_return false;
    }
    co_return true;
  }

  awaitable<bool> write_chunk(std::string_view data) {
    beast::error_code ec;
    conn_.expect_write();
    if (chunked_) {
      char size_line[32];
      int n = std::snprintf(size_line, sizeof size_line, "%zx\r\n", data.size());
      std::array<asio::const_buffer, 3> parts = {asio::buffer(size_line, static_cast<size_t>(n)),
                                                 asio::buffer(data.data(), data.size()),
                                                 asio::buffer("\r\n", 2)};
      co_await asio::async_write(stream_, parts, with(ec));
    } else {
      co_await asio::async_write(stream_, asio::buffer(data.data(), data.size()), with(ec));
    }
    if (!ec) response_bytes_ += data.size();
    co_return !ec;
  }

  awaitable<void> write_error(unsigned status, const std::string& reason, bool retry = false) {
    status_ = status;
    error_ = reason;
    bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(status), 11};
    res.set(bhttp::field::content_type, "text/plain; charset=utf-8");
    if (retry) res.set(bhttp::field::retry_after, "1");
    res.body() = reason + "\n";
    res.prepare_payload();
    res.keep_alive(false);
    beast::error_code ec;
    conn_.expect_write();
    co_await bhttp::async_write(stream_, res, with(ec));
  }

  // Metrics and the access log line, once the call returned.
  void record() {
    const auto& o = ex_->outcome;
    mcp::HttpSample s;
    s.member = route_.component_name;
    s.route = route_.prefix;
    s.status = status_;
    if (!o.ok()) s.error_kind = error_kind_name(o.error->kind);
    s.wall_seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    s.fuel = o.stats.fuel_used;
    s.peak_memory_bytes = o.stats.peak_memory_bytes;
    s.request_bytes = ex_->request_bytes;
    s.response_bytes = response_bytes_;
    s.outgoing_requests = o.stats.http_requests;
    s.instantiated = o.stats.instantiate_ms > 0;
    s.never_ran = o.never_ran();
    routes_.server.metrics().http_finished(s);
    if (const auto& observe = routes_.server.options().http_observer) observe(s);
    if (!o.ok() && error_.empty()) error_ = o.error->message;
    log(status_, &s);
  }

  void log(unsigned status, const mcp::HttpSample* s = nullptr) const {
    if (!routes_.options.access_log) return;
    nlohmann::json line = {{"event", "http"},        {"member", route_.component_name},
                           {"route", route_.prefix}, {"method", method_},
                           {"target", target_},      {"client", conn_.client()},
                           {"status", status}};
    if (s) {
      line["ms"] = std::round(s->wall_seconds * 1e6) / 1e3;
      line["request_bytes"] = s->request_bytes;
      line["response_bytes"] = s->response_bytes;
      line["peak_memory"] = s->peak_memory_bytes;
      line["outgoing_requests"] = s->outgoing_requests;
      if (s->fuel) line["fuel"] = *s->fuel;
      if (!s->error_kind.empty()) line["error_kind"] = s->error_kind;
    }
    if (!error_.empty()) line["error"] = error_;
    std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    std::fwrite(text.data(), 1, text.size(), stderr);
  }

  const Routes& routes_;
  net::Connection& conn_;
  net::Stream& stream_;
  beast::flat_buffer& buffer_;
  BodyParser& parser_;
  const mcp::HttpRoute& route_;
  std::shared_ptr<const mcp::Catalog> catalog_;  // keeps route_ alive
  std::shared_ptr<Signal> signal_;
  std::shared_ptr<Exchange> ex_;
  std::string method_, target_, error_;
  uint64_t max_body_ = 0;
  bool keep_ = false;
  bool closed_ = false;  // the request body broke: the connection is done
  bool chunked_ = false, no_body_ = false;
  std::optional<uint64_t> content_length_;
  uint64_t response_bytes_ = 0;
  unsigned status_ = 0;
  Clock::time_point start_;
};

}  // namespace

awaitable<bool> serve_proxy_route(const Routes& routes, net::Connection& conn,
                                  bhttp::request_parser<bhttp::string_body>& header,
                                  const mcp::HttpRoute& route,
                                  std::shared_ptr<const mcp::Catalog> catalog) {
  // The body goes to the guest piece by piece: its own limit, not the API's.
  BodyParser parser(std::move(header));
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  ProxyExchange exchange(routes, conn, parser, route, std::move(catalog));
  co_return co_await exchange.run();
}

}  // namespace asterai::httpapi
