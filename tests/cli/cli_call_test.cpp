// `asterai call` end to end: the real binary on the real components.
#include <gtest/gtest.h>

#include <sstream>

#include <algorithm>
#include <fstream>

#include <nlohmann/json.hpp>

#include "test_support.h"

namespace asterai {
namespace {

using nlohmann::json;
using test::run_asterai;

class CliCall : public ::testing::Test {
 protected:
  void SetUp() override { cache_ = std::make_unique<test::TempDir>("cli-cache"); }
  // Calls with the build's shared compile cache (fresh_cache: a cache of this test's own).
  test::ProcessResult call(std::vector<std::string> args, bool fresh_cache = false) {
    auto cache = fresh_cache ? cache_->path() : test::shared_cache_dir();
    std::vector<std::string> full = {"call", "--cache-dir", cache.string()};
    full.insert(full.end(), args.begin(), args.end());
    return run_asterai(full);
  }
  std::string ks(const std::string& lang = "c") {
    return test::component("kitchen-sink-" + lang + ".wasm").string();
  }
  std::unique_ptr<test::TempDir> cache_;
};

TEST_F(CliCall, PositionalAndNamedArguments) {
  for (const auto& lang : test::kitchen_sink_languages()) {
    auto r = call({ks(lang), "add", "1", "2"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "3\n");
    r = call({ks(lang), "values/greet", R"({"who": {"name": "Ada", "age": 36}})"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "\"Hello, Ada! You are 36.\"\n");
    // A single record argument given directly, and an unquoted string.
    r = call({ks(lang), "values/greet", R"({"name": "Bo", "age": 5})"});
    EXPECT_EQ(r.out, "\"Hello, Bo! You are 5.\"\n") << r.err;
    r = call({ks(lang), "values/echo-string", "plain words"});
    EXPECT_EQ(r.out, "\"plain words\"\n") << r.err;
  }
}

TEST_F(CliCall, JsonEnvelopeHasResultAndStats) {
  auto r = call({"--json", ks(), "values/divide", "1", "0"}, true);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto env = json::parse(r.out);
  EXPECT_EQ(env["ok"], true);
  EXPECT_EQ(env["result"], json({{"err", "division by zero"}}));
  EXPECT_EQ(env["function"], "asterai:kitchen-sink/values@0.1.0#divide");
  EXPECT_GT(env["stats"]["wall_ms"].get<double>(), 0);
  EXPECT_EQ(env["stats"]["compile_cache_hit"], false);
  // Second process: compiled code comes from the cache.
  r = call({"--json", ks(), "add", "1", "2"}, true);
  EXPECT_EQ(json::parse(r.out)["stats"]["compile_cache_hit"], true);
}

struct BadCase {
  std::vector<std::string> args;  // after the component path
  int exit_code;
  std::string in_stderr;
};

TEST_F(CliCall, BadInputGetsOneClearLineAndTheDocumentedExitCode) {
  const std::vector<BadCase> cases = {
      {{"values/greet", R"({"who": {"name": "x", "age": -1}})"},
       6,
       "error: args.who.age: expected u32 in [0, 4294967295], got -1\n"},
      {{"add", "1"}, 6, "error: add takes 2 arguments (a: s32, b: s32), got 1\n"},
      {{"add", "1", "2", "3"}, 6, "got 3"},
      {{"add", "1", "x"}, 6, "args.b: not valid JSON: x"},
      {{"values/echo-u8", "256"}, 6, "expected u8 in [0, 255], got 256"},
      {{"values/echo-s64", "\"99999999999999999999\""}, 6, "expected s64"},
      {{"values/echo-char", "\"ab\""}, 6, "expected char"},
      {{"values/gret"}, 5, "did you mean: values/greet"},
      {{"nope"}, 5, "no exported function \"nope\""},
      {{"values/fail", "\"boom\""}, 8, "error: wasm trap"},
      {{"add", "1", "2", "--timeout", "soon"}, 2, "--timeout: invalid duration"},
      {{"add", "1", "2", "--max-memory", "lots"}, 2, "--max-memory: invalid size"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {ks()};
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto r = call(args);
    EXPECT_EQ(r.exit_code, c.exit_code) << c.args[0] << ": " << r.err;
    EXPECT_NE(r.err.find(c.in_stderr), std::string::npos) << "stderr: " << r.err;
    EXPECT_EQ(r.out, "") << "nothing on stdout for " << c.args[0];
    // One error line (a trap may also show the guest's own stderr before it).
    if (c.exit_code != 8) {
      EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    }
  }
}

TEST_F(CliCall, TrapShowsGuestStderrAndKind) {
  auto r = call({"--json", ks(), "values/fail", "\"the reason\""});
  EXPECT_EQ(r.exit_code, 8);
  auto env = json::parse(r.out);
  EXPECT_EQ(env["ok"], false);
  EXPECT_EQ(env["error"]["kind"], "trap");
  EXPECT_EQ(env["stderr"], "the reason\n");
}

TEST_F(CliCall, BadFiles) {
  test::TempDir dir("cli-bad");
  auto text = dir.path() / "notes.wasm";
  {
    std::ofstream(text) << "just text";
  }
  auto r = call({text.string(), "add", "1", "2"});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("is not a WebAssembly binary"), std::string::npos);
  r = call({test::component("core-module.wasm").string(), "add"});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("core WebAssembly module, not a component"), std::string::npos);
  r = call({(dir.path() / "missing.wasm").string(), "add"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("missing.wasm"), std::string::npos);
}

// The compiled components in a cache folder.
std::vector<std::string> compiled(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".cwasm") names.push_back(e.path().filename().string());
  return names;
}

TEST_F(CliCall, TheCompileCacheKeepsToItsBound) {
  auto r = call({"--cache-max-size", "1", ks(), "add", "1", "2"}, true);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto first = compiled(cache_->path());
  ASSERT_EQ(first.size(), 1u);  // over the bound alone: kept, as the one just stored
  // The bound from the environment: the next component stored takes the first's place.
  ::setenv("ASTERAI_CACHE_MAX_SIZE", "1", 1);
  r = call({test::component("compose-c-resource.wasm").string(), "nope"}, true);
  ::unsetenv("ASTERAI_CACHE_MAX_SIZE");
  EXPECT_EQ(r.exit_code, 5) << r.err;  // no such function, but compiled and stored
  auto second = compiled(cache_->path());
  ASSERT_EQ(second.size(), 1u);
  EXPECT_NE(second[0], first[0]);
  // Without a bound given, the default (4GiB) keeps both.
  r = call({ks(), "add", "1", "2"}, true);
  EXPECT_EQ(compiled(cache_->path()).size(), 2u);
  // A bad bound, as a flag or in the environment: one line naming it, exit 2.
  r = call({"--cache-max-size", "huge", ks(), "add", "1", "2"}, true);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--cache-max-size: invalid size \"huge\""), std::string::npos) << r.err;
  ::setenv("ASTERAI_CACHE_MAX_SIZE", "12x", 1);
  r = call({ks(), "add", "1", "2"}, true);
  ::unsetenv("ASTERAI_CACHE_MAX_SIZE");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "error: ASTERAI_CACHE_MAX_SIZE: invalid size \"12x\" (use e.g. 65536, 512KiB, "
            "64MiB, 1GiB)\n");
}

TEST_F(CliCall, InvalidUtf8ArgumentIsRejected) {
  auto r = call({ks(), "values/echo-string", "\"\xff\xfe\""});
  EXPECT_EQ(r.exit_code, 6) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST(Cli, VersionAndHelp) {
  auto r = run_asterai({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("asterai "), std::string::npos);
  EXPECT_NE(r.out.find("wasmtime 48."), std::string::npos);
  r = run_asterai({"call", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--timeout"), std::string::npos);
  r = run_asterai({});
  EXPECT_EQ(r.exit_code, 2);
  r = run_asterai({"frobnicate"});
  EXPECT_EQ(r.exit_code, 2);
}

// A command line naming a subcommand registers only that subcommand's group (src/cli/run.cpp):
// every subcommand `--help` lists must still answer its own `--help`, with its usage line.
TEST(Cli, EverySubcommandWorksWhenNamedFirst) {
  auto help = run_asterai({"--help"});
  ASSERT_EQ(help.exit_code, 0);
  auto at = help.out.find("Subcommands:\n");
  ASSERT_NE(at, std::string::npos) << help.out;
  std::istringstream lines(help.out.substr(at + 13));
  std::string line;
  size_t checked = 0;
  while (std::getline(lines, line) && !line.empty()) {
    std::istringstream words(line);
    std::string name;
    words >> name;
    auto r = run_asterai({name, "--help"});
    EXPECT_EQ(r.exit_code, 0) << name << ": " << r.err;
    EXPECT_NE(r.out.find("Usage: asterai " + name), std::string::npos) << name << ": " << r.out;
    ++checked;
  }
  EXPECT_GE(checked, 20u) << help.out;
}

TEST_F(CliCall, ImportsNobodyProvidesFailOnlyTheCallsThatUseThem) {
  std::string file = test::component("missing-imports.wasm").string();
  auto r = call({file, "add", "40", "2"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "42\n");
  r = call({file, "roundtrip", "7"});
  EXPECT_EQ(r.exit_code, 22) << r.err;
  EXPECT_EQ(r.err,
            "error: the component called test:numbers/test#roundtrip-u8, which nothing "
            "provides\n");
  r = call({"--json", file, "make-counter", "1"});
  EXPECT_EQ(r.exit_code, 22) << r.err;
  auto doc = json::parse(r.out);
  EXPECT_EQ(doc["error"]["kind"], "missing-import") << r.out;
}

}  // namespace
}  // namespace asterai
