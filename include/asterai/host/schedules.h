// An environment's `[[schedules]]`, running: each schedule calls its member's function (or
// wasi:cli/run) through the environment's composition, with the member's grants and limits,
// at the times of its cron expression; state lives in a StateStore (schedule/state_store.h).
// One process runs an environment's schedules at a time (a lock file beside the store).
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "asterai/common/error.h"
#include "asterai/host/composition.h"
#include "asterai/schedule/clock.h"
#include "asterai/schedule/scheduler.h"
#include "asterai/schedule/state_store.h"

namespace asterai::host {

// $ASTERAI_HOME/schedules.db
std::filesystem::path default_schedule_store();

// One finished run, told to ScheduleOptions::on_run on the run's thread before the scheduler
// records its outcome (a cloud node writes its usage record here).
struct RunReport {
  const schedule::RunRequest& run;
  const std::string& member;
  const std::string& function;
  std::chrono::system_clock::time_point started;
  const schedule::RunResult& result;
};

struct ScheduleOptions {
  std::filesystem::path store = default_schedule_store();
  // Set: the state lives here instead of `store`, and no lock file is taken (the caller
  // makes sure one process runs the environment's schedules: a cloud node holds a lease).
  std::shared_ptr<schedule::StateStore> state = {};
  // The environment's key in the state (empty: its label); runs of every version share it.
  std::string key = {};
  std::function<void(const RunReport&)> on_run = {};
  // Asked before each run, on the run's thread; may wait, and should give up once the run's
  // `cancel` is set. An error refuses the run (a cloud node's monthly quotas), which is
  // recorded as failed with the error's message (as interrupted for a `cancelled` error),
  // without starting an instance; otherwise the run's instance runs while the returned token is
  // held (a cloud node's share of its cores for the tenant).
  std::function<Result<std::shared_ptr<const void>>(const schedule::RunRequest&)> admit = {};
  std::shared_ptr<const schedule::Clock> clock = schedule::system_clock();
  schedule::EventLog log;  // one JSON line per event; none when empty
  // How long a stop (or a reload) lets the runs in flight finish before it cancels them.
  std::chrono::milliseconds grace = std::chrono::seconds(10);
};

class RunningSchedules {
 public:
  // Checks every schedule (its member has the function, the arguments bind to it), takes the
  // environment's lock, applies the missed policies and starts the clock. nullptr when the
  // environment has no schedules.
  static Result<std::unique_ptr<RunningSchedules>> start(const LoadedComposition& loaded,
                                                         const ScheduleOptions& options);
  // Lets the runs in flight finish within the grace, cancels the rest, and waits for them.
  ~RunningSchedules();

  struct Impl;

 private:
  explicit RunningSchedules(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace asterai::host
