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

// `env schedule add | rm` and `env route` edit the draft, and refuse bad input without
// touching it.
TEST_F(CliEnv, ScheduleAndRouteEdits) {
  std::string probe = host_ + "/alice/probe:1.0.0";
  ASSERT_EQ(run({"env", "init", "alice/bots"}).exit_code, 0);
  ASSERT_EQ(run({"env", "add", "alice/bots", "probe", probe}).exit_code, 0);
  auto added =
      run({"env", "schedule", "add", "alice/bots", "nightly", "--member", "probe", "--function",
           "append-file", "--args", R"(["/data/x", "line"])", "--cron", "30 2 * * *", "--timezone",
           "Europe/Berlin", "--missed", "run-once", "--overlap", "queue"});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  std::string text = draft_text("alice/bots");
  EXPECT_NE(text.find("[[schedules]]\nname = \"nightly\"\nmember = \"probe\"\nfunction = "
                      "\"append-file\"\nargs = [\"/data/x\", \"line\"]\ncron = \"30 2 * * *\"\n"
                      "timezone = \"Europe/Berlin\"\nmissed = \"run-once\"\noverlap = \"queue\"\n"),
            std::string::npos)
      << text;
  auto inspect = json::parse(run({"env", "inspect", "alice/bots", "--json"}).out);
  ASSERT_EQ(inspect["schedules"].size(), 1u);
  EXPECT_EQ(inspect["schedules"][0]["timezone"], "Europe/Berlin");

  struct Bad {
    std::vector<std::string> args;
    int code;
    const char* message;
  };
  const Bad bad[] = {
      {{"nightly", "--member", "probe", "--cron", "@daily"}, 16, "a schedule nightly exists"},
      {{"other", "--member", "ghost", "--cron", "@daily"}, 14, "no component ghost"},
      {{"other", "--member", "probe", "--cron", "61 * * * *"}, 2, "minute 61 is out of range"},
      {{"other", "--member", "probe", "--cron", "@daily", "--timezone", "Mars/Base"},
       2,
       "unknown time zone \"Mars/Base\""},
      {{"other", "--member", "probe", "--cron", "@daily", "--args", "1"},
       2,
       "--args takes a JSON array"},
      {{"Other", "--member", "probe", "--cron", "@daily"}, 2, "bad schedule name"},
      {{"other", "--member", "probe", "--cron", "@daily", "--missed", "all"}, 2, "--missed"},
  };
  for (const auto& b : bad) {
    std::vector<std::string> args = {"env", "schedule", "add", "alice/bots"};
    args.insert(args.end(), b.args.begin(), b.args.end());
    auto r = run(args);
    EXPECT_EQ(r.exit_code, b.code) << b.message << ": " << r.err;
    EXPECT_NE(r.err.find(b.message), std::string::npos) << r.err;
    EXPECT_EQ(draft_text("alice/bots"), text) << b.message;  // untouched
  }
  EXPECT_EQ(run({"env", "schedule", "rm", "alice/bots", "nope"}).exit_code, 14);
  ASSERT_EQ(run({"env", "schedule", "rm", "alice/bots", "nightly"}).exit_code, 0);
  EXPECT_EQ(draft_text("alice/bots").find("[[schedules]]"), std::string::npos);

  ASSERT_EQ(
      run({"env", "route", "alice/bots", "probe", "/hooks/p", "--max-body", "1MiB"}).exit_code, 0);
  text = draft_text("alice/bots");
  EXPECT_NE(text.find("http = \"/hooks/p\"\nhttp-max-body = \"1MiB\"\n"), std::string::npos)
      << text;
  auto reserved = run({"env", "route", "alice/bots", "probe", "/mcp/x"});
  EXPECT_EQ(reserved.exit_code, 2) << reserved.err;
  EXPECT_EQ(run({"env", "route", "alice/bots", "probe", "--max-body", "big"}).exit_code, 2);
  EXPECT_EQ(run({"env", "route", "alice/bots", "probe"}).exit_code, 2);
  EXPECT_EQ(run({"env", "route", "alice/bots", "ghost", "/g"}).exit_code, 14);
  EXPECT_EQ(draft_text("alice/bots"), text);
  ASSERT_EQ(run({"env", "route", "alice/bots", "probe", "--clear"}).exit_code, 0);
  EXPECT_EQ(draft_text("alice/bots").find("http"), std::string::npos);
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

  // Who provides each import: the math member for the text component's math interface.
  auto shown = run({"env", "inspect", "--imports", "--json", "alice/duo"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  bool from_member = false;
  auto inspected = json::parse(shown.out);
  for (const auto& i : inspected["components"]["text"]["imports"]) {
    if (i["name"].get<std::string>().rfind("asterai:compose/math", 0) == 0) {
      from_member = i["provided_by"] == "component" && i["component"] == "math";
    }
  }
  EXPECT_TRUE(from_member) << shown.out;
  auto human = run({"env", "inspect", "--imports", "alice/duo"});
  EXPECT_NE(human.out.find("provided by component `math`"), std::string::npos) << human.out;
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

// A draft takes a component file: checked, copied into the local store and pinned by its
// digest, so the file can change (or vanish) without changing the environment until
// `env update` or `env add` again. Everything runs offline.
TEST_F(CliEnv, LocalComponentsArePinnedCopiesOfTheirFiles) {
  test::TempDir work("cli-env-local");
  auto copy = [&](const std::string& component, const std::string& as) {
    fs::copy_file(test::component(component), work.path() / as,
                  fs::copy_options::overwrite_existing);
    return (work.path() / as).string();
  };
  std::string math = copy("compose-c-math.wasm", "math.wasm");
  std::string text = copy("compose-js-text.wasm", "text.wasm");
  ASSERT_EQ(run({"env", "init", "alice/local"}).exit_code, 0);
  std::string empty = draft_text("alice/local");

  // Bad files: one line each, nothing added to the draft or the store.
  auto missing = run({"env", "add", "alice/local", "math", (work.path() / "nope.wasm").string()});
  EXPECT_EQ(missing.exit_code, 14) << missing.err;
  EXPECT_NE(missing.err.find("no component file"), std::string::npos) << missing.err;
  std::ofstream(work.path() / "notes.wasm") << "not wasm at all";
  auto not_wasm = run({"env", "add", "alice/local", "math", (work.path() / "notes.wasm").string()});
  EXPECT_EQ(not_wasm.exit_code, 4) << not_wasm.err;
  auto module = test::wat("(module)");
  std::ofstream(work.path() / "core.wasm", std::ios::binary)
      .write(reinterpret_cast<const char*>(module.data()),
             static_cast<std::streamsize>(module.size()));
  auto core = run({"env", "add", "alice/local", "math", (work.path() / "core.wasm").string()});
  EXPECT_EQ(core.exit_code, 4) << core.err;
  EXPECT_NE(core.err.find("component"), std::string::npos) << core.err;
  for (const auto* r : {&missing, &not_wasm, &core})
    EXPECT_EQ(std::count(r->err.begin(), r->err.end(), '\n'), 1) << r->err;
  EXPECT_EQ(draft_text("alice/local"), empty);
  EXPECT_EQ(json::parse(run({"ls", "--json"}).out)["components"], json::array());
  auto typed = run({"env", "add", "alice/local", "math", "local:sha256:" + std::string(64, 'a')});
  EXPECT_EQ(typed.exit_code, 2) << typed.err;

  ASSERT_EQ(run({"env", "add", "alice/local", "math", math}).exit_code, 0);
  ASSERT_EQ(run({"env", "add", "alice/local", "text", text}).exit_code, 0);
  ASSERT_EQ(run({"env", "set-var", "alice/local", "UNIT", "metres"}).exit_code, 0);
  ASSERT_EQ(run({"env", "grant", "alice/local", "math", "--var", "UNIT"}).exit_code, 0);
  auto inspect = run({"env", "inspect", "--json", "alice/local"});
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  auto m = json::parse(inspect.out)["components"]["math"];
  EXPECT_EQ(m["local"], true);
  EXPECT_EQ(m["path"], fs::absolute(math).lexically_normal().string());
  std::string first = m["ref"];
  ASSERT_EQ(first.rfind("local:sha256:", 0), 0u) << first;
  // The store holds the file's bytes under their digest, and lists them.
  EXPECT_EQ(slurp(home_.path() / "store" / "blobs" / "sha256" / first.substr(13)), slurp(math));
  EXPECT_NE(run({"ls"}).out.find(first), std::string::npos);
  auto shown = run({"env", "inspect", "alice/local"});
  EXPECT_NE(shown.out.find("math: local sha256:"), std::string::npos) << shown.out;
  EXPECT_NE(draft_text("alice/local").find("path = "), std::string::npos);

  // Composed and called offline: JS -> C, both local.
  auto sum = run({"env", "call", "--offline", "alice/local", "text", "text/summary", "2", "3"});
  ASSERT_EQ(sum.exit_code, 0) << sum.err;
  EXPECT_NE(sum.out.find('5'), std::string::npos) << sum.out;
  EXPECT_EQ(run({"env", "call", "--offline", "alice/local", "math", "math/env", "UNIT"}).out,
            "\"metres\"\n");
  ASSERT_EQ(run({"env", "remove", "alice/local", "text"}).exit_code, 0);

  // Rebuilding the file (here: another component in its place) changes nothing yet.
  copy("command-hello.wasm", "math.wasm");
  std::string pinned = draft_text("alice/local");
  auto old = run({"env", "call", "--offline", "alice/local", "math", "math/add", "2", "3"});
  EXPECT_EQ(old.exit_code, 0) << old.err;
  EXPECT_EQ(old.out, "5\n");
  EXPECT_EQ(run({"env", "run", "--offline", "alice/local"}).exit_code, 14);
  EXPECT_EQ(draft_text("alice/local"), pinned);

  // `env update` takes the new build, keeping the component's grants.
  auto updated = run({"env", "update", "alice/local"});
  ASSERT_EQ(updated.exit_code, 0) << updated.err;
  EXPECT_NE(updated.out.find("math: " + first + " -> local:sha256:"), std::string::npos)
      << updated.out;
  auto hello = run({"env", "run", "--offline", "alice/local", "math"});
  ASSERT_EQ(hello.exit_code, 0) << hello.err;
  EXPECT_EQ(hello.out, "hello, nobody\n");
  EXPECT_EQ(
      run({"env", "call", "--offline", "alice/local", "math", "math/add", "2", "3"}).exit_code, 5);
  auto again = run({"env", "update", "alice/local", "math"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("math: unchanged"), std::string::npos) << again.out;

  // `env add` again does the same; a registry reference under a taken name is still refused.
  copy("compose-c-math.wasm", "math.wasm");
  auto readd = run({"env", "add", "alice/local", "math", math});
  ASSERT_EQ(readd.exit_code, 0) << readd.err;
  EXPECT_NE(readd.out.find("updated math"), std::string::npos) << readd.out;
  auto back =
      json::parse(run({"env", "inspect", "--json", "alice/local"}).out)["components"]["math"];
  EXPECT_EQ(back["ref"], first);
  EXPECT_EQ(back["vars"], json::array({"UNIT"}));
  EXPECT_EQ(run({"env", "add", "alice/local", "math", host_ + "/alice/math:0.1.0"}).exit_code, 16);

  // Bad updates change nothing: a file gone, an unknown or registry component.
  fs::remove(math);
  std::string before = draft_text("alice/local");
  auto gone = run({"env", "update", "alice/local"});
  EXPECT_EQ(gone.exit_code, 14) << gone.err;
  EXPECT_NE(gone.err.find("component math: no component file"), std::string::npos) << gone.err;
  EXPECT_EQ(run({"env", "update", "alice/local", "ghost"}).exit_code, 14);
  publish("compose-c-math.wasm", "alice/math:0.1.0");
  ASSERT_EQ(run({"env", "add", "alice/local", "reg", host_ + "/alice/math:0.1.0"}).exit_code, 0);
  auto registry_member = run({"env", "update", "alice/local", "reg"});
  EXPECT_EQ(registry_member.exit_code, 2) << registry_member.err;
  ASSERT_EQ(run({"env", "remove", "alice/local", "reg"}).exit_code, 0);
  EXPECT_EQ(draft_text("alice/local"), before);
  // The draft still runs from its copy, the file being gone.
  EXPECT_EQ(run({"env", "call", "--offline", "alice/local", "math", "math/add", "1", "2"}).out,
            "3\n");

  // A damaged copy is reported, never run.
  fs::path blob = home_.path() / "store" / "blobs" / "sha256" / first.substr(13);
  fs::permissions(blob, fs::perms::owner_write, fs::perm_options::add);
  std::ofstream(blob, std::ios::binary | std::ios::in | std::ios::out) << "XX";
  auto damaged = run({"env", "call", "--offline", "alice/local", "math", "math/add", "1", "2"});
  EXPECT_EQ(damaged.exit_code, 15) << damaged.err;
  EXPECT_NE(damaged.err.find("env update"), std::string::npos) << damaged.err;
  // `asterai rm` takes the copy as `asterai ls` names it; the draft then needs `env update`.
  auto rm = run({"rm", first});
  EXPECT_EQ(rm.exit_code, 0) << rm.err;
  EXPECT_FALSE(fs::exists(blob));
  auto removed = run({"env", "call", "--offline", "alice/local", "math", "math/add", "1", "2"});
  EXPECT_EQ(removed.exit_code, 14) << removed.err;
  EXPECT_NE(removed.err.find("env update"), std::string::npos) << removed.err;
}

// Push publishes a draft's local components to the environment's registry first
// (REGISTRY/NS/COMPONENT:VERSION), pins them there, and only then pushes the version, which
// never names a local component; another machine runs it from the registry alone.
TEST_F(CliEnv, PushPublishesLocalComponentsFirstAndPinsThem) {
  test::TempDir work("cli-env-local-push");
  fs::path math = work.path() / "math.wasm";
  fs::copy_file(test::component("compose-c-math.wasm"), math);
  ASSERT_EQ(run({"env", "init", "alice/dev"}).exit_code, 0);
  ASSERT_EQ(run({"env", "add", "alice/dev", "math", math.string()}).exit_code, 0);

  auto no_registry = run({"env", "push", "alice/dev"});
  EXPECT_EQ(no_registry.exit_code, 2) << no_registry.err;
  EXPECT_NE(no_registry.err.find("local components"), std::string::npos) << no_registry.err;
  EXPECT_NE(no_registry.err.find("--registry"), std::string::npos) << no_registry.err;
  EXPECT_EQ(std::count(no_registry.err.begin(), no_registry.err.end(), '\n'), 1);
  EXPECT_EQ(run({"tags", host_ + "/alice/math"}).exit_code, 14);

  auto first = run({"env", "push", "--json", "alice/dev", "--registry", host_});
  ASSERT_EQ(first.exit_code, 0) << first.err << first.out;
  auto j = json::parse(first.out);
  EXPECT_EQ(j["version"], "0.1.0");
  ASSERT_EQ(j["published"].size(), 1u) << j.dump();
  EXPECT_EQ(j["published"][0]["ref"], host_ + "/alice/math:0.1.0");
  std::string digest = j["published"][0]["digest"];
  fs::path doc = work.path() / "pushed.toml";
  ASSERT_EQ(run({"env", "pull", host_ + "/alice/dev:0.1.0", "-o", doc.string()}).exit_code, 0);
  std::string pushed = slurp(doc);
  EXPECT_NE(pushed.find("ref = \"" + host_ + "/alice/math@" + digest + "\""), std::string::npos)
      << pushed;
  EXPECT_EQ(pushed.find("local:"), std::string::npos) << pushed;
  EXPECT_EQ(pushed.find("path"), std::string::npos) << pushed;
  // The draft itself stays local.
  EXPECT_NE(draft_text("alice/dev").find("local:sha256:"), std::string::npos);

  // The same build again is no change; the text output names what it published.
  auto same = run({"env", "push", "alice/dev", "--registry", host_});
  EXPECT_EQ(same.exit_code, 16) << same.err << same.out;
  EXPECT_NE(same.err.find("nothing changed"), std::string::npos) << same.err;

  // A new build: published as the next version's tag, and a minor bump.
  fs::copy_file(test::component("command-hello.wasm"), math, fs::copy_options::overwrite_existing);
  ASSERT_EQ(run({"env", "update", "alice/dev"}).exit_code, 0);
  // A version that exists is refused before anything is uploaded.
  auto taken = run({"env", "push", "alice/dev", "--registry", host_, "--version", "0.1.0"});
  EXPECT_EQ(taken.exit_code, 16) << taken.err;
  auto tags_before = run({"tags", host_ + "/alice/math"}).out;
  EXPECT_EQ(tags_before.find("0.2.0"), std::string::npos) << tags_before;
  auto second = run({"env", "push", "alice/dev", "--registry", host_});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.out.find("published local component math as " + host_ + "/alice/math:0.2.0"),
            std::string::npos)
      << second.out;
  EXPECT_NE(second.out.find("pushed " + host_ + "/alice/dev:0.2.0 (minor"), std::string::npos)
      << second.out;

  // A component repository whose next tag holds another component: refused, and the
  // environment version is not pushed.
  publish("kitchen-sink-c.wasm", "alice/math:0.3.0");
  fs::copy_file(test::component("compose-c-math.wasm"), math, fs::copy_options::overwrite_existing);
  ASSERT_EQ(run({"env", "update", "alice/dev"}).exit_code, 0);
  auto clash = run({"env", "push", "alice/dev", "--registry", host_});
  EXPECT_EQ(clash.exit_code, 16) << clash.err;
  EXPECT_NE(clash.err.find(host_ + "/alice/math:0.3.0"), std::string::npos) << clash.err;
  EXPECT_EQ(run({"tags", host_ + "/alice/dev"}).out.find("0.3.0"), std::string::npos);

  // Another machine: a fresh home, nothing local; the version runs from the registry.
  test::TempDir other("cli-env-other-home");
  test::isolate_home(other.path());
  auto remote = run({"env", "call", host_ + "/alice/dev:0.1.0", "math", "math/add", "2", "3"});
  EXPECT_EQ(remote.exit_code, 0) << remote.err;
  EXPECT_EQ(remote.out, "5\n");
}

}  // namespace
}  // namespace asterai
