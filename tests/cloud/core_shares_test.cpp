#include "asterai/cloud/core_shares.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

namespace asterai::cloud {
namespace {

using namespace std::chrono_literals;

// A call on a thread of its own, as a node runs them: once its tenant may start it, it keeps
// its thread busy (a CPU-bound tool's call) or, `blocked`, asleep (a call waiting on the
// network), until it is ended.
class TestCall {
 public:
  TestCall(CoreShares& shares, std::string tenant, bool blocked = false,
           const std::atomic<bool>* cancel = nullptr)
      : thread_([this, &shares, tenant, blocked, cancel] {
          // Without a flag of the test's own, ending gives up a wait (a failed check must not
          // leave the thread waiting for a call the test never ends).
          auto held = shares.enter(tenant, true, cancel ? cancel : &ended_);
          started_.set_value(held != nullptr);
          while (held && !ended_.load())
            if (blocked) std::this_thread::sleep_for(20ms);
        }) {}
  ~TestCall() { end(); }
  // Whether it started (or gave up) within `d`.
  bool answered_within(std::chrono::milliseconds d) {
    return answer_.wait_for(d) == std::future_status::ready;
  }
  bool started_within(std::chrono::milliseconds d) { return answered_within(d) && answer_.get(); }
  void end() {
    ended_ = true;
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::atomic<bool> ended_{false};
  std::promise<bool> started_;
  std::shared_future<bool> answer_ = started_.get_future().share();
  std::thread thread_;
};

TEST(CoreShares, ATenantAloneIsNotHeldBack) {
  CoreShares shares(2);
  std::vector<std::shared_ptr<const void>> held;
  for (int i = 0; i < 5; ++i) held.push_back(shares.enter("flood"));
  EXPECT_TRUE(shares.waits().empty());
}

TEST(CoreShares, ATenantOverItsShareDrainsWhileAnotherRuns) {
  CoreShares shares(2);
  TestCall a1(shares, "a"), a2(shares, "a");  // alone: both cores
  ASSERT_TRUE(a1.started_within(5s) && a2.started_within(5s));
  TestCall b(shares, "b");  // b starts at once: it runs none of its share of one
  ASSERT_TRUE(b.started_within(5s));
  // a runs two, over its share of one now: its next call waits, even after one ends.
  TestCall a3(shares, "a");
  EXPECT_FALSE(a3.started_within(100ms));
  a1.end();
  EXPECT_FALSE(a3.started_within(100ms));
  a2.end();  // a runs none: one more may start
  ASSERT_TRUE(a3.started_within(5s));
  TestCall a4(shares, "a");
  EXPECT_FALSE(a4.started_within(100ms));
  b.end();  // a is alone again
  ASSERT_TRUE(a4.started_within(5s));
  EXPECT_EQ(shares.waits().at("a"), 2u);
  EXPECT_EQ(shares.waits().count("b"), 0u);
}

TEST(CoreShares, SharesSplitTheCoresAmongTheActiveTenants) {
  CoreShares shares(4);
  TestCall a1(shares, "a"), a2(shares, "a");
  TestCall b1(shares, "b"), b2(shares, "b");  // two of four each
  ASSERT_TRUE(a1.started_within(5s) && a2.started_within(5s));
  ASSERT_TRUE(b1.started_within(5s) && b2.started_within(5s));
  TestCall a3(shares, "a");
  EXPECT_FALSE(a3.started_within(100ms));
  b1.end();
  b2.end();  // b has nothing left: a is alone
  ASSERT_TRUE(a3.started_within(5s));
  // Three tenants on four cores: two each (rounded up), so a third call waits.
  TestCall b(shares, "b"), c(shares, "c");
  ASSERT_TRUE(b.started_within(5s) && c.started_within(5s));
  TestCall a4(shares, "a");
  EXPECT_FALSE(a4.started_within(100ms));
  a1.end();
  a2.end();  // a runs one (a3): under its two
  ASSERT_TRUE(a4.started_within(5s));
}

TEST(CoreShares, ATenantBetweenCallsKeepsItsShareForTheLinger) {
  CoreShares shares(2, 400ms);
  TestCall a1(shares, "a"), a2(shares, "a");
  ASSERT_TRUE(a1.started_within(5s) && a2.started_within(5s));
  shares.enter("b").reset();  // one short call: b runs nothing now, but lingers
  TestCall a3(shares, "a");
  EXPECT_FALSE(a3.started_within(100ms));
  a1.end();
  a2.end();
  ASSERT_TRUE(a3.started_within(5s));  // under its share of one
  // b's linger ends with nothing new from it: a is alone again, without any call ending.
  TestCall a4(shares, "a");
  ASSERT_TRUE(a4.started_within(5s));
}

TEST(CoreShares, AWaitGivesUpOnceItsCancelFlagIsSet) {
  CoreShares shares(2);
  TestCall a1(shares, "a"), a2(shares, "a");
  ASSERT_TRUE(a1.started_within(5s) && a2.started_within(5s));
  TestCall b(shares, "b");
  ASSERT_TRUE(b.started_within(5s));
  std::atomic<bool> cancel{false};
  TestCall a3(shares, "a", false, &cancel);
  EXPECT_FALSE(a3.answered_within(100ms));
  cancel = true;  // a schedule run whose node stops
  ASSERT_TRUE(a3.answered_within(5s));
  EXPECT_FALSE(a3.started_within(0ms));
  EXPECT_EQ(shares.waits().count("a"), 0u);  // it never started
  // Nothing of it stays behind: once a's calls end, a starts one at once beside b.
  a1.end();
  a2.end();
  TestCall a4(shares, "a", false, &cancel);
  EXPECT_TRUE(a4.started_within(5s));  // a set flag only ends a wait
}

TEST(CoreShares, ALightTenantMayRunOneCallBeyondItsShare) {
  CoreShares shares(2);
  TestCall a1(shares, "a"), a2(shares, "a");  // a floods both cores
  ASSERT_TRUE(a1.started_within(5s) && a2.started_within(5s));
  // b makes short calls now and then for a while: most of the time it runs none.
  for (int i = 0; i < 30; ++i) {
    shares.enter("b").reset();
    std::this_thread::sleep_for(10ms);
  }
  TestCall b1(shares, "b");  // its share of one
  ASSERT_TRUE(b1.started_within(5s));
  TestCall b2(shares, "b");  // one beyond it: b is light
  ASSERT_TRUE(b2.started_within(5s));
  TestCall b3(shares, "b");  // but no more than one
  EXPECT_FALSE(b3.started_within(100ms));
  // a has run two at once all along: heavy, it gets nothing beyond its share.
  TestCall a3(shares, "a");
  a1.end();
  EXPECT_FALSE(a3.started_within(100ms));
  EXPECT_EQ(shares.waits().count("b"), 0u);
  // (Ended in an order that lets each waiting call start.)
  a2.end();
  ASSERT_TRUE(a3.started_within(5s));
  b1.end();  // b has now run two at once for a while: heavy, held to its share of one
  EXPECT_FALSE(b3.started_within(100ms));
  b2.end();
  ASSERT_TRUE(b3.started_within(5s));
  EXPECT_EQ(shares.waits().at("b"), 1u);  // b3 alone waited
}

TEST(CoreShares, ACallBlockedOnSomethingElseLeavesItsCoreToItsTenant) {
  CoreShares shares(2);
  TestCall b(shares, "b");
  ASSERT_TRUE(b.started_within(5s));
  TestCall a1(shares, "a", /*blocked=*/true);  // a call waiting on the network, say
  ASSERT_TRUE(a1.started_within(5s));
  // a's share is one, but a1 asks nothing of the processor: once that shows, a2 starts.
  TestCall a2(shares, "a");
  ASSERT_TRUE(a2.started_within(5s));
  EXPECT_EQ(shares.waits().at("a"), 1u);  // for a sample or two: a1 was busy until seen not
  // a2 keeps a core busy: a's share is used.
  TestCall a3(shares, "a");
  EXPECT_FALSE(a3.started_within(200ms));
  a2.end();
  ASSERT_TRUE(a3.started_within(5s));
}

TEST(CoreShares, ATenantWhoseCallsAreAllBlockedLeavesTheCoresToTheOthers) {
  CoreShares shares(2);
  TestCall a(shares, "a", /*blocked=*/true);
  ASSERT_TRUE(a.started_within(5s));
  // b counts as the only active tenant once a's call shows blocked: both cores are b's.
  TestCall b1(shares, "b"), b2(shares, "b");
  ASSERT_TRUE(b1.started_within(5s));
  ASSERT_TRUE(b2.started_within(5s));
}

}  // namespace
}  // namespace asterai::cloud
