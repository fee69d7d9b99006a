#include "asterai/mcp/http_message.h"

namespace asterai::mcp {

std::string HttpRequest::header(std::string_view name) const {
  auto it = headers.find(std::string(name));
  return it == headers.end() ? std::string() : it->second;
}

HttpResponse HttpResponse::json(int status, const std::string& body) {
  HttpResponse r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = body;
  return r;
}

HttpResponse HttpResponse::text(int status, const std::string& body) {
  HttpResponse r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
  r.body = body;
  return r;
}

}  // namespace asterai::mcp
