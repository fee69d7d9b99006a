// Sealing of secret values with libsodium's XChaCha20-Poly1305 and one 256-bit key: a random
// nonce per value, and a context (the secret's name, or a tenant and a name) as associated
// data, so a sealed value opens only under the context it was sealed for and cannot be moved
// between names or tenants. Used by the local secret store and the cloud's. The key is wiped
// when the box goes away; values never appear in messages.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "asterai/common/error.h"

namespace asterai::env {

class SecretBox {
 public:
  static constexpr size_t kKeyBytes = 32;

  // A key of 64 hex digits; `where` names its source in the error.
  static Result<SecretBox> from_hex(std::string_view hex, const std::string& where);
  // The key file `path` (64 hex digits, whitespace around them ignored), refused when others
  // may read it.
  static Result<SecretBox> from_key_file(const std::filesystem::path& path);
  // A new random key, and its hex text (to be written somewhere by the caller).
  static Result<SecretBox> generate(std::string* hex_out);

  // base64(nonce || ciphertext) of `value` under `context`.
  std::string seal(std::string_view value, std::string_view context) const;
  // The value `sealed` holds; `what` names it in errors ("secret TOKEN").
  Result<std::string> open(std::string_view sealed, std::string_view context,
                           const std::string& what) const;

  ~SecretBox();
  SecretBox(SecretBox&&) noexcept;
  SecretBox& operator=(SecretBox&&) = delete;
  SecretBox(const SecretBox&) = delete;

 private:
  explicit SecretBox(std::vector<unsigned char> key) : key_(std::move(key)) {}
  std::vector<unsigned char> key_;
};

}  // namespace asterai::env
