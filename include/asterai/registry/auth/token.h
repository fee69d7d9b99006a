// Short-lived bearer tokens (JWT, HS256) scoped to repository actions, as in the Docker
// token flow. Only HS256 with our key verifies: `alg: none`, other algorithms, tampered
// signatures, expired or not-yet-valid tokens and tokens for another service are rejected.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "asterai/common/error.h"
#include "asterai/registry/clock.h"

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

class TokenService {
 public:
  TokenService(std::vector<unsigned char> key, std::string service, const Clock& clock,
               int64_t ttl_seconds);
  std::string issue(const std::string& subject, const std::vector<Access>& access) const;
  Result<TokenClaims> verify(std::string_view token) const;  // unauthorized on any failure
  const std::string& service() const { return service_; }
  int64_t ttl_seconds() const { return ttl_; }

 private:
  std::string sign(std::string_view signing_input) const;

  std::vector<unsigned char> key_;
  std::string service_;
  const Clock& clock_;
  int64_t ttl_;
};

}  // namespace asterai::registry
