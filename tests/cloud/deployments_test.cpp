// What a node trusts of the store's word on which version answers: once that trust runs
// out, one request asks the store again while the others are served what is loaded.
#include "asterai/cloud/deployments.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "test_support.h"

namespace asterai::cloud {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kRecheck{100};

class DeploymentsRecheck : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = open_store("sqlite:" + (dir_.path() / "store.db").string()).value();
    auto d = store_->deploy(
        Deployment{0, "alice", "tools", "1.0.0", "r.example/alice/tools@sha256:1", 0});
    ASSERT_TRUE(d) << d.error().message;
    DeploymentsOptions options;
    options.recheck = kRecheck;
    deployments_ = std::make_unique<Deployments>(store_, options);
    live_ = std::make_shared<LiveDeployment>();  // served as loaded: no runtime needed here
    live_->deployment = *d;
    deployments_->adopt(live_);
  }
  void outlive_the_trust() { std::this_thread::sleep_for(kRecheck + milliseconds(20)); }

  test::TempDir dir_{"cloud-deployments"};
  std::shared_ptr<Store> store_;
  std::unique_ptr<Deployments> deployments_;
  std::shared_ptr<LiveDeployment> live_;
};

TEST_F(DeploymentsRecheck, OneRequestAsksTheStoreWhileTheOthersAreServed) {
  EXPECT_EQ(deployments_->cached("alice", "tools"), live_);
  outlive_the_trust();
  EXPECT_EQ(deployments_->cached("alice", "tools"), nullptr);  // this one asks
  for (int i = 0; i < 64; ++i) EXPECT_EQ(deployments_->cached("alice", "tools"), live_);
  // Its answer: the same version still answers, trusted afresh.
  EXPECT_EQ(deployments_->get("alice", "tools").value(), live_);
  EXPECT_EQ(deployments_->cached("alice", "tools"), live_);
}

TEST_F(DeploymentsRecheck, AClaimThatGotNoAnswerLapses) {
  outlive_the_trust();
  EXPECT_EQ(deployments_->cached("alice", "tools"), nullptr);  // never comes back
  EXPECT_EQ(deployments_->cached("alice", "tools"), live_);
  outlive_the_trust();
  EXPECT_EQ(deployments_->cached("alice", "tools"), nullptr);  // another asks
}

TEST_F(DeploymentsRecheck, ARemovedDeploymentIsServedNoLongerOnceTheStoreIsAsked) {
  ASSERT_TRUE(store_->remove("alice", "tools"));
  outlive_the_trust();
  EXPECT_EQ(deployments_->cached("alice", "tools"), nullptr);
  EXPECT_EQ(deployments_->cached("alice", "tools"), live_);  // until the answer comes
  auto got = deployments_->get("alice", "tools");
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, ErrorKind::not_found);
  EXPECT_EQ(deployments_->cached("alice", "tools"), nullptr);
}

// A loaded deployment of `code_bytes` compiled code, served as loaded (no runtime needed).
std::shared_ptr<LiveDeployment> loaded(const std::string& environment, uint64_t code_bytes) {
  auto live = std::make_shared<LiveDeployment>();
  live->deployment = Deployment{0, "alice", environment, "1.0.0", "r.example/x@sha256:1", 0};
  live->code_bytes = code_bytes;
  return live;
}

TEST(DeploymentsBudget, TheLeastRecentlyUsedGoBeyondTheCodeBudget) {
  test::TempDir dir("cloud-budget");
  auto store = open_store("sqlite:" + (dir.path() / "store.db").string()).value();
  DeploymentsOptions options;
  options.max_loaded_bytes = 100;
  Deployments deployments(store, options);
  auto a = loaded("a", 40), b = loaded("b", 40);
  deployments.adopt(a);
  deployments.adopt(b);
  EXPECT_EQ(deployments.loaded(), 2u);
  EXPECT_EQ(deployments.loaded_bytes(), 80u);
  EXPECT_EQ(deployments.cached("alice", "a"), a);  // a used last
  deployments.adopt(loaded("c", 40));              // 120: b, the least recently used, goes
  EXPECT_EQ(deployments.loaded(), 2u);
  EXPECT_EQ(deployments.loaded_bytes(), 80u);
  EXPECT_EQ(deployments.cached("alice", "b"), nullptr);
  EXPECT_EQ(deployments.cached("alice", "a"), a);
  // A new version of a: its own size counts, the old one's no more.
  auto a2 = loaded("a", 10);
  deployments.adopt(a2);
  EXPECT_EQ(deployments.loaded_bytes(), 50u);
  // One over the budget alone stays, the rest go.
  deployments.adopt(loaded("big", 500));
  EXPECT_EQ(deployments.loaded(), 1u);
  EXPECT_EQ(deployments.loaded_bytes(), 500u);
  deployments.forget("alice", "big");
  EXPECT_EQ(deployments.loaded(), 0u);
  EXPECT_EQ(deployments.loaded_bytes(), 0u);
  // And the count still bounds them (64 by default) when the code is small.
  for (int i = 0; i < 70; ++i) deployments.adopt(loaded("e" + std::to_string(i), 1));
  EXPECT_EQ(deployments.loaded(), 64u);
  EXPECT_EQ(deployments.loaded_bytes(), 64u);
  deployments.forget_tenant("alice");
  EXPECT_EQ(deployments.loaded_bytes(), 0u);
}

}  // namespace
}  // namespace asterai::cloud
