// The examples in examples/ build with `asterai build` and answer through `asterai call`; the
// text-tools implementations (C, C++, JavaScript, Python, Rust, Go) of one WIT interface give
// byte-identical answers to the same inputs.
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "test_support.h"

namespace asterai {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::run_asterai;

const fs::path kExamples = ASTERAI_EXAMPLES_DIR;

// Builds an example into a temporary folder (the source tree stays clean) and returns the
// component's path.
fs::path build_example(const test::TempDir& out, const std::string& example) {
  auto r = run_asterai({"build", (kExamples / example).string(), "--out-dir", out.path().string(),
                        "--json", "--force"});
  EXPECT_EQ(r.exit_code, 0) << example << ": " << r.err;
  return json::parse(r.out.empty() ? "{}" : r.out).value("output", "");
}

std::string call(const fs::path& wasm, std::vector<std::string> args) {
  std::vector<std::string> full{"call", "--cache-dir", test::shared_cache_dir().string(),
                                wasm.string()};
  full.insert(full.end(), args.begin(), args.end());
  auto r = run_asterai(full);
  EXPECT_EQ(r.exit_code, 0) << wasm.filename() << " " << args[0] << ": " << r.err;
  return r.out;
}

struct Case {
  std::vector<std::string> args;
  std::string expected;
};

const std::vector<Case> kTextCases = {
    {{"text/stats", R"("")"}, R"({"chars":0,"lines":0,"words":0})"},
    {{"text/stats", R"("one two\nthree")"}, R"({"chars":13,"lines":2,"words":3})"},
    {{"text/stats", R"("naïve café ☕\n\n")"}, R"({"chars":14,"lines":2,"words":3})"},
    {{"text/stats", R"(" \t\r\n\u000b\f ")"}, R"({"chars":7,"lines":2,"words":0})"},
    {{"text/slugify", R"("Hello, World!")"}, R"("hello-world")"},
    {{"text/slugify", R"("  --Déjà vu 2024--  ")"}, R"("d-j-vu-2024")"},
    {{"text/slugify", R"("!!!")"}, R"("")"},
    {{"text/top-words", R"("the cat and the hat and THE bat")", "2"}, R"([["the",3],["and",2]])"},
    {{"text/top-words", R"("b a c b a c")", "5"}, R"([["a",2],["b",2],["c",2]])"},
    {{"text/top-words", R"("x y")", "0"}, R"([])"},
    {{"text/top-words", R"("")", "3"}, R"([])"},
};

TEST(Examples, TextToolsAgreeInEveryLanguage) {
  for (const std::string lang : {"c", "cpp", "js", "python", "rust", "go"}) {
    test::TempDir out("example-text-" + lang);
    fs::path wasm = build_example(out, "text-tools/" + lang);
    ASSERT_TRUE(fs::exists(wasm)) << lang;
    for (const auto& c : kTextCases) {
      std::string got = call(wasm, c.args);
      // Compare as JSON values (object key order is the CLI's, not the language's).
      EXPECT_EQ(json::parse(got.empty() ? "null" : got), json::parse(c.expected))
          << lang << " " << c.args[0] << " " << c.args[1];
    }
  }
}

TEST(Examples, PythonCalculator) {
  test::TempDir out("example-calc");
  fs::path wasm = build_example(out, "calc-python");
  ASSERT_TRUE(fs::exists(wasm));
  // R"x(...)x": some expressions end in ')', which would close a plain raw string.
  const std::vector<Case> cases = {
      {{"evaluate", R"x("1 + 2 * 3")x"}, R"x({"ok":7.0})x"},
      {{"evaluate", R"x("(1 + 2) ** 2 // 4")x"}, R"x({"ok":2.0})x"},
      {{"evaluate", R"x("sqrt(16) + max(1, 5, 3) - abs(-2)")x"}, R"x({"ok":7.0})x"},
      {{"evaluate", R"x("-pi")x"}, R"x({"ok":-3.141592653589793})x"},
      {{"evaluate", R"x("1 / 0")x"}, R"x({"err":"division by zero"})x"},
      {{"evaluate", R"x("__import__('os')")x"}, R"x({"err":"unknown function '__import__'"})x"},
      {{"evaluate", R"x("x + 1")x"}, R"x({"err":"unknown name 'x'"})x"},
      {{"evaluate", R"x("2 ** 99999")x"},
       R"x({"err":"exponent 99999 is too large (at most 10000)"})x"},
  };
  for (const auto& c : cases) {
    std::string got = call(wasm, c.args);
    EXPECT_EQ(json::parse(got.empty() ? "null" : got), json::parse(c.expected)) << c.args[1];
  }
  auto syntax = json::parse(call(wasm, {"evaluate", R"("1 +")"}));
  ASSERT_TRUE(syntax.contains("err"));
  EXPECT_NE(syntax["err"].get<std::string>().find("syntax error"), std::string::npos);
}

}  // namespace
}  // namespace asterai
