// Plans per tenant: a plans file over the flags' plan, and its errors (file:line: what).
#include "asterai/cloud/plans.h"

#include <gtest/gtest.h>

#include <fstream>

#include "test_support.h"

namespace asterai::cloud {
namespace {

class PlansFile : public ::testing::Test {
 protected:
  Result<Plans> load(const std::string& text) {
    auto file = dir_.path() / "plans.toml";
    std::ofstream(file) << text;
    return load_plans(file, base_);
  }
  Plan base() {
    Plan p;
    p.ceiling.timeout = std::chrono::seconds(30);
    p.ceiling.max_memory = 256u << 20;
    p.max_concurrent = 64;
    p.monthly.calls = 1000;
    return p;
  }
  test::TempDir dir_{"cloud-plans"};
  Plan base_ = base();
};

TEST_F(PlansFile, NamedPlansOverTheFlagsPlan) {
  auto plans = load(R"(
[plans.pro]
max-timeout = "60s"
max-memory = "1GiB"
max-fuel = 5000000
max-concurrent = 128
max-calls-per-month = 1000000
max-instance-time-per-month = "500h"

[plans.small]
max-concurrent = 2

[tenants]
alice = "pro"
bob = "small"
)");
  ASSERT_TRUE(plans) << plans.error().message;
  const Plan& alice = plans->of("alice");
  EXPECT_EQ(alice.name, "pro");
  EXPECT_EQ(alice.ceiling.timeout, std::chrono::seconds(60));
  EXPECT_EQ(alice.ceiling.max_memory, 1u << 30);
  EXPECT_EQ(alice.ceiling.fuel, 5000000u);
  EXPECT_EQ(alice.max_concurrent, 128u);
  EXPECT_EQ(alice.monthly.calls, 1000000u);
  EXPECT_EQ(alice.monthly.instance_seconds, 500 * 3600);
  // Unset keys keep the flags' values.
  const Plan& bob = plans->of("bob");
  EXPECT_EQ(bob.name, "small");
  EXPECT_EQ(bob.max_concurrent, 2u);
  EXPECT_EQ(bob.ceiling.max_memory, 256u << 20);
  EXPECT_EQ(bob.monthly.calls, 1000u);
  // Anyone else: the flags' plan.
  EXPECT_EQ(plans->of("carol").name, "default");
  EXPECT_EQ(plans->of("carol").max_concurrent, 64u);
}

TEST_F(PlansFile, MistakesNameTheLine) {
  struct Case {
    const char* text;
    const char* says;
  };
  for (auto c : {
           Case{"[plans.pro]\nmax-tmeout = \"5s\"\n", "plans.toml:2: unknown key \"max-tmeout\""},
           Case{"[plans.pro]\nmax-timeout = \"soon\"\n", "plans.toml:2:"},
           Case{"[plans.pro]\nmax-concurrent = 0\n",
                "plans.toml:2: plan pro: max-concurrent must be"},
           Case{"[plans.pro]\nmax-instance-time-per-month = \"10ms\"\n", "at least 1s"},
           Case{"[tenants]\nalice = \"gold\"\n",
                "plans.toml:2: tenant alice: no plan named \"gold\""},
           Case{"[tenants]\nalice = 3\n", "plans.toml:2: tenants.alice must be a string"},
           Case{"[plan.pro]\n", "unknown key \"plan\" in the plans file"},
           Case{"[plans\n", "plans.toml:1:"},
       }) {
    auto plans = load(c.text);
    ASSERT_FALSE(plans) << c.text;
    EXPECT_EQ(plans.error().kind, ErrorKind::invalid_input) << c.text;
    EXPECT_NE(plans.error().message.find(c.says), std::string::npos)
        << c.text << " -> " << plans.error().message;
  }
  auto missing = load_plans(dir_.path() / "none.toml", base_);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("cannot read the plans file"), std::string::npos);
}

}  // namespace
}  // namespace asterai::cloud
