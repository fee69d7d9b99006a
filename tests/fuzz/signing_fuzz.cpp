// Signatures read from a registry (src/signing): the simple-signing payload and the DER
// signature beside it, verified under a fixed key, and PEM public keys. A forged signature
// must never verify, and no input may crash the reader. Input: payload, a NUL, signature.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "asterai/signing/signatures.h"

namespace {

// A P-256 public key whose private half nobody kept: nothing can be signed with it.
constexpr std::string_view kKey =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqYAf9s5hXCO46OwQmz6C4ucHEAFF\n"
    "2TyYo9kbExGYUFT/LNBf37ESZzvAkdK85PSfdAd+kbBsjrGfwP5C6UYTFA==\n"
    "-----END PUBLIC KEY-----\n";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace asterai::signing;
  static const std::vector<Key> keys = [] {
    std::vector<Key> k;
    k.push_back(*parse_public_key(kKey));
    return k;
  }();
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto cut = in.find('\0');
  std::string payload(in.substr(0, cut));
  std::string signature(cut == std::string_view::npos ? "" : in.substr(cut + 1));
  auto digest = signed_digest(payload);
  Verdict v = verify_signatures({{payload, signature}}, digest ? *digest : "sha256:x", keys);
  if (!v.signers.empty()) std::abort();  // a signature nobody could have made verified
  if (auto key = parse_public_key(in); key && key->id().size() != 16) std::abort();
  return 0;
}
