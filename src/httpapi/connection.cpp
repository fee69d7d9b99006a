#include "connection.h"
#include "proxy_route.h"
#include "request.h"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <limits>

#include "asterai/httpapi/api.h"
#include "asterai/net/async_call.h"

namespace asterai::httpapi {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using asio::awaitable;

namespace {

using net::with;

using mcp::HttpRequest;
using mcp::HttpResponse;
using Parser = bhttp::request_parser<bhttp::string_body>;

HttpResponse busy() {
  auto r = HttpResponse::json(
      503, R"({"ok":false,"error":{"kind":"busy","message":"server busy, retry later"}})");
  r.headers.emplace_back("Retry-After", "1");
  return r;
}

class Connection {
 public:
  Connection(const Site& site, net::Connection& conn)
      : site_(site), conn_(conn), stream_(conn.stream()), buffer_(conn.buffer()) {}

  awaitable<void> run() {
    // Not `while (co_await ...)`: GCC 12 miscompiles co_await in a loop condition.
    for (;;) {
      bool more = co_await serve_one();
      if (!more) break;
    }
  }

 private:
  // Returns whether the connection stays open for another request.
  awaitable<bool> serve_one() {
    // Each awaited value is named before it is tested (see the registry's connection.cpp).
    bool started = co_await conn_.next_request();
    if (!started) co_return false;
    Parser parser;
    parser.header_limit(16 * 1024);
    // No limit while the headers are read: a proxy component's route has its own (Beast
    // checks Content-Length against it as soon as the header is parsed). Not boost::none:
    // this Beast compares a Content-Length against an empty limit as exceeding it.
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    beast::error_code ec;
    co_await bhttp::async_read_header(stream_, buffer_, parser, with(ec));
    if (ec) co_return co_await malformed(ec, site_.max_body());
    std::string target(parser.get().target());
    std::optional<Mount> mount;
    std::optional<HttpRequest> head;  // read once: the request below reuses its headers
    if (site_.blocking()) {
      head = head_of(parser.get());
      if (auto quick = site_.quick_mount(target, *head)) {
        mount = std::move(quick->mount);
      } else {
        auto found = co_await conn_.pool().run(
            [this, &target, &head] { return site_.mount(target, *head); });
        if (!found) {
          co_await write_simple(503, busy().body);
          co_return false;
        }
        mount = std::move(*found);
      }
    } else {
      mount = site_.mount(target, HttpRequest{});
    }
    if (mount && mount->routes) {
      parser.get().target(target);
      // A proxy component's route takes the request as it is: its body streams to the guest.
      auto catalog = mount->routes->server.catalog();
      std::string_view path(target);
      if (const auto* route = catalog->route_for(path.substr(0, path.find('?')))) {
        co_return co_await serve_proxy_route(*mount->routes, conn_, parser, *route,
                                             std::move(catalog));
      }
    }
    size_t max_body = mount && mount->routes && !mount->proxy_only ? mount->routes->options.max_body
                                                                   : site_.max_body();
    if (parser.content_length() && *parser.content_length() > max_body)
      co_return co_await malformed(bhttp::error::body_limit, max_body);
    parser.body_limit(max_body);
    bool wants_continue = beast::iequals(parser.get()[bhttp::field::expect], "100-continue");
    if (wants_continue) {
      bool sent = co_await conn_.send_continue();
      if (!sent) co_return false;
    }
    while (!parser.is_done()) {
      conn_.expect_body();  // each piece of the body within the body deadline
      co_await bhttp::async_read_some(stream_, buffer_, parser, with(ec));
      if (ec) co_return co_await malformed(ec, max_body);
    }
    bool keep = parser.get().keep_alive();
    auto req = to_request(parser.get(), std::move(head));
    auto resp = co_await route(req, mount);
    bool closing = resp.status == 503;  // overloaded: the client retries on a new connection
    bool written = co_await write(req, resp, keep && !closing);
    co_return written&& keep && !closing && !resp.stream;
  }

  awaitable<HttpResponse> route(const HttpRequest& req, std::optional<Mount>& mount) {
    if (!mount) {
      if (!site_.blocking()) co_return site_.handle(req);
      auto r = co_await conn_.pool().run([this, &req] { return site_.handle(req); });
      co_return r ? std::move(*r) : busy();
    }
    if (mount->answer) co_return std::move(*mount->answer);
    if (mount->proxy_only) co_return not_found();
    const Routes& routes = *mount->routes;
    auto refused = mount->refuse ? mount->refuse(req) : refuse_by_options(req, routes.options);
    if (refused) co_return std::move(*refused);
    if (req.path == "/mcp" && req.method == "POST") {
      // Answered when its tool call is: the loop goes on meanwhile.
      co_return co_await net::async_call<HttpResponse>(
          [&routes, &req](std::function<void(HttpResponse)> done) {
            routes.mcp.handle_post(req, std::move(done));
          });
    }
    if (req.path == "/mcp") {
      // A GET stream holds its thread: on the pool, not on this loop.
      auto r = co_await conn_.pool().run([&routes, &req] { return routes.mcp.handle(req); });
      co_return r ? std::move(*r) : busy();
    }
    co_return co_await net::async_call<HttpResponse>(
        [&routes, &req](std::function<void(HttpResponse)> done) {
          handle_api_async(routes.server, req, std::move(done));
        });
  }

  static HttpResponse not_found() {
    return HttpResponse::json(
        404, R"({"ok":false,"error":{"kind":"not-found","message":"no route here"}})");
  }

  // Answers what can be answered (4xx) and closes.
  awaitable<bool> malformed(const beast::error_code& ec, size_t max_body) {
    if (ec == bhttp::error::body_limit) {
      co_await write_simple(
          413, R"({"ok":false,"error":{"kind":"too-large","message":"request body over )" +
                   std::to_string(max_body) + R"( bytes"}})");
    } else if (ec == bhttp::error::header_limit) {
      co_await write_simple(
          431, R"({"ok":false,"error":{"kind":"too-large","message":"headers too large"}})");
    } else if (ec != bhttp::error::end_of_stream && ec != asio::error::eof &&
               &ec.category() == &bhttp::make_error_code(bhttp::error::bad_target).category()) {
      co_await write_simple(
          400,
          R"({"ok":false,"error":{"kind":"invalid-input","message":"malformed HTTP request"}})");
    }
    co_return false;
  }

  awaitable<void> write_simple(unsigned status, const std::string& body) {
    bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(status), 11};
    res.set(bhttp::field::content_type, "application/json");
    res.body() = body;
    res.prepare_payload();
    res.keep_alive(false);
    beast::error_code ec;
    conn_.expect_write();
    co_await bhttp::async_write(stream_, res, with(ec));
  }

  awaitable<bool> write(const HttpRequest& req, HttpResponse& resp, bool keep) {
    bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(resp.status), 11};
    res.set(bhttp::field::server, "asterai");
    for (auto& [k, v] : resp.headers) res.insert(k, v);
    beast::error_code ec;
    conn_.expect_write();
    if (resp.stream) {
      res.chunked(true);
      res.keep_alive(false);
      bhttp::response_serializer<bhttp::string_body> sr{res};
      co_await bhttp::async_write_header(stream_, sr, with(ec));
      if (ec) co_return false;
      co_await stream(resp);
      static constexpr std::string_view kLast = "0\r\n\r\n";
      conn_.expect_write();
      co_await asio::async_write(stream_, asio::buffer(kLast.data(), kLast.size()), with(ec));
      co_return false;
    }
    res.keep_alive(keep);
    if (req.method == "HEAD") {
      res.content_length(resp.body.size());
      bhttp::response_serializer<bhttp::string_body> sr{res};
      co_await bhttp::async_write_header(stream_, sr, with(ec));
      co_return !ec;
    }
    res.body() = std::move(resp.body);
    res.prepare_payload();
    co_await bhttp::async_write(stream_, res, with(ec));
    co_return !ec;
  }

  // An event stream waits on its session between events: the producer runs on the pool and
  // writes each chunk through this loop (a chunk the client does not take within the write
  // deadline ends the stream).
  awaitable<void> stream(HttpResponse& resp) {
    auto executor = co_await asio::this_coro::executor;
    mcp::ChunkWriter writer = [this, executor](std::string_view chunk) {
      return net::block_on<bool>(executor, [this, chunk] { return write_chunk(chunk); });
    };
    co_await conn_.pool().run([&resp, &writer] {
      resp.stream(writer);
      return true;
    });
  }

  awaitable<bool> write_chunk(std::string_view data) {
    if (data.empty()) co_return true;
    char size_line[32];
    int n = std::snprintf(size_line, sizeof size_line, "%zx\r\n", data.size());
    std::array<asio::const_buffer, 3> parts = {asio::buffer(size_line, static_cast<size_t>(n)),
                                               asio::buffer(data.data(), data.size()),
                                               asio::buffer("\r\n", 2)};
    beast::error_code ec;
    conn_.expect_write();
    co_await asio::async_write(stream_, parts, with(ec));
    co_return !ec;
  }

  const Site& site_;
  net::Connection& conn_;
  net::Stream& stream_;
  beast::flat_buffer& buffer_;
};

}  // namespace

awaitable<void> serve_connection(const Site& site, net::Connection& connection) {
  Connection served(site, connection);
  co_await served.run();
}

}  // namespace asterai::httpapi
