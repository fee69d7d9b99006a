// `asterai env call` passes the words after FUNCTION exactly as typed, like `asterai call`
// (tests/cli/cli_arguments_test.cpp has the full set of words).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_server.h"
#include "test_support.h"

namespace asterai {
namespace {
using nlohmann::json;

TEST(CliEnvArguments, EnvCallPassesValuesAsTyped) {
  test::TempDir home{"cli-env-args-home"};
  test::isolate_home(home.path());
  registry::testing::TestRegistry registry{false};
  std::string host = registry.base_url().substr(7);
  auto push =
      test::run_asterai({"push", "--no-wit", test::component("kitchen-sink-c.wasm").string(),
                         host + "/alice/ks:1.0.0"});
  ASSERT_EQ(push.exit_code, 0) << push.err;
  ASSERT_EQ(test::run_asterai({"env", "init", "alice/args"}).exit_code, 0);
  ASSERT_EQ(
      test::run_asterai({"env", "add", "alice/args", "ks", host + "/alice/ks:1.0.0"}).exit_code, 0);

  auto call = [](std::vector<std::string> args) {
    std::vector<std::string> full = {"env", "call", "alice/args", "ks"};
    full.insert(full.end(), args.begin(), args.end());
    return test::run_asterai(full);
  };
  auto r = call({"values/echo-strings", R"(["a,b","c"])"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out), json({"a,b", "c"}));
  r = call({"values/describe", R"([{"name": "Ada", "age": 36}])", "blue", R"(["read"])"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out), json::parse(R"([1, "Ada", ["read"]])"));
  for (const std::string w : {"--", "-x", "", "line\nbreak", "{", "héllo ✓"}) {
    r = call({"values/echo-string", w});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(json::parse(r.out), json(w)) << "word: " << w;
  }
  r = call({"add", "-5", "-1", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["result"], -6);
  ::unsetenv("ASTERAI_HOME");
}

}  // namespace
}  // namespace asterai
