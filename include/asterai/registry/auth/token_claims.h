// What a bearer token grants: a subject and repository actions, as in the Docker token flow.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asterai::registry {

struct Access {
  std::string type;  // "repository" or "registry"
  std::string name;  // repository name, or "catalog"
  std::vector<std::string> actions;

  bool allows(std::string_view action) const;
};

struct TokenClaims {
  std::string subject;  // user name; empty for anonymous
  std::vector<Access> access;
  int64_t issued_at = 0;
  int64_t expires_at = 0;

  bool allows(std::string_view type, std::string_view name, std::string_view action) const;
};

// "repository:alice/tool:pull,push" → Access; nullopt when malformed.
std::optional<Access> parse_scope(std::string_view scope);

}  // namespace asterai::registry
