// The executor lends calls to a thread that offers itself (an event loop's, InlineHost) only
// when that cannot hold anything up: a worker is idle, nothing is queued, and the call cannot
// wait on its MCP client, and the tool's calls have not been running long lately.
#include "asterai/mcp/executor.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <numeric>
#include <thread>

#include "asterai/common/inline_host.h"
#include "mcp_test_support.h"
#include "test_support.h"

namespace asterai::mcp {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// Runs what it is lent on the calling thread, and counts.
struct CountingHost : InlineHost {
  int lends = 0;
  bool lend(const std::function<void()>& job) override {
    ++lends;
    job();
    return true;
  }
};

// Makes this test's thread a lending one for the scope.
struct Lending {
  CountingHost host;
  Lending() { set_inline_host(&host); }
  ~Lending() { set_inline_host(nullptr); }
};

class ExecutorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    runtime::Policy policy;
    policy.limits.timeout = 300ms;
    ServerOptions options;
    options.workers = 1;
    server_ = std::make_unique<test::TestServer>(
        std::vector<std::string>{"ks=" + asterai::test::component("kitchen-sink-c.wasm").string(),
                                 "ev=" + asterai::test::component("mcp-everything.wasm").string(),
                                 "adv=" + test::write_adversary(dir_.path()).string()},
        policy, options);
  }
  ToolCall call(const std::string& name, json args) {
    auto catalog = server_->server->catalog();
    const Tool* tool = catalog->find(name);
    EXPECT_NE(tool, nullptr) << name;
    return ToolCall{catalog, tool, std::move(args), nullptr, nullptr};
  }
  // Submits and waits for the answer; `thread` is where it ran.
  ToolCallResult submit(ToolCall c, std::thread::id* thread = nullptr, bool* before = nullptr) {
    std::promise<std::pair<ToolCallResult, std::thread::id>> answered;
    auto answer = answered.get_future();
    bool returned = false;
    bool answered_first = false;
    EXPECT_TRUE(server_->server->executor().submit(std::move(c), [&](ToolCallResult r) {
      answered_first = !returned;
      answered.set_value({std::move(r), std::this_thread::get_id()});
    }));
    returned = true;
    auto [r, on] = answer.get();
    if (thread) *thread = on;
    if (before) *before = answered_first;
    return r;
  }

  asterai::test::TempDir dir_{"mcp-executor"};
  std::unique_ptr<test::TestServer> server_;
};

TEST_F(ExecutorTest, ACallFromALendingThreadRunsThereWhenAWorkerIsIdle) {
  Lending lending;
  std::thread::id on;
  bool before = false;
  auto r = submit(call("ks_add", {{"a", 1}, {"b", 2}}), &on, &before);
  ASSERT_TRUE(r.outcome.ok());
  EXPECT_EQ(r.outcome.result, 3);
  EXPECT_EQ(lending.host.lends, 1);
  EXPECT_EQ(on, std::this_thread::get_id());
  EXPECT_TRUE(before);  // answered before submit returned
}

TEST_F(ExecutorTest, WithoutALendingThreadTheCallRunsOnAWorker) {
  std::thread::id on;
  auto r = submit(call("ks_add", {{"a", 1}, {"b", 2}}), &on);
  ASSERT_TRUE(r.outcome.ok());
  EXPECT_NE(on, std::this_thread::get_id());
}

TEST_F(ExecutorTest, ACallDoesNotOvertakeQueuedOnes) {
  // One worker: the first spin runs (until its 300 ms timeout), the second waits in the queue.
  auto& executor = server_->server->executor();
  std::promise<void> first, second;
  ASSERT_TRUE(executor.submit(call("adv_spin", json::object()),
                              [&](ToolCallResult) { first.set_value(); }));
  ASSERT_TRUE(executor.submit(call("adv_spin", json::object()),
                              [&](ToolCallResult) { second.set_value(); }));
  {
    Lending lending;
    std::thread::id on;
    auto r = submit(call("ks_add", {{"a", 2}, {"b", 2}}), &on);
    EXPECT_TRUE(r.outcome.ok());
    EXPECT_EQ(lending.host.lends, 0);
    EXPECT_NE(on, std::this_thread::get_id());
  }
  first.get_future().wait();
  second.get_future().wait();
}

TEST_F(ExecutorTest, ACallThatWaitedForTheWorkerCountsItsWait) {
  // One worker: the spin holds it until its 300 ms timeout, so the add waits about as long.
  auto& executor = server_->server->executor();
  std::promise<void> spun;
  ASSERT_TRUE(
      executor.submit(call("adv_spin", json::object()), [&](ToolCallResult) { spun.set_value(); }));
  EXPECT_TRUE(submit(call("ks_add", {{"a", 2}, {"b", 2}})).outcome.ok());
  spun.get_future().wait();
  auto waits = server_->server->metrics().snapshot().queue_wait;
  EXPECT_EQ(waits.count, 2u);
  EXPECT_GE(waits.sum_seconds, 0.25);  // the add's wait; the spin's is near 0
  // Buckets up to 0.25 s (the 11th bound) hold the spin's wait; the add's is above.
  EXPECT_EQ(std::accumulate(waits.buckets.begin(), waits.buckets.begin() + 11, uint64_t{0}), 1u);
}

TEST_F(ExecutorTest, AToolWhoseCallsRanLongGoesToAWorkerNextTime) {
  Lending lending;
  // Nothing known yet: lent, and it holds this thread until its 300 ms timeout.
  std::thread::id on;
  auto spin = call("adv_spin", json::object());
  const Tool* tool = spin.tool;
  EXPECT_FALSE(submit(spin, &on).outcome.ok());
  EXPECT_EQ(on, std::this_thread::get_id());
  EXPECT_GE(tool->length.us(), 25'000u);  // an eighth of 300 ms and more
  // Another tool's calls are still lent.
  EXPECT_TRUE(submit(call("ks_add", {{"a", 1}, {"b", 2}}), &on).outcome.ok());
  EXPECT_EQ(on, std::this_thread::get_id());
  EXPECT_EQ(lending.host.lends, 2);
  // Last: the worker answers before it counts itself idle again.
  EXPECT_FALSE(submit(call("adv_spin", json::object()), &on).outcome.ok());
  EXPECT_NE(on, std::this_thread::get_id());
  EXPECT_EQ(lending.host.lends, 2);
}

TEST(CallLength, AnEstimateFollowsTheCallsItIsTold) {
  CallLength length;
  EXPECT_EQ(length.us(), 0u);
  length.add(4000us);
  EXPECT_EQ(length.us(), 500u);  // weighed in at an eighth
  CallLength copy = length;
  EXPECT_EQ(copy.us(), 500u);
  // Short calls bring it down again: a tool whose calls got short is lent again.
  for (int i = 0; i < 20; ++i) length.add(10us);
  EXPECT_LT(length.us(), 100u);
  EXPECT_EQ(copy.us(), 500u);         // a copy goes its own way
  length.add(std::chrono::hours(2));  // clamped, not wrapped
  EXPECT_GT(length.us(), 500'000'000u);
}

TEST_F(ExecutorTest, OnlyToolsThatCannotAskTheirClientMayBeLent) {
  auto catalog = server_->server->catalog();
  size_t asking = 0;
  for (const auto& t : catalog->tools()) {
    if (t.component_name == "ev") asking += t.may_ask_client ? 1 : 0;
    if (t.component_name == "ks") {
      EXPECT_FALSE(t.may_ask_client) << t.name;
    }
  }
  EXPECT_GT(asking, 0u);  // mcp-everything imports asterai:mcp/client
}

}  // namespace
}  // namespace asterai::mcp
