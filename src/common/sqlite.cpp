#include "asterai/common/sqlite.h"

namespace asterai::sqlite {

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) !=
      SQLITE_OK) {
    error_ = sqlite3_errmsg(db);
    stmt_ = nullptr;
  }
}

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int index, std::string_view text) {
  if (stmt_)
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind_unowned(int index, std::string_view text) {
  if (stmt_)
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
  return *this;
}

Statement& Statement::bind(int index, int64_t value) {
  if (stmt_) sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::bind_blob(int index, const std::vector<unsigned char>& bytes) {
  if (stmt_)
    sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind_null(int index) {
  if (stmt_) sqlite3_bind_null(stmt_, index);
  return *this;
}

bool Statement::step() {
  if (!stmt_) return false;
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) error_ = sqlite3_errmsg(db_);
  return false;
}

Result<void> Statement::run() {
  while (step()) {
  }
  if (!error_.empty()) return error_from(*this, "database");
  return {};
}

Statement& Statement::reset() {
  if (stmt_) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  error_.clear();
  return *this;
}

std::string Statement::text(int column) const {
  auto p = sqlite3_column_text(stmt_, column);
  return p ? std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(stmt_, column))
           : std::string();
}

int64_t Statement::integer(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::vector<unsigned char> Statement::blob(int column) const {
  auto p = static_cast<const unsigned char*>(sqlite3_column_blob(stmt_, column));
  return p ? std::vector<unsigned char>(p, p + sqlite3_column_bytes(stmt_, column))
           : std::vector<unsigned char>();
}

tl::unexpected<Error> error_from(const Statement& st, std::string_view what) {
  bool constraint = st.error().find("constraint") != std::string::npos;
  return make_error(constraint ? ErrorKind::conflict : ErrorKind::io,
                    std::string(what) + ": " + st.error());
}

Result<std::shared_ptr<Database>> Database::open(const std::string& path) {
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  std::shared_ptr<Database> db(
      new Database(raw));  // private constructor: make_shared cannot reach it
  if (rc != SQLITE_OK) {
    return make_error(ErrorKind::io, "cannot open database " + path + ": " + sqlite3_errstr(rc));
  }
  sqlite3_busy_timeout(raw, 5000);  // another process (gc, admin command) may hold the write lock
  // WAL lets readers proceed during writes; synchronous=FULL makes every commit durable
  // before the HTTP response that reports it.
  ASTERAI_TRY(
      db->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"));
  return db;
}

Database::~Database() {
  sqlite3_close_v2(db_);
}

Result<void> Database::exec(std::string_view sql) {
  char* msg = nullptr;
  if (sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
    std::string text = msg ? msg : "unknown error";
    sqlite3_free(msg);
    return make_error(ErrorKind::io, "database: " + text);
  }
  return {};
}

Transaction::Transaction(Database& db) : db_(db) {
  done_ = !db_.exec("BEGIN IMMEDIATE").has_value();
}

Transaction::~Transaction() {
  if (!done_) (void)db_.exec("ROLLBACK");
}

Result<void> Transaction::commit() {
  if (done_) return make_error(ErrorKind::io, "database: transaction could not begin");
  ASTERAI_TRY(db_.exec("COMMIT"));
  done_ = true;
  return {};
}

}  // namespace asterai::sqlite
