// The registry's HTTP edge: raw bytes through Beast's request parser (the connection's
// header limit), the request decoding (src/registry/http/request_decode.h), then routing,
// authorization and the handlers (dispatch) on a real registry. Requests may be pipelined in
// one input; in the bytes "$BEARER" stands for a valid token's Authorization value, "$BASIC"
// for alice's API key, "$LOCATION" for the last Location answered (an upload session).
// Properties: nothing crashes; no answer is a 500 (dispatch turns a thrown exception into
// one: a bug); every status is a valid one.
#include <boost/beast/http.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "fuzz_registry.h"
#include "http/request_decode.h"
#include "http/router.h"

namespace {

namespace bhttp = boost::beast::http;

void replace_all(std::string& text, std::string_view from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto& fuzz = asterai::fuzz::fuzz_registry(/*auth=*/true);
  std::string rest(reinterpret_cast<const char*>(data), size);
  replace_all(rest, "$BEARER", fuzz.bearer);
  replace_all(rest, "$BASIC", fuzz.basic);
  std::string location = "/v2/alice/tool/blobs/uploads/none";
  for (int requests = 0; !rest.empty() && requests < 8; ++requests) {
    replace_all(rest, "$LOCATION", location);
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(32 * 1024);
    parser.body_limit(1 << 20);
    parser.eager(true);
    boost::beast::error_code ec;
    size_t used = parser.put(boost::asio::buffer(rest), ec);
    if (ec || !parser.is_done()) return 0;
    rest.erase(0, used);
    std::optional<uint64_t> content_length;
    if (auto len = parser.content_length()) content_length = *len;
    auto req = asterai::registry::http::decode_request(parser.get(), content_length, false);
    const std::string& body = parser.get().body();
    req.body = asterai::fuzz::body_of(body, 1000);
    auto resp = asterai::registry::http::dispatch(*fuzz.registry, req);
    if (resp.status < 100 || resp.status > 599 || resp.status == 500) {
      std::fprintf(stderr, "status %u for %s %s: %s\n", resp.status, req.method.c_str(),
                   req.path.c_str(), resp.body.c_str());
      std::abort();
    }
    for (const auto& [name, value] : resp.headers)
      if (name == "Location") location = value;
  }
  return 0;
}
