// `asterai env …` end to end: the real binary, its own ASTERAI_HOME, an asterai registry on
// loopback. Covers every command's happy path and bad input, immutability against the
// registry, automatic bumps, and that a secret's value reaches only the component granted it
// and appears nowhere else (registry storage, the local store, any output or log).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "test_server.h"
#include "test_support.h"

namespace asterai {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class CliEnv : public ::testing::Test {
 protected:
  void SetUp() override {
    test::isolate_home(home_.path());
    host_ = registry_.base_url().substr(7);
  }
  void TearDown() override { ::unsetenv("ASTERAI_HOME"); }

  // Runs the binary and keeps everything it printed, for the secret test's search.
  test::ProcessResult run(const std::vector<std::string>& args, const std::string& in = {}) {
    auto r = test::run_asterai(args, in);
    outputs_ += r.out + "\n" + r.err + "\n";
    return r;
  }
  void publish(const std::string& wasm, const std::string& repo) {
    auto r = run({"push", "--no-wit", test::component(wasm).string(), host_ + "/" + repo});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  std::string draft_text(const std::string& name) {
    return slurp(home_.path() / "envs" / "drafts" / (name + ".toml"));
  }

  registry::testing::TestRegistry registry_{false};
  test::TempDir home_{"cli-env-home"};
  std::string host_;
  std::string outputs_;
};

TEST_F(CliEnv, EditCommandsAndBadInput) {
  std::string probe = host_ + "/alice/probe:1.0.0";
  EXPECT_EQ(run({"env", "init", "alice/tools"}).exit_code, 0);
  auto again = run({"env", "init", "alice/tools"});
  EXPECT_EQ(again.exit_code, 16) << again.err;
  EXPECT_EQ(run({"env", "init", "Alice Tools"}).exit_code, 2);
  EXPECT_EQ(run({"env", "add", "alice/none", "probe", probe}).exit_code, 14);

  ASSERT_EQ(run({"env", "add", "alice/tools", "probe", probe}).exit_code, 0);
  EXPECT_EQ(run({"env", "add", "alice/tools", "probe", probe}).exit_code, 16);
  auto bad_ref = run({"env", "add", "alice/tools", "other", "not-a-ref"});
  EXPECT_EQ(bad_ref.exit_code, 2);
  EXPECT_NE(bad_ref.err.find("bad component reference \"not-a-ref\""), std::string::npos)
      << bad_ref.err;
  EXPECT_EQ(run({"env", "add", "alice/tools", "Bad", probe}).exit_code, 2);

  ASSERT_EQ(run({"env", "set-var", "alice/tools", "MODE", "fast"}).exit_code, 0);
  ASSERT_EQ(run({"env", "grant", "alice/tools", "probe", "--var", "MODE", "--env", "LANG=C",
                 "--allow-host", "api.example.com", "--dir", "data:/data:rw", "--secret", "TOKEN"})
                .exit_code,
            0);
  ASSERT_EQ(run({"env", "limit", "alice/tools", "probe", "--timeout", "5s", "--max-memory", "64MiB",
                 "--fuel", "1000000"})
                .exit_code,
            0);

  // Failed edits leave the draft exactly as it was.
  std::string before = draft_text("alice/tools");
  auto unknown_var = run({"env", "grant", "alice/tools", "probe", "--var", "NOPE"});
  EXPECT_EQ(unknown_var.exit_code, 14) << unknown_var.err;
  EXPECT_NE(unknown_var.err.find("asterai env set-var"), std::string::npos);
  EXPECT_EQ(run({"env", "grant", "alice/tools", "probe", "--allow-host", "*"}).exit_code, 2);
  EXPECT_EQ(run({"env", "grant", "alice/tools", "probe", "--dir", "data:relative"}).exit_code, 2);
  EXPECT_EQ(run({"env", "grant", "alice/tools", "probe"}).exit_code, 2);
  EXPECT_EQ(run({"env", "grant", "alice/tools", "ghost", "--var", "MODE"}).exit_code, 14);
  EXPECT_NE(run({"env", "limit", "alice/tools", "probe", "--timeout", "soon"}).exit_code, 0);
  EXPECT_EQ(run({"env", "limit", "alice/tools", "probe"}).exit_code, 2);
  auto in_use = run({"env", "unset-var", "alice/tools", "MODE"});
  EXPECT_EQ(in_use.exit_code, 16) << in_use.err;
  EXPECT_EQ(run({"env", "set-var", "alice/tools", "1X", "v"}).exit_code, 2);
  EXPECT_EQ(draft_text("alice/tools"), before);

  auto inspect = run({"env", "inspect", "--json", "alice/tools"});
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  auto j = json::parse(inspect.out);
  EXPECT_EQ(j["draft"], true);
  EXPECT_EQ(j["vars"]["MODE"], "fast");
  EXPECT_EQ(j["secrets"], json::array({"TOKEN"}));
  const auto& c = j["components"]["probe"];
  EXPECT_EQ(c["ref"], probe);
  EXPECT_EQ(c["vars"], json::array({"MODE"}));
  EXPECT_EQ(c["grants"]["env"], json::array({"LANG=C"}));
  EXPECT_EQ(c["grants"]["allow_hosts"], json::array({"api.example.com"}));
  EXPECT_EQ(c["grants"]["dirs"][0]["mode"], "rw");
  EXPECT_EQ(c["limits"]["timeout"], "5s");
  EXPECT_EQ(c["limits"]["fuel"], 1000000);
  EXPECT_EQ(run({"env", "inspect", "alice/tools"}).exit_code, 0);

  ASSERT_EQ(run({"env", "grant", "--revoke", "alice/tools", "probe", "--var", "MODE"}).exit_code,
            0);
  EXPECT_EQ(run({"env", "unset-var", "alice/tools", "MODE"}).exit_code, 0);
  EXPECT_EQ(run({"env", "unset-var", "alice/tools", "MODE"}).exit_code, 14);
  ASSERT_EQ(run({"env", "limit", "--clear", "alice/tools", "probe", "--timeout", "2s"}).exit_code,
            0);
  EXPECT_EQ(
      json::parse(
          run({"env", "inspect", "--json", "alice/tools"}).out)["components"]["probe"]["limits"],
      json({{"timeout", "2s"}}));

  auto ls = run({"env", "ls", "--json"});
  ASSERT_EQ(ls.exit_code, 0);
  EXPECT_EQ(json::parse(ls.out)["drafts"], json::array({"alice/tools"}));
  EXPECT_EQ(run({"env", "remove", "alice/tools", "probe"}).exit_code, 0);
  EXPECT_EQ(run({"env", "remove", "alice/tools", "probe"}).exit_code, 14);

  // A hand-edited draft with a mistake: one line naming the file and the line.
  std::ofstream(home_.path() / "envs" / "drafts" / "alice" / "tools.toml")
      << "[vars]\nMODE = \"x\"\n\n[components.probe]\nref = \"" << probe << "\"\nmemory = 5\n";
  auto bad = run({"env", "inspect", "alice/tools"});
  EXPECT_EQ(bad.exit_code, 15);
  EXPECT_NE(bad.err.find("tools.toml:6: unknown key \"memory\" in [components.probe]"),
            std::string::npos)
      << bad.err;
  EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1) << bad.err;
}

TEST_F(CliEnv, PushPinsBumpsAndNeverChangesAVersion) {
  publish("sandbox-probe.wasm", "alice/probe:1.0.0");
  publish("kitchen-sink-c.wasm", "alice/ks:1.0.0");
  ASSERT_EQ(run({"env", "init", "alice/app"}).exit_code, 0);
  ASSERT_EQ(run({"env", "add", "alice/app", "probe", host_ + "/alice/probe:1.0.0"}).exit_code, 0);
  auto no_registry = run({"env", "push", "alice/app"});
  EXPECT_EQ(no_registry.exit_code, 2);
  EXPECT_NE(no_registry.err.find("--registry"), std::string::npos);
  EXPECT_EQ(run({"env", "push", "alice/app", "--registry", host_, "--version", "one"}).exit_code,
            2);

  auto push = [&](std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"env", "push", "--json", "alice/app", "--registry", host_};
    args.insert(args.end(), extra.begin(), extra.end());
    return run(args);
  };
  auto first = push();
  ASSERT_EQ(first.exit_code, 0) << first.err << first.out;
  auto j = json::parse(first.out);
  EXPECT_EQ(j["version"], "0.1.0");
  EXPECT_EQ(j["changes"][0]["kind"], "component-added");

  auto same = push();
  EXPECT_EQ(same.exit_code, 16);
  EXPECT_NE(same.err.find("nothing changed since 0.1.0"), std::string::npos) << same.err;

  ASSERT_EQ(run({"env", "set-var", "alice/app", "MODE", "fast"}).exit_code, 0);
  ASSERT_EQ(run({"env", "grant", "alice/app", "probe", "--var", "MODE"}).exit_code, 0);
  auto patch = push();
  ASSERT_EQ(patch.exit_code, 0) << patch.err;
  j = json::parse(patch.out);
  EXPECT_EQ(j["version"], "0.1.1");
  EXPECT_EQ(j["bump"], "patch");

  ASSERT_EQ(run({"env", "add", "alice/app", "ks", host_ + "/alice/ks:1.0.0"}).exit_code, 0);
  auto minor = push();
  ASSERT_EQ(minor.exit_code, 0) << minor.err;
  EXPECT_EQ(json::parse(minor.out)["version"], "0.2.0");
  std::string digest_020 = json::parse(minor.out)["digest"];

  // Re-pushing an existing version is refused before anything is sent; the tag keeps its content.
  ASSERT_EQ(run({"env", "limit", "alice/app", "ks", "--timeout", "1s"}).exit_code, 0);
  auto repush = push({"--version", "0.2.0"});
  EXPECT_EQ(repush.exit_code, 16);
  EXPECT_NE(repush.out.find("immutable"), std::string::npos) << repush.out;
  auto explicit_version = push({"--version", "0.3.0-rc.1"});
  ASSERT_EQ(explicit_version.exit_code, 0) << explicit_version.err;

  ASSERT_EQ(run({"env", "remove", "alice/app", "ks"}).exit_code, 0);
  auto major = push();
  ASSERT_EQ(major.exit_code, 0) << major.err;
  EXPECT_EQ(json::parse(major.out)["version"], "1.0.0");
  EXPECT_EQ(json::parse(major.out)["changes"][0]["kind"], "component-removed");

  // Pulls: identical bytes every time, from a fresh home too; pinned by digest.
  auto a = run({"env", "pull", "alice/app@0.2.0", "--registry", host_, "-o",
                (home_.path() / "a.toml").string()});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  test::TempDir other("cli-env-other");
  ::setenv("ASTERAI_HOME", other.path().c_str(), 1);
  auto b = run({"env", "pull", "--json", host_ + "/alice/app:0.2.0", "-o",
                (home_.path() / "b.toml").string()});
  ::setenv("ASTERAI_HOME", home_.path().c_str(), 1);
  ASSERT_EQ(b.exit_code, 0) << b.err;
  std::string doc = slurp(home_.path() / "a.toml");
  EXPECT_EQ(doc, slurp(home_.path() / "b.toml"));
  EXPECT_NE(doc.find(host_ + "/alice/ks@sha256:"), std::string::npos) << doc;
  EXPECT_EQ(doc.find(":1.0.0"), std::string::npos) << doc;
  auto inspect =
      json::parse(run({"env", "inspect", "--json", "alice/app@0.2.0", "--registry", host_}).out);
  EXPECT_EQ(inspect["draft"], false);
  EXPECT_EQ(inspect["digest"], json::parse(b.out)["document_digest"]);
  auto tag = registry_.client().get("/v2/alice/app/manifests/0.2.0",
                                    {"Accept: application/vnd.oci.image.manifest.v1+json"});
  EXPECT_EQ(tag.header("docker-content-digest"), digest_020);
  EXPECT_NE(tag.body.find("application/vnd.asterai.environment.v1+toml"), std::string::npos);

  auto diff =
      run({"env", "diff", "--json", "alice/app@0.1.0", "alice/app@0.2.0", "--registry", host_});
  ASSERT_EQ(diff.exit_code, 0) << diff.err;
  auto d = json::parse(diff.out);
  EXPECT_EQ(d["bump"], "minor");
  bool saw_added = false;
  for (const auto& c : d["changes"])
    saw_added = saw_added || (c["kind"] == "component-added" && c["subject"] == "ks");
  EXPECT_TRUE(saw_added) << diff.out;
  auto human = run({"env", "diff", "alice/app@0.1.0", "alice/app@0.1.0", "--registry", host_});
  EXPECT_EQ(human.out, "no changes\n");

  auto ls = json::parse(run({"env", "ls", "--json"}).out);
  EXPECT_GE(ls["versions"].size(), 4u);
  EXPECT_EQ(run({"env", "pull", "alice/app@9.9.9", "--registry", host_}).exit_code, 14);
  EXPECT_EQ(run({"env", "pull", "alice/probe@1.0.0", "--registry", host_}).exit_code,
            15);  // a component
}

TEST_F(CliEnv, SecretReachesOnlyTheGrantedComponentAndIsStoredNowhereInPlaintext) {
  std::random_device rd;
  const std::string value = "tok-" + std::to_string(rd()) + "-Zq9";
  publish("sandbox-probe.wasm", "alice/probe:1.0.0");
  std::string probe = host_ + "/alice/probe:1.0.0";
  ASSERT_EQ(run({"env", "init", "alice/sec"}).exit_code, 0);
  ASSERT_EQ(run({"env", "add", "alice/sec", "granted", probe}).exit_code, 0);
  ASSERT_EQ(run({"env", "add", "alice/sec", "plain", probe}).exit_code, 0);
  ASSERT_EQ(run({"env", "set-var", "alice/sec", "MODE", "fast"}).exit_code, 0);
  ASSERT_EQ(run({"env", "grant", "alice/sec", "granted", "--secret", "API_TOKEN"}).exit_code, 0);
  ASSERT_EQ(run({"env", "grant", "alice/sec", "plain", "--var", "MODE"}).exit_code, 0);

  EXPECT_EQ(run({"env", "secret", "set", "API_TOKEN"}).exit_code, 2);  // nothing on stdin
  EXPECT_EQ(run({"env", "secret", "set", "bad-name"}, value + "\n").exit_code, 2);
  // Not set yet: the granted component cannot start, and the error says what to do.
  auto unset = run({"env", "call", "alice/sec", "granted", "probe/ping"});
  EXPECT_EQ(unset.exit_code, 14) << unset.err;
  EXPECT_NE(unset.err.find("asterai env secret set API_TOKEN"), std::string::npos) << unset.err;
  ASSERT_EQ(run({"env", "secret", "set", "API_TOKEN"}, value + "\n").exit_code, 0);
  EXPECT_EQ(run({"env", "secret", "ls"}).out, "API_TOKEN\n");

  auto push = run({"env", "push", "alice/sec", "--registry", host_});
  ASSERT_EQ(push.exit_code, 0) << push.err;
  std::string version = "alice/sec@0.1.0";

  // The granted component sees the value (its own result: the one output not searched).
  auto seen = test::run_asterai({"env", "call", "--json", version, "granted", "probe/get-env",
                                 "\"API_TOKEN\"", "--registry", host_});
  ASSERT_EQ(seen.exit_code, 0) << seen.err << seen.out;
  EXPECT_EQ(json::parse(seen.out)["result"], value);
  outputs_ += seen.err;
  // The other one does not, and sees exactly what it was given.
  auto hidden = run({"env", "call", "--json", version, "plain", "probe/get-env", "\"API_TOKEN\"",
                     "--registry", host_});
  ASSERT_EQ(hidden.exit_code, 0) << hidden.err;
  EXPECT_TRUE(json::parse(hidden.out)["result"].is_null()) << hidden.out;
  auto mode = run({"env", "call", version, "plain", "probe/get-env", "MODE", "--registry", host_});
  EXPECT_EQ(mode.out, "\"fast\"\n") << mode.err;
  EXPECT_EQ(run({"env", "call", version, "plain", "probe/env-count", "--registry", host_}).out,
            "1\n");
  EXPECT_EQ(run({"env", "call", version, "granted", "probe/env-count", "--registry", host_}).out,
            "1\n");
  // The draft runs the same way.
  EXPECT_EQ(run({"env", "call", "alice/sec", "plain", "probe/get-env", "MODE"}).out, "\"fast\"\n");
  EXPECT_EQ(run({"env", "inspect", version, "--registry", host_}).exit_code, 0);
  EXPECT_EQ(run({"env", "diff", "alice/sec", version, "--registry", host_}).exit_code, 0);

  // Bad calls.
  EXPECT_EQ(run({"env", "call", version, "ghost", "probe/ping", "--registry", host_}).exit_code,
            14);
  EXPECT_EQ(run({"env", "call", version, "plain", "nope", "--registry", host_}).exit_code, 5);
  EXPECT_EQ(
      run({"env", "call", "alice/sec@7.0.0", "plain", "probe/ping", "--registry", host_}).exit_code,
      14);

  // Nowhere in plaintext: registry storage, the whole ASTERAI_HOME (drafts, pulled versions,
  // the encrypted store, caches), every output and log line captured above.
  size_t files = 0;
  for (const auto& root : {registry_.root(), home_.path()}) {
    for (const auto& f : fs::recursive_directory_iterator(root)) {
      if (!f.is_regular_file()) continue;
      ++files;
      EXPECT_EQ(slurp(f.path()).find(value), std::string::npos) << f.path();
    }
  }
  EXPECT_GT(files, 10u);
  EXPECT_TRUE(fs::exists(home_.path() / "secrets" / "secrets.json"));
  EXPECT_EQ(outputs_.find(value), std::string::npos);
  EXPECT_NE(outputs_.find("API_TOKEN"), std::string::npos);  // the search did see the outputs

  EXPECT_EQ(run({"env", "secret", "rm", "API_TOKEN"}).exit_code, 0);
  EXPECT_EQ(run({"env", "secret", "rm", "API_TOKEN"}).exit_code, 14);
  EXPECT_EQ(run({"env", "secret", "ls", "--json"}).out, "{\"secrets\":[]}\n");
}

// Composition through the document: a JavaScript component (text) calls a C one (math), each
// with the grants the environment gives it; `env run` finds no command component.
TEST_F(CliEnv, ComponentsOfAnEnvironmentCallEachOtherAcrossLanguages) {
  publish("compose-c-math.wasm", "alice/math:0.1.0");
  publish("compose-js-text.wasm", "alice/text:0.1.0");
  ASSERT_EQ(run({"env", "init", "alice/duo"}).exit_code, 0);
  ASSERT_EQ(run({"env", "add", "alice/duo", "math", host_ + "/alice/math:0.1.0"}).exit_code, 0);
  ASSERT_EQ(run({"env", "add", "alice/duo", "text", host_ + "/alice/text:0.1.0"}).exit_code, 0);
  ASSERT_EQ(run({"env", "set-var", "alice/duo", "UNIT", "metres"}).exit_code, 0);
  ASSERT_EQ(run({"env", "grant", "alice/duo", "math", "--var", "UNIT"}).exit_code, 0);

  auto sum = run({"env", "call", "alice/duo", "text", "text/summary", "2", "3"});
  ASSERT_EQ(sum.exit_code, 0) << sum.err;
  EXPECT_NE(sum.out.find('5'), std::string::npos) << sum.out;
  // The provider sees its own grant; the caller was given nothing.
  EXPECT_EQ(run({"env", "call", "alice/duo", "text", "text/math-env", "UNIT"}).out, "\"metres\"\n");
  EXPECT_EQ(run({"env", "call", "alice/duo", "math", "math/env", "UNIT"}).out, "\"metres\"\n");

  auto runs = run({"env", "run", "alice/duo"});
  EXPECT_EQ(runs.exit_code, 14) << runs.err;
  EXPECT_NE(runs.err.find("no command components"), std::string::npos) << runs.err;
  EXPECT_EQ(run({"env", "run", "alice/duo", "math"}).exit_code, 5);

  // Without its provider the importer fails at load time, naming the interface.
  ASSERT_EQ(run({"env", "remove", "alice/duo", "math"}).exit_code, 0);
  auto missing = run({"env", "call", "alice/duo", "text", "text/summary", "2", "3"});
  EXPECT_EQ(missing.exit_code, 4) << missing.err;
  EXPECT_NE(missing.err.find("asterai:compose/math"), std::string::npos) << missing.err;
  EXPECT_NE(missing.err.find("allow-missing-imports = true"), std::string::npos) << missing.err;

  // allow-missing-imports = true on the member: it links, and only calls into the missing
  // interface fail, with their own kind and exit code.
  fs::path draft = home_.path() / "envs" / "drafts" / "alice" / "duo.toml";
  std::string text = draft_text("alice/duo");
  std::string section = "[components.text]\n";
  ASSERT_NE(text.find(section), std::string::npos) << text;
  text.insert(text.find(section) + section.size(), "allow-missing-imports = true\n");
  std::ofstream(draft) << text;
  auto allowed = run({"env", "call", "alice/duo", "text", "text/summary", "2", "3"});
  EXPECT_EQ(allowed.exit_code, 22) << allowed.err;
  EXPECT_NE(allowed.err.find("the component called asterai:compose/math@0.1.0#add, which nothing "
                             "provides"),
            std::string::npos)
      << allowed.err;
}

// `env run` runs every command component (wasi:cli/run) with the environment's grants: its
// stdout is the command's own, and a command that exits with a failure fails the run.
TEST_F(CliEnv, RunExecutesCommandComponentsWithTheirGrants) {
  publish("command-hello.wasm", "alice/hello:1.0.0");
  publish("compose-c-math.wasm", "alice/math:0.1.0");
  ASSERT_EQ(run({"env", "init", "alice/cmd"}).exit_code, 0);
  ASSERT_EQ(run({"env", "add", "alice/cmd", "hello", host_ + "/alice/hello:1.0.0"}).exit_code, 0);
  ASSERT_EQ(run({"env", "add", "alice/cmd", "math", host_ + "/alice/math:0.1.0"}).exit_code, 0);
  ASSERT_EQ(run({"env", "set-var", "alice/cmd", "GREETING", "world"}).exit_code, 0);
  // Not granted yet: the command runs but cannot see the var.
  auto bare = run({"env", "run", "alice/cmd"});
  ASSERT_EQ(bare.exit_code, 0) << bare.err;
  EXPECT_EQ(bare.out, "hello, nobody\n");
  ASSERT_EQ(run({"env", "grant", "alice/cmd", "hello", "--var", "GREETING"}).exit_code, 0);
  auto all = run({"env", "run", "alice/cmd"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(all.out, "hello, world\n");  // math is not a command: skipped
  auto one = run({"env", "run", "alice/cmd", "hello"});
  EXPECT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(one.out, "hello, world\n");
  EXPECT_EQ(run({"env", "run", "alice/cmd", "math"}).exit_code, 5);
  EXPECT_EQ(run({"env", "run", "alice/cmd", "ghost"}).exit_code, 14);

  ASSERT_EQ(run({"env", "set-var", "alice/cmd", "FAIL", "1"}).exit_code, 0);
  ASSERT_EQ(run({"env", "grant", "alice/cmd", "hello", "--var", "FAIL"}).exit_code, 0);
  auto failed = run({"env", "run", "alice/cmd"});
  EXPECT_NE(failed.exit_code, 0);
  EXPECT_EQ(failed.out, "hello, world\n");
  EXPECT_NE(failed.err.find("failing as asked"), std::string::npos) << failed.err;
  EXPECT_NE(failed.err.find("exited with status 1"), std::string::npos) << failed.err;
}

}  // namespace
}  // namespace asterai
