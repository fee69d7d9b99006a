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
    for (const auto& f : doc["functions"]) {
      // componentize-py leaves its own `exports#init` export in every component it builds.
      if (lang == "py" && f["interface"] == "exports") continue;
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

}  // namespace
}  // namespace asterai
