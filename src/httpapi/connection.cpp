#include "connection.h"
#include "proxy_route.h"

#include <openssl/crypto.h>

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

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

HttpRequest to_request(bhttp::request<bhttp::string_body>& msg) {
  HttpRequest req;
  req.method = std::string(msg.method_string());
  std::string_view target(msg.target().data(), msg.target().size());
  auto q = target.find('?');
  req.path = percent_decode(target.substr(0, q));
  if (q != std::string_view::npos) {
    std::string_view rest = target.substr(q + 1);
    while (!rest.empty()) {
      auto amp = rest.find('&');
      auto pair = rest.substr(0, amp);
      auto eq = pair.find('=');
      if (!pair.empty())
        req.query[percent_decode(pair.substr(0, eq))] =
            eq == std::string_view::npos ? "" : percent_decode(pair.substr(eq + 1));
      if (amp == std::string_view::npos) break;
      rest.remove_prefix(amp + 1);
    }
  }
  for (const auto& field : msg) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    req.headers[name] = std::string(field.value());
  }
  req.body = std::move(msg.body());
  return req;
}

bool token_matches(const std::string& header, const std::string& token) {
  static constexpr std::string_view kBearer = "Bearer ";
  if (header.size() != kBearer.size() + token.size() || !header.starts_with(kBearer)) return false;
  return CRYPTO_memcmp(header.data() + kBearer.size(), token.data(), token.size()) == 0;
}

// Origin, then token; an empty optional lets the request through.
std::optional<HttpResponse> refuse(const HttpRequest& req, const HttpOptions& options) {
  auto origin = req.header("origin");
  if (!origin_allowed(origin, options.allowed_origins)) {
    return HttpResponse::json(
        403, R"({"ok":false,"error":{"kind":"denied","message":"origin not allowed: )" +
                 std::string(origin.find('"') == std::string::npos ? origin : "?") + "\"}}");
  }
  if (!options.token.empty() && req.path != "/healthz" &&
      !token_matches(req.header("authorization"), options.token)) {
    auto r = HttpResponse::json(
        401,
        R"({"ok":false,"error":{"kind":"unauthorized","message":"a bearer token is required"}})");
    r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"asterai\"");
    return r;
  }
  return std::nullopt;
}

HttpResponse busy() {
  auto r = HttpResponse::json(
      503, R"({"ok":false,"error":{"kind":"internal","message":"server busy, retry later"}})");
  r.headers.emplace_back("Retry-After", "1");
  return r;
}

class Connection {
 public:
  Connection(const Routes& routes, net::Connection& conn)
      : routes_(routes), conn_(conn), stream_(conn.stream()), buffer_(conn.buffer()) {}

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
    if (ec) co_return co_await malformed(ec);
    // A proxy component's route takes the request as it is: its body streams to the guest.
    auto catalog = routes_.server.catalog();
    std::string_view target(parser.get().target().data(), parser.get().target().size());
    if (const auto* route = catalog->route_for(target.substr(0, target.find('?')))) {
      co_return co_await serve_proxy_route(routes_, conn_, parser, *route, std::move(catalog));
    }
    if (parser.content_length() && *parser.content_length() > routes_.options.max_body)
      co_return co_await malformed(bhttp::error::body_limit);
    parser.body_limit(routes_.options.max_body);
    bool wants_continue = beast::iequals(parser.get()[bhttp::field::expect], "100-continue");
    if (wants_continue) {
      bool sent = co_await conn_.send_continue();
      if (!sent) co_return false;
    }
    while (!parser.is_done()) {
      conn_.expect_body();  // each piece of the body within the body deadline
      co_await bhttp::async_read_some(stream_, buffer_, parser, with(ec));
      if (ec) co_return co_await malformed(ec);
    }
    bool keep = parser.get().keep_alive();
    auto req = to_request(parser.get());
    auto resp = co_await route(req);
    bool closing = resp.status == 503;  // overloaded: the client retries on a new connection
    bool written = co_await write(req, resp, keep && !closing);
    co_return written&& keep && !closing && !resp.stream;
  }

  awaitable<HttpResponse> route(const HttpRequest& req) {
    if (auto refused = refuse(req, routes_.options)) co_return std::move(*refused);
    if (req.path == "/mcp") {
      // A session waits for its tool calls: on the pool, not on this loop.
      auto r = co_await conn_.pool().run([this, &req] { return routes_.mcp.handle(req); });
      co_return r ? std::move(*r) : busy();
    }
    co_return co_await net::async_call<HttpResponse>(
        [this, &req](std::function<void(HttpResponse)> done) {
          handle_api_async(routes_.server, req, std::move(done));
        });
  }

  // Answers what can be answered (4xx) and closes.
  awaitable<bool> malformed(const beast::error_code& ec) {
    if (ec == bhttp::error::body_limit) {
      co_await write_simple(
          413, R"({"ok":false,"error":{"kind":"too-large","message":"request body over )" +
                   std::to_string(routes_.options.max_body) + R"( bytes"}})");
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

  const Routes& routes_;
  net::Connection& conn_;
  net::Stream& stream_;
  beast::flat_buffer& buffer_;
};

}  // namespace

awaitable<void> serve_connection(const Routes& routes, net::Connection& connection) {
  Connection served(routes, connection);
  co_await served.run();
}

}  // namespace asterai::httpapi
