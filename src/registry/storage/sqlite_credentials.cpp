#include "storage/sqlite_credentials.h"

#include <sodium.h>

#include <ctime>

#include "asterai/common/random_hex.h"
#include "asterai/registry/names.h"

namespace asterai::registry {
namespace {

constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS users(name TEXT PRIMARY KEY, admin INTEGER NOT NULL, created INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS api_keys(
  id TEXT PRIMARY KEY, user TEXT NOT NULL REFERENCES users(name), hash BLOB NOT NULL,
  label TEXT NOT NULL, created INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);
)sql";

constexpr std::string_view kKeyPrefix = "astk_";

tl::unexpected<Error> bad_credentials() {
  return make_error(ErrorKind::unauthorized, "unknown user or invalid API key");
}

}  // namespace

using sqlite::Statement;

SqliteCredentials::SqliteCredentials(std::shared_ptr<sqlite::Database> db,
                                     std::vector<unsigned char> pepper)
    : db_(std::move(db)), pepper_(std::move(pepper)) {}

Result<void> SqliteCredentials::init() {
  if (sodium_init() < 0) return make_error(ErrorKind::internal, "libsodium failed to initialise");
  std::lock_guard lock(db_->mutex());
  return db_->exec(kSchema);
}

// Keys carry 256 random bits, so a keyed fast hash is enough: there is nothing to
// brute-force, and a slow password hash would make every token request cost ~100 ms.
std::vector<unsigned char> SqliteCredentials::hash_key(const std::string& key) const {
  std::vector<unsigned char> out(crypto_generichash_BYTES);
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(key.data()),
                     key.size(), pepper_.data(), pepper_.size());
  return out;
}

Result<void> SqliteCredentials::create_user(const std::string& name, bool is_admin) {
  if (!is_valid_repository_name(name) || name.find('/') != std::string::npos) {
    return make_error(
        ErrorKind::invalid_input,
        "user names are namespaces: lower-case letters, digits and single . _ - separators");
  }
  std::lock_guard lock(db_->mutex());
  Statement st(db_->handle(), "INSERT INTO users(name, admin, created) VALUES(?,?,?)");
  auto ok = st.bind(1, name)
                .bind(2, int64_t{is_admin})
                .bind(3, static_cast<int64_t>(std::time(nullptr)))
                .run();
  if (!ok && ok.error().kind == ErrorKind::conflict) {
    return make_error(ErrorKind::conflict, "user " + name + " exists already");
  }
  return ok;
}

Result<User> SqliteCredentials::user_locked(const std::string& name) {
  Statement st(db_->handle(), "SELECT name, admin FROM users WHERE name=?");
  if (!st.bind(1, name).step()) {
    if (!st.error().empty()) return sqlite::error_from(st, "user lookup");
    return make_error(ErrorKind::not_found, "no user " + name);
  }
  return User{st.text(0), st.integer(1) != 0};
}

Result<User> SqliteCredentials::user(const std::string& name) {
  std::lock_guard lock(db_->mutex());
  return user_locked(name);
}

Result<std::vector<User>> SqliteCredentials::users() {
  std::lock_guard lock(db_->mutex());
  Statement st(db_->handle(), "SELECT name, admin FROM users ORDER BY name");
  std::vector<User> out;
  while (st.step()) out.push_back(User{st.text(0), st.integer(1) != 0});
  if (!st.error().empty()) return sqlite::error_from(st, "user list");
  return out;
}

Result<IssuedKey> SqliteCredentials::issue_key(const std::string& user, const std::string& label) {
  std::lock_guard lock(db_->mutex());
  ASTERAI_TRY(user_locked(user));
  IssuedKey key;
  key.id = random_hex(8);
  key.secret = std::string(kKeyPrefix) + key.id + "_" + random_hex(32);
  Statement st(db_->handle(),
               "INSERT INTO api_keys(id, user, hash, label, created) VALUES(?,?,?,?,?)");
  st.bind(1, key.id).bind(2, user).bind_blob(3, hash_key(key.secret)).bind(4, label);
  ASTERAI_TRY(st.bind(5, static_cast<int64_t>(std::time(nullptr))).run());
  return key;
}

Result<void> SqliteCredentials::revoke_key(const std::string& id) {
  std::lock_guard lock(db_->mutex());
  Statement st(db_->handle(), "UPDATE api_keys SET revoked=1 WHERE id=?");
  ASTERAI_TRY(st.bind(1, id).run());
  if (sqlite3_changes(db_->handle()) == 0)
    return make_error(ErrorKind::not_found, "no API key " + id);
  return {};
}

Result<std::vector<ApiKeyInfo>> SqliteCredentials::keys(const std::string& user) {
  std::lock_guard lock(db_->mutex());
  Statement st(
      db_->handle(),
      "SELECT id, user, label, created, revoked FROM api_keys WHERE user=? ORDER BY created");
  st.bind(1, user);
  std::vector<ApiKeyInfo> out;
  while (st.step())
    out.push_back(
        ApiKeyInfo{st.text(0), st.text(1), st.text(2), st.integer(3), st.integer(4) != 0});
  if (!st.error().empty()) return sqlite::error_from(st, "key list");
  return out;
}

Result<User> SqliteCredentials::verify(const std::string& user, const std::string& key) {
  // astk_<16 hex id>_<64 hex secret>
  if (key.size() != kKeyPrefix.size() + 16 + 1 + 64 ||
      key.compare(0, kKeyPrefix.size(), kKeyPrefix) != 0) {
    return bad_credentials();
  }
  std::string id = key.substr(kKeyPrefix.size(), 16);
  std::lock_guard lock(db_->mutex());
  Statement st(db_->handle(), "SELECT user, hash, revoked FROM api_keys WHERE id=?");
  if (!st.bind(1, id).step()) return bad_credentials();
  auto stored = st.blob(1);
  auto computed = hash_key(key);
  bool match = stored.size() == computed.size() &&
               sodium_memcmp(stored.data(), computed.data(), computed.size()) == 0;
  if (!match || st.integer(2) != 0 || st.text(0) != user) return bad_credentials();
  return user_locked(user);
}

}  // namespace asterai::registry
