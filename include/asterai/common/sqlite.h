// Thin RAII layer over the SQLite C API: one connection guarded by a mutex (SQLite
// serialises writers anyway, and its users' queries are point lookups). Used by the
// registry's metadata and by the schedules' state.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "asterai/common/error.h"

namespace asterai::sqlite {

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool ok() const { return stmt_ != nullptr; }
  Statement& bind(int index, std::string_view text);
  // Without a copy: `text` must stay as it is until the statement is reset or goes.
  Statement& bind_unowned(int index, std::string_view text);
  Statement& bind(int index, int64_t value);
  Statement& bind_blob(int index, const std::vector<unsigned char>& bytes);
  Statement& bind_null(int index);
  // Advances; true while a row is available. Errors end up in error().
  bool step();
  Result<void> run();  // steps to completion
  // Makes the statement ready to run again with new bindings (one statement, many rows).
  Statement& reset();
  std::string text(int column) const;
  int64_t integer(int column) const;
  bool is_null(int column) const;
  std::vector<unsigned char> blob(int column) const;
  const std::string& error() const { return error_; }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string error_;
};

class Database {
 public:
  static Result<std::shared_ptr<Database>> open(const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  sqlite3* handle() const { return db_; }
  std::mutex& mutex() { return mutex_; }
  Result<void> exec(std::string_view sql);

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::mutex mutex_;
};

// BEGIN IMMEDIATE on construction, ROLLBACK unless commit() succeeded.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Result<void> commit();

 private:
  Database& db_;
  bool done_ = false;
};

// Maps a statement failure to an Error (constraint violations become conflict).
tl::unexpected<Error> error_from(const Statement& st, std::string_view what);

}  // namespace asterai::sqlite
