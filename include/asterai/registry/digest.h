// Content digests ("sha256:<hex>", "sha512:<hex>") and a streaming hasher for them.
#pragma once

#include <openssl/evp.h>

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "asterai/common/error.h"

namespace asterai::registry {

enum class DigestAlgorithm { sha256, sha512 };

struct Digest {
  DigestAlgorithm algorithm = DigestAlgorithm::sha256;
  std::string hex;  // lower-case, 64 or 128 characters

  std::string to_string() const;
  bool operator==(const Digest&) const = default;
};

// Parses and validates a digest; only the algorithms registered by the image spec are
// accepted, and the hex part must have exactly their length (dist-spec "digest" grammar).
Result<Digest> parse_digest(std::string_view text);

std::string_view algorithm_name(DigestAlgorithm algorithm);

// Incremental hash of a byte stream. Owns an OpenSSL EVP_MD_CTX.
class Hasher {
 public:
  explicit Hasher(DigestAlgorithm algorithm = DigestAlgorithm::sha256);
  void update(std::span<const char> bytes);
  // Ends the stream; the hasher must not be updated afterwards.
  Digest finish();
  DigestAlgorithm algorithm() const { return algorithm_; }

 private:
  struct CtxFree {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
  };
  DigestAlgorithm algorithm_;
  std::unique_ptr<EVP_MD_CTX, CtxFree> ctx_;
};

Digest digest_of(std::string_view bytes, DigestAlgorithm algorithm = DigestAlgorithm::sha256);

}  // namespace asterai::registry
