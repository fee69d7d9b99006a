// The scheduler on a hand-moved clock with a fake runner: slots claimed once across restarts,
// the missed and overlap policies, stopping, and two schedulers on one store. No test waits
// for the wall clock.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "asterai/schedule/scheduler.h"
#include "test_support.h"

namespace asterai::schedule {
namespace {

class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint t) : t_(t) {}
  std::chrono::system_clock::time_point now() const override {
    std::lock_guard lock(mutex_);
    return std::chrono::system_clock::time_point(t_);
  }
  std::chrono::nanoseconds real(std::chrono::nanoseconds d) const override { return d; }
  void set(TimePoint t) {
    std::lock_guard lock(mutex_);
    t_ = t;
  }

 private:
  mutable std::mutex mutex_;
  TimePoint t_;
};

TimePoint at(const char* text) {
  return *parse_time(text);
}

// Runs finish when the test says so (or at once with `immediate`).
struct FakeRunner {
  bool immediate = true;
  std::vector<std::pair<RunRequest, std::function<void(RunResult)>>> held;
  std::vector<TimePoint> started;

  Runner runner() {
    return [this](const RunRequest& r, std::function<void(RunResult)> done) {
      started.push_back(r.slot);
      if (immediate)
        done({});
      else
        held.emplace_back(r, std::move(done));
    };
  }
  void finish_all() {
    auto runs = std::move(held);
    held.clear();
    for (auto& [r, done] : runs) done({});
  }
};

class SchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::make_unique<test::TempDir>("schedules");
    store_ = *StateStore::open(dir_->path() / "schedules.db");
  }
  std::unique_ptr<Scheduler> make(const char* cron, MissedPolicy missed = MissedPolicy::skip,
                                  OverlapPolicy overlap = OverlapPolicy::skip) {
    std::vector<Job> jobs;
    jobs.push_back({"job", *Cron::parse(cron, "UTC"), missed, overlap});
    return std::make_unique<Scheduler>(
        "alice/bots", std::move(jobs), store_, clock_, runner_.runner(),
        [this](const std::string& line) { events_.push_back(nlohmann::json::parse(line)); });
  }
  std::vector<RunRecord> runs() { return *store_->runs("alice/bots", "", 100); }
  // Oldest first, as "SLOT outcome".
  std::vector<std::string> history() {
    std::vector<std::string> out;
    auto rows = runs();
    for (auto it = rows.rbegin(); it != rows.rend(); ++it)
      out.push_back(format_time(it->slot) + " " + std::string(outcome_name(it->outcome)));
    return out;
  }

  std::unique_ptr<test::TempDir> dir_;
  std::shared_ptr<StateStore> store_;
  std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>(at("2026-03-01T00:00:30Z"));
  FakeRunner runner_;
  std::vector<nlohmann::json> events_;
};

using Lines = std::vector<std::string>;

TEST_F(SchedulerTest, RunsEachSlotOnceAndNothingFromBeforeTheFirstStart) {
  auto s = make("* * * * *");
  ASSERT_TRUE(s->start());
  EXPECT_EQ(s->tick(), at("2026-03-01T00:01:00Z"));
  EXPECT_TRUE(runner_.started.empty());
  clock_->set(at("2026-03-01T00:01:00Z"));
  EXPECT_EQ(s->tick(), at("2026-03-01T00:02:00Z"));
  clock_->set(at("2026-03-01T00:01:59Z"));
  s->tick();  // the same slot again: not run again
  clock_->set(at("2026-03-01T00:02:00Z"));
  s->tick();
  EXPECT_EQ(history(), (Lines{"2026-03-01T00:01:00Z ok", "2026-03-01T00:02:00Z ok"}));
  auto state = *store_->schedules("alice/bots");
  ASSERT_EQ(state.size(), 1u);
  EXPECT_EQ(state[0].last_slot, at("2026-03-01T00:02:00Z"));
  EXPECT_EQ(state[0].next_slot, at("2026-03-01T00:03:00Z"));
  EXPECT_EQ(state[0].last_outcome, RunOutcome::ok);
  ASSERT_FALSE(events_.empty());
  EXPECT_EQ(events_.back()["event"], "ok");
  EXPECT_EQ(events_.back()["schedule"], "job");
}

TEST_F(SchedulerTest, ARestartNeitherRepeatsNorLosesARun) {
  {
    auto s = make("* * * * *");
    ASSERT_TRUE(s->start());
    clock_->set(at("2026-03-01T00:01:00Z"));
    s->tick();
  }
  // Back within the same minute: the slot is taken; the next one runs.
  clock_->set(at("2026-03-01T00:01:40Z"));
  auto s = make("* * * * *");
  ASSERT_TRUE(s->start());
  EXPECT_EQ(s->tick(), at("2026-03-01T00:02:00Z"));
  clock_->set(at("2026-03-01T00:02:00Z"));
  s->tick();
  EXPECT_EQ(history(), (Lines{"2026-03-01T00:01:00Z ok", "2026-03-01T00:02:00Z ok"}));
  EXPECT_EQ(runner_.started.size(), 2u);
}

TEST_F(SchedulerTest, MissedRunsAreRecordedAndSkipped) {
  {
    auto s = make("* * * * *");
    ASSERT_TRUE(s->start());
    clock_->set(at("2026-03-01T00:01:00Z"));
    s->tick();
  }
  clock_->set(at("2026-03-01T00:05:30Z"));  // down for 00:02 … 00:05
  auto s = make("* * * * *");
  ASSERT_TRUE(s->start());
  EXPECT_EQ(runner_.started.size(), 1u);
  EXPECT_EQ(history(), (Lines{"2026-03-01T00:01:00Z ok", "2026-03-01T00:05:00Z missed"}));
  EXPECT_NE(runs()[0].detail.find("4 runs due from 2026-03-01T00:02:00Z to 2026-03-01T00:05:00Z"),
            std::string::npos)
      << runs()[0].detail;
  EXPECT_EQ(s->tick(), at("2026-03-01T00:06:00Z"));
}

TEST_F(SchedulerTest, MissedRunsRunOnceAtStartWhenAskedTo) {
  {
    auto s = make("*/10 * * * *", MissedPolicy::run_once);
    ASSERT_TRUE(s->start());
  }
  clock_->set(at("2026-03-01T01:00:05Z"));  // 00:10 … 01:00 were due
  auto s = make("*/10 * * * *", MissedPolicy::run_once);
  ASSERT_TRUE(s->start());
  EXPECT_EQ(runner_.started, std::vector<TimePoint>{at("2026-03-01T01:00:00Z")});
  EXPECT_EQ(history(), Lines{"2026-03-01T01:00:00Z ok"});
  EXPECT_NE(runs()[0].detail.find("run-once"), std::string::npos);
  EXPECT_NE(runs()[0].detail.find("6 runs due"), std::string::npos) << runs()[0].detail;
}

TEST_F(SchedulerTest, AnOverlappingRunIsSkipped) {
  runner_.immediate = false;
  auto s = make("* * * * *");
  ASSERT_TRUE(s->start());
  clock_->set(at("2026-03-01T00:01:00Z"));
  s->tick();
  clock_->set(at("2026-03-01T00:02:00Z"));
  s->tick();
  EXPECT_EQ(runner_.started.size(), 1u);
  runner_.finish_all();
  clock_->set(at("2026-03-01T00:03:00Z"));
  s->tick();
  runner_.finish_all();
  EXPECT_EQ(history(), (Lines{"2026-03-01T00:01:00Z ok", "2026-03-01T00:02:00Z skipped",
                              "2026-03-01T00:03:00Z ok"}));
}

TEST_F(SchedulerTest, AnOverlappingRunIsQueuedOnce) {
  runner_.immediate = false;
  auto s = make("* * * * *", MissedPolicy::skip, OverlapPolicy::queue);
  ASSERT_TRUE(s->start());
  clock_->set(at("2026-03-01T00:01:00Z"));
  s->tick();
  clock_->set(at("2026-03-01T00:02:00Z"));
  s->tick();  // queued
  clock_->set(at("2026-03-01T00:03:00Z"));
  s->tick();  // one is queued already: skipped
  EXPECT_EQ(runner_.started.size(), 1u);
  runner_.finish_all();  // the queued one starts as the first ends
  EXPECT_EQ(runner_.started,
            (std::vector<TimePoint>{at("2026-03-01T00:01:00Z"), at("2026-03-01T00:02:00Z")}));
  runner_.finish_all();
  EXPECT_EQ(history(), (Lines{"2026-03-01T00:01:00Z ok", "2026-03-01T00:02:00Z ok",
                              "2026-03-01T00:03:00Z skipped"}));
}

TEST_F(SchedulerTest, StoppingCancelsRunsAndInterruptsQueuedOnes) {
  auto s = std::make_unique<Scheduler>(
      "alice/bots",
      [] {
        std::vector<Job> jobs;
        jobs.push_back(
            {"job", *Cron::parse("* * * * *", ""), MissedPolicy::skip, OverlapPolicy::queue});
        return jobs;
      }(),
      store_, clock_,
      [](const RunRequest& r, std::function<void(RunResult)> done) {
        // A run that ends only when cancelled, on a thread of its own.
        std::thread([r, done = std::move(done)] {
          while (!r.cancel->load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
          done({RunOutcome::interrupted, "cancelled", {}});
        }).detach();
      });
  ASSERT_TRUE(s->start());
  clock_->set(at("2026-03-01T00:01:00Z"));
  s->tick();
  clock_->set(at("2026-03-01T00:02:00Z"));
  s->tick();  // queued behind the first
  s->stop();
  EXPECT_EQ(history(),
            (Lines{"2026-03-01T00:01:00Z interrupted", "2026-03-01T00:02:00Z interrupted"}));
  EXPECT_FALSE(s->tick());  // a stopped scheduler hands out nothing
}

TEST_F(SchedulerTest, RunsLeftByAnEndedProcessAreMarkedInterrupted) {
  runner_.immediate = false;
  auto first = make("* * * * *");
  ASSERT_TRUE(first->start());
  clock_->set(at("2026-03-01T00:01:00Z"));
  first->tick();
  // As if the process had died: a new scheduler starts on the same store.
  auto second = make("* * * * *");
  ASSERT_TRUE(second->start());
  EXPECT_EQ(history(), Lines{"2026-03-01T00:01:00Z interrupted"});
  // Two schedulers never run one slot twice: the store's claim decides.
  clock_->set(at("2026-03-01T00:02:00Z"));
  runner_.immediate = true;
  second->tick();
  first->tick();
  EXPECT_EQ(runner_.started.size(), 2u);  // 00:01 once, 00:02 once
  // The first process's run ends late: it does not overwrite what the second recorded.
  runner_.finish_all();
  EXPECT_EQ(history(), (Lines{"2026-03-01T00:01:00Z interrupted", "2026-03-01T00:02:00Z ok"}));
}

TEST_F(SchedulerTest, AnExpressionThatNeverMatchesIsNeverDue) {
  auto s = make("0 0 30 2 *");
  ASSERT_TRUE(s->start());
  EXPECT_FALSE(s->tick());
}

TEST(Clock, ParsesStartAndSpeed) {
  auto c = parse_clock("2026-03-01T00:00:00Z*600");
  ASSERT_TRUE(c) << c.error().message;
  auto now = std::chrono::floor<std::chrono::seconds>((*c)->now());
  EXPECT_GE(now, at("2026-03-01T00:00:00Z"));
  EXPECT_LT(now, at("2026-03-01T01:00:00Z"));
  EXPECT_EQ((*c)->real(std::chrono::seconds(600)), std::chrono::seconds(1));
  EXPECT_TRUE(parse_clock("1772323200"));
  for (const char* bad : {"", "yesterday", "2026-03-01T00:00:00Z*0", "2026-03-01T00:00:00Z*fast",
                          "2026-03-01 00:00:00"}) {
    auto r = parse_clock(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::usage);
  }
}

}  // namespace
}  // namespace asterai::schedule
