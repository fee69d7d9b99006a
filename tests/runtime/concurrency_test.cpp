// One runtime, many threads: results stay right, breaches stay contained.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "asterai/runtime/runtime.h"
#include "test_support.h"

namespace asterai::runtime {
namespace {

using nlohmann::json;

TEST(Concurrency, EightThreadsShareOneRuntime) {
  auto rt = *Runtime::create({});
  auto c = *rt->load_file(test::component("kitchen-sink-c.wasm"));
  const auto* add = *c->find_function("add");
  const auto* greet = *c->find_function("values/greet");
  const auto* fail = *c->find_function("values/fail");
  std::atomic<int> wrong{0}, traps{0};
  constexpr int kThreads = 8, kCalls = 250;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCalls; ++i) {
        if (i % 10 == 0) {
          auto o = rt->call(*c, *fail, json::array({"x"}));
          if (!o.ok() && o.error->kind == ErrorKind::trap)
            ++traps;
          else
            ++wrong;
        } else if (i % 2) {
          auto o = rt->call(*c, *add, json::array({t, i}));
          if (!o.ok() || o.result != t + i) ++wrong;
        } else {
          auto o =
              rt->call(*c, *greet, json{{"who", {{"name", "T" + std::to_string(t)}, {"age", i}}}});
          if (!o.ok() ||
              o.result != "Hello, T" + std::to_string(t) + "! You are " + std::to_string(i) + ".")
            ++wrong;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong, 0);
  EXPECT_EQ(traps, kThreads * kCalls / 10);
}

}  // namespace
}  // namespace asterai::runtime
