// The embedded CredentialStore on SQLite (same database as the metadata).
#pragma once

#include "asterai/common/sqlite.h"
#include "asterai/registry/auth/credentials.h"

namespace asterai::registry {

class SqliteCredentials final : public CredentialStore {
 public:
  // `pepper` keys the hash of API keys (libsodium generichash / BLAKE2b).
  SqliteCredentials(std::shared_ptr<sqlite::Database> db, std::vector<unsigned char> pepper);
  Result<void> init();

  Result<void> create_user(const std::string& name, bool is_admin) override;
  Result<User> user(const std::string& name) override;
  Result<std::vector<User>> users() override;
  Result<IssuedKey> issue_key(const std::string& user, const std::string& label) override;
  Result<void> revoke_key(const std::string& id) override;
  Result<std::vector<ApiKeyInfo>> keys(const std::string& user) override;
  Result<User> verify(const std::string& user, const std::string& key) override;

 private:
  std::vector<unsigned char> hash_key(const std::string& key) const;
  Result<User> user_locked(const std::string& name);

  std::shared_ptr<sqlite::Database> db_;
  std::vector<unsigned char> pepper_;
};

}  // namespace asterai::registry
