#include "asterai/schedule/state_store.h"

#include <array>

namespace asterai::schedule {
namespace {

constexpr std::array<std::string_view, 7> kOutcomes = {"queued", "running", "ok",         "failed",
                                                       "missed", "skipped", "interrupted"};

int64_t seconds(TimePoint t) {
  return t.time_since_epoch().count();
}
TimePoint at(int64_t s) {
  return TimePoint(std::chrono::seconds(s));
}

std::optional<TimePoint> optional_time(const sqlite::Statement& st, int column) {
  if (st.is_null(column)) return std::nullopt;
  return at(st.integer(column));
}

constexpr std::string_view kSchema = R"(
CREATE TABLE IF NOT EXISTS schedule_state (
  env TEXT NOT NULL, schedule TEXT NOT NULL, last_slot INTEGER NOT NULL, next_slot INTEGER,
  PRIMARY KEY (env, schedule));
CREATE TABLE IF NOT EXISTS schedule_runs (
  id INTEGER PRIMARY KEY, env TEXT NOT NULL, schedule TEXT NOT NULL, slot INTEGER NOT NULL,
  outcome TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '', started INTEGER, finished INTEGER,
  wall_us INTEGER NOT NULL DEFAULT 0, fuel INTEGER, peak_memory INTEGER NOT NULL DEFAULT 0,
  stdout_bytes INTEGER NOT NULL DEFAULT 0, stderr_bytes INTEGER NOT NULL DEFAULT 0,
  http_requests INTEGER NOT NULL DEFAULT 0,
  UNIQUE (env, schedule, slot));
CREATE INDEX IF NOT EXISTS schedule_runs_recent ON schedule_runs (env, id);
)";

class SqliteStateStore : public StateStore {
 public:
  explicit SqliteStateStore(std::shared_ptr<sqlite::Database> db) : db_(std::move(db)) {}
  Result<std::optional<TimePoint>> last_slot(std::string_view env,
                                             std::string_view schedule) override;
  Result<void> begin(std::string_view env, std::string_view schedule, TimePoint since,
                     std::optional<TimePoint> next_slot) override;
  Result<std::optional<int64_t>> claim(std::string_view env, std::string_view schedule,
                                       TimePoint slot, RunOutcome outcome, std::string_view detail,
                                       TimePoint now, std::optional<TimePoint> next_slot) override;
  Result<void> set_running(int64_t id, TimePoint now) override;
  Result<void> finish(int64_t id, RunOutcome outcome, std::string_view detail,
                      const runtime::CallStats& stats, TimePoint now) override;
  Result<int> interrupt_unfinished(std::string_view env) override;
  Result<std::vector<RunRecord>> runs(std::string_view env, std::string_view schedule,
                                      size_t limit) override;
  Result<std::vector<ScheduleState>> schedules(std::string_view env) override;

 private:
  std::shared_ptr<sqlite::Database> db_;
};

}  // namespace

std::string_view outcome_name(RunOutcome o) {
  return kOutcomes[static_cast<size_t>(o)];
}

RunOutcome outcome_from(std::string_view text) {
  for (size_t i = 0; i < kOutcomes.size(); ++i)
    if (kOutcomes[i] == text) return static_cast<RunOutcome>(i);
  return RunOutcome::interrupted;  // written by a newer asterai: shown as not completed
}

Result<std::shared_ptr<StateStore>> StateStore::open(const std::filesystem::path& file) {
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  auto db = ASTERAI_TRY(sqlite::Database::open(file.string()));
  ASTERAI_TRY(db->exec(kSchema));
  return std::shared_ptr<StateStore>(std::make_shared<SqliteStateStore>(std::move(db)));
}

Result<std::optional<TimePoint>> SqliteStateStore::last_slot(std::string_view env,
                                                             std::string_view schedule) {
  std::lock_guard lock(db_->mutex());
  sqlite::Statement st(db_->handle(),
                       "SELECT last_slot FROM schedule_state WHERE env = ? AND schedule = ?");
  st.bind(1, env).bind(2, schedule);
  if (st.step()) return std::optional<TimePoint>(at(st.integer(0)));
  if (!st.error().empty()) return sqlite::error_from(st, "schedule state");
  return std::optional<TimePoint>();
}

Result<void> SqliteStateStore::begin(std::string_view env, std::string_view schedule,
                                     TimePoint since, std::optional<TimePoint> next_slot) {
  std::lock_guard lock(db_->mutex());
  sqlite::Statement st(db_->handle(),
                       "INSERT INTO schedule_state (env, schedule, last_slot, next_slot) "
                       "VALUES (?, ?, ?, ?) ON CONFLICT (env, schedule) DO UPDATE SET "
                       "next_slot = excluded.next_slot");
  st.bind(1, env).bind(2, schedule).bind(3, seconds(since));
  if (next_slot)
    st.bind(4, seconds(*next_slot));
  else
    st.bind_null(4);
  return st.run();
}

Result<std::optional<int64_t>> SqliteStateStore::claim(std::string_view env,
                                                       std::string_view schedule, TimePoint slot,
                                                       RunOutcome outcome, std::string_view detail,
                                                       TimePoint now,
                                                       std::optional<TimePoint> next_slot) {
  std::lock_guard lock(db_->mutex());
  sqlite::Transaction tx(*db_);
  sqlite::Statement insert(db_->handle(),
                           "INSERT INTO schedule_runs (env, schedule, slot, outcome, detail, "
                           "started) VALUES (?, ?, ?, ?, ?, ?) "
                           "ON CONFLICT (env, schedule, slot) DO NOTHING");
  insert.bind(1, env).bind(2, schedule).bind(3, seconds(slot)).bind(4, outcome_name(outcome));
  insert.bind(5, detail);
  if (outcome == RunOutcome::running)
    insert.bind(6, seconds(now));
  else
    insert.bind_null(6);
  ASTERAI_TRY(insert.run());
  if (sqlite3_changes(db_->handle()) == 0) return std::optional<int64_t>();
  int64_t id = sqlite3_last_insert_rowid(db_->handle());
  sqlite::Statement state(db_->handle(),
                          "INSERT INTO schedule_state (env, schedule, last_slot, next_slot) "
                          "VALUES (?, ?, ?, ?) ON CONFLICT (env, schedule) DO UPDATE SET "
                          "last_slot = max(last_slot, excluded.last_slot), "
                          "next_slot = excluded.next_slot");
  state.bind(1, env).bind(2, schedule).bind(3, seconds(slot));
  if (next_slot)
    state.bind(4, seconds(*next_slot));
  else
    state.bind_null(4);
  ASTERAI_TRY(state.run());
  ASTERAI_TRY(tx.commit());
  return std::optional<int64_t>(id);
}

Result<void> SqliteStateStore::set_running(int64_t id, TimePoint now) {
  std::lock_guard lock(db_->mutex());
  sqlite::Statement st(db_->handle(),
                       "UPDATE schedule_runs SET outcome = 'running', started = ? WHERE id = ?");
  return st.bind(1, seconds(now)).bind(2, id).run();
}

Result<void> SqliteStateStore::finish(int64_t id, RunOutcome outcome, std::string_view detail,
                                      const runtime::CallStats& stats, TimePoint now) {
  std::lock_guard lock(db_->mutex());
  sqlite::Statement st(
      db_->handle(),
      "UPDATE schedule_runs SET outcome = ?1, detail = CASE WHEN ?2 = '' THEN detail "
      "WHEN detail = '' THEN ?2 ELSE detail || '; ' || ?2 END, finished = ?3, "
      "wall_us = ?4, fuel = ?5, peak_memory = ?6, stdout_bytes = ?7, "
      "stderr_bytes = ?8, http_requests = ?9 WHERE id = ?10 AND outcome IN "
      "('queued', 'running')");
  st.bind(1, outcome_name(outcome)).bind(2, detail).bind(3, seconds(now));
  st.bind(4, static_cast<int64_t>(stats.wall_ms * 1000));
  if (stats.fuel_used)
    st.bind(5, static_cast<int64_t>(*stats.fuel_used));
  else
    st.bind_null(5);
  st.bind(6, static_cast<int64_t>(stats.peak_memory_bytes));
  st.bind(7, static_cast<int64_t>(stats.stdout_bytes));
  st.bind(8, static_cast<int64_t>(stats.stderr_bytes));
  st.bind(9, static_cast<int64_t>(stats.http_requests));
  return st.bind(10, id).run();
}

Result<int> SqliteStateStore::interrupt_unfinished(std::string_view env) {
  std::lock_guard lock(db_->mutex());
  sqlite::Statement st(db_->handle(),
                       "UPDATE schedule_runs SET outcome = 'interrupted', detail = 'the server "
                       "stopped before it finished' WHERE env = ? AND outcome IN ('queued', "
                       "'running')");
  ASTERAI_TRY(st.bind(1, env).run());
  return sqlite3_changes(db_->handle());
}

Result<std::vector<RunRecord>> SqliteStateStore::runs(std::string_view env,
                                                      std::string_view schedule, size_t limit) {
  std::lock_guard lock(db_->mutex());
  sqlite::Statement st(
      db_->handle(),
      "SELECT id, schedule, slot, outcome, detail, started, finished, wall_us, fuel, "
      "peak_memory, stdout_bytes, stderr_bytes, http_requests FROM schedule_runs "
      "WHERE env = ? AND (? = '' OR schedule = ?) ORDER BY id DESC LIMIT ?");
  st.bind(1, env).bind(2, schedule).bind(3, schedule).bind(4, static_cast<int64_t>(limit));
  std::vector<RunRecord> out;
  while (st.step()) {
    RunRecord r;
    r.id = st.integer(0);
    r.schedule = st.text(1);
    r.slot = at(st.integer(2));
    r.outcome = outcome_from(st.text(3));
    r.detail = st.text(4);
    r.started = optional_time(st, 5);
    r.finished = optional_time(st, 6);
    r.stats.wall_ms = static_cast<double>(st.integer(7)) / 1000;
    if (!st.is_null(8)) r.stats.fuel_used = static_cast<uint64_t>(st.integer(8));
    r.stats.peak_memory_bytes = static_cast<uint64_t>(st.integer(9));
    r.stats.stdout_bytes = static_cast<uint64_t>(st.integer(10));
    r.stats.stderr_bytes = static_cast<uint64_t>(st.integer(11));
    r.stats.http_requests = static_cast<uint64_t>(st.integer(12));
    out.push_back(std::move(r));
  }
  if (!st.error().empty()) return sqlite::error_from(st, "schedule runs");
  return out;
}

Result<std::vector<ScheduleState>> SqliteStateStore::schedules(std::string_view env) {
  std::lock_guard lock(db_->mutex());
  sqlite::Statement st(
      db_->handle(),
      "SELECT s.schedule, s.last_slot, s.next_slot, (SELECT r.outcome FROM schedule_runs r "
      "WHERE r.env = s.env AND r.schedule = s.schedule AND r.outcome NOT IN ('queued', "
      "'running') ORDER BY r.id DESC LIMIT 1) FROM schedule_state s WHERE s.env = ? "
      "ORDER BY s.schedule");
  st.bind(1, env);
  std::vector<ScheduleState> out;
  while (st.step()) {
    ScheduleState s;
    s.schedule = st.text(0);
    s.last_slot = at(st.integer(1));
    s.next_slot = optional_time(st, 2);
    if (!st.is_null(3)) s.last_outcome = outcome_from(st.text(3));
    out.push_back(std::move(s));
  }
  if (!st.error().empty()) return sqlite::error_from(st, "schedule state");
  return out;
}

}  // namespace asterai::schedule
