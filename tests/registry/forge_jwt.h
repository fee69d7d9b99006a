// Builds JWTs by hand, as an attacker or another issuer would, for the rejection tests.
#pragma once

#include <sodium.h>

#include <array>
#include <cstring>
#include <string>
#include <vector>

namespace asterai::registry::testing {

inline std::string b64url(const std::string& s) {
  std::string out(sodium_base64_encoded_len(s.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(s.data()),
                    s.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}

// "" when `s` is not unpadded base64url.
inline std::string unb64url(const std::string& s) {
  std::string out(s.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), s.data(),
                        s.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
    return "";
  out.resize(len);
  return out;
}

// An Ed25519 key pair from a 32-byte seed, as TokenService derives it.
struct ForgeKey {
  explicit ForgeKey(const std::vector<unsigned char>& seed) {
    if (sodium_init() < 0) return;
    crypto_sign_seed_keypair(public_key.data(), secret_key.data(), seed.data());
  }
  std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> public_key{};
  std::array<unsigned char, crypto_sign_SECRETKEYBYTES> secret_key{};
};

inline std::string eddsa_jwt(const std::string& header, const std::string& claims,
                             const ForgeKey& key) {
  std::string input = b64url(header) + "." + b64url(claims);
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(input.data()),
                       input.size(), key.secret_key.data());
  return input + "." + b64url(std::string(reinterpret_cast<char*>(sig), sizeof sig));
}

// HMAC-SHA256 with any key, e.g. the public key (the classic algorithm confusion).
inline std::string hs256_jwt(const std::string& header, const std::string& claims,
                             const std::string& key) {
  std::string input = b64url(header) + "." + b64url(claims);
  crypto_auth_hmacsha256_state st;
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(input.data()),
                                input.size());
  crypto_auth_hmacsha256_final(&st, mac);
  return input + "." + b64url(std::string(reinterpret_cast<char*>(mac), sizeof mac));
}

}  // namespace asterai::registry::testing
