// host::RunningSchedules with an admission step (what a cloud node passes: its monthly quotas
// and its tenant's share of the cores): a refused run is recorded without starting an
// instance, as failed with the refusal's kind and message, or as interrupted when the refusal
// is a cancellation (the schedules stopped while the run waited).
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <mutex>
#include <thread>

#include "asterai/env/local.h"
#include "asterai/host/composition.h"
#include "asterai/host/schedules.h"
#include "test_support.h"

namespace asterai {
namespace {

using namespace std::chrono_literals;
using schedule::RunOutcome;

class HostSchedules : public ::testing::Test {
 protected:
  void SetUp() override {
    test::isolate_home(home_.path());
    std::filesystem::create_directories(data());
    ok({"env", "init", "alice/bots"});
    ok({"env", "add", "alice/bots", "probe", test::component("sandbox-probe.wasm").string()});
    ok({"env", "grant", "alice/bots", "probe", "--dir", data().string() + ":/data:rw"});
    // Every minute; on the clock below, every real second.
    auto envs = env::LocalEnvs::open_default();
    auto draft = envs.read_draft("alice/bots");
    ASSERT_TRUE(draft) << draft.error().message;
    auto written = envs.write_draft(
        "alice/bots", *draft +
                          "\n[[schedules]]\nname = \"tick\"\nmember = \"probe\"\n"
                          "function = \"append-file\"\nargs = [\"/data/runs.txt\", \"run\\n\"]\n"
                          "cron = \"* * * * *\"\n");
    ASSERT_TRUE(written) << written.error().message;
  }
  void TearDown() override { ::unsetenv("ASTERAI_HOME"); }

  void ok(const std::vector<std::string>& args) {
    auto r = test::run_asterai(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  std::filesystem::path data() const { return home_.path() / "data"; }

  // Runs the schedules with `admit` until `n` runs finished (or 20 s passed), then stops
  // them; the finished runs, oldest first.
  std::vector<schedule::RunRecord> run_until(
      size_t n, std::function<Result<std::shared_ptr<const void>>()> admit) {
    host::LoadOptions load;
    load.offline = true;
    auto loaded = host::load_composition("alice/bots", load);
    EXPECT_TRUE(loaded) << loaded.error().message;
    if (!loaded) return {};
    auto state = schedule::StateStore::open(home_.path() / "state.db");
    EXPECT_TRUE(state) << state.error().message;
    if (!state) return {};
    host::ScheduleOptions o;
    o.state = *state;
    o.key = "alice/bots";
    // 30 s before a minute, 60 times real time: the first run is due after half a second.
    o.clock = schedule::scaled_clock(
        std::chrono::sys_seconds(std::chrono::sys_days(std::chrono::year(2026) / 3 / 1)) + 30s, 60);
    o.admit = [admit](const schedule::RunRequest&) { return admit(); };
    auto running = host::RunningSchedules::start(*loaded, o);
    EXPECT_TRUE(running) << running.error().message;
    if (!running) return {};
    std::vector<schedule::RunRecord> done;
    for (auto until = std::chrono::steady_clock::now() + 20s;
         std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(50ms)) {
      auto runs = (*state)->runs("alice/bots", "tick", 100);
      EXPECT_TRUE(runs) << runs.error().message;
      if (!runs) return {};
      done.clear();
      for (auto it = runs->rbegin(); it != runs->rend(); ++it)
        if (it->finished) done.push_back(*it);
      if (done.size() >= n) break;
    }
    running->reset();
    done.resize(std::min(done.size(), n));
    return done;
  }

  test::TempDir home_{"host-schedules"};
};

TEST_F(HostSchedules, ARunTheAdmissionRefusesIsFailedOrInterruptedAndRunsNothing) {
  std::mutex mutex;
  int asked = 0;
  auto runs = run_until(3, [&]() -> Result<std::shared_ptr<const void>> {
    std::lock_guard lock(mutex);
    switch (asked++) {
      case 0:
        return make_error(ErrorKind::over_quota, "alice used the 1000 calls of this month");
      case 1:
        return make_error(ErrorKind::cancelled, "the schedules stopped meanwhile");
      default:
        return std::make_shared<int>(0);  // admitted
    }
  });
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(runs[0].outcome, RunOutcome::failed);
  EXPECT_EQ(runs[0].detail, "over-quota: alice used the 1000 calls of this month");
  EXPECT_EQ(runs[1].outcome, RunOutcome::interrupted);
  EXPECT_EQ(runs[1].detail, "cancelled: the schedules stopped meanwhile");
  EXPECT_EQ(runs[2].outcome, RunOutcome::ok) << runs[2].detail;
  // Only the admitted run started an instance.
  std::ifstream file(data() / "runs.txt");
  std::string all((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  EXPECT_EQ(all, "run\n");
}

}  // namespace
}  // namespace asterai
