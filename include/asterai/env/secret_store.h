// The local secret store: values encrypted at rest with libsodium
// (XChaCha20-Poly1305, the secret's name as associated data so values cannot be swapped
// between names), in $ASTERAI_HOME/secrets/secrets.json. The key comes from
// $ASTERAI_SECRET_KEY (64 hex digits) or the key file $ASTERAI_HOME/secrets/key, created
// with mode 0600 on first use; a key file readable by others is refused. Values never appear
// in messages: errors name the secret, never its content.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "asterai/common/error.h"
#include "asterai/env/secret_box.h"

namespace asterai::env {

inline constexpr size_t kMaxSecretBytes = 64 * 1024;

class SecretStore {
 public:
  // `folder` is usually $ASTERAI_HOME/secrets. `create_key`: make a key file when there is
  // none (only `secret set` does; reading never creates one).
  static Result<SecretStore> open(const std::filesystem::path& folder, bool create_key);
  static std::filesystem::path default_folder();

  std::vector<std::string> names() const;
  bool contains(const std::string& name) const { return sealed_.contains(name); }
  Result<std::string> get(const std::string& name) const;
  Result<void> set(const std::string& name, const std::string& value);
  Result<void> remove(const std::string& name);

  ~SecretStore();
  SecretStore(SecretStore&&) noexcept;
  SecretStore& operator=(SecretStore&&) = delete;

 private:
  SecretStore(std::filesystem::path file, SecretBox box);
  Result<void> save() const;
  std::filesystem::path file_;
  SecretBox box_;
  std::map<std::string, std::string> sealed_;  // name -> base64(nonce || ciphertext)
};

}  // namespace asterai::env
