// Every call starts from the component's initial memory. Pooling slots are reused and freed
// memories are reset by restoring only the pages a guest wrote (Linux's PAGEMAP_SCAN, where
// the kernel has it) while those pages stay mapped: whatever a call wrote, below or beyond
// the kept-resident first MiB, in a data segment or in memory it grew, is gone for the next.
#include <gtest/gtest.h>

#include "asterai/runtime/runtime.h"
#include "test_support.h"

namespace asterai::runtime {
namespace {

using nlohmann::json;

// 80 pages (5 MiB) with 41 at address 0; bump(at) adds one to the word there and returns
// it; grow-and-bump() grows the memory by a page and does the same to the new page's first
// word.
const char* kScribbler = R"((component
  (core module $m
    (memory 80)
    (data (i32.const 0) "\29\00\00\00")
    (func $bump (export "bump") (param i32) (result i32)
      (i32.store (local.get 0) (i32.add (i32.load (local.get 0)) (i32.const 1)))
      (i32.load (local.get 0)))
    (func (export "grow-and-bump") (result i32)
      (call $bump (i32.mul (memory.grow (i32.const 1)) (i32.const 65536)))))
  (core instance $i (instantiate $m))
  (func (export "bump") (param "at" u32) (result u32) (canon lift (core func $i "bump")))
  (func (export "grow-and-bump") (result u32) (canon lift (core func $i "grow-and-bump")))
))";

TEST(FreshMemory, NoCallSeesWhatAnEarlierOneWrote) {
  auto rt = *Runtime::create({});
  auto c = rt->load(test::wat(kScribbler), "scribbler.wasm");
  ASSERT_TRUE(c) << c.error().message;
  auto bump = *(*c)->find_function("bump");
  auto grow = *(*c)->find_function("grow-and-bump");
  const uint32_t mib = 1 << 20;
  for (int round = 0; round < 3; ++round) {
    auto o = rt->call(**c, *bump, json::array({0}));
    ASSERT_TRUE(o.ok()) << o.error->message;
    EXPECT_EQ(o.result, 42) << "the data segment's word, round " << round;
    for (uint32_t at : {4u, 65536u, mib - 4, mib + 4096, 3 * mib, 5 * mib - 4}) {
      auto r = rt->call(**c, *bump, json::array({at}));
      ASSERT_TRUE(r.ok()) << r.error->message;
      EXPECT_EQ(r.result, 1) << "address " << at << ", round " << round;
    }
    auto g = rt->call(**c, *grow, json::array());
    ASSERT_TRUE(g.ok()) << g.error->message;
    EXPECT_EQ(g.result, 1) << "grown page, round " << round;
  }
}

}  // namespace
}  // namespace asterai::runtime
