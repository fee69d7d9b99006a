// Issues short-lived bearer tokens (JWT, EdDSA over Ed25519) scoped to repository actions,
// as in the Docker token flow. Verification needs only the public key (token_verifier.h):
// the published key set lets other programs, e.g. cloud nodes, check tokens on their own.
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "asterai/common/error.h"
#include "asterai/registry/auth/token_claims.h"
#include "asterai/registry/auth/token_verifier.h"
#include "asterai/registry/clock.h"

namespace asterai::registry {

class TokenService {
 public:
  // `seed`: the 32-byte Ed25519 seed the key pair is derived from (the registry keeps it in
  // secrets/token-ed25519-seed). Any other length is hashed to 32 bytes first, so the
  // constructor cannot fail. `clock` must outlive the service.
  TokenService(std::vector<unsigned char> seed, std::string service, const Clock& clock,
               int64_t ttl_seconds);
  ~TokenService();
  TokenService(const TokenService&) = delete;
  TokenService& operator=(const TokenService&) = delete;

  std::string issue(const std::string& subject, const std::vector<Access>& access) const;
  Result<TokenClaims> verify(std::string_view token) const { return verifier_.verify(token); }
  const std::string& service() const { return verifier_.service(); }
  int64_t ttl_seconds() const { return ttl_; }

  const std::string& key_id() const { return key_id_; }
  const TokenVerifier& verifier() const { return verifier_; }
  // The public key set, as GET /token/keys serves it (see TokenVerifier::jwks).
  nlohmann::json jwks() const;

 private:
  // Declared in this order: the constructor derives each from the one before.
  std::array<unsigned char, 64> secret_key_{};  // libsodium's seed + public key; wiped
  Ed25519PublicKey public_key_;
  std::string key_id_;
  TokenVerifier verifier_;
  const Clock& clock_;
  int64_t ttl_;
};

}  // namespace asterai::registry
