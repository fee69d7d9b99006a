// Every word after FUNCTION reaches the JSON decoder exactly as typed: brackets, commas,
// braces, quotes, spaces, newlines, unicode, leading dashes, `--` and the empty string.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_support.h"

namespace asterai {
namespace {

using nlohmann::json;

test::ProcessResult call(std::vector<std::string> args) {
  std::vector<std::string> full = {"call", "--cache-dir", test::shared_cache_dir().string(),
                                   test::component("kitchen-sink-c.wasm").string()};
  full.insert(full.end(), args.begin(), args.end());
  return test::run_asterai(full);
}

// The result printed for one call, parsed; fails the test on a non-zero exit.
json result_of(std::vector<std::string> args) {
  auto r = call(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.exit_code == 0 ? json::parse(r.out) : json();
}

TEST(CliArguments, JsonListsWithCommasAreNotSplit) {
  EXPECT_EQ(result_of({"values/echo-strings", R"(["a,b","c"])"}), json({"a,b", "c"}));
  EXPECT_EQ(result_of({"values/echo-list", "[1,2,3]"}), json({1, 2, 3}));
  EXPECT_EQ(
      result_of({"values/echo-people", R"([{"name": "Ada", "age": 36},{"name":"Bo","age":5}])"}),
      json::parse(R"([{"name": "Ada", "age": 36},{"name":"Bo","age":5}])"));
  EXPECT_EQ(result_of({"values/sum", "[1, -2, 3]"}), json(2));
}

TEST(CliArguments, TheDemoLinesWork) {
  EXPECT_EQ(
      result_of({"values/describe", R"([{"name": "Ada", "age": 36}])", "blue", R"(["read"])"}),
      json::parse(R"([1, "Ada", ["read"]])"));
  EXPECT_EQ(result_of({"values/greet", R"({"who": {"name": "Ada", "age": 36}})"}),
            json("Hello, Ada! You are 36."));
  auto negative_age = call({"values/greet", R"({"who": {"name": "Ada", "age": -1}})"});
  EXPECT_EQ(negative_age.exit_code, 6) << negative_age.err;
  EXPECT_NE(negative_age.err.find("args.who.age"), std::string::npos) << negative_age.err;
}

TEST(CliArguments, TextArrivesByteForByte) {
  const std::vector<std::string> words = {"[",
                                          "]",
                                          ",",
                                          "{",
                                          "a,b",
                                          "[a,b]",
                                          "{\"x\": 1",
                                          "it's \"ok\"",
                                          "two words",
                                          "line\nbreak",
                                          "héllo ✓",
                                          "-x",
                                          "--",
                                          "---",
                                          "--not-a-flag",
                                          "",
                                          "-",
                                          " "};
  for (const auto& w : words) {
    EXPECT_EQ(result_of({"values/echo-string", w}), json(w)) << "word: " << w;
  }
  // Text that is valid JSON is decoded as JSON: a string that looks like a flag is quoted.
  EXPECT_EQ(result_of({"values/echo-string", "\"--json\""}), json("--json"));
  EXPECT_EQ(result_of({"values/echo-string", "\"\""}), json(""));
}

TEST(CliArguments, NegativeNumbersAreValuesNotFlags) {
  EXPECT_EQ(result_of({"values/echo-s32", "-5"}), json(-5));
  EXPECT_EQ(result_of({"values/echo-f64", "-1.5e3"}), json(-1500.0));
  EXPECT_EQ(result_of({"add", "-5", "-7"}), json(-12));
  EXPECT_EQ(result_of({"values/echo-list", "[-1,-2]"}), json({-1, -2}));
}

TEST(CliArguments, CommandFlagsStillWorkAfterTheValues) {
  auto r = call({"add", "1", "2", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["result"], 3);
  r = call({"values/echo-strings", R"(["a,b"])", "--timeout=5s"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "[\"a,b\"]\n");
}

TEST(CliArguments, BadValuesNameTheParameter) {
  auto r = call({"add", "one", "2"});
  EXPECT_EQ(r.exit_code, 6);
  EXPECT_NE(r.err.find("args.a: not valid JSON: one"), std::string::npos) << r.err;
  r = call({"values/echo-list", "[1,"});
  EXPECT_EQ(r.exit_code, 6);
  EXPECT_NE(r.err.find("args.v: not valid JSON: [1,"), std::string::npos) << r.err;
  // `--` is a value after FUNCTION, not a separator: here it is one argument too many.
  r = call({"add", "1", "2", "--"});
  EXPECT_EQ(r.exit_code, 6) << r.err;
}

}  // namespace
}  // namespace asterai
