#include "asterai/registry/digest.h"

#include <stdexcept>

namespace asterai::registry {
namespace {

const EVP_MD* evp_of(DigestAlgorithm algorithm) {
  return algorithm == DigestAlgorithm::sha512 ? EVP_sha512() : EVP_sha256();
}

bool is_lower_hex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

std::string_view algorithm_name(DigestAlgorithm algorithm) {
  return algorithm == DigestAlgorithm::sha512 ? "sha512" : "sha256";
}

std::string Digest::to_string() const {
  return std::string(algorithm_name(algorithm)) + ":" + hex;
}

Result<Digest> parse_digest(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos) {
    return make_error(ErrorKind::invalid_input, "not a digest (algorithm:hex expected)");
  }
  std::string_view algo = text.substr(0, colon);
  std::string_view hex = text.substr(colon + 1);
  Digest d;
  size_t want = 0;
  if (algo == "sha256") {
    d.algorithm = DigestAlgorithm::sha256;
    want = 64;
  } else if (algo == "sha512") {
    d.algorithm = DigestAlgorithm::sha512;
    want = 128;
  } else {
    return make_error(ErrorKind::invalid_input, "unsupported digest algorithm");
  }
  if (hex.size() != want || !is_lower_hex(hex)) {
    return make_error(ErrorKind::invalid_input, "malformed digest hex");
  }
  d.hex = std::string(hex);
  return d;
}

Hasher::Hasher(DigestAlgorithm algorithm) : algorithm_(algorithm), ctx_(EVP_MD_CTX_new()) {
  // Only allocation failure can make these fail; there is no sane way to continue.
  if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), evp_of(algorithm), nullptr) != 1) {
    throw std::runtime_error("EVP_DigestInit_ex failed");
  }
}

void Hasher::update(std::span<const char> bytes) {
  EVP_DigestUpdate(ctx_.get(), bytes.data(), bytes.size());
}

Digest Hasher::finish() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx_.get(), md, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  Digest d{algorithm_, std::string(len * 2, '0')};
  for (unsigned i = 0; i < len; ++i) {
    d.hex[2 * i] = kHex[md[i] >> 4];
    d.hex[2 * i + 1] = kHex[md[i] & 15];
  }
  return d;
}

Digest digest_of(std::string_view bytes, DigestAlgorithm algorithm) {
  Hasher h(algorithm);
  h.update(bytes);
  return h.finish();
}

}  // namespace asterai::registry
