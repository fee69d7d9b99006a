#include "asterai/cloud/core_shares.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>

namespace asterai::cloud {
namespace {

using namespace std::chrono_literals;

// Enters for `tenant` on another thread; ready once it holds its token.
std::future<std::shared_ptr<const void>> enter_later(CoreShares& shares, std::string tenant) {
  return std::async(std::launch::async, [&shares, tenant] { return shares.enter(tenant); });
}

TEST(CoreShares, ATenantAloneIsNotHeldBack) {
  CoreShares shares(2);
  std::vector<std::shared_ptr<const void>> held;
  for (int i = 0; i < 5; ++i) held.push_back(shares.enter("flood"));
  EXPECT_TRUE(shares.waits().empty());
}

TEST(CoreShares, ATenantOverItsShareDrainsWhileAnotherRuns) {
  CoreShares shares(2);
  auto a1 = shares.enter("a"), a2 = shares.enter("a");  // alone: both cores
  auto b = shares.enter("b");  // b starts at once: it runs none of its share of one
  // a runs two, over its share of one now: its next call waits, even after one ends.
  auto a3 = enter_later(shares, "a");
  EXPECT_EQ(a3.wait_for(100ms), std::future_status::timeout);
  a1.reset();
  EXPECT_EQ(a3.wait_for(100ms), std::future_status::timeout);
  a2.reset();  // a runs none: one more may start
  ASSERT_EQ(a3.wait_for(5s), std::future_status::ready);
  auto a3_held = a3.get();
  auto a4 = enter_later(shares, "a");
  EXPECT_EQ(a4.wait_for(100ms), std::future_status::timeout);
  b.reset();  // a is alone again
  ASSERT_EQ(a4.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(shares.waits().at("a"), 2u);
  EXPECT_EQ(shares.waits().count("b"), 0u);
}

TEST(CoreShares, SharesSplitTheCoresAmongTheActiveTenants) {
  CoreShares shares(4);
  auto a1 = shares.enter("a"), a2 = shares.enter("a");
  auto b1 = shares.enter("b"), b2 = shares.enter("b");  // two of four each
  auto a3 = enter_later(shares, "a");
  EXPECT_EQ(a3.wait_for(100ms), std::future_status::timeout);
  b1.reset();
  b2.reset();  // b has nothing left: a is alone
  ASSERT_EQ(a3.wait_for(5s), std::future_status::ready);
  // Three tenants on four cores: two each (rounded up), so a third call waits.
  auto b = shares.enter("b");
  auto c = shares.enter("c");
  auto a4 = enter_later(shares, "a");
  EXPECT_EQ(a4.wait_for(100ms), std::future_status::timeout);
  a1.reset();
  a2.reset();  // a runs one (a3's): under its two
  ASSERT_EQ(a4.wait_for(5s), std::future_status::ready);
}

TEST(CoreShares, ATenantBetweenCallsKeepsItsShareForTheLinger) {
  CoreShares shares(2, 400ms);
  auto a1 = shares.enter("a"), a2 = shares.enter("a");
  shares.enter("b").reset();  // one short call: b runs nothing now, but lingers
  auto a3 = enter_later(shares, "a");
  EXPECT_EQ(a3.wait_for(100ms), std::future_status::timeout);
  a1.reset();
  a2.reset();
  ASSERT_EQ(a3.wait_for(5s), std::future_status::ready);  // under its share of one
  auto a4 = enter_later(shares, "a");
  // b's linger ends with nothing new from it: a is alone again, without any call ending.
  ASSERT_EQ(a4.wait_for(5s), std::future_status::ready);
}

TEST(CoreShares, AWaitGivesUpOnceItsCancelFlagIsSet) {
  CoreShares shares(2);
  auto a1 = shares.enter("a"), a2 = shares.enter("a");
  auto b = shares.enter("b");
  std::atomic<bool> cancel{false};
  auto a3 = std::async(std::launch::async, [&] { return shares.enter("a", true, &cancel); });
  EXPECT_EQ(a3.wait_for(100ms), std::future_status::timeout);
  cancel = true;  // a schedule run whose node stops
  ASSERT_EQ(a3.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(a3.get(), nullptr);
  EXPECT_EQ(shares.waits().count("a"), 0u);  // it never started
  // Nothing of it stays behind: once a's calls end, a starts one at once beside b.
  a1.reset();
  a2.reset();
  auto a4 = std::async(std::launch::async, [&] { return shares.enter("a", true, &cancel); });
  ASSERT_EQ(a4.wait_for(5s), std::future_status::ready);
  EXPECT_NE(a4.get(), nullptr);  // a set flag only ends a wait
}

}  // namespace
}  // namespace asterai::cloud
