// Registry credentials: asterai's own file ($ASTERAI_HOME/credentials.json, mode 0600,
// written by `asterai login`) and, read-only, Docker's config.json ($DOCKER_CONFIG or
// ~/.docker), so a `docker login`/`oras login` is reused. Both hold base64 "user:secret" in
// `auths.<host>.auth`, the format every OCI client understands; Docker's `credHelpers` and
// `credsStore` are asked through `docker-credential-<helper> get`.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "asterai/common/base64.h"
#include "asterai/common/error.h"

namespace asterai::oci {

struct Credentials {
  std::string username;
  std::string password;  // an API key for asterai's registry
};

// A registry the user is logged in to, as whom and where that is recorded; never the secret.
struct StoredLogin {
  std::string registry;
  std::string username;
  std::string source;  // asterai's file path, Docker's config.json path, or the helper program
};

class CredentialStore {
 public:
  // `file`: asterai's credentials file; `docker_config`: Docker's config.json (may not exist).
  CredentialStore(std::filesystem::path file, std::filesystem::path docker_config);
  // $ASTERAI_HOME/credentials.json and $DOCKER_CONFIG/config.json (or ~/.docker/config.json).
  static CredentialStore open_default();

  // asterai's own entry first, then Docker's; nullopt when neither has the registry.
  Result<std::optional<Credentials>> find(std::string_view registry) const;
  // Adds or replaces the registry's entry; the file is written atomically with mode 0600.
  Result<void> save(std::string_view registry, const Credentials& credentials) const;
  // Removes the entry; false when there was none.
  Result<bool> remove(std::string_view registry) const;
  // Every registry with stored credentials, asterai's entries first, then Docker's (its
  // `auths` and `credHelpers`; the user name comes from the helper), sorted by registry
  // within each; a registry in both appears once, as `find` would use it.
  Result<std::vector<StoredLogin>> logins() const;

  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
  std::filesystem::path docker_config_;
};

// $ASTERAI_HOME, else ~/.asterai.
std::filesystem::path asterai_home();

using asterai::base64_decode;
using asterai::base64_encode;

}  // namespace asterai::oci
