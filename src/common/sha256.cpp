#include "asterai/common/sha256.h"

// OpenSSL 3's EVP interface fetches the algorithm from a provider on first use: 5 million
// instructions, a fifth of a one-shot `asterai call`. The SHA-256 functions underneath (still
// shipped, marked deprecated) run the same assembly (SHA extensions where the CPU has them)
// without that set-up.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include <array>

namespace asterai {

Sha256 sha256(std::span<const uint8_t> bytes) {
  static_assert(std::tuple_size_v<Sha256> == SHA256_DIGEST_LENGTH);
  Sha256 digest{};
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, bytes.data(), bytes.size());
  SHA256_Final(digest.data(), &ctx);
  return digest;
}

std::string sha256_hex(std::span<const uint8_t> bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (uint8_t b : sha256(bytes)) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xf]);
  }
  return out;
}

}  // namespace asterai
