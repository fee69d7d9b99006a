// One table of calls (tests/data/kitchen_sink_cases.json) against the kitchen-sink component
// in every language: the same answers from C, JavaScript and Python.
#include <gtest/gtest.h>

#include <fstream>

#include "asterai/runtime/runtime.h"
#include "test_support.h"

namespace asterai::runtime {
namespace {

using nlohmann::json;

json load_cases() {
  std::ifstream in(std::string(ASTERAI_SOURCE_DIR) + "/tests/data/kitchen_sink_cases.json");
  return json::parse(in);
}

class KitchenSink : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    EngineOptions options;
    options.cache_dir = test::shared_cache_dir();
    auto rt = Runtime::create(options);
    ASSERT_TRUE(rt);
    rt_ = *rt;
    auto c = rt_->load_file(test::component("kitchen-sink-" + GetParam() + ".wasm"));
    ASSERT_TRUE(c) << c.error().message;
    component_ = *c;
  }

  CallOutcome call(const std::string& function, const json& args) {
    auto f = component_->find_function(function);
    EXPECT_TRUE(f) << f.error().message;
    if (!f) return {};
    return rt_->call(*component_, **f, args);
  }

  std::shared_ptr<Runtime> rt_;
  std::shared_ptr<const Component> component_;
};

TEST_P(KitchenSink, EveryCaseGivesTheDocumentedAnswer) {
  auto cases = load_cases();
  ASSERT_GT(cases.size(), 40u);
  for (const auto& c : cases) {
    auto outcome = call(c["function"], c["args"]);
    // Rows a guest toolchain gets wrong (upstream bugs, see the components' README) must
    // still be wrong: when the toolchain is fixed, this fails and the marker goes.
    if (c.contains("broken") && c["broken"].contains(GetParam())) {
      EXPECT_FALSE(outcome.ok() && outcome.result == c["result"])
          << c.dump() << " now works in " << GetParam() << ": remove its \"broken\" marker";
      continue;
    }
    ASSERT_TRUE(outcome.ok()) << c.dump() << ": " << outcome.error->to_string() << "\n"
                              << outcome.err.data;
    EXPECT_EQ(outcome.result, c["result"]) << c["function"] << " " << c["args"].dump();
  }
}

TEST_P(KitchenSink, NegativeZeroKeepsItsSign) {
  auto outcome = call("values/echo-f64", json::array({-0.0}));
  ASSERT_TRUE(outcome.ok());
  EXPECT_TRUE(std::signbit(outcome.result.get<double>()));
}

TEST_P(KitchenSink, TrapReportsKindAndCapturesStderr) {
  auto outcome = call("values/fail", json::array({"it broke"}));
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error->kind, ErrorKind::trap);
  EXPECT_NE(outcome.err.data.find("it broke"), std::string::npos) << outcome.err.data;
  // The host keeps serving: the next call on the same runtime works.
  auto next = call("add", json::array({1, 1}));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next.result, 2);
}

TEST_P(KitchenSink, BadArgumentsNameThePath) {
  auto outcome = call("values/greet", json{{"who", {{"name", "x"}, {"age", -1}}}});
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error->kind, ErrorKind::bad_arguments);
  EXPECT_EQ(outcome.error->to_string(), "args.who.age: expected u32 in [0, 4294967295], got -1");

  outcome = call("add", json::array({1}));
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error->message, "add takes 2 arguments (a: s32, b: s32), got 1");
  outcome = call("add", json{{"a", 1}, {"c", 2}});
  EXPECT_NE(outcome.error->message.find("unknown parameter \"c\""), std::string::npos);
  outcome = call("add", json{{"a", 1}});
  EXPECT_NE(outcome.error->message.find("missing parameter \"b\""), std::string::npos);
  outcome = call("add", "text");
  EXPECT_EQ(outcome.error->kind, ErrorKind::bad_arguments);
  outcome = call("values/echo-u8", json::array({256}));
  EXPECT_EQ(outcome.error->to_string(), "args.v: expected u8 in [0, 255], got 256");
}

TEST_P(KitchenSink, LargeStringsAndListsRoundTrip) {
  std::string big(1 << 20, 'x');
  auto outcome = call("values/echo-string", json::array({big}));
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome.result.get<std::string>().size(), big.size());
  json list = json::array();
  for (int i = 0; i < 10000; ++i) list.push_back(i);
  outcome = call("values/echo-list", json::array({list}));
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome.result, list);
}

INSTANTIATE_TEST_SUITE_P(Languages, KitchenSink,
                         ::testing::ValuesIn(test::kitchen_sink_languages()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace asterai::runtime
