// Breaches of per-call limits return typed errors and leave the host serving.
#include <gtest/gtest.h>

#include "asterai/runtime/runtime.h"
#include "test_support.h"
#include "type_builders.h"

namespace asterai::runtime {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// Core functions lifted as component exports: spin forever, recurse forever, grow memory
// page by page until it fails (then trap), and trap outright.
const char* kAdversary = R"((component
  (core module $m
    (memory 1)
    (func $spin (export "spin") (loop br 0))
    (func $recurse (export "recurse") (param i32) (result i32)
      local.get 0 i32.const 1 i32.add call $recurse)
    (func (export "grow") (result i32)
      (loop $l (if (i32.ne (memory.grow (i32.const 16)) (i32.const -1)) (then br $l)))
      unreachable)
    (func (export "count") (param i32) (result i32) (local i32)
      (loop $l (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
      local.get 1)
    (func (export "ok") (result i32) i32.const 7))
  (core instance $i (instantiate $m))
  (func (export "spin") (canon lift (core func $i "spin")))
  (func (export "recurse") (param "n" s32) (result s32) (canon lift (core func $i "recurse")))
  (func (export "grow") (result s32) (canon lift (core func $i "grow")))
  (func (export "count") (param "n" u32) (result u32) (canon lift (core func $i "count")))
  (func (export "ok") (result s32) (canon lift (core func $i "ok")))
))";

struct Adversary {
  std::shared_ptr<Runtime> rt;
  std::shared_ptr<const Component> c;
  explicit Adversary(EngineOptions o = {}) {
    rt = *Runtime::create(o);
    auto loaded = rt->load(test::wat(kAdversary), "adversary.wasm");
    EXPECT_TRUE(loaded) << loaded.error().message;
    c = *loaded;
  }
  CallOutcome call(const std::string& fn, json args, CallLimits limits = {}) {
    return rt->call(*c, **c->find_function(fn), args, limits);
  }
  void expect_still_serving() {
    auto o = call("ok", nullptr);
    ASSERT_TRUE(o.ok());
    EXPECT_EQ(o.result, 7);
  }
};

TEST(Limits, InfiniteLoopTimesOut) {
  Adversary a;
  CallLimits limits;
  limits.timeout = 200ms;
  auto o = a.call("spin", nullptr, limits);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error->kind, ErrorKind::timeout);
  EXPECT_GE(o.stats.wall_ms, 190);
  EXPECT_LT(o.stats.wall_ms, 5000);
  a.expect_still_serving();
}

TEST(Limits, UnboundedRecursionIsStackOverflow) {
  Adversary a;
  auto o = a.call("recurse", json::array({0}));
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error->kind, ErrorKind::stack_overflow);
  a.expect_still_serving();
}

TEST(Limits, MemoryGrowthIsCappedByTheLimit) {
  Adversary a;
  CallLimits limits;
  limits.max_memory = 8 << 20;
  auto o = a.call("grow", nullptr, limits);
  ASSERT_FALSE(o.ok());
  // Growth past the limit is refused as a trap of its own kind, whatever the guest would do.
  EXPECT_EQ(o.error->kind, ErrorKind::out_of_memory) << o.error->message;
  EXPECT_LE(o.stats.peak_memory_bytes, limits.max_memory);
  EXPECT_GE(o.stats.peak_memory_bytes, limits.max_memory - (16 << 16));
  a.expect_still_serving();
}

TEST(Limits, PeakMemoryIsMetered) {
  Adversary a;
  auto o = a.call("ok", nullptr);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o.stats.peak_memory_bytes, 65536u);  // the module's one initial page
}

TEST(Limits, FuelBudgetIsEnforcedAndMetered) {
  Adversary a(with_fuel());
  CallLimits limits;
  limits.fuel = 10'000;
  auto o = a.call("count", json::array({1'000'000}), limits);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error->kind, ErrorKind::fuel_exhausted);
  limits.fuel = 100'000'000;
  o = a.call("count", json::array({1000}), limits);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o.result, 1000);
  ASSERT_TRUE(o.stats.fuel_used.has_value());
  EXPECT_GT(*o.stats.fuel_used, 1000u);
  EXPECT_LT(*o.stats.fuel_used, 100'000u);
}

TEST(Limits, FuelNeedsAFuelEngine) {
  Adversary a;
  CallLimits limits;
  limits.fuel = 5;
  auto o = a.call("ok", nullptr, limits);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error->kind, ErrorKind::usage);
}

TEST(Limits, GuestOutputIsBoundedAndMarkedTruncated) {
  auto rt = *Runtime::create({});
  auto c = *rt->load_file(test::component("kitchen-sink-c.wasm"));
  CallLimits limits;
  limits.max_output = 16;
  auto o =
      rt->call(*c, **c->find_function("values/fail"), json::array({std::string(100, 'e')}), limits);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.err.data.size(), 16u);
  EXPECT_TRUE(o.err.truncated);
  EXPECT_EQ(o.stats.stderr_bytes, 101u);
}

}  // namespace
}  // namespace asterai::runtime
