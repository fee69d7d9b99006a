#include "http/request_decode.h"

#include <cctype>

#include "asterai/common/percent_decode.h"

namespace asterai::registry::http {

Request decode_request(const boost::beast::http::request_header<>& head,
                       std::optional<uint64_t> content_length, bool tls) {
  Request req;
  req.method = std::string(head.method_string());
  req.tls = tls;
  std::string_view target(head.target().data(), head.target().size());
  auto q = target.find('?');
  req.path = percent_decode(target.substr(0, q), false);
  if (q != std::string_view::npos) {
    for (auto& [name, value] : decode_query(target.substr(q + 1)))
      req.query.emplace(std::move(name), std::move(value));
  }
  for (const auto& field : head) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    req.headers[name] = std::string(field.value());
  }
  req.content_length = content_length;
  return req;
}

}  // namespace asterai::registry::http
