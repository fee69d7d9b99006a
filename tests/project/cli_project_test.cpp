// `asterai init` + `asterai build` + `asterai call`, end to end with the real toolchains, for
// every supported language; and the mistakes a user makes on the way.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "test_support.h"

namespace asterai {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::run_asterai;

void write(const fs::path& path, const std::string& text) {
  std::ofstream(path) << text;
}

test::ProcessResult call(const fs::path& wasm, std::vector<std::string> args) {
  std::vector<std::string> full{"call", "--cache-dir", test::shared_cache_dir().string(),
                                wasm.string()};
  full.insert(full.end(), args.begin(), args.end());
  return run_asterai(full);
}

class InitBuildCall : public ::testing::TestWithParam<std::string> {};

TEST_P(InitBuildCall, NewProjectBuildsAndAnswers) {
  test::TempDir tmp("init-" + GetParam());
  fs::path dir = tmp.path() / "hello-tool";
  auto r = run_asterai({"init", "hello-tool", "--lang", GetParam(), "--dir", dir.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* f : {"asterai.toml", "wit/world.wit", "policy.toml", ".gitignore", "README.md"})
    EXPECT_TRUE(fs::exists(dir / f)) << f;

  r = run_asterai({"build", dir.string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  auto built = json::parse(r.out);
  EXPECT_FALSE(built["up_to_date"].get<bool>());
  fs::path wasm = dir / "build/hello-tool.wasm";
  EXPECT_EQ(built["output"], wasm.string());
  ASSERT_TRUE(fs::exists(wasm));
  EXPECT_FALSE(fs::exists(dir / "build/.work")) << "scratch files are removed after a build";

  r = call(wasm, {"greet", "Ada"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "\"Hello, Ada!\"\n");
  r = call(wasm, {"word-count", "\"  one two\\tthree \""});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "3\n");

  // The component carries its WIT docs: served without the WIT source, the tools describe
  // themselves with their `///` comments.
  std::string session = json{{"jsonrpc", "2.0"},
                             {"id", 1},
                             {"method", "initialize"},
                             {"params",
                              {{"protocolVersion", "2025-11-25"},
                               {"capabilities", json::object()},
                               {"clientInfo", {{"name", "t"}, {"version", "1"}}}}}}
                            .dump() +
                        "\n" +
                        json{{"jsonrpc", "2.0"}, {"id", 2}, {"method", "tools/list"}}.dump() + "\n";
  r = run_asterai({"serve", "--cache-dir", test::shared_cache_dir().string(), "t=" + wasm.string()},
                  session);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto list = json::parse(r.out.substr(r.out.find('\n') + 1));
  std::map<std::string, std::string> descriptions;
  for (const auto& t : list["result"]["tools"])
    descriptions[t["name"].get<std::string>()] = t["description"].get<std::string>();
  EXPECT_EQ(descriptions["t_greet"], "Greets someone: returns \"Hello, NAME!\".") << r.out;
  EXPECT_EQ(descriptions["t_word-count"],
            "Counts the words (runs of characters other than spaces) in a text.");

  // Nothing changed: nothing runs and the component is not rewritten.
  auto before = fs::last_write_time(wasm);
  r = run_asterai({"build", dir.string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(json::parse(r.out)["up_to_date"].get<bool>());
  EXPECT_EQ(fs::last_write_time(wasm), before);
}

INSTANTIATE_TEST_SUITE_P(Languages, InitBuildCall,
                         ::testing::Values("c", "cpp", "js", "ts", "python", "rust", "go"));

// A language's compiler error exits with 20 and shows the compiler's own message naming the
// file; a missing toolchain exits with 19 and names what to install. Both leave the last good
// component in place.
struct LanguageMistakes {
  std::string lang, source, broken, file_in_message, tool_variable, install_hint;
};

void PrintTo(const LanguageMistakes& m, std::ostream* os) {
  *os << m.lang;
}

class BuildMistakes : public ::testing::TestWithParam<LanguageMistakes> {};

TEST_P(BuildMistakes, CompilerErrorAndMissingToolchain) {
  const auto& m = GetParam();
  test::TempDir tmp("build-mistakes-" + m.lang);
  fs::path dir = tmp.path() / "mistakes";
  ASSERT_EQ(run_asterai({"init", "mistakes", "--lang", m.lang, "--dir", dir.string()}).exit_code,
            0);
  ASSERT_EQ(run_asterai({"build", dir.string(), "-q"}).exit_code, 0);
  fs::path wasm = dir / "build/mistakes.wasm";
  ASSERT_EQ(call(wasm, {"greet", "Bo"}).out, "\"Hello, Bo!\"\n");

  write(dir / m.source, m.broken);
  auto r = run_asterai({"build", dir.string()});
  EXPECT_EQ(r.exit_code, 20) << r.err;  // build-failed
  EXPECT_NE(r.err.find(m.file_in_message), std::string::npos) << r.err;
  EXPECT_EQ(call(wasm, {"greet", "Bo"}).out, "\"Hello, Bo!\"\n");

  setenv(m.tool_variable.c_str(), (tmp.path() / "nowhere/tool").c_str(), 1);
  r = run_asterai({"build", dir.string()});
  unsetenv(m.tool_variable.c_str());
  EXPECT_EQ(r.exit_code, 19) << r.err;  // toolchain-missing
  EXPECT_NE(r.err.find(m.install_hint), std::string::npos) << r.err;
  EXPECT_TRUE(fs::exists(wasm));
}

INSTANTIATE_TEST_SUITE_P(
    Languages, BuildMistakes,
    ::testing::Values(LanguageMistakes{"rust", "src/lib.rs", "fn broken( {\n", "src/lib.rs:1",
                                       "ASTERAI_RUSTC", "apt-get install rustc-web"},
                      LanguageMistakes{"go", "src/export_wit_world/component.go",
                                       "package export_wit_world\nfunc Greet( {\n",
                                       "export_wit_world/component.go:2", "ASTERAI_GO",
                                       "install Go"}),
    [](const auto& info) { return info.param.lang; });

TEST(Build, GoProjectWithoutItsExportPackageNamesTheStub) {
  test::TempDir tmp("build-go-no-export");
  fs::path dir = tmp.path() / "no-export";
  ASSERT_EQ(run_asterai({"init", "no-export", "--lang", "go", "--dir", dir.string()}).exit_code, 0);
  fs::rename(dir / "src/export_wit_world", dir / "src/elsewhere");
  auto r = run_asterai({"build", dir.string()});
  EXPECT_EQ(r.exit_code, 14) << r.err;  // not-found
  EXPECT_NE(r.err.find("src/export_wit_world/: the package implementing the world's exports"),
            std::string::npos)
      << r.err;
  EXPECT_TRUE(fs::exists(dir / "build/.work/stubs/export_wit_world/wit_bindings.go")) << r.err;
  EXPECT_FALSE(fs::exists(dir / "build/no-export.wasm"));
}

// `preinit = true`: the Go runtime is started at build time and snapshotted (wasmtime wizer);
// each call still sees its own environment, never the build's.
TEST(Build, GoPreinitAnswersWithTheCallsEnvironment) {
  test::TempDir tmp("build-go-preinit");
  fs::path dir = tmp.path() / "pre-tool";
  ASSERT_EQ(run_asterai({"init", "pre-tool", "--lang", "go", "--dir", dir.string()}).exit_code, 0);
  std::ofstream(dir / "asterai.toml", std::ios::app) << "preinit = true\n";
  write(dir / "src/export_wit_world/component.go", R"go(package export_wit_world

import (
	"os"
	"strings"
)

func Greet(name string) string {
	mood, set := os.LookupEnv("MOOD")
	if !set {
		mood = "unset"
	}
	return "Hello, " + name + " (" + mood + ")"
}

func WordCount(text string) uint32 {
	return uint32(len(strings.Fields(text)))
}
)go");
  setenv("MOOD", "build-time", 1);
  auto r = run_asterai({"build", dir.string()});
  unsetenv("MOOD");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("wasmtime wizer"), std::string::npos) << r.err;
  fs::path wasm = dir / "build/pre-tool.wasm";
  EXPECT_EQ(call(wasm, {"greet", "Ada"}).out, "\"Hello, Ada (unset)\"\n");
  r = run_asterai({"call", "--cache-dir", test::shared_cache_dir().string(), "--env", "MOOD=calm",
                   wasm.string(), "greet", "Ada"});
  EXPECT_EQ(r.out, "\"Hello, Ada (calm)\"\n") << r.err;
  EXPECT_EQ(call(wasm, {"word-count", "\"one two three\""}).out, "3\n");

  fs::path rust = tmp.path() / "rust-tool";
  ASSERT_EQ(run_asterai({"init", "rust-tool", "--lang", "rust", "--dir", rust.string()}).exit_code,
            0);
  std::ofstream(rust / "asterai.toml", std::ios::app) << "preinit = true\n";
  r = run_asterai({"build", rust.string()});
  EXPECT_EQ(r.exit_code, 15) << r.err;  // invalid-input
  EXPECT_NE(r.err.find("component.preinit is for Go projects only"), std::string::npos) << r.err;
}

TEST(Build, ChangedSourceRebuildsAndCompilerErrorsAreShown) {
  test::TempDir tmp("build-c");
  fs::path dir = tmp.path() / "edit-me";
  ASSERT_EQ(run_asterai({"init", "edit-me", "--dir", dir.string()}).exit_code, 0);
  ASSERT_EQ(run_asterai({"build", dir.string(), "-q"}).exit_code, 0);
  fs::path source = dir / "src/component.c";
  std::ifstream in(source);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  auto at = text.find("\"Hello, \"");
  ASSERT_NE(at, std::string::npos);
  write(source, text.replace(at, 9, "\"Howdy, \""));
  auto r = run_asterai({"build", dir.string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(json::parse(r.out)["up_to_date"].get<bool>());
  EXPECT_EQ(call(dir / "build/edit-me.wasm", {"greet", "Bo"}).out, "\"Howdy, Bo!\"\n");

  write(source, "this is not C;\n");
  r = run_asterai({"build", dir.string()});
  EXPECT_EQ(r.exit_code, 20) << r.err;  // build-failed
  EXPECT_NE(r.err.find("component.c:1"), std::string::npos) << "the compiler's own message";
  EXPECT_NE(r.err.find("error: clang failed"), std::string::npos) << r.err;
  // The last good component is still there; the next build does not think it is current.
  EXPECT_EQ(call(dir / "build/edit-me.wasm", {"greet", "Bo"}).out, "\"Howdy, Bo!\"\n");
  EXPECT_NE(run_asterai({"build", dir.string()}).exit_code, 0);
}

TEST(Build, MissingToolIsNamedWithWhatToInstall) {
  test::TempDir tmp("build-missing");
  fs::path dir = tmp.path() / "no-tools";
  ASSERT_EQ(run_asterai({"init", "no-tools", "--dir", dir.string()}).exit_code, 0);
  setenv("ASTERAI_WASM_TOOLS", (tmp.path() / "nowhere/wasm-tools").c_str(), 1);
  auto r = run_asterai({"build", dir.string()});
  unsetenv("ASTERAI_WASM_TOOLS");
  EXPECT_EQ(r.exit_code, 19) << r.err;  // toolchain-missing
  EXPECT_NE(r.err.find("wasm-tools"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("install"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "build/no-tools.wasm"));
}

TEST(Init, BadInputLeavesNothingBehind) {
  test::TempDir tmp("init-bad");
  auto r = run_asterai({"init", "Bad_Name", "--dir", (tmp.path() / "a").string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("not a WIT name"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(tmp.path() / "a"));

  r = run_asterai({"init", "ok-name", "--lang", "cobol", "--dir", (tmp.path() / "b").string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("unknown language \"cobol\""), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(tmp.path() / "b"));

  fs::create_directories(tmp.path() / "d");
  write(tmp.path() / "d/keep.txt", "mine");
  r = run_asterai({"init", "ok-name", "--dir", (tmp.path() / "d").string()});
  EXPECT_EQ(r.exit_code, 16) << r.err;  // conflict
  EXPECT_NE(r.err.find("not an empty folder"), std::string::npos) << r.err;
  EXPECT_EQ(std::distance(fs::directory_iterator(tmp.path() / "d"), fs::directory_iterator()), 1);

  r = run_asterai({"build", (tmp.path() / "d").string()});
  EXPECT_EQ(r.exit_code, 14) << r.err;  // not-found
  EXPECT_NE(r.err.find("asterai init"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace asterai
