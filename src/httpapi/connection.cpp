#include "connection.h"

#include <openssl/crypto.h>
#include <sys/socket.h>

#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>

#include "asterai/httpapi/api.h"

namespace asterai::httpapi {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

namespace {

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

HttpResponse route(const Routes& routes, const HttpRequest& req) {
  if (auto refused = refuse(req, routes.options)) return std::move(*refused);
  if (req.path == "/mcp") return routes.mcp.handle(req);
  return handle_api(routes.server, req);
}

class Connection {
 public:
  Connection(const Routes& routes, tcp::socket& socket, ConnectionSlot& slot)
      : routes_(routes), socket_(socket), slot_(slot) {}

  void run() {
    while (serve_one()) {
    }
  }

 private:
  // Returns whether the connection stays open for another request.
  bool serve_one() {
    Parser parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(routes_.options.max_body);
    slot_.idle_for(routes_.options.idle_timeout_seconds);
    beast::error_code ec;
    bhttp::read_header(socket_, buffer_, parser, ec);
    if (ec) return malformed(ec);
    if (beast::iequals(parser.get()[bhttp::field::expect], "100-continue")) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      asio::write(socket_, asio::buffer(kContinue.data(), kContinue.size()), ec);
    }
    bhttp::read(socket_, buffer_, parser, ec);
    if (ec) return malformed(ec);
    slot_.busy();
    bool keep = parser.get().keep_alive();
    auto req = to_request(parser.get());
    auto resp = route(routes_, req);
    return write(req, resp, keep) && keep && !resp.stream;
  }

  // Answers what can be answered (4xx) and closes.
  bool malformed(const beast::error_code& ec) {
    if (ec == bhttp::error::body_limit) {
      write_simple(413, R"({"ok":false,"error":{"kind":"too-large","message":"request body over )" +
                            std::to_string(routes_.options.max_body) + R"( bytes"}})");
    } else if (ec == bhttp::error::header_limit) {
      write_simple(431,
                   R"({"ok":false,"error":{"kind":"too-large","message":"headers too large"}})");
    } else if (ec != bhttp::error::end_of_stream && ec != asio::error::eof &&
               &ec.category() == &bhttp::make_error_code(bhttp::error::bad_target).category()) {
      write_simple(
          400,
          R"({"ok":false,"error":{"kind":"invalid-input","message":"malformed HTTP request"}})");
    }
    return false;
  }

  void write_simple(unsigned status, const std::string& body) {
    bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(status), 11};
    res.set(bhttp::field::content_type, "application/json");
    res.body() = body;
    res.prepare_payload();
    res.keep_alive(false);
    beast::error_code ec;
    bhttp::write(socket_, res, ec);
  }

  bool write(const HttpRequest& req, HttpResponse& resp, bool keep) {
    bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(resp.status), 11};
    res.set(bhttp::field::server, "asterai");
    for (auto& [k, v] : resp.headers) res.insert(k, v);
    beast::error_code ec;
    if (resp.stream) {
      res.chunked(true);
      res.keep_alive(false);
      bhttp::response_serializer<bhttp::string_body> sr{res};
      bhttp::write_header(socket_, sr, ec);
      if (ec) return false;
      resp.stream([this](std::string_view chunk) { return write_chunk(chunk); });
      static constexpr std::string_view kLast = "0\r\n\r\n";
      asio::write(socket_, asio::buffer(kLast.data(), kLast.size()), ec);
      return false;
    }
    res.keep_alive(keep);
    if (req.method == "HEAD") {
      res.content_length(resp.body.size());
      bhttp::response_serializer<bhttp::string_body> sr{res};
      bhttp::write_header(socket_, sr, ec);
      return !ec;
    }
    res.body() = std::move(resp.body);
    res.prepare_payload();
    bhttp::write(socket_, res, ec);
    return !ec;
  }

  bool write_chunk(std::string_view data) {
    if (data.empty()) return true;
    char size_line[32];
    int n = std::snprintf(size_line, sizeof size_line, "%zx\r\n", data.size());
    std::array<asio::const_buffer, 3> parts = {asio::buffer(size_line, static_cast<size_t>(n)),
                                               asio::buffer(data.data(), data.size()),
                                               asio::buffer("\r\n", 2)};
    beast::error_code ec;
    asio::write(socket_, parts, ec);
    return !ec;
  }

  const Routes& routes_;
  tcp::socket& socket_;
  ConnectionSlot& slot_;
  beast::flat_buffer buffer_;
};

}  // namespace

void serve_connection(const Routes& routes, tcp::socket socket, ConnectionSlot& slot) {
  try {
    Connection(routes, socket, slot).run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "asterai serve: connection error: %s\n", e.what());
  }
  beast::error_code ec;
  socket.shutdown(tcp::socket::shutdown_both, ec);
  slot.release();
  socket.close(ec);
}

}  // namespace asterai::httpapi
