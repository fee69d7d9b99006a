#include "asterai/common/sha256.h"

// OpenSSL 3's EVP interface fetches the algorithm from a provider on first use: 5 million
// instructions, a fifth of a one-shot `asterai call`. The SHA-256 functions underneath (still
// shipped, marked deprecated) run the same assembly (SHA extensions where the CPU has them)
// without that set-up.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include <array>

namespace asterai {

std::string sha256_hex(std::span<const uint8_t> bytes) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, bytes.data(), bytes.size());
  SHA256_Final(digest.data(), &ctx);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(digest.size() * 2);
  for (unsigned char b : digest) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xf]);
  }
  return out;
}

}  // namespace asterai
