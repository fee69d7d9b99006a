// Monthly quotas: totals read from the store (every node's records), what this node served
// since, the month boundary, and answers from memory only while they are fresh.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "asterai/cloud/quotas.h"
#include "test_support.h"
#include "usage_record.h"

namespace asterai::cloud {
namespace {

constexpr int64_t kSecond = 1'000'000;
// 2026-12-31T23:59:00Z and the start of 2027-01 (unix microseconds).
constexpr int64_t kLastMinuteOfDecember = 1798761540LL * kSecond;
constexpr int64_t kJanuary = 1798761600LL * kSecond;

UsageRecord record(const std::string& id, int64_t started_us, int64_t wall_us) {
  return test::usage_record(id, started_us, wall_us);
}

class Quotas : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = open_store("sqlite:" + (dir_.path() / "store.db").string());
    ASSERT_TRUE(s) << s.error().message;
    store_ = *s;
  }
  MonthlyQuotas quotas(MonthlyLimits limits, std::chrono::milliseconds refresh) {
    return MonthlyQuotas(store_, limits, refresh, [this] { return now_.load(); });
  }
  test::TempDir dir_{"cloud-quotas"};
  std::shared_ptr<Store> store_;
  std::atomic<int64_t> now_{kLastMinuteOfDecember};
};

TEST(MonthStart, IsTheFirstOfTheUtcMonth) {
  EXPECT_EQ(month_start_us(kLastMinuteOfDecember), 1796083200LL * kSecond);  // 2026-12-01
  EXPECT_EQ(next_month_start_us(kLastMinuteOfDecember), kJanuary);
  EXPECT_EQ(month_start_us(kJanuary), kJanuary);
  EXPECT_EQ(next_month_start_us(kJanuary - 1), kJanuary);
}

TEST(DayStart, IsMidnightUtc) {
  EXPECT_EQ(day_start_us(kJanuary - 1), kJanuary - 86400LL * kSecond);  // 2026-12-31
  EXPECT_EQ(day_start_us(kJanuary), kJanuary);
  EXPECT_EQ(day_start_us(kJanuary + 86399LL * kSecond), kJanuary);
}

TEST_F(Quotas, NoLimitsAnswersWithoutTheStore) {
  auto q = quotas({}, std::chrono::hours(1));
  auto v = q.check("alice", false);
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->over);
}

TEST_F(Quotas, CallsCountEveryNodesRecordsAndThisNodesOwn) {
  // Two calls another node recorded this month, one last month (not counted).
  ASSERT_TRUE(store_->add_usage({record("a", kLastMinuteOfDecember - 10 * kSecond, 1),
                                 record("b", kLastMinuteOfDecember - 5 * kSecond, 1),
                                 record("c", month_start_us(kLastMinuteOfDecember) - 1, 1)}));
  auto q = quotas(MonthlyLimits{4, std::nullopt}, std::chrono::hours(1));
  EXPECT_FALSE(q.check("alice", false)) << "nothing read yet: only the store can tell";
  auto v = q.check("alice", true);
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->over);
  q.add("alice", 1);  // this node's third call of the month
  EXPECT_FALSE(q.check("alice", false)->over);
  q.add("alice", 1);
  v = q.check("alice", false);
  ASSERT_TRUE(v && v->over);
  EXPECT_EQ(v->over->kind, ErrorKind::over_quota);
  EXPECT_EQ(v->over->message,
            "alice used 4 calls of its 4 this month (its plan's quota); it resets on 2027-01-01 "
            "00:00 UTC");
  EXPECT_EQ(v->retry_after_seconds, 60);
  EXPECT_EQ(q.refused(), (std::map<std::string, uint64_t>{{"alice", 1}}));
  // bob is not alice.
  EXPECT_FALSE(q.check("bob", true)->over);
  // A new month starts from nothing.
  now_ = kJanuary + kSecond;
  EXPECT_FALSE(q.check("alice", false)) << "the totals are of last month";
  EXPECT_FALSE(q.check("alice", true)->over);
}

TEST_F(Quotas, EachTenantHasItsPlansLimits) {
  ASSERT_TRUE(store_->add_usage({record("a", kLastMinuteOfDecember - kSecond, 1)}));
  MonthlyQuotas q(
      store_,
      [](const std::string& tenant) {
        return tenant == "alice" ? MonthlyLimits{1, std::nullopt} : MonthlyLimits{};
      },
      std::chrono::hours(1), [this] { return now_.load(); });
  auto v = q.check("alice", true);
  ASSERT_TRUE(v && v->over);  // one call of her one this month
  // bob's plan has no quota: answered from memory, never over.
  for (int i = 0; i < 3; ++i) {
    q.add("bob", 1);
    ASSERT_TRUE(q.check("bob", false));
    EXPECT_FALSE(q.check("bob", false)->over);
  }
}

TEST_F(Quotas, InstanceSecondsSumTheWallTimeOfCalls) {
  ASSERT_TRUE(store_->add_usage({record("a", kLastMinuteOfDecember - kSecond, 2 * kSecond)}));
  auto q = quotas(MonthlyLimits{std::nullopt, 3}, std::chrono::hours(1));
  EXPECT_FALSE(q.check("alice", true)->over);
  q.add("alice", kSecond / 2);
  EXPECT_FALSE(q.check("alice", false)->over);
  q.add("alice", kSecond / 2);
  auto v = q.check("alice", false);
  ASSERT_TRUE(v && v->over);
  EXPECT_NE(v->over->message.find("3 instance-seconds of its 3"), std::string::npos)
      << v->over->message;
}

TEST_F(Quotas, TotalsAreReadAgainOnceStale) {
  auto q = quotas(MonthlyLimits{2, std::nullopt}, std::chrono::milliseconds(0));
  EXPECT_FALSE(q.check("alice", true)->over);
  // Another node's records: seen at the next read, since a stale total answers nothing.
  ASSERT_TRUE(store_->add_usage({record("a", kLastMinuteOfDecember - kSecond, 1),
                                 record("b", kLastMinuteOfDecember - kSecond, 1)}));
  EXPECT_FALSE(q.check("alice", false));
  auto v = q.check("alice", true);
  ASSERT_TRUE(v && v->over);
}

// Under load every connection finds the totals stale at once; one of them reads the store
// again, the others are judged on what is in memory meanwhile.
constexpr std::chrono::milliseconds kRefresh{100};
void outlive_the_refresh() {
  std::this_thread::sleep_for(kRefresh + std::chrono::milliseconds(20));
}

TEST_F(Quotas, OneStaleCallerReadsWhileTheOthersAreJudgedFromMemory) {
  auto q = quotas(MonthlyLimits{2, std::nullopt}, kRefresh);
  EXPECT_FALSE(q.check("alice", true)->over);
  ASSERT_TRUE(store_->add_usage({record("a", kLastMinuteOfDecember - kSecond, 1),
                                 record("b", kLastMinuteOfDecember - kSecond, 1)}));
  outlive_the_refresh();
  EXPECT_FALSE(q.check("alice", false)) << "the first stale caller goes to read";
  for (int i = 0; i < 64; ++i) {
    auto v = q.check("alice", false);
    ASSERT_TRUE(v) << "caller " << i << " was sent to the store too";
    EXPECT_FALSE(v->over) << "judged on the totals in memory: no calls yet";
  }
  // The read: another node's two calls reach the quota, and the answer is trusted afresh.
  EXPECT_TRUE(q.check("alice", true)->over);
  auto v = q.check("alice", false);
  ASSERT_TRUE(v && v->over);
}

TEST_F(Quotas, AReadClaimThatGotNoAnswerLapses) {
  auto q = quotas(MonthlyLimits{2, std::nullopt}, kRefresh);
  EXPECT_FALSE(q.check("alice", true)->over);
  outlive_the_refresh();
  EXPECT_FALSE(q.check("alice", false));  // goes to read, never comes back
  EXPECT_TRUE(q.check("alice", false));
  outlive_the_refresh();
  EXPECT_FALSE(q.check("alice", false)) << "another caller goes to read";
}

}  // namespace
}  // namespace asterai::cloud
