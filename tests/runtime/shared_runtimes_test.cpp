// SharedRuntimes: one runtime per engine settings, whoever asks and from whichever thread.
// (That a cloud node then loads more deployments than engines would fit: cloud.node.)
#include "asterai/runtime/shared_runtimes.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "test_support.h"

namespace asterai::runtime {
namespace {

TEST(SharedRuntimes, TheSameSettingsGetTheSameRuntime) {
  SharedRuntimes runtimes;
  auto a = runtimes.get({});
  auto b = runtimes.get({});
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->get(), b->get());
  EXPECT_EQ(runtimes.size(), 1u);
}

TEST(SharedRuntimes, EachSettingMakesARuntimeOfItsOwn) {
  SharedRuntimes runtimes;
  EngineOptions fuel;
  fuel.fuel = true;
  EngineOptions no_pool;
  no_pool.pooling = false;
  EngineOptions stack;
  stack.max_wasm_stack = 2 << 20;
  EngineOptions cached;
  cached.cache_dir = test::shared_cache_dir();
  auto plain = runtimes.get({});
  ASSERT_TRUE(plain);
  for (const auto& o : {fuel, no_pool, stack, cached}) {
    auto other = runtimes.get(o);
    ASSERT_TRUE(other);
    EXPECT_NE(other->get(), plain->get());
  }
  EXPECT_EQ(runtimes.size(), 5u);
  auto with_fuel = runtimes.get(fuel);
  ASSERT_TRUE(with_fuel);
  EXPECT_TRUE((*with_fuel)->options().fuel);
  EXPECT_FALSE((*plain)->options().fuel);
}

TEST(SharedRuntimes, ThreadsAskingAtOnceShareOne) {
  SharedRuntimes runtimes;
  std::vector<const Runtime*> got(8, nullptr);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < got.size(); ++i)
    threads.emplace_back([&, i] {
      if (auto rt = runtimes.get({})) got[i] = rt->get();
    });
  for (auto& t : threads) t.join();
  for (const auto* rt : got) EXPECT_EQ(rt, got[0]);
  EXPECT_NE(got[0], nullptr);
  EXPECT_EQ(runtimes.size(), 1u);
}

}  // namespace
}  // namespace asterai::runtime
