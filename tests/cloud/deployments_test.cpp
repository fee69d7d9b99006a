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

}  // namespace
}  // namespace asterai::cloud
