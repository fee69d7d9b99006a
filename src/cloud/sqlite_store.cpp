// The embedded store: one SQLite file in WAL mode with synchronous=NORMAL: a committed usage
// batch survives the node's process dying (kill -9: the WAL is in the OS's page cache), not a
// power cut of the machine, and a commit costs no fsync (each one held answers back). The
// checkpoints (which fsync) run on a connection and thread of their own.
#include "sqlite_store.h"

#include <chrono>
#include <map>
#include <thread>
#include <tuple>

#include "asterai/common/thread_role.h"

namespace asterai::cloud {
namespace {

constexpr std::string_view kSchema = R"(
CREATE TABLE IF NOT EXISTS deployments (
  id INTEGER PRIMARY KEY, tenant TEXT NOT NULL, environment TEXT NOT NULL,
  version TEXT NOT NULL, reference TEXT NOT NULL, created INTEGER NOT NULL,
  retired INTEGER);
CREATE INDEX IF NOT EXISTS deployments_live ON deployments (tenant, environment, retired, id);
CREATE TABLE IF NOT EXISTS usage (
  call_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, environment TEXT NOT NULL,
  version TEXT NOT NULL, member TEXT NOT NULL, function TEXT NOT NULL, kind TEXT NOT NULL,
  started_us INTEGER NOT NULL, wall_us INTEGER NOT NULL, fuel INTEGER,
  peak_memory INTEGER NOT NULL, http_bytes INTEGER NOT NULL, outcome TEXT NOT NULL)
  WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS usage_by_tenant ON usage (tenant, started_us);
CREATE TABLE IF NOT EXISTS usage_months (
  tenant TEXT NOT NULL, month INTEGER NOT NULL, calls INTEGER NOT NULL,
  wall_us INTEGER NOT NULL, PRIMARY KEY (tenant, month)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS usage_days (
  tenant TEXT NOT NULL, day INTEGER NOT NULL, environment TEXT NOT NULL, function TEXT NOT NULL,
  calls INTEGER NOT NULL, errors INTEGER NOT NULL, wall_us INTEGER NOT NULL,
  fuel INTEGER NOT NULL, PRIMARY KEY (tenant, day, environment, function)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS deployment_schedules (
  deployment INTEGER PRIMARY KEY, schedules INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS leases (
  name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS secrets (
  tenant TEXT NOT NULL, name TEXT NOT NULL, sealed TEXT NOT NULL, updated INTEGER NOT NULL,
  PRIMARY KEY (tenant, name));
CREATE TABLE IF NOT EXISTS secret_stamps (tenant TEXT PRIMARY KEY, stamp INTEGER NOT NULL);
)";

// A store made before usage_months or usage_days existed: its sums, from the records it holds.
constexpr std::string_view kSumMonths = R"(
INSERT INTO usage_months (tenant, month, calls, wall_us)
  SELECT tenant, CAST(strftime('%s', started_us / 1000000, 'unixepoch', 'start of month')
                      AS INTEGER) * 1000000, COUNT(*), SUM(wall_us)
  FROM usage GROUP BY 1, 2;
)";
constexpr std::string_view kSumDays = R"(
INSERT INTO usage_days (tenant, day, environment, function, calls, errors, wall_us, fuel)
  SELECT tenant, (started_us / 86400000000) * 86400000000, environment, function, COUNT(*),
         SUM(outcome <> 'ok'), SUM(wall_us), COALESCE(SUM(fuel), 0)
  FROM usage GROUP BY 1, 2, 3, 4;
)";

constexpr const char* kAddToDay =
    "INSERT INTO usage_days (tenant, day, environment, function, calls, errors, wall_us, fuel)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant, day, environment, function) DO UPDATE"
    " SET calls = calls + excluded.calls, errors = errors + excluded.errors,"
    " wall_us = wall_us + excluded.wall_us, fuel = fuel + excluded.fuel";

constexpr const char* kAddToMonth =
    "INSERT INTO usage_months (tenant, month, calls, wall_us) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (tenant, month) DO UPDATE SET calls = calls + excluded.calls,"
    " wall_us = wall_us + excluded.wall_us";

constexpr const char* kBumpStamp =
    "INSERT INTO secret_stamps (tenant, stamp) VALUES (?, 1)"
    " ON CONFLICT (tenant) DO UPDATE SET stamp = secret_stamps.stamp + 1";

constexpr auto kCheckpointEvery = std::chrono::milliseconds(500);

constexpr std::string_view kColumns =
    "id, tenant, environment, version, reference, created,"
    " (SELECT schedules FROM deployment_schedules WHERE deployment = id)";

// `deployments d` rows that answer: the newest live version of their environment.
constexpr std::string_view kAnswering =
    " retired IS NULL AND id = (SELECT MAX(id) FROM deployments WHERE tenant = d.tenant AND"
    " environment = d.environment AND retired IS NULL)";

Deployment row(const sqlite::Statement& st) {
  return Deployment{st.integer(0),
                    st.text(1),
                    st.text(2),
                    st.text(3),
                    st.text(4),
                    st.integer(5),
                    static_cast<size_t>(st.is_null(6) ? 0 : st.integer(6))};
}

int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Result<std::shared_ptr<SqliteStore>> SqliteStore::open(const std::filesystem::path& file) {
  std::error_code ec;
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
  auto db = ASTERAI_TRY(sqlite::Database::open(file.string()));
  // The WAL file is cut back to 64 MiB when it restarts after a checkpoint. A 16 MiB page
  // cache holds a usage batch's pages (SQLite's 2 MiB default spilled mid-transaction).
  ASTERAI_TRY(
      db->exec("PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=0;"
               " PRAGMA journal_size_limit=67108864; PRAGMA cache_size=-16384;"));
  {
    // In one transaction: a store is never left with the table and without its sums.
    sqlite::Transaction tx(*db);
    // Records stored by a version without the month or the day sums.
    bool sum_months = false, sum_days = false;
    {
      sqlite::Statement tables(
          db->handle(),
          "SELECT COUNT(*) FILTER (WHERE name = 'usage'), COUNT(*) FILTER (WHERE name ="
          " 'usage_months'), COUNT(*) FILTER (WHERE name = 'usage_days') FROM sqlite_master"
          " WHERE type = 'table'");
      if (!tables.step()) return sqlite::error_from(tables, "reading the store's tables");
      sum_months = tables.integer(0) == 1 && tables.integer(1) == 0;
      sum_days = tables.integer(0) == 1 && tables.integer(2) == 0;
    }
    ASTERAI_TRY(db->exec(kSchema));
    if (sum_months) ASTERAI_TRY(db->exec(kSumMonths));
    if (sum_days) ASTERAI_TRY(db->exec(kSumDays));
    ASTERAI_TRY(tx.commit());
  }
  auto checkpoints = ASTERAI_TRY(sqlite::Database::open(file.string()));
  // The schedules' tables, in the same file on a connection of their own.
  auto schedules = ASTERAI_TRY(schedule::StateStore::open(file));
  return std::shared_ptr<SqliteStore>(
      new SqliteStore(std::move(db), std::move(checkpoints), std::move(schedules)));
}

SqliteStore::~SqliteStore() = default;

SqliteStore::Checkpointer::Checkpointer(std::shared_ptr<sqlite::Database> db)
    : db_(std::move(db)), thread_([this] {
        set_thread_role(ThreadRole::background, "asterai-wal");  // no commit waits for it
        std::unique_lock lock(mutex_);
        while (!wake_.wait_for(lock, kCheckpointEvery, [this] { return stop_; })) {
          lock.unlock();
          // PASSIVE: copies what it can without waiting for the writer or readers, so a
          // commit never waits for it. A failure is retried at the next turn.
          (void)db_->exec("PRAGMA wal_checkpoint(PASSIVE);");
          lock.lock();
        }
      }) {}

SqliteStore::Checkpointer::~Checkpointer() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

Result<std::optional<Deployment>> SqliteStore::active_locked(const std::string& tenant,
                                                             const std::string& environment) {
  sqlite::Statement st(db_->handle(), "SELECT " + std::string(kColumns) +
                                          " FROM deployments WHERE tenant = ? AND environment = ?"
                                          " AND retired IS NULL ORDER BY id DESC LIMIT 1");
  st.bind(1, tenant).bind(2, environment);
  if (st.step()) return row(st);
  if (!st.error().empty()) return sqlite::error_from(st, "reading deployments");
  return std::optional<Deployment>();
}

Result<Deployment> SqliteStore::deploy(const Deployment& d) {
  std::lock_guard lock(db_->mutex());
  sqlite::Transaction tx(*db_);
  auto current = ASTERAI_TRY(active_locked(d.tenant, d.environment));
  if (current && current->reference == d.reference) {
    return make_error(ErrorKind::conflict, d.tenant + "/" + d.environment + "@" + d.version +
                                               " is deployed and answering already");
  }
  Deployment out = d;
  out.created = now_seconds();
  sqlite::Statement st(db_->handle(),
                       "INSERT INTO deployments (tenant, environment, version, reference, created)"
                       " VALUES (?, ?, ?, ?, ?)");
  st.bind(1, d.tenant).bind(2, d.environment).bind(3, d.version).bind(4, d.reference);
  st.bind(5, out.created);
  ASTERAI_TRY(st.run());
  out.id = sqlite3_last_insert_rowid(db_->handle());
  if (d.schedules > 0) {
    sqlite::Statement sched(
        db_->handle(), "INSERT INTO deployment_schedules (deployment, schedules) VALUES (?, ?)");
    ASTERAI_TRY(sched.bind(1, out.id).bind(2, static_cast<int64_t>(d.schedules)).run());
  }
  ASTERAI_TRY(tx.commit());
  return out;
}

Result<std::optional<Deployment>> SqliteStore::active(const std::string& tenant,
                                                      const std::string& environment) {
  std::lock_guard lock(db_->mutex());
  return active_locked(tenant, environment);
}

Result<std::vector<Deployment>> SqliteStore::list(const std::string& tenant) {
  std::lock_guard lock(db_->mutex());
  sqlite::Statement st(db_->handle(), "SELECT " + std::string(kColumns) +
                                          " FROM deployments d WHERE tenant = ? AND" +
                                          std::string(kAnswering) + " ORDER BY environment");
  st.bind(1, tenant);
  std::vector<Deployment> out;
  while (st.step()) out.push_back(row(st));
  if (!st.error().empty()) return sqlite::error_from(st, "listing deployments");
  return out;
}

Result<Deployment> SqliteStore::rollback(const std::string& tenant,
                                         const std::string& environment) {
  std::lock_guard lock(db_->mutex());
  sqlite::Transaction tx(*db_);
  auto current = ASTERAI_TRY(active_locked(tenant, environment));
  if (!current) {
    return make_error(ErrorKind::not_found, tenant + "/" + environment + " is not deployed");
  }
  sqlite::Statement retire(db_->handle(), "UPDATE deployments SET retired = ? WHERE id = ?");
  retire.bind(1, now_seconds()).bind(2, current->id);
  ASTERAI_TRY(retire.run());
  auto previous = ASTERAI_TRY(active_locked(tenant, environment));
  if (!previous) {
    return make_error(ErrorKind::not_found, tenant + "/" + environment + "@" + current->version +
                                                " has no earlier version to roll back to");
  }
  ASTERAI_TRY(tx.commit());
  return *previous;
}

Result<void> SqliteStore::remove(const std::string& tenant, const std::string& environment) {
  std::lock_guard lock(db_->mutex());
  sqlite::Statement st(db_->handle(),
                       "UPDATE deployments SET retired = ? WHERE tenant = ? AND environment = ?"
                       " AND retired IS NULL");
  st.bind(1, now_seconds()).bind(2, tenant).bind(3, environment);
  ASTERAI_TRY(st.run());
  if (sqlite3_changes(db_->handle()) == 0)
    return make_error(ErrorKind::not_found, tenant + "/" + environment + " is not deployed");
  return {};
}

namespace {

// Rows per INSERT: one statement step per group rather than per record.
constexpr size_t kRowsPerInsert = 32;
// A batch of a thousand rows is a couple of milliseconds of CPU. The scheduler may let a
// thread run that long before it looks again (until its next tick, 4 ms at HZ=250), while
// an event loop with requests waits for that core: the thread offers it back every few
// groups, about every 0.1 ms.
constexpr size_t kGroupsBetweenYields = 2;

// `returning`: the statement names the rows it stored (not those ignored as stored already),
// which costs a quarter of the batch's time; a batch is run that way only once a plain run
// found a record stored already (a spool replayed after a crash).
std::string insert_usage_sql(size_t rows, bool returning) {
  std::string sql =
      "INSERT OR IGNORE INTO usage (call_id, tenant, environment, version, member, function,"
      " kind, started_us, wall_us, fuel, peak_memory, http_bytes, outcome) VALUES ";
  for (size_t i = 0; i < rows; ++i)
    sql += i ? ",(?,?,?,?,?,?,?,?,?,?,?,?,?)" : "(?,?,?,?,?,?,?,?,?,?,?,?,?)";
  return returning ? sql +
                         " RETURNING tenant, started_us, wall_us, environment, function,"
                         " outcome, fuel"
                   : sql;
}

// A batch's new records per (tenant, day, environment, function), and from those per
// (tenant, month).
class UsageSums {
 public:
  void add(std::string_view tenant, int64_t started_us, int64_t wall_us,
           std::string_view environment, std::string_view function, bool ok, int64_t fuel) {
    int64_t day = day_start_us(started_us);
    // Most records of a batch share their day, environment and function with the one before.
    if (!last_ || day != std::get<1>(last_->first) || tenant != std::get<0>(last_->first) ||
        environment != std::get<2>(last_->first) || function != std::get<3>(last_->first))
      last_ = &*days_
                    .try_emplace(
                        {std::string(tenant), day, std::string(environment), std::string(function)})
                    .first;
    Day& d = last_->second;
    ++d.calls;
    d.errors += ok ? 0 : 1;
    d.wall_us += wall_us;
    d.fuel += fuel;
  }
  void add(const UsageRecord& r) {
    add(r.tenant, r.started_us, r.wall_us, r.environment, r.function, r.outcome == "ok",
        static_cast<int64_t>(r.fuel.value_or(0)));
  }
  // Runs an insert made with `returning`, adding the rows it stored.
  Result<void> run(sqlite::Statement& insert) {
    while (insert.step())
      add(insert.text(0), insert.integer(1), insert.integer(2), insert.text(3), insert.text(4),
          insert.text(5) == "ok", insert.is_null(6) ? 0 : insert.integer(6));
    if (!insert.error().empty()) return sqlite::error_from(insert, "storing usage");
    return {};
  }
  Result<void> store(sqlite3* db) const {
    std::map<std::pair<std::string, int64_t>, MonthUsage> months;
    sqlite::Statement day(db, kAddToDay);
    for (const auto& [key, sum] : days_) {
      day.reset();
      day.bind(1, std::get<0>(key)).bind(2, std::get<1>(key));
      day.bind(3, std::get<2>(key)).bind(4, std::get<3>(key));
      day.bind(5, sum.calls).bind(6, sum.errors).bind(7, sum.wall_us).bind(8, sum.fuel);
      ASTERAI_TRY(day.run());
      MonthUsage& month = months[{std::get<0>(key), month_start_us(std::get<1>(key))}];
      month.calls += static_cast<uint64_t>(sum.calls);
      month.wall_us += sum.wall_us;
    }
    sqlite::Statement month(db, kAddToMonth);
    for (const auto& [key, sum] : months) {
      month.reset();
      month.bind(1, key.first).bind(2, key.second);
      month.bind(3, static_cast<int64_t>(sum.calls)).bind(4, sum.wall_us);
      ASTERAI_TRY(month.run());
    }
    return {};
  }

 private:
  struct Day {
    int64_t calls = 0, errors = 0, wall_us = 0, fuel = 0;
  };
  using DayKey = std::tuple<std::string, int64_t, std::string, std::string>;
  std::map<DayKey, Day> days_;
  std::pair<const DayKey, Day>* last_ = nullptr;  // the day sum of the last row seen
};

// The record's strings are not copied: `records` outlives every statement of add_usage.
void bind_usage(sqlite::Statement& st, int first, const UsageRecord& r) {
  st.bind_unowned(first, r.call_id).bind_unowned(first + 1, r.tenant);
  st.bind_unowned(first + 2, r.environment).bind_unowned(first + 3, r.version);
  st.bind_unowned(first + 4, r.member).bind_unowned(first + 5, r.function);
  st.bind_unowned(first + 6, r.kind).bind(first + 7, r.started_us).bind(first + 8, r.wall_us);
  if (r.fuel)
    st.bind(first + 9, static_cast<int64_t>(*r.fuel));
  else
    st.bind_null(first + 9);
  st.bind(first + 10, static_cast<int64_t>(r.peak_memory));
  st.bind(first + 11, static_cast<int64_t>(r.http_bytes)).bind_unowned(first + 12, r.outcome);
}

}  // namespace

Result<void> SqliteStore::add_usage(const std::vector<UsageRecord>& records) {
  std::lock_guard lock(db_->mutex());
  auto stored = insert_usage(records, /*careful=*/false);
  if (!stored || *stored) return stored.map([](bool) {});
  return insert_usage(records, /*careful=*/true).map([](bool) {});
}

Result<bool> SqliteStore::insert_usage(const std::vector<UsageRecord>& records, bool careful) {
  sqlite::Transaction tx(*db_);
  UsageSums sums;
  // Not careful: every record is taken for new and summed as it is; a statement that stored
  // fewer rows than it was given ends the attempt (rolled back) for a careful one.
  auto insert = [&](sqlite::Statement& st, size_t first, size_t n) -> Result<bool> {
    if (careful) {
      ASTERAI_TRY(sums.run(st));
      return true;
    }
    ASTERAI_TRY(st.run());
    if (static_cast<size_t>(sqlite3_changes(db_->handle())) != n) return false;
    for (size_t k = first; k < first + n; ++k) sums.add(records[k]);
    return true;
  };
  size_t i = 0;
  if (records.size() >= kRowsPerInsert) {
    sqlite::Statement group(db_->handle(), insert_usage_sql(kRowsPerInsert, careful));
    for (size_t groups = 1; i + kRowsPerInsert <= records.size(); i += kRowsPerInsert, ++groups) {
      if (groups % kGroupsBetweenYields == 0) std::this_thread::yield();
      group.reset();
      for (size_t k = 0; k < kRowsPerInsert; ++k)
        bind_usage(group, static_cast<int>(k * 13 + 1), records[i + k]);
      if (!ASTERAI_TRY(insert(group, i, kRowsPerInsert))) return false;
    }
  }
  if (i < records.size()) {
    sqlite::Statement one(db_->handle(), insert_usage_sql(1, careful));
    for (; i < records.size(); ++i) {
      one.reset();
      bind_usage(one, 1, records[i]);
      if (!ASTERAI_TRY(insert(one, i, 1))) return false;
    }
  }
  ASTERAI_TRY(sums.store(db_->handle()));
  ASTERAI_TRY(tx.commit());
  return true;
}

Result<std::vector<UsageTotal>> SqliteStore::usage(const std::string& tenant, int64_t from_us,
                                                   int64_t to_us) {
  std::lock_guard lock(db_->mutex());
  sqlite::Statement st(
      db_->handle(),
      "SELECT date(day / 1000000, 'unixepoch'), environment, function, calls, errors, wall_us,"
      " fuel FROM usage_days WHERE tenant = ? AND day >= ? AND day < ?"
      " ORDER BY day, environment, function");
  st.bind(1, tenant).bind(2, from_us).bind(3, to_us);
  std::vector<UsageTotal> out;
  while (st.step()) {
    out.push_back(UsageTotal{
        st.text(0), st.text(1), st.text(2), static_cast<uint64_t>(st.integer(3)),
        static_cast<uint64_t>(st.integer(4)), st.integer(5), static_cast<uint64_t>(st.integer(6))});
  }
  if (!st.error().empty()) return sqlite::error_from(st, "reading usage");
  return out;
}

Result<uint64_t> SqliteStore::usage_count(const std::string& tenant) {
  std::lock_guard lock(db_->mutex());
  sqlite::Statement st(db_->handle(), "SELECT COUNT(*) FROM usage WHERE tenant = ?");
  st.bind(1, tenant);
  if (!st.step()) return sqlite::error_from(st, "counting usage");
  return static_cast<uint64_t>(st.integer(0));
}

Result<MonthUsage> SqliteStore::month_usage(const std::string& tenant, int64_t month_us) {
  std::lock_guard lock(db_->mutex());
  sqlite::Statement st(db_->handle(),
                       "SELECT calls, wall_us FROM usage_months WHERE tenant = ? AND month = ?");
  st.bind(1, tenant).bind(2, month_us);
  if (st.step()) return MonthUsage{static_cast<uint64_t>(st.integer(0)), st.integer(1)};
  if (!st.error().empty()) return sqlite::error_from(st, "reading the month's usage");
  return MonthUsage{};
}

Result<std::vector<Deployment>> SqliteStore::scheduled() {
  std::lock_guard lock(db_->mutex());
  sqlite::Statement st(db_->handle(), "SELECT " + std::string(kColumns) +
                                          " FROM deployments d WHERE" + std::string(kAnswering) +
                                          " AND id IN (SELECT deployment FROM deployment_schedules)"
                                          " ORDER BY tenant, environment");
  std::vector<Deployment> out;
  while (st.step()) out.push_back(row(st));
  if (!st.error().empty()) return sqlite::error_from(st, "listing scheduled deployments");
  return out;
}

Result<void> SqliteStore::put_secret(const std::string& tenant, const std::string& name,
                                     const std::string& sealed) {
  std::lock_guard lock(db_->mutex());
  sqlite::Transaction tx(*db_);
  sqlite::Statement st(db_->handle(),
                       "INSERT INTO secrets (tenant, name, sealed, updated) VALUES (?, ?, ?, ?)"
                       " ON CONFLICT (tenant, name) DO UPDATE SET sealed = excluded.sealed,"
                       " updated = excluded.updated");
  ASTERAI_TRY(st.bind(1, tenant).bind(2, name).bind(3, sealed).bind(4, now_seconds()).run());
  sqlite::Statement bump(db_->handle(), kBumpStamp);
  ASTERAI_TRY(bump.bind(1, tenant).run());
  return tx.commit();
}

Result<std::optional<std::string>> SqliteStore::sealed_secret(const std::string& tenant,
                                                              const std::string& name) {
  std::lock_guard lock(db_->mutex());
  sqlite::Statement st(db_->handle(), "SELECT sealed FROM secrets WHERE tenant = ? AND name = ?");
  st.bind(1, tenant).bind(2, name);
  if (st.step()) return std::optional<std::string>(st.text(0));
  if (!st.error().empty()) return sqlite::error_from(st, "reading a secret");
  return std::optional<std::string>();
}

Result<std::vector<std::string>> SqliteStore::secret_names(const std::string& tenant) {
  std::lock_guard lock(db_->mutex());
  sqlite::Statement st(db_->handle(), "SELECT name FROM secrets WHERE tenant = ? ORDER BY name");
  st.bind(1, tenant);
  std::vector<std::string> out;
  while (st.step()) out.push_back(st.text(0));
  if (!st.error().empty()) return sqlite::error_from(st, "listing secrets");
  return out;
}

Result<void> SqliteStore::remove_secret(const std::string& tenant, const std::string& name) {
  std::lock_guard lock(db_->mutex());
  sqlite::Transaction tx(*db_);
  sqlite::Statement st(db_->handle(), "DELETE FROM secrets WHERE tenant = ? AND name = ?");
  ASTERAI_TRY(st.bind(1, tenant).bind(2, name).run());
  if (sqlite3_changes(db_->handle()) == 0)
    return make_error(ErrorKind::not_found, "secret " + name + " is not set");
  sqlite::Statement bump(db_->handle(), kBumpStamp);
  ASTERAI_TRY(bump.bind(1, tenant).run());
  return tx.commit();
}

Result<std::vector<SealedSecret>> SqliteStore::all_sealed_secrets() {
  std::lock_guard lock(db_->mutex());
  sqlite::Statement st(db_->handle(),
                       "SELECT tenant, name, sealed FROM secrets ORDER BY tenant, name");
  std::vector<SealedSecret> out;
  while (st.step()) out.push_back({st.text(0), st.text(1), st.text(2)});
  if (!st.error().empty()) return sqlite::error_from(st, "listing secrets");
  return out;
}

Result<bool> SqliteStore::reseal_secret(const SealedSecret& from, const std::string& to) {
  std::lock_guard lock(db_->mutex());
  sqlite::Statement st(
      db_->handle(), "UPDATE secrets SET sealed = ? WHERE tenant = ? AND name = ? AND sealed = ?");
  ASTERAI_TRY(st.bind(1, to).bind(2, from.tenant).bind(3, from.name).bind(4, from.sealed).run());
  return sqlite3_changes(db_->handle()) > 0;
}

Result<int64_t> SqliteStore::secrets_stamp(const std::string& tenant) {
  std::lock_guard lock(db_->mutex());
  sqlite::Statement st(db_->handle(), "SELECT stamp FROM secret_stamps WHERE tenant = ?");
  st.bind(1, tenant);
  if (st.step()) return st.integer(0);
  if (!st.error().empty()) return sqlite::error_from(st, "reading the secrets' stamp");
  return int64_t{0};
}

Result<bool> SqliteStore::hold_lease(const std::string& name, const std::string& holder,
                                     std::chrono::milliseconds ttl) {
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  std::lock_guard lock(db_->mutex());
  // The update happens only for the holder itself or over an expired lease; otherwise no row
  // comes back.
  sqlite::Statement st(db_->handle(),
                       "INSERT INTO leases (name, holder, expires_ms) VALUES (?1, ?2, ?3)"
                       " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder,"
                       " expires_ms = excluded.expires_ms"
                       " WHERE leases.holder = excluded.holder OR leases.expires_ms < ?4"
                       " RETURNING holder");
  st.bind(1, name).bind(2, holder).bind(3, now + ttl.count()).bind(4, now);
  bool held = st.step();
  if (!st.error().empty()) return sqlite::error_from(st, "taking the lease " + name);
  return held;
}

Result<void> SqliteStore::release_lease(const std::string& name, const std::string& holder) {
  std::lock_guard lock(db_->mutex());
  sqlite::Statement st(db_->handle(), "DELETE FROM leases WHERE name = ? AND holder = ?");
  return st.bind(1, name).bind(2, holder).run();
}

Result<std::shared_ptr<schedule::StateStore>> SqliteStore::schedule_state() {
  return schedule_state_;
}

}  // namespace asterai::cloud
