// `asterai inspect` end to end.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_support.h"

namespace asterai {
namespace {

using nlohmann::json;
using test::run_asterai;

TEST(CliInspect, HumanOutputListsSignatures) {
  for (const auto& lang : test::kitchen_sink_languages()) {
    auto r = run_asterai({"inspect", "--cache-dir", test::shared_cache_dir().string(),
                          test::component("kitchen-sink-" + lang + ".wasm").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("add: func(a: s32, b: s32) -> s32"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(
                  "asterai:kitchen-sink/values@0.1.0#describe: func(people: list<record { name: "
                  "string, age: u32 }>, c: enum { red, green, blue }, p: flags { read, write, exec "
                  "}) -> tuple<u32, string, list<string>>"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("asterai:kitchen-sink/values@0.1.0 (instance)"), std::string::npos);
  }
}

TEST(CliInspect, JsonHasExactSchemas) {
  auto r = run_asterai({"inspect", "--json", "--cache-dir", test::shared_cache_dir().string(),
                        test::component("kitchen-sink-c.wasm").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto doc = json::parse(r.out);
  EXPECT_EQ(doc["component"]["sha256"].get<std::string>().size(), 64u);
  json echo_u8;
  for (const auto& f : doc["functions"]) {
    if (f["name"] == "echo-u8") echo_u8 = f;
  }
  ASSERT_FALSE(echo_u8.is_null());
  EXPECT_EQ(echo_u8["input_schema"]["properties"]["v"],
            json({{"type", "integer"}, {"minimum", 0}, {"maximum", 255}}));
  EXPECT_EQ(echo_u8["output_schema"]["maximum"], 255);
  EXPECT_EQ(echo_u8["interface"], "asterai:kitchen-sink/values@0.1.0");
}

TEST(CliInspect, SameFunctionsInEveryLanguage) {
  std::vector<std::string> first;
  for (const auto& lang : test::kitchen_sink_languages()) {
    auto r = run_asterai({"inspect", "--json", "--cache-dir", test::shared_cache_dir().string(),
                          test::component("kitchen-sink-" + lang + ".wasm").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> sigs;
    auto doc = json::parse(r.out);  // kept alive: the loop below borrows from it
    // componentize-py's build-time hook `exports#init` is not one of them (reflect.cpp).
    for (const auto& f : doc["functions"]) {
      sigs.push_back(f["qualified_name"].get<std::string>() + f["signature"].get<std::string>());
    }
    EXPECT_GE(sigs.size(), 30u) << lang;
    if (first.empty()) first = sigs;
    EXPECT_EQ(sigs, first) << lang;
  }
}

TEST(CliInspect, NotAComponent) {
  auto r = run_asterai({"inspect", "--cache-dir", test::shared_cache_dir().string(),
                        test::component("core-module.wasm").string()});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("not a component"), std::string::npos);
}

TEST(CliInspect, ImportsSayWhoProvidesThem) {
  auto file = test::component("missing-imports.wasm").string();
  auto human = run_asterai({"inspect", "--cache-dir", test::shared_cache_dir().string(), file});
  ASSERT_EQ(human.exit_code, 0) << human.err;
  EXPECT_NE(
      human.out.find(
          "test:numbers/test (instance): not provided: calls into it fail with missing-import"),
      std::string::npos)
      << human.out;
  EXPECT_NE(human.out.find("add: func(a: u32, b: u32) -> u32"), std::string::npos) << human.out;

  auto older = test::component("wasi-env-0.2.0.wasm").string();
  human = run_asterai({"inspect", "--cache-dir", test::shared_cache_dir().string(), older});
  ASSERT_EQ(human.exit_code, 0) << human.err;
  EXPECT_NE(human.out.find("wasi:cli/environment@0.2.0 (instance): provided by the host as "
                           "wasi:cli/environment@0.2."),
            std::string::npos)
      << human.out;

  auto r =
      run_asterai({"inspect", "--json", "--cache-dir", test::shared_cache_dir().string(), older});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json env;
  json doc = json::parse(r.out);  // kept alive: the loop borrows from it
  for (const auto& i : doc["imports"])
    if (i["name"] == "wasi:cli/environment@0.2.0") env = i;
  ASSERT_FALSE(env.is_null()) << r.out;
  EXPECT_EQ(env["provided_by"], "host");
  EXPECT_TRUE(env["resolves_to"].get<std::string>().starts_with("wasi:cli/environment@0.2."));
  EXPECT_NE(env["resolves_to"], "wasi:cli/environment@0.2.0");

  r = run_asterai({"inspect", "--json", "--cache-dir", test::shared_cache_dir().string(), file});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json numbers;
  doc = json::parse(r.out);
  for (const auto& i : doc["imports"])
    if (i["name"] == "test:numbers/test") numbers = i;
  EXPECT_EQ(numbers,
            json({{"name", "test:numbers/test"}, {"kind", "instance"}, {"provided_by", "none"}}));
}

}  // namespace
}  // namespace asterai
