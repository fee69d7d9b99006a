// The cloud's embedded store (deployments, rollback, usage that counts a record once) and
// the usage recorder's group commit, on a real SQLite file.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <thread>

#include "asterai/cloud/secrets.h"
#include "asterai/cloud/store.h"
#include "asterai/cloud/usage.h"
#include "asterai/cloud/usage_spool.h"
#include "asterai/common/sqlite.h"
#include "test_support.h"
#include "usage_record.h"

namespace asterai::cloud {
namespace {

Deployment version(const std::string& v) {
  return Deployment{0, "alice", "tools", v, "r.example/alice/tools@sha256:" + v, 0};
}

UsageRecord record(const std::string& id, int64_t started_us, const std::string& outcome = "ok") {
  return test::usage_record(id, started_us, 250, outcome);
}

// Every test runs on both stores: SQLite always; PostgreSQL when ASTERAI_TEST_POSTGRES names
// a server (ctest `cloud.store.postgres` starts one: tests/support/postgres.py), its tables
// dropped first.
class CloudStore : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string url = "sqlite:" + (dir_.path() / "sub" / "store.db").string();
    if (GetParam() == "postgres") {
      const char* pg = std::getenv("ASTERAI_TEST_POSTGRES");
      url = pg;
      std::string drop =
          "psql -q '" + url +
          "' -c 'DROP TABLE IF EXISTS usage, usage_months, usage_days,"
          " deployments, deployment_schedules, leases, schedule_state, schedule_runs, secrets,"
          " secret_stamps'";
      ASSERT_EQ(std::system(drop.c_str()), 0) << drop;
    }
    auto s = open_store(url);
    ASSERT_TRUE(s) << s.error().message;
    store_ = *s;
  }
  // The store as a version before usage_months and usage_days left it: the records without
  // their sums.
  void forget_the_sums() {
    if (GetParam() == "postgres") {
      std::string drop = "psql -q '" + std::string(std::getenv("ASTERAI_TEST_POSTGRES")) +
                         "' -c 'DROP TABLE usage_months, usage_days'";
      ASSERT_EQ(std::system(drop.c_str()), 0) << drop;
      return;
    }
    auto db = sqlite::Database::open((dir_.path() / "sub" / "store.db").string());
    ASSERT_TRUE(db) << db.error().message;
    ASSERT_TRUE((*db)->exec("DROP TABLE usage_months; DROP TABLE usage_days"));
  }
  Result<std::shared_ptr<Store>> reopen() {
    if (GetParam() == "postgres") return open_store(std::getenv("ASTERAI_TEST_POSTGRES"));
    return open_store("sqlite:" + (dir_.path() / "sub" / "store.db").string());
  }
  test::TempDir dir_{"cloud-store"};
  std::shared_ptr<Store> store_;
};

// 2026-12-31T23:59:59Z and the start of 2027-01 (unix microseconds).
constexpr int64_t kLastSecondOfDecember = 1798761599LL * 1'000'000;
constexpr int64_t kJanuary = 1798761600LL * 1'000'000;

TEST_P(CloudStore, SecretsArePerTenantAndEveryChangeMovesTheStamp) {
  EXPECT_EQ(store_->secrets_stamp("alice").value(), 0);
  ASSERT_TRUE(store_->put_secret("alice", "TOKEN", "sealed-1"));
  ASSERT_TRUE(store_->put_secret("alice", "API_KEY", "sealed-2"));
  ASSERT_TRUE(store_->put_secret("bob", "TOKEN", "sealed-3"));
  auto stamp = store_->secrets_stamp("alice").value();
  EXPECT_GT(stamp, 0);
  EXPECT_EQ(store_->sealed_secret("alice", "TOKEN").value(), "sealed-1");
  EXPECT_EQ(store_->sealed_secret("bob", "TOKEN").value(), "sealed-3");
  EXPECT_FALSE(store_->sealed_secret("carol", "TOKEN").value());
  EXPECT_EQ(store_->secret_names("alice").value(), (std::vector<std::string>{"API_KEY", "TOKEN"}));
  EXPECT_TRUE(store_->secret_names("carol").value().empty());

  ASSERT_TRUE(store_->put_secret("alice", "TOKEN", "sealed-4"));  // replaced, stamp moves
  EXPECT_EQ(store_->sealed_secret("alice", "TOKEN").value(), "sealed-4");
  auto replaced = store_->secrets_stamp("alice").value();
  EXPECT_GT(replaced, stamp);
  ASSERT_TRUE(store_->remove_secret("alice", "TOKEN"));
  EXPECT_GT(store_->secrets_stamp("alice").value(), replaced);
  EXPECT_FALSE(store_->sealed_secret("alice", "TOKEN").value());
  auto again = store_->remove_secret("alice", "TOKEN");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, ErrorKind::not_found);
  EXPECT_EQ(store_->sealed_secret("bob", "TOKEN").value(), "sealed-3");  // bob's untouched
}

// Rotating the secrets key: nodes open values with the new key or the old, reseal_secrets
// seals every value again with the new one, and the old key can then go.
TEST_P(CloudStore, SecretsMoveToANewKeyWithoutAnyValueChanging) {
  auto key = [] {
    return std::make_shared<const env::SecretBox>(env::SecretBox::generate(nullptr).value());
  };
  auto old_key = key(), new_key = key(), lost_key = key();
  TenantSecrets before(store_, old_key);
  ASSERT_TRUE(before.set("alice", "TOKEN", "alice-token"));
  ASSERT_TRUE(before.set("bob", "TOKEN", "bob-token"));
  TenantSecrets during(store_, new_key, {old_key});  // a node rolled to the new key
  ASSERT_TRUE(during.set("alice", "API_KEY", "alice-api"));
  EXPECT_EQ(during.get("alice", "TOKEN").value(), "alice-token");  // sealed with the old key
  EXPECT_EQ(during.get("alice", "API_KEY").value(), "alice-api");
  auto unopened = TenantSecrets(store_, new_key).get("bob", "TOKEN");
  ASSERT_FALSE(unopened);
  EXPECT_EQ(unopened.error().kind, ErrorKind::denied);
  auto stamp = store_->secrets_stamp("alice").value();

  auto done = reseal_secrets(*store_, *new_key, {old_key}).value();
  EXPECT_EQ(done.resealed, 2u);
  EXPECT_EQ(done.current, 1u);
  EXPECT_EQ(done.changed, 0u);
  TenantSecrets after(store_, new_key);  // the old key retired
  EXPECT_EQ(after.get("alice", "TOKEN").value(), "alice-token");
  EXPECT_EQ(after.get("alice", "API_KEY").value(), "alice-api");
  EXPECT_EQ(after.get("bob", "TOKEN").value(), "bob-token");
  EXPECT_EQ(store_->secrets_stamp("alice").value(), stamp);     // loaded deployments stay
  done = reseal_secrets(*store_, *new_key, {old_key}).value();  // again: nothing to do
  EXPECT_EQ(done.resealed, 0u);
  EXPECT_EQ(done.current, 3u);

  // A value set again between the read and the write is left as it was set.
  SealedSecret stale{"alice", "TOKEN", store_->sealed_secret("alice", "TOKEN").value().value()};
  ASSERT_TRUE(after.set("alice", "TOKEN", "alice-token-2"));
  EXPECT_FALSE(store_->reseal_secret(stale, "replaced").value());
  EXPECT_EQ(after.get("alice", "TOKEN").value(), "alice-token-2");

  // One sealed with a key nobody gave: named, the others still done, nothing lost.
  ASSERT_TRUE(TenantSecrets(store_, lost_key).set("carol", "LOST", "x"));
  ASSERT_TRUE(TenantSecrets(store_, old_key).set("bob", "OLD", "bob-old"));
  auto partly = reseal_secrets(*store_, *new_key, {old_key});
  ASSERT_FALSE(partly);
  EXPECT_EQ(partly.error().kind, ErrorKind::denied);
  EXPECT_NE(partly.error().message.find("carol/LOST"), std::string::npos) << partly.error().message;
  EXPECT_EQ(after.get("bob", "OLD").value(), "bob-old");
  EXPECT_EQ(TenantSecrets(store_, lost_key).get("carol", "LOST").value(), "x");
}

TEST_P(CloudStore, DeploysRollsBackAndRemoves) {
  EXPECT_FALSE(store_->active("alice", "tools").value());
  auto first = store_->deploy(version("1.0.0"));
  ASSERT_TRUE(first);
  EXPECT_GT(first->id, 0);
  EXPECT_GT(first->created, 0);
  auto again = store_->deploy(version("1.0.0"));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, ErrorKind::conflict);
  ASSERT_TRUE(store_->deploy(version("1.1.0")));
  EXPECT_EQ(store_->active("alice", "tools").value()->version, "1.1.0");
  auto listed = store_->list("alice").value();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].version, "1.1.0");
  EXPECT_TRUE(store_->list("bob").value().empty());

  auto back = store_->rollback("alice", "tools");
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->version, "1.0.0");
  EXPECT_EQ(store_->active("alice", "tools").value()->version, "1.0.0");
  // Nothing before the first version: refused, and the first still answers.
  auto none = store_->rollback("alice", "tools");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().kind, ErrorKind::not_found);
  EXPECT_NE(none.error().message.find("no earlier version"), std::string::npos);
  EXPECT_EQ(store_->active("alice", "tools").value()->version, "1.0.0");

  ASSERT_TRUE(store_->remove("alice", "tools"));
  EXPECT_FALSE(store_->active("alice", "tools").value());
  EXPECT_EQ(store_->remove("alice", "tools").error().kind, ErrorKind::not_found);
  EXPECT_EQ(store_->rollback("alice", "tools").error().kind, ErrorKind::not_found);
}

TEST_P(CloudStore, UsageCountsEachCallOnceAndSumsByDay) {
  const int64_t day = 86'400'000'000;
  const int64_t d1 = 20'000 * day;  // 2024-10-04
  ASSERT_TRUE(store_->add_usage({record("a", d1 + 5), record("b", d1 + 6, "trap")}));
  // The same batch again (a replay after a crash) and one new record.
  ASSERT_TRUE(
      store_->add_usage({record("a", d1 + 5), record("b", d1 + 6, "trap"), record("c", d1 + day)}));
  EXPECT_EQ(store_->usage_count("alice").value(), 3u);
  EXPECT_EQ(store_->usage_count("bob").value(), 0u);
  auto totals = store_->usage("alice", d1, d1 + 2 * day).value();
  ASSERT_EQ(totals.size(), 2u);
  EXPECT_EQ(totals[0].day, "2024-10-04");
  EXPECT_EQ(totals[0].calls, 2u);
  EXPECT_EQ(totals[0].errors, 1u);
  EXPECT_EQ(totals[0].wall_us, 500);
  EXPECT_EQ(totals[0].fuel, 2000u);
  EXPECT_EQ(totals[1].day, "2024-10-05");
  EXPECT_EQ(store_->usage("alice", d1 + day, d1 + 2 * day).value().size(), 1u);
  EXPECT_TRUE(store_->usage("bob", 0, d1 + 2 * day).value().empty());
}

TEST_P(CloudStore, MonthSumsCountEachStoredRecordOnce) {
  const int64_t december = month_start_us(kLastSecondOfDecember);
  std::vector<UsageRecord> batch;  // more than one insert's group of rows
  for (int i = 0; i < 40; ++i) batch.push_back(record("d" + std::to_string(i), december + i));
  batch.push_back(record("last", kLastSecondOfDecember + 999'999));
  batch.push_back(record("first", kJanuary));
  auto bobs = record("bob", kJanuary + 1);
  bobs.tenant = "bob";
  batch.push_back(bobs);
  ASSERT_TRUE(store_->add_usage(batch));
  ASSERT_TRUE(store_->add_usage(batch));                           // a replay adds nothing
  ASSERT_TRUE(store_->add_usage({record("late", december + 5)}));  // a record one at a time
  auto dec = store_->month_usage("alice", december).value();
  EXPECT_EQ(dec.calls, 42u);
  EXPECT_EQ(dec.wall_us, 42 * 250);
  // Part stored already, part new, in a group of rows and one at a time: only the new count.
  std::vector<UsageRecord> mixed(batch.begin(), batch.begin() + 20);
  for (int i = 0; i < 15; ++i) mixed.push_back(record("n" + std::to_string(i), december + i));
  ASSERT_TRUE(store_->add_usage(mixed));
  EXPECT_EQ(store_->month_usage("alice", december).value().calls, 57u);
  EXPECT_EQ(store_->usage_count("alice").value(), 58u);  // 57 in December, 1 in January
  uint64_t by_day = 0;                                   // the day sums count the same records
  auto days = store_->usage("alice", december, kJanuary).value();
  for (const auto& t : days) by_day += t.calls;
  EXPECT_EQ(by_day, 57u);
  EXPECT_EQ(store_->month_usage("alice", kJanuary).value().calls, 1u);
  EXPECT_EQ(store_->month_usage("bob", kJanuary).value().calls, 1u);
  EXPECT_EQ(store_->month_usage("bob", december).value().calls, 0u);
  EXPECT_EQ(store_->month_usage("carol", kJanuary).value().wall_us, 0);
}

TEST_P(CloudStore, AStoreFromBeforeTheSumsGetsThemFromItsRecords) {
  const int64_t december = month_start_us(kLastSecondOfDecember);
  ASSERT_TRUE(store_->add_usage(
      {record("a", december), record("b", kLastSecondOfDecember), record("c", kJanuary + 7)}));
  forget_the_sums();
  store_.reset();
  auto upgraded = reopen();
  ASSERT_TRUE(upgraded) << upgraded.error().message;
  EXPECT_EQ((*upgraded)->month_usage("alice", december).value().calls, 2u);
  EXPECT_EQ((*upgraded)->month_usage("alice", kJanuary).value().wall_us, 250);
  auto days = (*upgraded)->usage("alice", december, kJanuary + 86'400'000'000).value();
  ASSERT_EQ(days.size(), 3u);  // 2026-12-01, 2026-12-31, 2027-01-01
  EXPECT_EQ(days[0].day, "2026-12-01");
  EXPECT_EQ(days[1].day, "2026-12-31");
  EXPECT_EQ(days[2].day, "2027-01-01");
  EXPECT_EQ(days[2].fuel, 1000u);
  // Summed once: opening it again adds nothing, and new records add to the sums.
  upgraded = reopen();
  ASSERT_TRUE(upgraded) << upgraded.error().message;
  ASSERT_TRUE((*upgraded)->add_usage({record("d", december + 1)}));
  EXPECT_EQ((*upgraded)->month_usage("alice", december).value().calls, 3u);
}

TEST(CloudStoreUrl, AnUnknownStoreIsAUsageError) {
  for (std::string url : {"mysql://x", "sqlite:", "store.db"}) {
    auto s = open_store(url);
    ASSERT_FALSE(s) << url;
    EXPECT_EQ(s.error().kind, ErrorKind::usage);
    EXPECT_NE(s.error().message.find("sqlite:PATH"), std::string::npos);
  }
  // Nothing listens on port 1: a network error naming the store, not a hang or a crash.
  auto unreachable = open_store("postgres://nobody@127.0.0.1:1/none?connect_timeout=5");
  ASSERT_FALSE(unreachable);
  EXPECT_EQ(unreachable.error().kind, ErrorKind::network);
  EXPECT_NE(unreachable.error().message.find("PostgreSQL store is unreachable"), std::string::npos);
}

TEST_P(CloudStore, TheRecorderReleasesEachCallOnceItsRecordIsStored) {
  std::atomic<int> released{0};
  std::atomic<int> missing{0};
  {
    UsageRecorder recorder(store_, 64);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 250; ++i) {
          std::string id = std::to_string(t) + "-" + std::to_string(i);
          recorder.record(record(id, 1'000'000 + i), [&] {
            // By the time a call is released its record is in the store.
            int n = ++released;
            if (store_->usage_count("alice").value() < static_cast<uint64_t>(n)) ++missing;
          });
        }
      });
    }
    for (auto& th : threads) th.join();
    // Batches, not one transaction a record.
    while (released.load() < 1000) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_LT(recorder.batches(), 1000u);
    EXPECT_GE(recorder.batches(), 1000u / 64);
  }
  EXPECT_EQ(released.load(), 1000);
  EXPECT_EQ(missing.load(), 0);
  EXPECT_EQ(store_->usage_count("alice").value(), 1000u);
}

TEST_P(CloudStore, ALeaseHasOneHolderUntilItExpires) {
  using namespace std::chrono_literals;
  EXPECT_TRUE(store_->hold_lease("schedules/alice/x", "a", 400ms).value());
  EXPECT_FALSE(store_->hold_lease("schedules/alice/x", "b", 400ms).value());
  EXPECT_TRUE(store_->hold_lease("schedules/alice/x", "a", 400ms).value());  // renewed
  EXPECT_TRUE(store_->hold_lease("schedules/alice/y", "b", 400ms).value());  // another lease
  ASSERT_TRUE(store_->release_lease("schedules/alice/x", "b"));              // not b's: no-op
  EXPECT_FALSE(store_->hold_lease("schedules/alice/x", "b", 400ms).value());
  std::this_thread::sleep_for(600ms);  // a stopped renewing
  EXPECT_TRUE(store_->hold_lease("schedules/alice/x", "b", 400ms).value());
  EXPECT_FALSE(store_->hold_lease("schedules/alice/x", "a", 400ms).value());
  ASSERT_TRUE(store_->release_lease("schedules/alice/x", "b"));
  EXPECT_TRUE(store_->hold_lease("schedules/alice/x", "a", 400ms).value());  // at once
}

TEST_P(CloudStore, ScheduledListsTheAnsweringVersionsThatHaveSchedules) {
  auto timed = version("1.0.0");
  timed.schedules = 2;
  ASSERT_TRUE(store_->deploy(timed));
  auto listed = store_->scheduled().value();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].version, "1.0.0");
  EXPECT_EQ(listed[0].schedules, 2u);
  ASSERT_TRUE(store_->deploy(version("1.1.0")));  // answers now, without schedules
  EXPECT_TRUE(store_->scheduled().value().empty());
  EXPECT_EQ(store_->active("alice", "tools").value()->schedules, 0u);
  ASSERT_TRUE(store_->rollback("alice", "tools"));
  EXPECT_EQ(store_->scheduled().value().size(), 1u);
  ASSERT_TRUE(store_->remove("alice", "tools"));
  EXPECT_TRUE(store_->scheduled().value().empty());
}

TEST_P(CloudStore, AScheduleSlotIsClaimedOnceAcrossStoreHandles) {
  using schedule::RunOutcome;
  auto state = store_->schedule_state().value();
  auto other = store_->schedule_state().value();  // as a second node would
  schedule::TimePoint slot(std::chrono::seconds(1'800'000'000));
  auto next = slot + std::chrono::minutes(1);
  auto first = state->claim("alice/tools", "tick", slot, RunOutcome::running, "", slot, next);
  ASSERT_TRUE(first && *first) << (first ? "taken" : first.error().message);
  auto second = other->claim("alice/tools", "tick", slot, RunOutcome::running, "", slot, next);
  ASSERT_TRUE(second);
  EXPECT_FALSE(*second);
  runtime::CallStats stats;
  stats.wall_ms = 1.5;
  ASSERT_TRUE(state->finish(**first, RunOutcome::ok, "", stats, slot));
  EXPECT_EQ(other->last_slot("alice/tools", "tick").value(), slot);
  auto runs = other->runs("alice/tools", "", 10).value();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].outcome, RunOutcome::ok);
  EXPECT_DOUBLE_EQ(runs[0].stats.wall_ms, 1.5);
  auto states = other->schedules("alice/tools").value();
  ASSERT_EQ(states.size(), 1u);
  EXPECT_EQ(states[0].next_slot, next);
  EXPECT_EQ(states[0].last_outcome, RunOutcome::ok);
  // A second run left running by a node that died becomes interrupted on takeover.
  auto left = state->claim("alice/tools", "tick", next, RunOutcome::running, "", next, {});
  ASSERT_TRUE(left && *left);
  EXPECT_EQ(other->interrupt_unfinished("alice/tools").value(), 1);
  ASSERT_TRUE(state->finish(**left, RunOutcome::ok, "", stats, next));  // too late: stays
  EXPECT_EQ(other->runs("alice/tools", "tick", 1).value()[0].outcome, RunOutcome::interrupted);
}

TEST_P(CloudStore, SpooledRecordsAreSafeAtOnceAndStoredInFewBatches) {
  auto spool_dir = dir_.path() / "spool";
  std::atomic<int> durable{0};
  {
    UsageRecorder recorder(store_, 1024, UsageSpool::open(spool_dir).value());
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&, t] {
        for (int i = 0; i < 250; ++i)
          recorder.record(record("s" + std::to_string(t) + "-" + std::to_string(i), 1'000'000),
                          [&] { ++durable; });
      });
    for (auto& th : threads) th.join();
    // Each answer was released as its record reached the spool, on the caller's thread.
    EXPECT_EQ(durable.load(), 1000);
  }
  EXPECT_EQ(store_->usage_count("alice").value(), 1000u);
  // Every file was removed once its batch was stored.
  EXPECT_TRUE(std::filesystem::is_empty(spool_dir));
}

// Another node replays orphans from the same folder just as this spool makes a new file
// (after creating it, before locking it): the file must not be taken for an orphan, or this
// spool would keep records in a file deleted unread, which nobody could replay after a crash.
TEST_P(CloudStore, AReplayingNodeNeverTakesAFileBeingMade) {
  auto spool_dir = dir_.path() / "spool";
  auto spool = UsageSpool::open(spool_dir).value();
  auto other = UsageSpool::open(spool_dir).value();
  spool->on_create([&] { ASSERT_TRUE(other->replay_orphans(*store_)); });
  ASSERT_TRUE(spool->append(record("made-1", 1)));
  auto files = spool->rotate();
  ASSERT_TRUE(files) << files.error().message;
  ASSERT_EQ(files->size(), 1u);
  EXPECT_TRUE(std::filesystem::exists((*files)[0]->path()));
  // The new current file is there under its own name too: a record in it can be replayed.
  ASSERT_TRUE(spool->append(record("made-2", 1)));
  size_t spool_files = 0;
  for (const auto& e : std::filesystem::directory_iterator(spool_dir))
    spool_files += e.path().extension() == ".new" ? 0 : 1;
  EXPECT_EQ(spool_files, 3u);  // the rotated file, the new one, and the other node's own
  EXPECT_EQ(store_->usage_count("alice").value(), 0u);  // the other node took none
}

TEST_P(CloudStore, ASpooledRecordComesBackAsItWasWritten) {
  auto spool_dir = dir_.path() / "spool";
  auto odd = test::usage_record("odd-1", 1'000'000, 777, "trap");
  odd.function = "say \"hi\"\\back\nslash\t\x01 \xc3\xa9";  // quotes, escapes, controls, UTF-8
  odd.fuel.reset();
  auto fueled = test::usage_record("odd-2", 1'000'000, 23);
  fueled.fuel = 9'007'199'254'740'993u;  // 2^53 + 1: lost if a number passed through a double
  {
    auto spool = UsageSpool::open(spool_dir).value();
    ASSERT_TRUE(spool->append(odd));
    ASSERT_TRUE(spool->append(fueled));
  }  // left behind as a dead node's file: the next recorder replays it
  {
    UsageRecorder recorder(store_, 1024, UsageSpool::open(spool_dir).value());
  }
  auto totals = store_->usage("alice", 0, 2'000'000).value();
  ASSERT_EQ(totals.size(), 2u);
  bool seen_odd = false;
  for (const auto& t : totals) {
    if (t.function == fueled.function) {
      EXPECT_EQ(t.fuel, *fueled.fuel);
    }
    if (t.function != odd.function) continue;
    seen_odd = true;
    EXPECT_EQ(t.calls, 1u);
    EXPECT_EQ(t.errors, 1u);
    EXPECT_EQ(t.wall_us, 777);
    EXPECT_EQ(t.fuel, 0u);
  }
  EXPECT_TRUE(seen_odd) << "the odd function name did not come back whole";
}

TEST_P(CloudStore, ASpoolGoesOnInANewFileWhenOneIsFull) {
  auto spool_dir = dir_.path() / "spool";
  // More records than one file holds (each of these lines is over 100 bytes).
  const int n = static_cast<int>(UsageSpool::kFileBytes / 100);
  {
    auto spool = UsageSpool::open(spool_dir).value();
    for (int i = 0; i < n; ++i) ASSERT_TRUE(spool->append(record("full-" + std::to_string(i), 1)));
    auto files = spool->rotate().value();
    EXPECT_GE(files.size(), 2u);
    for (const auto& f : files) EXPECT_LE(f->used(), UsageSpool::kFileBytes);
  }  // every file left behind, as by a node that died
  {
    UsageRecorder recorder(store_, 1024, UsageSpool::open(spool_dir).value());
  }
  EXPECT_EQ(store_->usage_count("alice").value(), static_cast<uint64_t>(n));
  EXPECT_TRUE(std::filesystem::is_empty(spool_dir));
}

// A spool that cannot make its next file (a full disk, a folder gone): the records that no
// longer fit are not lost, their answers wait until the store holds them instead.
TEST_P(CloudStore, ASpoolThatCannotGoOnMakesAnswersWaitForTheStore) {
  auto spool_dir = dir_.path() / "spool";
  const int n = static_cast<int>(UsageSpool::kFileBytes / 100) + 100;
  std::atomic<int> spooled{0}, stored{0};
  {
    // Gone before the recorder starts, so it cannot make a spare either: the open file lives
    // on, and no new one can be made.
    auto spool = UsageSpool::open(spool_dir).value();
    std::filesystem::remove_all(spool_dir);
    UsageRecorder recorder(store_, 1024, std::move(spool));
    const auto caller = std::this_thread::get_id();
    for (int i = 0; i < n; ++i) {
      recorder.record(record("gone-" + std::to_string(i), 1), [&, caller] {
        // Durable on this thread means spooled; on the recorder's, stored.
        (std::this_thread::get_id() == caller ? spooled : stored)++;
      });
    }
    EXPECT_GT(spooled.load(), 0);
    EXPECT_LT(spooled.load(), n);  // the file filled up
  }
  EXPECT_EQ(spooled.load() + stored.load(), n);
  EXPECT_EQ(store_->usage_count("alice").value(), static_cast<uint64_t>(n));
}

TEST_P(CloudStore, AnOrphanedSpoolFileIsReplayedOnceWithoutItsCutLine) {
  auto spool_dir = dir_.path() / "spool";
  std::filesystem::create_directories(spool_dir);
  {
    // What a node that died left: two records it answered for, and a line cut short.
    auto r1 = UsageSpool::open(spool_dir).value();
    ASSERT_TRUE(r1->append(record("dead-1", 1'000'000)));
    ASSERT_TRUE(r1->append(record("dead-2", 1'000'000)));
    auto files = r1->rotate().value();
    ASSERT_EQ(files.size(), 1u);
    // The cut line lands where the next record would have: after the last, in the mapping.
    std::FILE* f = std::fopen(files[0]->path().c_str(), "r+");
    std::fseek(f, static_cast<long>(files[0]->used()), SEEK_SET);
    std::fputs("{\"id\":\"dead-3\",\"ten", f);
    std::fclose(f);
  }  // its files unlock (the process "ended"); the rotated file is left behind
  ASSERT_TRUE(store_->add_usage({record("dead-1", 1'000'000)}));  // stored before it died
  {
    UsageRecorder recorder(store_, 1024, UsageSpool::open(spool_dir).value());
    EXPECT_EQ(store_->usage_count("alice").value(), 2u);  // replayed before any answer
  }
  EXPECT_TRUE(std::filesystem::is_empty(spool_dir));
  std::FILE* f = std::fopen((dir_.path() / "file").c_str(), "w");
  std::fclose(f);
  auto bad = UsageSpool::open(dir_.path() / "file" / "x");  // a folder it cannot create
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::io);
}

// PostgreSQL only when a server is given, so a run without one lists no test it cannot run.
std::vector<std::string> stores() {
  const char* pg = std::getenv("ASTERAI_TEST_POSTGRES");
  if (pg && *pg) return {"sqlite", "postgres"};
  return {"sqlite"};
}
INSTANTIATE_TEST_SUITE_P(Stores, CloudStore, ::testing::ValuesIn(stores()),
                         [](const auto& info) { return info.param; });

TEST(CallIds, Are128BitHexThatSortByTime) {
  auto a = new_call_id(), b = new_call_id();
  // Ids taken on several threads at once never repeat.
  std::vector<std::vector<std::string>> taken(4);
  std::vector<std::thread> threads;
  for (auto& mine : taken)
    threads.emplace_back([&mine] {
      for (int i = 0; i < 5000; ++i) mine.push_back(new_call_id());
    });
  for (auto& t : threads) t.join();
  std::set<std::string> unique;
  for (const auto& mine : taken) unique.insert(mine.begin(), mine.end());
  EXPECT_EQ(unique.size(), 20000u);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a, b);
  // The first 12 digits are the milliseconds: now, give or take the test's own run.
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
  auto stamped = static_cast<int64_t>(std::stoull(a.substr(0, 12), nullptr, 16));
  EXPECT_LE(stamped, ms);
  EXPECT_GT(stamped, ms - 60'000);
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  EXPECT_LT(a, new_call_id());
  // The rest is random: two ids of one millisecond still differ there.
  EXPECT_NE(a.substr(12), b.substr(12));
}

}  // namespace
}  // namespace asterai::cloud
