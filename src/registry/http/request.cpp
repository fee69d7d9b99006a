#include "http/message.h"

namespace asterai::registry::http {

std::string Request::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

std::string Request::param(const std::string& name) const {
  auto it = query.find(name);
  return it == query.end() ? std::string() : it->second;
}

std::vector<std::string> Request::params(const std::string& name) const {
  std::vector<std::string> out;
  for (auto [it, end] = query.equal_range(name); it != end; ++it) out.push_back(it->second);
  return out;
}

Result<std::string> Request::read_body(size_t limit) const {
  if (content_length && *content_length > limit) {
    return make_error(ErrorKind::too_large,
                      "request body exceeds " + std::to_string(limit) + " bytes");
  }
  std::string out;
  char buffer[64 * 1024];
  while (true) {
    size_t n = ASTERAI_TRY(body(std::span<char>(buffer, sizeof buffer)));
    if (n == 0) break;
    if (out.size() + n > limit) {
      return make_error(ErrorKind::too_large,
                        "request body exceeds " + std::to_string(limit) + " bytes");
    }
    out.append(buffer, n);
  }
  return out;
}

}  // namespace asterai::registry::http
