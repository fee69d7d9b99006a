// The HTTP side of `asterai serve --listen`: raw bytes through Beast's request parser (the
// limits the connection sets), the request decoding and the Origin and token checks
// (src/httpapi/request.h), then /mcp (Streamable HTTP) or the /v1 API, as the connection
// routes them. Requests may be pipelined in one input; "$SID" in the bytes stands for the
// last Mcp-Session-Id handed out, so sessions live across requests. Properties: nothing
// crashes; every answer has a valid status; a refused request never reaches a handler.
#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "asterai/httpapi/api.h"
#include "asterai/mcp/streamable_http.h"
#include "fuzz_server.h"
#include "request.h"

namespace {

namespace bhttp = boost::beast::http;
using asterai::mcp::HttpResponse;

struct Served {
  asterai::mcp::Server& server = asterai::fuzz::served_tools();
  // keepalive 0: a GET stream with nothing to send returns at once (its writer fails).
  asterai::mcp::StreamableHttp mcp{server, {.max_sessions = 8, .keepalive_seconds = 0}};
  asterai::httpapi::HttpOptions options = [] {
    asterai::httpapi::HttpOptions o;
    o.token = "fuzz-token";
    o.allowed_origins = {"https://app.example.com"};
    o.max_body = 64 * 1024;
    return o;
  }();
};

void replace_all(std::string& text, std::string_view from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

HttpResponse route(Served& served, asterai::mcp::HttpRequest& req) {
  if (auto refused = asterai::httpapi::refuse_by_options(req, served.options)) return std::move(*refused);
  if (req.path == "/mcp") return served.mcp.handle(req);
  return asterai::httpapi::handle_api(served.server, req);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Served served;
  std::string rest(reinterpret_cast<const char*>(data), size);
  std::string session_id = "none";
  for (int requests = 0; !rest.empty() && requests < 8; ++requests) {
    replace_all(rest, "$SID", session_id);
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(served.options.max_body);
    parser.eager(true);
    boost::beast::error_code ec;
    size_t used = parser.put(boost::asio::buffer(rest), ec);
    if (ec || !parser.is_done()) return 0;  // a 4xx and the connection closes, or more to read
    rest.erase(0, used);
    auto req = asterai::httpapi::to_request(parser.get());
    HttpResponse resp = route(served, req);
    if (resp.status < 100 || resp.status > 599) {
      std::fprintf(stderr, "status %d for %s %s\n", resp.status, req.method.c_str(),
                   req.path.c_str());
      std::abort();
    }
    if (resp.stream) resp.stream([](std::string_view) { return false; });
    for (const auto& [name, value] : resp.headers)
      if (name == "Mcp-Session-Id") session_id = value;
  }
  return 0;
}
