// What schedules remember across restarts, in SQLite (by default $ASTERAI_HOME/schedules.db):
// per schedule the last slot handed out, and a row per run with its outcome and stats. A slot
// is claimed once (a unique key), so a restart never repeats a run.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "asterai/common/error.h"
#include "asterai/common/sqlite.h"
#include "asterai/runtime/runtime.h"
#include "asterai/schedule/clock.h"

namespace asterai::schedule {

enum class RunOutcome {
  queued,       // due while the previous run ran (overlap = "queue"); runs after it
  running,      // started, not finished
  ok,           // the function returned (a command: with ok)
  failed,       // trap, timeout, limits, an error result …; `detail` says which
  missed,       // due while nothing served the environment, not run (missed = "skip")
  skipped,      // due while the previous run still ran (overlap = "skip")
  interrupted,  // the server stopped while it was queued or running
};
std::string_view outcome_name(RunOutcome o);

struct RunRecord {
  int64_t id = 0;
  std::string schedule;
  TimePoint slot;  // when it was due
  RunOutcome outcome = RunOutcome::queued;
  std::string detail;  // the error, or what a missed/skipped row stands for
  std::optional<TimePoint> started;
  std::optional<TimePoint> finished;
  runtime::CallStats stats;  // zero until finished
};

struct ScheduleState {
  std::string schedule;
  TimePoint last_slot;  // the last slot handed out (run, queued, missed or skipped)
  std::optional<TimePoint> next_slot;
  std::optional<RunOutcome> last_outcome;  // of the newest finished row
};

// One implementation per store: SQLite here (`open`), the cloud's stores (SQLite or
// PostgreSQL, shared by nodes) in cloud/. Every one keeps the same promises, below.
class StateStore {
 public:
  virtual ~StateStore() = default;
  // The SQLite store in `file` (created with its folder when missing).
  static Result<std::shared_ptr<StateStore>> open(const std::filesystem::path& file);

  // The schedule's last slot handed out, if it ever had one.
  virtual Result<std::optional<TimePoint>> last_slot(std::string_view env,
                                                     std::string_view schedule) = 0;
  // Starts the schedule's state at `since` when it has none (its first start: slots before
  // are not missed), and stores its next slot.
  virtual Result<void> begin(std::string_view env, std::string_view schedule, TimePoint since,
                             std::optional<TimePoint> next_slot) = 0;
  // Records `slot` of the schedule as `outcome` (queued, running, missed or skipped) and makes
  // it the last slot, in one transaction. nullopt when the slot was taken already (by
  // another process, or before a restart): the caller must not run it.
  virtual Result<std::optional<int64_t>> claim(std::string_view env, std::string_view schedule,
                                               TimePoint slot, RunOutcome outcome,
                                               std::string_view detail, TimePoint now,
                                               std::optional<TimePoint> next_slot) = 0;
  virtual Result<void> set_running(int64_t id, TimePoint now) = 0;
  // Only a queued or running row: one another process marked interrupted stays so. `detail`
  // is added to what the claim wrote.
  virtual Result<void> finish(int64_t id, RunOutcome outcome, std::string_view detail,
                              const runtime::CallStats& stats, TimePoint now) = 0;
  // Rows left queued or running by a process that ended become interrupted; how many.
  virtual Result<int> interrupt_unfinished(std::string_view env) = 0;

  // Newest first; `schedule` empty: every schedule of the environment.
  virtual Result<std::vector<RunRecord>> runs(std::string_view env, std::string_view schedule,
                                              size_t limit) = 0;
  virtual Result<std::vector<ScheduleState>> schedules(std::string_view env) = 0;
};

// Outcomes by name ("ok", …); an unknown name (from a newer asterai) reads as interrupted.
RunOutcome outcome_from(std::string_view text);

}  // namespace asterai::schedule
