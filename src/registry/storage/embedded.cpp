#include "asterai/registry/storage/embedded.h"

#include <filesystem>

#include "auth/secret_file.h"
#include "storage/sqlite_credentials.h"
#include "storage/sqlite_metadata.h"

namespace asterai::registry {

Result<Storage> open_embedded_storage(const StorageOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(options.root, ec);
  if (ec)
    return make_error(ErrorKind::io,
                      "cannot create registry root " + options.root + ": " + ec.message());
  Storage s;
  s.blobs = ASTERAI_TRY(make_filesystem_driver(options.root));
  auto db = ASTERAI_TRY(sqlite::Database::open(options.root + "/registry.db"));
  auto metadata = std::make_unique<SqliteMetadata>(db, options.default_public);
  ASTERAI_TRY(metadata->init());
  auto pepper = ASTERAI_TRY(load_or_create_secret(options.root + "/secrets/key-pepper", 32));
  auto credentials = std::make_unique<SqliteCredentials>(db, std::move(pepper));
  ASTERAI_TRY(credentials->init());
  s.metadata = std::move(metadata);
  s.credentials = std::move(credentials);
  return s;
}

Result<std::vector<unsigned char>> token_signing_key(const std::string& root) {
  // A new name: the HS256 key of older versions (secrets/token-hmac-key) is left unused.
  return load_or_create_secret(root + "/secrets/token-ed25519-seed", 32);
}

}  // namespace asterai::registry
