#include "asterai/registry/auth/token_verifier.h"

#include <sodium.h>

#include <nlohmann/json.hpp>

#include "asterai/common/sha256.h"
#include "auth/base64url.h"

namespace asterai::registry {
namespace {

using nlohmann::json;

tl::unexpected<Error> rejected(std::string why) {
  return make_error(ErrorKind::unauthorized, "invalid token: " + std::move(why));
}

tl::unexpected<Error> bad_jwks(std::string why) {
  return make_error(ErrorKind::invalid_input, "bad JWKS: " + std::move(why));
}

// A string member, or "" when absent or of another type (never throws).
std::string text(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The claims of a token whose signature already verified.
Result<TokenClaims> check_claims(const json& claims, const std::string& service, int64_t now) {
  if (!claims.is_object()) return rejected("bad claims");
  TokenClaims out;
  try {
    if (claims.at("aud").get<std::string>() != service)
      return rejected("issued for another service");
    if (claims.at("iss").get<std::string>() != service)
      return rejected("issued by another service");
    out.subject = claims.at("sub").get<std::string>();
    out.issued_at = claims.at("iat").get<int64_t>();
    out.expires_at = claims.at("exp").get<int64_t>();
    if (now >= out.expires_at) return rejected("expired");
    if (claims.contains("nbf") && now < claims.at("nbf").get<int64_t>())
      return rejected("not yet valid");
    for (const auto& g : claims.at("access")) {
      out.access.push_back(Access{g.at("type").get<std::string>(), g.at("name").get<std::string>(),
                                  g.at("actions").get<std::vector<std::string>>()});
    }
  } catch (const json::exception&) {
    return rejected("bad claims");
  }
  return out;
}

}  // namespace

std::string ed25519_key_id(const Ed25519PublicKey& key) {
  return sha256_hex(key).substr(0, 16);
}

TokenVerifier::TokenVerifier(const std::vector<Ed25519PublicKey>& keys, std::string service,
                             const Clock& clock)
    : TokenVerifier(KeysById{}, std::move(service), clock) {
  for (const auto& k : keys) keys_.emplace(ed25519_key_id(k), k);
}

TokenVerifier::TokenVerifier(KeysById keys, std::string service, const Clock& clock)
    : keys_(std::move(keys)), service_(std::move(service)), clock_(&clock) {
  // Idempotent; it only fails without an entropy source, which verifying does not need.
  if (sodium_init() < 0) return;
}

Result<TokenVerifier> TokenVerifier::from_jwks(const json& jwks, std::string service,
                                               const Clock& clock) {
  if (!jwks.is_object()) return bad_jwks("not a JSON object");
  if (service.empty()) service = text(jwks, "service");
  if (service.empty()) return bad_jwks("no service given and no \"service\" member");
  auto list = jwks.find("keys");
  if (list == jwks.end() || !list->is_array()) return bad_jwks("\"keys\" is not an array");
  KeysById keys;
  for (size_t i = 0; i < list->size(); ++i) {
    const json& jwk = (*list)[i];
    std::string where = "key " + std::to_string(i);
    if (!jwk.is_object()) return bad_jwks(where + " is not an object");
    // Other key types and curves may sit in the same set for other verifiers.
    if (text(jwk, "kty") != "OKP" || text(jwk, "crv") != "Ed25519") continue;
    if (jwk.contains("use") && text(jwk, "use") != "sig") continue;
    if (jwk.contains("alg") && text(jwk, "alg") != "EdDSA") continue;
    auto x = unbase64url(text(jwk, "x"));
    if (!x || x->size() != Ed25519PublicKey().size())
      return bad_jwks(where + ": \"x\" is not 32 bytes of base64url");
    Ed25519PublicKey key;
    std::copy(x->begin(), x->end(), key.begin());
    // Tokens name their key by kid; a key without one could never be used.
    std::string kid = text(jwk, "kid");
    if (kid.empty()) return bad_jwks(where + " has no \"kid\"");
    if (!keys.emplace(kid, key).second) return bad_jwks("kid \"" + kid + "\" appears twice");
  }
  if (keys.empty()) return bad_jwks("no OKP/Ed25519 signing key");
  return TokenVerifier(keys, std::move(service), clock);
}

json TokenVerifier::jwks() const {
  json keys = json::array();
  for (const auto& [kid, key] : keys_) {
    keys.push_back({{"kty", "OKP"},
                    {"crv", "Ed25519"},
                    {"x", base64url({reinterpret_cast<const char*>(key.data()), key.size()})},
                    {"kid", kid},
                    {"alg", "EdDSA"},
                    {"use", "sig"}});
  }
  return {{"service", service_}, {"keys", std::move(keys)}};
}

Result<TokenClaims> TokenVerifier::verify(std::string_view token) const {
  auto dot1 = token.find('.');
  auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos)
    return rejected("not a JWT");
  auto header_text = unbase64url(token.substr(0, dot1));
  auto claims_text = unbase64url(token.substr(dot1 + 1, dot2 - dot1 - 1));
  auto signature = unbase64url(token.substr(dot2 + 1));
  if (!header_text || !claims_text || !signature) return rejected("bad encoding");
  auto header = json::parse(*header_text, nullptr, false);
  if (!header.is_object()) return rejected("bad header");
  // The algorithm is fixed by the verifier, never chosen by the token: no "none", and no
  // HS256 keyed with the public key.
  if (text(header, "alg") != "EdDSA") return rejected("unsupported algorithm");
  auto key = keys_.find(text(header, "kid"));
  if (key == keys_.end()) return rejected("unknown key id");
  std::string_view input = token.substr(0, dot2);
  if (signature->size() != crypto_sign_BYTES ||
      crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(signature->data()),
                                  reinterpret_cast<const unsigned char*>(input.data()),
                                  input.size(), key->second.data()) != 0) {
    return rejected("bad signature");
  }
  return check_claims(json::parse(*claims_text, nullptr, false), service_, clock_->now_unix());
}

}  // namespace asterai::registry
