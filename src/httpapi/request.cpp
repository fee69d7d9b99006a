#include "request.h"

#include <openssl/crypto.h>

#include <cctype>

#include "asterai/common/percent_decode.h"

namespace asterai::httpapi {

using mcp::HttpRequest;
using mcp::HttpResponse;
namespace bhttp = boost::beast::http;

namespace {

// The path and query of `target` into `req`.
void set_target(HttpRequest& req, std::string_view target) {
  auto q = target.find('?');
  req.path = percent_decode(target.substr(0, q), true);
  req.query.clear();
  if (q != std::string_view::npos) {
    // A name given twice keeps its last value.
    for (auto& [name, value] : decode_query(target.substr(q + 1)))
      req.query[std::move(name)] = std::move(value);
  }
}

}  // namespace

HttpRequest head_of(const bhttp::request<bhttp::string_body>& msg) {
  HttpRequest req;
  req.method = std::string(msg.method_string());
  set_target(req, std::string_view(msg.target().data(), msg.target().size()));
  for (const auto& field : msg) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    req.headers[name] = std::string(field.value());
  }
  return req;
}

HttpRequest to_request(bhttp::request<bhttp::string_body>& msg, std::optional<HttpRequest> head) {
  HttpRequest req;
  if (head) {
    req = std::move(*head);
    set_target(req, std::string_view(msg.target().data(), msg.target().size()));
  } else {
    req = head_of(msg);
  }
  req.body = std::move(msg.body());
  return req;
}

namespace {

bool token_matches(const std::string& header, const std::string& token) {
  static constexpr std::string_view kBearer = "Bearer ";
  if (header.size() != kBearer.size() + token.size() || !header.starts_with(kBearer)) return false;
  return CRYPTO_memcmp(header.data() + kBearer.size(), token.data(), token.size()) == 0;
}

}  // namespace

Refusal refuse_by_options(const HttpRequest& req, const HttpOptions& options) {
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

}  // namespace asterai::httpapi
