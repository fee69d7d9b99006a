// Schedules' slots and runs in the cloud's PostgreSQL database, shared by every node: the
// same promises as the SQLite state store (schedule/state_store.h). A slot is one row under a
// unique key, so whichever node claims it first runs it and no other does.
#include <cstring>

#include "postgres_store.h"

namespace asterai::cloud {
namespace {

using schedule::RunOutcome;
using schedule::TimePoint;

std::string secs(TimePoint t) {
  return std::to_string(t.time_since_epoch().count());
}
std::optional<std::string> opt_secs(std::optional<TimePoint> t) {
  return t ? std::optional<std::string>(secs(*t)) : std::nullopt;
}
std::optional<TimePoint> opt_time(PGresult* r, int row, int col) {
  if (pq().PQgetisnull(r, row, col)) return std::nullopt;
  return TimePoint(std::chrono::seconds(pg_integer(r, row, col)));
}

class PostgresScheduleState : public schedule::StateStore {
 public:
  explicit PostgresScheduleState(std::shared_ptr<PostgresStore> db) : db_(std::move(db)) {}

  Result<std::optional<TimePoint>> last_slot(std::string_view env,
                                             std::string_view schedule) override {
    auto r = ASTERAI_TRY(
        db_->exec("SELECT last_slot FROM schedule_state WHERE env = $1 AND schedule = $2",
                  {std::string(env), std::string(schedule)}, "schedule state"));
    if (pq().PQntuples(r.get()) == 0) return std::optional<TimePoint>();
    return opt_time(r.get(), 0, 0);
  }

  Result<void> begin(std::string_view env, std::string_view schedule, TimePoint since,
                     std::optional<TimePoint> next_slot) override {
    ASTERAI_TRY(db_->exec(
        "INSERT INTO schedule_state (env, schedule, last_slot, next_slot) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (env, schedule) DO UPDATE SET next_slot = excluded.next_slot",
        {std::string(env), std::string(schedule), secs(since), opt_secs(next_slot)},
        "schedule state"));
    return {};
  }

  Result<std::optional<int64_t>> claim(std::string_view env, std::string_view schedule,
                                       TimePoint slot, RunOutcome outcome, std::string_view detail,
                                       TimePoint now, std::optional<TimePoint> next_slot) override {
    // One statement, so one transaction: the run's row and the schedule's last slot together.
    auto r = ASTERAI_TRY(db_->exec(
        "WITH run AS (INSERT INTO schedule_runs (env, schedule, slot, outcome, detail, started)"
        " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (env, schedule, slot) DO NOTHING"
        " RETURNING id), state AS (INSERT INTO schedule_state (env, schedule, last_slot,"
        " next_slot) SELECT $1, $2, $3::bigint, $7::bigint FROM run ON CONFLICT (env, schedule) DO "
        "UPDATE SET"
        " last_slot = GREATEST(schedule_state.last_slot, excluded.last_slot),"
        " next_slot = excluded.next_slot) SELECT id FROM run",
        {std::string(env), std::string(schedule), secs(slot),
         std::string(schedule::outcome_name(outcome)), std::string(detail),
         outcome == RunOutcome::running ? std::optional<std::string>(secs(now)) : std::nullopt,
         opt_secs(next_slot)},
        "claiming a schedule's slot"));
    if (pq().PQntuples(r.get()) == 0) return std::optional<int64_t>();
    return std::optional<int64_t>(pg_integer(r.get(), 0, 0));
  }

  Result<void> set_running(int64_t id, TimePoint now) override {
    ASTERAI_TRY(
        db_->exec("UPDATE schedule_runs SET outcome = 'running', started = $1 WHERE id = $2",
                  {secs(now), std::to_string(id)}, "schedule runs"));
    return {};
  }

  Result<void> finish(int64_t id, RunOutcome outcome, std::string_view detail,
                      const runtime::CallStats& stats, TimePoint now) override {
    ASTERAI_TRY(db_->exec(
        "UPDATE schedule_runs SET outcome = $1, detail = CASE WHEN $2 = '' THEN detail"
        " WHEN detail = '' THEN $2 ELSE detail || '; ' || $2 END, finished = $3,"
        " wall_us = $4, fuel = $5, peak_memory = $6, stdout_bytes = $7, stderr_bytes = $8,"
        " http_requests = $9 WHERE id = $10 AND outcome IN ('queued', 'running')",
        {std::string(schedule::outcome_name(outcome)), std::string(detail), secs(now),
         std::to_string(static_cast<int64_t>(stats.wall_ms * 1000)),
         stats.fuel_used ? std::optional<std::string>(std::to_string(*stats.fuel_used))
                         : std::nullopt,
         std::to_string(stats.peak_memory_bytes), std::to_string(stats.stdout_bytes),
         std::to_string(stats.stderr_bytes), std::to_string(stats.http_requests),
         std::to_string(id)},
        "schedule runs"));
    return {};
  }

  Result<int> interrupt_unfinished(std::string_view env) override {
    auto r = ASTERAI_TRY(db_->exec(
        "UPDATE schedule_runs SET outcome = 'interrupted', detail = 'the server stopped before"
        " it finished' WHERE env = $1 AND outcome IN ('queued', 'running')",
        {std::string(env)}, "schedule runs"));
    return std::atoi(pq().PQcmdTuples(r.get()));
  }

  Result<std::vector<schedule::RunRecord>> runs(std::string_view env, std::string_view schedule,
                                                size_t limit) override {
    auto r = ASTERAI_TRY(db_->exec(
        "SELECT id, schedule, slot, outcome, detail, started, finished, wall_us, fuel,"
        " peak_memory, stdout_bytes, stderr_bytes, http_requests FROM schedule_runs"
        " WHERE env = $1 AND ($2 = '' OR schedule = $2) ORDER BY id DESC LIMIT $3",
        {std::string(env), std::string(schedule), std::to_string(limit)}, "schedule runs"));
    std::vector<schedule::RunRecord> out;
    for (int i = 0; i < pq().PQntuples(r.get()); ++i) {
      schedule::RunRecord rec;
      rec.id = pg_integer(r.get(), i, 0);
      rec.schedule = pg_text(r.get(), i, 1);
      rec.slot = TimePoint(std::chrono::seconds(pg_integer(r.get(), i, 2)));
      rec.outcome = schedule::outcome_from(pg_text(r.get(), i, 3));
      rec.detail = pg_text(r.get(), i, 4);
      rec.started = opt_time(r.get(), i, 5);
      rec.finished = opt_time(r.get(), i, 6);
      rec.stats.wall_ms = static_cast<double>(pg_integer(r.get(), i, 7)) / 1000;
      if (!pq().PQgetisnull(r.get(), i, 8)) rec.stats.fuel_used = pg_integer(r.get(), i, 8);
      rec.stats.peak_memory_bytes = pg_integer(r.get(), i, 9);
      rec.stats.stdout_bytes = pg_integer(r.get(), i, 10);
      rec.stats.stderr_bytes = pg_integer(r.get(), i, 11);
      rec.stats.http_requests = pg_integer(r.get(), i, 12);
      out.push_back(std::move(rec));
    }
    return out;
  }

  Result<std::vector<schedule::ScheduleState>> schedules(std::string_view env) override {
    auto r = ASTERAI_TRY(db_->exec(
        "SELECT s.schedule, s.last_slot, s.next_slot, (SELECT r.outcome FROM schedule_runs r"
        " WHERE r.env = s.env AND r.schedule = s.schedule AND r.outcome NOT IN ('queued',"
        " 'running') ORDER BY r.id DESC LIMIT 1) FROM schedule_state s WHERE s.env = $1"
        " ORDER BY s.schedule",
        {std::string(env)}, "schedule state"));
    std::vector<schedule::ScheduleState> out;
    for (int i = 0; i < pq().PQntuples(r.get()); ++i) {
      schedule::ScheduleState st;
      st.schedule = pg_text(r.get(), i, 0);
      st.last_slot = TimePoint(std::chrono::seconds(pg_integer(r.get(), i, 1)));
      st.next_slot = opt_time(r.get(), i, 2);
      if (!pq().PQgetisnull(r.get(), i, 3))
        st.last_outcome = schedule::outcome_from(pg_text(r.get(), i, 3));
      out.push_back(std::move(st));
    }
    return out;
  }

 private:
  std::shared_ptr<PostgresStore> db_;
};

}  // namespace

Result<std::shared_ptr<schedule::StateStore>> PostgresStore::schedule_state() {
  return std::shared_ptr<schedule::StateStore>(
      std::make_shared<PostgresScheduleState>(shared_from_this()));
}

}  // namespace asterai::cloud
