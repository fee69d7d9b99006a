// Where a proxy component may be mounted, shared by environment documents and the server.
#include "asterai/common/http_route.h"

#include <cctype>

namespace asterai {

const std::vector<std::string>& reserved_http_paths() {
  static const std::vector<std::string> paths = {"/mcp", "/v1", "/healthz", "/metrics"};
  return paths;
}

bool path_is_under(std::string_view path, std::string_view prefix) {
  if (prefix == "/") return true;
  return path.starts_with(prefix) && (path.size() == prefix.size() || path[prefix.size()] == '/');
}

Result<void> check_http_route(std::string_view prefix) {
  auto bad = [&](const std::string& why) {
    return make_error(ErrorKind::usage, "bad HTTP route \"" + std::string(prefix) + "\": " + why);
  };
  if (prefix == "/") return {};
  if (!prefix.starts_with('/')) return bad("it must start with /");
  if (prefix.ends_with('/')) return bad("it must not end with /");
  size_t start = 1;
  while (start <= prefix.size()) {
    size_t end = prefix.find('/', start);
    if (end == std::string_view::npos) end = prefix.size();
    auto segment = prefix.substr(start, end - start);
    if (segment.empty() || segment == "." || segment == "..")
      return bad("empty, . and .. segments are not allowed");
    for (char ch : segment) {
      if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_' && ch != '.' &&
          ch != '~')
        return bad("segments take letters, digits and - _ . ~");
    }
    start = end + 1;
  }
  for (const auto& reserved : reserved_http_paths()) {
    if (path_is_under(prefix, reserved)) return bad(reserved + " is the server's own (reserved)");
  }
  return {};
}

std::string path_under_route(std::string_view prefix, std::string_view path) {
  if (prefix == "/") return std::string(path.empty() ? "/" : path);
  std::string rest(path.substr(prefix.size()));
  if (rest.empty() || rest.front() != '/') rest.insert(rest.begin(), '/');
  return rest;
}

}  // namespace asterai
