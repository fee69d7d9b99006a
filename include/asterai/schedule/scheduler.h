// Runs an environment's schedules: each job's slots come from its cron expression on an
// injectable clock; a slot is claimed in the state store before it runs (never twice, also
// across restarts), a missed or overlapping slot follows the job's policy and is recorded,
// and every run's outcome and stats are written back. What a run does is the Runner's (the
// host calls a member function); the scheduler only decides when.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "asterai/schedule/clock.h"
#include "asterai/schedule/cron.h"
#include "asterai/schedule/policy.h"
#include "asterai/schedule/state_store.h"

namespace asterai::schedule {

struct Job {
  std::string name;
  Cron cron;
  MissedPolicy missed = MissedPolicy::skip;
  OverlapPolicy overlap = OverlapPolicy::skip;
};

struct RunRequest {
  std::string schedule;
  TimePoint slot;
  int64_t id = 0;                                   // the run's row
  std::shared_ptr<const std::atomic<bool>> cancel;  // set when the scheduler stops
};

struct RunResult {
  RunOutcome outcome = RunOutcome::ok;  // ok, failed or interrupted
  std::string detail;
  runtime::CallStats stats;
};

// Starts the run (on a thread of its own choosing) and calls `done` exactly once, from any
// thread, when it ended. May call `done` before returning.
using Runner = std::function<void(const RunRequest&, std::function<void(RunResult)> done)>;
// One JSON line per event (a slot claimed, missed or skipped; a run finished; an error).
using EventLog = std::function<void(const std::string& json_line)>;

class Scheduler {
 public:
  Scheduler(std::string env, std::vector<Job> jobs, std::shared_ptr<StateStore> store,
            std::shared_ptr<const Clock> clock, Runner runner, EventLog log = {});
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Marks runs a previous process left unfinished as interrupted, then applies each job's
  // missed policy to the slots that were due while nothing served.
  Result<void> start();
  // Hands out every run due by the clock's now; returns when the next one is due (nullopt:
  // nothing will ever be due).
  std::optional<TimePoint> tick();
  // Starts no more runs and records queued ones as interrupted; lets the runs in flight
  // finish for up to `grace`, then cancels them (recorded as interrupted) and waits for them.
  void stop(std::chrono::milliseconds grace = {});

 private:
  struct State {
    Job job;
    std::optional<TimePoint> next;
    bool running = false;
    std::optional<std::pair<int64_t, TimePoint>> queued;  // its row and slot
  };
  TimePoint now() const;
  // Claims `slot`; on success, marks the job running and adds the run to `launch`.
  void claim_and_run(State& s, TimePoint slot, const std::string& detail,
                     std::vector<RunRequest>& launch);
  void record(State& s, TimePoint slot, RunOutcome outcome, const std::string& detail);
  void launch(std::vector<RunRequest> runs);
  void finished(const RunRequest& run, RunResult result);
  void emit(const std::string& event, const std::string& schedule, TimePoint slot,
            const std::string& detail, const runtime::CallStats* stats = nullptr) const;

  std::string env_;
  std::shared_ptr<StateStore> store_;
  std::shared_ptr<const Clock> clock_;
  Runner runner_;
  EventLog log_;
  std::shared_ptr<std::atomic<bool>> cancel_ = std::make_shared<std::atomic<bool>>(false);
  mutable std::mutex mutex_;
  std::condition_variable idle_;
  std::vector<State> states_;
  size_t in_flight_ = 0;
  bool stopped_ = false;
};

// A thread that ticks a scheduler at its due times (in real time, through the clock) until
// destroyed; destruction stops the scheduler.
class ScheduleThread {
 public:
  // Destruction gives the runs in flight `grace` to finish (Scheduler::stop).
  ScheduleThread(std::shared_ptr<Scheduler> scheduler, std::shared_ptr<const Clock> clock,
                 std::chrono::milliseconds grace = {});
  ~ScheduleThread();
  ScheduleThread(const ScheduleThread&) = delete;
  ScheduleThread& operator=(const ScheduleThread&) = delete;

 private:
  void loop();
  std::shared_ptr<Scheduler> scheduler_;
  std::shared_ptr<const Clock> clock_;
  std::chrono::milliseconds grace_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace asterai::schedule
