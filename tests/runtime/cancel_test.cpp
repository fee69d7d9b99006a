// CallLimits::cancel: a call stopped from another thread ends with ErrorKind::cancelled
// (not at its timeout), and the runtime goes on serving.
#include <gtest/gtest.h>

#include <thread>

#include "asterai/runtime/runtime.h"
#include "test_support.h"

namespace asterai::runtime {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// spin() loops forever; ok() returns 7. A start function that spins shows that
// instantiation is interruptible too.
const char* kSpinner = R"((component
  (core module $m
    (func (export "spin") (loop br 0))
    (func (export "ok") (result i32) i32.const 7))
  (core instance $i (instantiate $m))
  (func (export "spin") (canon lift (core func $i "spin")))
  (func (export "ok") (result s32) (canon lift (core func $i "ok")))
))";

const char* kSpinningStart = R"((component
  (core module $m
    (func $spin (loop br 0))
    (start $spin)
    (func (export "ok") (result i32) i32.const 7))
  (core instance $i (instantiate $m))
  (func (export "ok") (result s32) (canon lift (core func $i "ok")))
))";

struct Fixture {
  std::shared_ptr<Runtime> rt = *Runtime::create({});
  std::shared_ptr<const Component> load(const char* wat_text) {
    auto loaded = rt->load(test::wat(wat_text), "spinner.wasm");
    EXPECT_TRUE(loaded) << loaded.error().message;
    return *loaded;
  }
  // Runs `fn` with a timeout far beyond the test's patience, cancelling it after `delay`.
  CallOutcome call_and_cancel(const Component& c, const std::string& fn,
                              std::chrono::milliseconds delay) {
    auto flag = std::make_shared<std::atomic<bool>>(false);
    CallLimits limits;
    limits.timeout = 1h;
    limits.cancel = flag;
    std::thread canceller([&] {
      std::this_thread::sleep_for(delay);
      *flag = true;
    });
    auto o = rt->call(c, **c.find_function(fn), nullptr, limits);
    canceller.join();
    return o;
  }
};

TEST(Cancel, StopsASpinningCall) {
  Fixture f;
  auto c = f.load(kSpinner);
  auto o = f.call_and_cancel(*c, "spin", 100ms);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error->kind, ErrorKind::cancelled) << o.error->message;
  auto ok = f.rt->call(*c, **c->find_function("ok"), nullptr);
  ASSERT_TRUE(ok.ok()) << ok.error->message;
  EXPECT_EQ(ok.result, 7);
}

TEST(Cancel, AFlagSetBeforeTheCallStopsIt) {
  Fixture f;
  auto c = f.load(kSpinner);
  auto o = f.call_and_cancel(*c, "spin", 0ms);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error->kind, ErrorKind::cancelled);
}

TEST(Cancel, StopsASpinningStartFunction) {
  Fixture f;
  auto c = f.load(kSpinningStart);
  auto o = f.call_and_cancel(*c, "ok", 100ms);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error->kind, ErrorKind::cancelled) << o.error->message;
}

TEST(Cancel, AnUnsetFlagLeavesTheTimeoutAndResultsAlone) {
  Fixture f;
  auto c = f.load(kSpinner);
  CallLimits limits;
  limits.timeout = 100ms;
  limits.cancel = std::make_shared<std::atomic<bool>>(false);
  auto spin = f.rt->call(*c, **c->find_function("spin"), nullptr, limits);
  ASSERT_FALSE(spin.ok());
  EXPECT_EQ(spin.error->kind, ErrorKind::timeout);
  auto ok = f.rt->call(*c, **c->find_function("ok"), nullptr, limits);
  ASSERT_TRUE(ok.ok()) << ok.error->message;
  EXPECT_EQ(ok.result, 7);
}

}  // namespace
}  // namespace asterai::runtime
