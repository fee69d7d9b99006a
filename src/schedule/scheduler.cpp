#include "asterai/schedule/scheduler.h"

#include <nlohmann/json.hpp>

namespace asterai::schedule {
namespace {

// Walks the slots after `from` that are due by `now`: how many, and the latest.
std::pair<size_t, TimePoint> due_slots(const Cron& cron, TimePoint first, TimePoint now) {
  size_t count = 1;
  TimePoint latest = first;
  // Bounded: a year of every-minute slots after a long suspend is still counted quickly.
  for (size_t i = 0; i < 1'000'000; ++i) {
    auto n = cron.next_after(latest);
    if (!n || *n > now) break;
    latest = *n;
    ++count;
  }
  return {count, latest};
}

}  // namespace

Scheduler::Scheduler(std::string env, std::vector<Job> jobs, std::shared_ptr<StateStore> store,
                     std::shared_ptr<const Clock> clock, Runner runner, EventLog log)
    : env_(std::move(env)),
      store_(std::move(store)),
      clock_(std::move(clock)),
      runner_(std::move(runner)),
      log_(std::move(log)) {
  for (auto& j : jobs) states_.push_back(State{std::move(j), std::nullopt, false, std::nullopt});
}

Scheduler::~Scheduler() {
  stop();
}

TimePoint Scheduler::now() const {
  return std::chrono::floor<std::chrono::seconds>(clock_->now());
}

void Scheduler::emit(const std::string& event, const std::string& schedule, TimePoint slot,
                     const std::string& detail, const runtime::CallStats* stats) const {
  if (!log_) return;
  nlohmann::json j = {{"event", event},
                      {"env", env_},
                      {"schedule", schedule},
                      {"slot", format_time(slot)},
                      {"time", format_time(now())}};
  if (!detail.empty()) j["detail"] = detail;
  if (stats) {
    j["wall_ms"] = stats->wall_ms;
    if (stats->fuel_used) j["fuel"] = *stats->fuel_used;
    j["peak_memory"] = stats->peak_memory_bytes;
    j["stdout_bytes"] = stats->stdout_bytes;
    j["http_requests"] = stats->http_requests;
  }
  log_(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void Scheduler::record(State& s, TimePoint slot, RunOutcome outcome, const std::string& detail) {
  auto claimed = store_->claim(env_, s.job.name, slot, outcome, detail, now(), s.next);
  if (!claimed)
    emit("error", s.job.name, slot, claimed.error().message);
  else if (*claimed)
    emit(std::string(outcome_name(outcome)), s.job.name, slot, detail);
}

void Scheduler::claim_and_run(State& s, TimePoint slot, const std::string& detail,
                              std::vector<RunRequest>& launch) {
  auto claimed = store_->claim(env_, s.job.name, slot, RunOutcome::running, detail, now(), s.next);
  if (!claimed) {
    // Not recorded, so not run: a run the store does not know of could run twice.
    emit("error", s.job.name, slot, "not run: " + claimed.error().message);
    return;
  }
  if (!*claimed) {
    emit("taken", s.job.name, slot, "claimed by another process or before a restart");
    return;
  }
  s.running = true;
  ++in_flight_;
  emit("started", s.job.name, slot, detail);
  launch.push_back({s.job.name, slot, **claimed, cancel_});
}

Result<void> Scheduler::start() {
  ASTERAI_TRY(store_->interrupt_unfinished(env_));
  std::vector<RunRequest> runs;
  {
    std::lock_guard lock(mutex_);
    TimePoint t = now();
    for (auto& s : states_) {
      auto last = ASTERAI_TRY(store_->last_slot(env_, s.job.name));
      if (!last) {
        // First start: nothing before now was missed.
        s.next = s.job.cron.next_after(t);
        ASTERAI_TRY(store_->begin(env_, s.job.name, t, s.next));
        continue;
      }
      auto first = s.job.cron.next_after(*last);
      if (!first || *first > t) {
        s.next = first;
        ASTERAI_TRY(store_->begin(env_, s.job.name, *last, s.next));
        continue;
      }
      auto [count, latest] = due_slots(s.job.cron, *first, t);
      s.next = s.job.cron.next_after(latest);
      std::string what = std::to_string(count) + (count == 1 ? " run" : " runs") + " due from " +
                         format_time(*first) + " to " + format_time(latest) +
                         " while nothing served the environment";
      if (s.job.missed == MissedPolicy::run_once)
        claim_and_run(s, latest, "missed = \"run-once\": " + what, runs);
      else
        record(s, latest, RunOutcome::missed, "missed = \"skip\": " + what);
    }
  }
  launch(std::move(runs));
  return {};
}

std::optional<TimePoint> Scheduler::tick() {
  std::vector<RunRequest> runs;
  std::optional<TimePoint> soonest;
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return std::nullopt;
    TimePoint t = now();
    for (auto& s : states_) {
      if (s.next && *s.next <= t) {
        auto [count, slot] = due_slots(s.job.cron, *s.next, t);
        TimePoint first = *s.next;
        s.next = s.job.cron.next_after(slot);
        if (count > 1)  // the scheduler was held up (a suspended machine, a stopped process)
          record(s, first, RunOutcome::missed,
                 std::to_string(count - 1) + " earlier runs were due before " + format_time(slot) +
                     " and were not run");
        if (!s.running) {
          claim_and_run(s, slot, "", runs);
        } else if (s.job.overlap == OverlapPolicy::queue && !s.queued) {
          auto id = store_->claim(env_, s.job.name, slot, RunOutcome::queued,
                                  "the previous run was still running", t, s.next);
          if (!id)
            emit("error", s.job.name, slot, "not queued: " + id.error().message);
          else if (*id) {
            s.queued = {**id, slot};
            emit("queued", s.job.name, slot, "the previous run was still running");
          }
        } else {
          record(s, slot, RunOutcome::skipped,
                 s.queued ? "overlap = \"queue\": a run was queued already"
                          : "overlap = \"skip\": the previous run was still running");
        }
      }
      if (s.next && (!soonest || *s.next < *soonest)) soonest = s.next;
    }
  }
  launch(std::move(runs));
  return soonest;
}

void Scheduler::launch(std::vector<RunRequest> runs) {
  for (auto& run : runs) {
    RunRequest copy = run;
    runner_(run, [this, copy](RunResult result) { finished(copy, std::move(result)); });
  }
}

void Scheduler::finished(const RunRequest& run, RunResult result) {
  std::vector<RunRequest> next;
  std::unique_lock lock(mutex_);
  if (auto ok = store_->finish(run.id, result.outcome, result.detail, result.stats, now()); !ok)
    emit("error", run.schedule, run.slot, "outcome not stored: " + ok.error().message);
  emit(std::string(outcome_name(result.outcome)), run.schedule, run.slot, result.detail,
       &result.stats);
  for (auto& s : states_) {
    if (s.job.name != run.schedule) continue;
    s.running = false;
    if (!s.queued || stopped_) continue;
    auto [id, slot] = *s.queued;
    s.queued.reset();
    if (auto ok = store_->set_running(id, now()); !ok) {
      emit("error", s.job.name, slot, "queued run not started: " + ok.error().message);
      continue;
    }
    s.running = true;
    ++in_flight_;
    emit("started", s.job.name, slot, "queued");
    next.push_back({s.job.name, slot, id, cancel_});
  }
  if (!next.empty()) {
    // Not under the lock: a runner may finish before it returns.
    lock.unlock();
    launch(std::move(next));
    lock.lock();
  }
  // The last touch of this object: stop() may return (and the scheduler go) right after.
  --in_flight_;
  idle_.notify_all();
}

void Scheduler::stop(std::chrono::milliseconds grace) {
  std::unique_lock lock(mutex_);
  if (!stopped_) {
    stopped_ = true;  // finished() starts no queued run from now on
    for (auto& s : states_) {
      if (!s.queued) continue;
      runtime::CallStats none;
      (void)store_->finish(s.queued->first, RunOutcome::interrupted,
                           "the server stopped before it ran", none, now());
      s.queued.reset();
    }
    if (grace.count() > 0) idle_.wait_for(lock, grace, [&] { return in_flight_ == 0; });
    cancel_->store(true);
  }
  idle_.wait(lock, [&] { return in_flight_ == 0; });
}

ScheduleThread::ScheduleThread(std::shared_ptr<Scheduler> scheduler,
                               std::shared_ptr<const Clock> clock, std::chrono::milliseconds grace)
    : scheduler_(std::move(scheduler)),
      clock_(std::move(clock)),
      grace_(grace),
      thread_([this] { loop(); }) {}

ScheduleThread::~ScheduleThread() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
  scheduler_->stop(grace_);
}

void ScheduleThread::loop() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    lock.unlock();
    auto next = scheduler_->tick();
    lock.lock();
    if (stop_) break;
    if (!next) {
      wake_.wait(lock, [&] { return stop_; });
      break;
    }
    auto wait = clock_->real(std::chrono::system_clock::time_point(*next) - clock_->now());
    // At least a millisecond: a fast clock must not spin.
    wake_.wait_for(lock, std::max(wait, std::chrono::nanoseconds(std::chrono::milliseconds(1))),
                   [&] { return stop_; });
  }
}

}  // namespace asterai::schedule
