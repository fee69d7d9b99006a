#include "asterai/cloud/store.h"

#include "postgres_store.h"
#include "sqlite_store.h"

namespace asterai::cloud {

Result<std::shared_ptr<Store>> open_store(const std::string& url) {
  static constexpr std::string_view kSqlite = "sqlite:";
  if (url.starts_with(kSqlite) && url.size() > kSqlite.size()) {
    return ASTERAI_TRY(SqliteStore::open(url.substr(kSqlite.size())));
  }
  if (url.starts_with("postgres://") || url.starts_with("postgresql://"))
    return ASTERAI_TRY(PostgresStore::open(url));
  return make_error(ErrorKind::usage, "--store " + url +
                                          ": expected sqlite:PATH (the embedded store) or "
                                          "postgres://USER@HOST:PORT/DATABASE");
}

}  // namespace asterai::cloud
