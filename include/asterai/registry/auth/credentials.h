// Users and their API keys. Keys are shown once when issued and stored only as a keyed
// hash, so a copy of the database does not reveal them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "asterai/common/error.h"

namespace asterai::registry {

struct User {
  std::string name;
  bool is_admin = false;
};

struct ApiKeyInfo {
  std::string id;
  std::string user;
  std::string label;
  int64_t created_unix = 0;
  bool revoked = false;
};

struct IssuedKey {
  std::string id;
  std::string secret;  // the whole key, e.g. "astk_<id>_<random>"; never stored
};

class CredentialStore {
 public:
  virtual ~CredentialStore() = default;
  // User names double as namespaces, so they follow the repository component grammar.
  virtual Result<void> create_user(const std::string& name, bool is_admin) = 0;
  virtual Result<User> user(const std::string& name) = 0;
  virtual Result<std::vector<User>> users() = 0;
  virtual Result<IssuedKey> issue_key(const std::string& user, const std::string& label) = 0;
  virtual Result<void> revoke_key(const std::string& id) = 0;
  virtual Result<std::vector<ApiKeyInfo>> keys(const std::string& user) = 0;
  // unauthorized for an unknown user, a wrong, revoked or malformed key.
  virtual Result<User> verify(const std::string& user, const std::string& key) = 0;
};

}  // namespace asterai::registry
