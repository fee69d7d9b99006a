#include "asterai/registry/auth/token_claims.h"

#include <algorithm>

namespace asterai::registry {

bool Access::allows(std::string_view action) const {
  return std::any_of(actions.begin(), actions.end(),
                     [&](const std::string& a) { return a == action || a == "*"; });
}

bool TokenClaims::allows(std::string_view type, std::string_view name,
                         std::string_view action) const {
  return std::any_of(access.begin(), access.end(), [&](const Access& a) {
    return a.type == type && a.name == name && a.allows(action);
  });
}

std::optional<Access> parse_scope(std::string_view scope) {
  // The token spec's scope grammar is printable ASCII; anything else is malformed, and could
  // not be written into a token's JSON claims.
  if (std::any_of(scope.begin(), scope.end(), [](char c) { return c < 0x21 || c > 0x7e; }))
    return std::nullopt;
  auto first = scope.find(':');
  auto last = scope.rfind(':');
  if (first == std::string_view::npos || first == last) return std::nullopt;
  Access a;
  a.type = std::string(scope.substr(0, first));
  a.name = std::string(scope.substr(first + 1, last - first - 1));
  std::string_view actions = scope.substr(last + 1);
  while (!actions.empty()) {
    auto comma = actions.find(',');
    auto one = actions.substr(0, comma);
    if (!one.empty()) a.actions.emplace_back(one);
    if (comma == std::string_view::npos) break;
    actions.remove_prefix(comma + 1);
  }
  if (a.type.empty() || a.name.empty()) return std::nullopt;
  return a;
}

}  // namespace asterai::registry
