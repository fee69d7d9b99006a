#include "asterai/registry/auth/token.h"

#include <sodium.h>

#include <nlohmann/json.hpp>

#include "auth/base64url.h"

namespace asterai::registry {
namespace {

using nlohmann::json;

static_assert(sizeof(std::array<unsigned char, 64>) == crypto_sign_SECRETKEYBYTES);
static_assert(sizeof(Ed25519PublicKey) == crypto_sign_PUBLICKEYBYTES);

// Fills `secret_key` from the seed and returns the matching public key.
Ed25519PublicKey derive_key_pair(const std::vector<unsigned char>& seed,
                                 std::array<unsigned char, 64>& secret_key) {
  // Only fails when no entropy source exists; randombytes would then abort on its own.
  if (sodium_init() < 0) return {};
  std::array<unsigned char, crypto_sign_SEEDBYTES> exact{};
  if (seed.size() == exact.size()) {
    std::copy(seed.begin(), seed.end(), exact.begin());
  } else {
    crypto_hash_sha256(exact.data(), seed.data(), seed.size());
  }
  Ed25519PublicKey public_key{};
  crypto_sign_seed_keypair(public_key.data(), secret_key.data(), exact.data());
  sodium_memzero(exact.data(), exact.size());
  return public_key;
}

}  // namespace

TokenService::TokenService(std::vector<unsigned char> seed, std::string service, const Clock& clock,
                           int64_t ttl_seconds)
    : public_key_(derive_key_pair(seed, secret_key_)),
      key_id_(ed25519_key_id(public_key_)),
      verifier_({public_key_}, std::move(service), clock),
      clock_(clock),
      ttl_(ttl_seconds) {
  sodium_memzero(seed.data(), seed.size());
}

TokenService::~TokenService() {
  sodium_memzero(secret_key_.data(), secret_key_.size());
}

std::string TokenService::issue(const std::string& subject,
                                const std::vector<Access>& access) const {
  int64_t now = clock_.now_unix();
  json grants = json::array();
  for (const auto& a : access)
    grants.push_back({{"type", a.type}, {"name", a.name}, {"actions", a.actions}});
  unsigned char jti[12];
  randombytes_buf(jti, sizeof jti);
  const std::string& service = verifier_.service();
  json claims = {
      {"iss", service},   {"sub", subject},
      {"aud", service},   {"iat", now},
      {"nbf", now - 5},   {"exp", now + ttl_},
      {"access", grants}, {"jti", base64url({reinterpret_cast<char*>(jti), sizeof jti})}};
  json header = {{"alg", "EdDSA"}, {"typ", "JWT"}, {"kid", key_id_}};
  std::string input = base64url(header.dump()) + "." + base64url(claims.dump());
  unsigned char signature[crypto_sign_BYTES];
  crypto_sign_detached(signature, nullptr, reinterpret_cast<const unsigned char*>(input.data()),
                       input.size(), secret_key_.data());
  return input + "." + base64url({reinterpret_cast<char*>(signature), sizeof signature});
}

nlohmann::json TokenService::jwks() const {
  return verifier_.jwks();
}

}  // namespace asterai::registry
