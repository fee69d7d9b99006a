// Checks the registry's bearer tokens (EdDSA JWTs) with public keys only, so any program
// holding the registry's published key set (GET /token/keys) can verify them locally,
// without the signing key and without asking the registry per request.
//
// Only `alg: EdDSA` with a known `kid` and a valid Ed25519 signature verifies; `alg: none`,
// HS256 and every other algorithm, tampered parts, expired or not-yet-valid tokens and tokens
// for another service are `unauthorized` with a one-line reason.
#pragma once

#include <array>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "asterai/common/error.h"
#include "asterai/registry/auth/token_claims.h"
#include "asterai/registry/clock.h"

namespace asterai::registry {

using Ed25519PublicKey = std::array<unsigned char, 32>;

// The key id a public key is published and referenced under: the first 16 hex characters of
// the SHA-256 of its 32 bytes (stable, and the same on every verifier).
std::string ed25519_key_id(const Ed25519PublicKey& key);

class TokenVerifier {
 public:
  // `clock` must outlive the verifier. Each key is known under ed25519_key_id(key).
  TokenVerifier(const std::vector<Ed25519PublicKey>& keys, std::string service, const Clock& clock);

  // From a JWK Set (RFC 7517, keys as in RFC 8037): only `kty: OKP` / `crv: Ed25519` keys
  // are taken (others, and keys whose `use` or `alg` is not for EdDSA signatures, are
  // ignored); each needs a unique `kid` (kept as given) and a 32-byte base64url `x`. An empty
  // `service` takes the document's top-level "service" (as GET /token/keys publishes it).
  // invalid_input when the document is malformed or holds no usable key.
  static Result<TokenVerifier> from_jwks(const nlohmann::json& jwks, std::string service,
                                         const Clock& clock);

  Result<TokenClaims> verify(std::string_view token) const;  // unauthorized on any failure

  // {"service": ..., "keys": [{"kty":"OKP","crv":"Ed25519","x":...,"kid":...,
  // "alg":"EdDSA","use":"sig"}, ...]}: what from_jwks reads back.
  nlohmann::json jwks() const;

  const std::string& service() const { return service_; }

 private:
  using KeysById = std::map<std::string, Ed25519PublicKey, std::less<>>;
  TokenVerifier(KeysById keys, std::string service, const Clock& clock);

  KeysById keys_;
  std::string service_;
  const Clock* clock_;
};

}  // namespace asterai::registry
