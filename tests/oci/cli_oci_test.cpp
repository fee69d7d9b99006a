// `asterai login/logout/push/pull/ls/rm/tags` end to end: the real binary against an
// in-process asterai registry with token auth, with its own ASTERAI_HOME.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "asterai/common/files.h"
#include "asterai/common/process.h"
#include "asterai/oci/media_types.h"
#include "asterai/oci/referrers.h"
#include "asterai/oci/registry_client.h"
#include "test_server.h"
#include "test_support.h"

namespace asterai {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;
using test::run_asterai;

std::string wit_dir() {
  return std::string(ASTERAI_SOURCE_DIR) + "/tests/components/kitchen-sink/wit";
}

class CliOci : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = std::make_unique<test::TempDir>("cli-oci-home");
    ::setenv("ASTERAI_HOME", home_->path().c_str(), 1);
    ::setenv("DOCKER_CONFIG", (home_->path() / "docker").c_str(), 1);
    ::setenv("ASTERAI_CACHE_DIR", (home_->path() / "cache").c_str(), 1);
    ::unsetenv("ASTERAI_REGISTRY");
    auto& creds = registry_.registry().credentials();
    ASSERT_TRUE(creds.create_user("alice", false));
    key_ = creds.issue_key("alice", "t")->secret;
    host_ = registry_.base_url().substr(7);
  }
  void TearDown() override { ::unsetenv("ASTERAI_HOME"); }
  test::ProcessResult login() {
    return run_asterai({"login", host_, "-u", "alice", "--password-stdin"}, key_ + "\n");
  }

  registry::testing::TestRegistry registry_{true};
  std::unique_ptr<test::TempDir> home_;
  std::string key_, host_;
};

TEST_F(CliOci, LoginPushTagsPullLsRm) {
  auto wasm = test::component("kitchen-sink-c.wasm").string();
  std::string ref = host_ + "/alice/kitchen-sink:1.0.0";
  // Without credentials: a clear error naming `asterai login`.
  auto anon = run_asterai({"push", "--wit", wit_dir(), wasm, ref});
  EXPECT_EQ(anon.exit_code, 17) << anon.err;
  EXPECT_NE(anon.err.find("asterai login " + host_), std::string::npos) << anon.err;

  auto bad = run_asterai({"login", host_, "-u", "alice", "--password-stdin"}, "astk_nope\n");
  EXPECT_EQ(bad.exit_code, 17) << bad.err;
  EXPECT_FALSE(fs::exists(home_->path() / "credentials.json"));

  auto in = login();
  ASSERT_EQ(in.exit_code, 0) << in.err;
  struct stat st{};
  ASSERT_EQ(::stat((home_->path() / "credentials.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);

  auto push = run_asterai({"push", "--json", "--wit", wit_dir(), wasm, ref});
  ASSERT_EQ(push.exit_code, 0) << push.err;
  auto pushed = json::parse(push.out);
  std::string digest = pushed["digest"];
  EXPECT_EQ(pushed["referrers"].size(), 2u);
  EXPECT_EQ(pushed["latest_moved"], true);
  EXPECT_EQ(pushed["referrers_tag_fallback"], false);

  // The tools referrer carries names, WIT docs and schemas.
  oci::ClientOptions o;
  o.credentials = oci::Credentials{"alice", key_};
  oci::RegistryClient client(host_, o);
  auto tools =
      oci::list_referrers(client, "alice/kitchen-sink", digest, std::string(oci::kToolsArtifact));
  ASSERT_TRUE(tools && tools->size() == 1);
  auto manifest = client.get_manifest("alice/kitchen-sink", (*tools)[0].digest);
  ASSERT_TRUE(manifest);
  auto layer = oci::parse_manifest(manifest->bytes)->layers.at(0);
  std::string doc;
  oci::BlobSink sink{[&](std::span<const uint8_t> b) {
                       doc.append(reinterpret_cast<const char*>(b.data()), b.size());
                       return true;
                     },
                     [&] { doc.clear(); }};
  ASSERT_TRUE(client.fetch_blob("alice/kitchen-sink", layer, sink, nullptr));
  auto tools_json = json::parse(doc);
  bool found_add = false, found_greet = false;
  for (const auto& t : tools_json["tools"]) {
    if (t["name"] == "add") {
      found_add = true;
      EXPECT_EQ(t["description"], "Adds two signed 32-bit integers (wrapping on overflow).");
      EXPECT_EQ(t["input_schema"]["properties"]["a"]["type"], "integer");
    }
    if (t["name"] == "values_greet") {
      found_greet = true;
      EXPECT_EQ(t["description"], "Greets a person: \"Hello, NAME! You are AGE.\"");
    }
  }
  EXPECT_TRUE(found_add && found_greet) << doc;

  auto again = run_asterai({"push", "--wit", wit_dir(), wasm, ref});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("already published"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find(digest), std::string::npos);

  auto tags = run_asterai({"tags", host_ + "/alice/kitchen-sink"});
  EXPECT_EQ(tags.exit_code, 0) << tags.err;
  EXPECT_EQ(tags.out, "1.0.0\nlatest\n");

  auto pull = run_asterai({"pull", "--json", ref});
  ASSERT_EQ(pull.exit_code, 0) << pull.err;
  auto pulled = json::parse(pull.out);
  EXPECT_EQ(pulled["digest"], digest);
  EXPECT_EQ(pulled["referrers"], 2);
  auto original = read_file(wasm);
  auto copy = read_file(pulled["wasm"]["path"].get<std::string>());
  ASSERT_TRUE(original && copy);
  EXPECT_EQ(*original, *copy);
  EXPECT_TRUE(fs::exists(home_->path() / "store" / "oci-layout"));

  auto ls = run_asterai({"ls", "--json"});
  ASSERT_EQ(ls.exit_code, 0) << ls.err;
  auto listed = json::parse(ls.out)["components"];
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["ref"], ref);
  EXPECT_EQ(listed[0]["digest"], digest);
  auto human = run_asterai({"ls"});
  EXPECT_NE(human.out.find("REFERENCE"), std::string::npos);
  EXPECT_NE(human.out.find(ref), std::string::npos);

  auto rm = run_asterai({"rm", ref});
  EXPECT_EQ(rm.exit_code, 0) << rm.err;
  EXPECT_EQ(json::parse(run_asterai({"ls", "--json"}).out)["components"].size(), 0u);
  EXPECT_TRUE(fs::is_empty(home_->path() / "store" / "blobs" / "sha256"));

  auto out = run_asterai({"logout", host_});
  EXPECT_EQ(out.exit_code, 0);
  EXPECT_NE(out.out.find("logged out"), std::string::npos);
}

struct BadCase {
  std::vector<std::string> args;
  int exit_code;
  std::string in_stderr;
};

TEST_F(CliOci, BadInputGetsOneLineAndTheDocumentedExitCode) {
  ASSERT_EQ(login().exit_code, 0);
  auto wasm = test::component("kitchen-sink-c.wasm").string();
  auto core = test::component("core-module.wasm").string();
  std::string d = "sha256:" + std::string(64, 'a');
  const std::vector<BadCase> cases = {
      {{"push", "--no-wit", "missing.wasm", host_ + "/alice/x:1.0.0"}, 3, "missing.wasm"},
      {{"push", "--no-wit", core, host_ + "/alice/x:1.0.0"}, 4, "not a component"},
      {{"push", "--no-wit", wasm, host_ + "/alice/x@" + d}, 2, "version tag"},
      {{"push", "--no-wit", wasm, host_ + "/Alice/x:1"}, 2, "invalid reference"},
      {{"push", "--wit", "/nonexistent-wit", wasm, host_ + "/alice/x:1.0.0"}, 3, "--wit"},
      {{"push", "--no-wit", wasm}, 2, "REF"},
      {{"pull", "alice/x:1"}, 2, "ASTERAI_REGISTRY"},
      {{"pull", host_ + "/alice/none:1.0.0"}, 14, "not found"},
      {{"pull", "127.0.0.1:1/alice/x:1.0.0"}, 18, "127.0.0.1:1"},
      {{"rm", "r.io/alice/x:1"}, 14, "asterai ls"},
      {{"tags", host_ + "/alice/none"}, 14, ""},
      {{"login", host_ + "/path"}, 2, "registry host"},
      {{"login", host_, "-u", "alice"}, 2, "--password-stdin"},
  };
  for (const auto& c : cases) {
    auto r = run_asterai(c.args);
    std::string joined;
    for (const auto& a : c.args) joined += a + " ";
    EXPECT_EQ(r.exit_code, c.exit_code) << joined << "\n" << r.err;
    EXPECT_NE(r.err.find(c.in_stderr), std::string::npos) << joined << "\n" << r.err;
    EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << joined << "\n" << r.err;
  }
  // Nothing was stored by any of them.
  auto ls = run_asterai({"ls", "--json"});
  EXPECT_EQ(json::parse(ls.out)["components"].size(), 0u);
}

// The layers of the one referrer of `type` attached to `digest`, as (title, text) pairs.
std::vector<std::pair<std::string, std::string>> referrer_layers(oci::RegistryClient& client,
                                                                 const std::string& repo,
                                                                 const std::string& digest,
                                                                 std::string_view type) {
  std::vector<std::pair<std::string, std::string>> out;
  auto refs = oci::list_referrers(client, repo, digest, std::string(type));
  if (!refs || refs->size() != 1) return out;
  auto manifest = client.get_manifest(repo, (*refs)[0].digest);
  if (!manifest) return out;
  auto parsed = oci::parse_manifest(manifest->bytes);
  if (!parsed) return out;
  for (const auto& layer : parsed->layers) {
    std::string text;
    oci::BlobSink sink{[&](std::span<const uint8_t> b) {
                         text.append(reinterpret_cast<const char*>(b.data()), b.size());
                         return true;
                       },
                       [&] { text.clear(); }};
    if (!client.fetch_blob(repo, layer, sink, nullptr)) return {};
    auto title = layer.annotations.find(std::string(oci::kAnnotationTitle));
    out.emplace_back(title == layer.annotations.end() ? "" : title->second, text);
  }
  return out;
}

// A component with no project around it publishes the WIT it carries itself, from any
// folder; one inside a project (found from its path, not the current folder) publishes the
// project's WIT folder.
TEST_F(CliOci, PushFindsTheWitFromTheComponent) {
  ASSERT_EQ(login().exit_code, 0);
  test::TempDir elsewhere{"cli-oci-cwd"};
  auto cwd = fs::current_path();
  fs::current_path(elsewhere.path());
  auto wasm = test::component("kitchen-sink-c.wasm").string();
  auto r = run_asterai({"push", "--json", wasm, host_ + "/alice/derived:1.0.0"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto pushed = json::parse(r.out);
  EXPECT_EQ(pushed["wit_source"], "component");

  auto project = home_->path() / "my-tool";
  fs::create_directories(project / "build");
  fs::copy(test::component("kitchen-sink-c.wasm"), project / "build" / "my-tool.wasm");
  fs::copy(wit_dir(), project / "wit");
  std::ofstream(project / "asterai.toml")
      << "[component]\nnamespace = \"alice\"\nname = \"my-tool\"\nversion = \"0.1.0\"\n"
         "language = \"c\"\ndescription = \"Found from the path\"\n";
  fs::current_path(home_->path());
  auto in_project =
      run_asterai({"push", "--json", "my-tool/build/my-tool.wasm", host_ + "/alice/my-tool:0.1.0"});
  fs::current_path(cwd);
  ASSERT_EQ(in_project.exit_code, 0) << in_project.err;
  EXPECT_EQ(json::parse(in_project.out)["wit_source"], "folder");

  oci::ClientOptions o;
  o.credentials = oci::Credentials{"alice", key_};
  oci::RegistryClient client(host_, o);
  auto derived = referrer_layers(client, "alice/derived", pushed["digest"], oci::kWitArtifact);
  ASSERT_EQ(derived.size(), 1u);
  EXPECT_EQ(derived[0].first, "component.wit");
  const std::string& wit = derived[0].second;
  for (const char* part :
       {"package root:component;", "world root {", "export asterai:kitchen-sink/values@0.1.0;",
        "export add: func(a: s32, b: s32) -> s32;", "interface values {", "record person {",
        "greet: func(who: person) -> string;", "/// Greets a person"}) {
    EXPECT_NE(wit.find(part), std::string::npos) << part << "\n" << wit;
  }
  auto tools = referrer_layers(client, "alice/derived", pushed["digest"], oci::kToolsArtifact);
  ASSERT_EQ(tools.size(), 1u);
  EXPECT_NE(tools[0].second.find("Greets a person"), std::string::npos) << tools[0].second;

  auto from_folder = referrer_layers(client, "alice/my-tool", json::parse(in_project.out)["digest"],
                                     oci::kWitArtifact);
  ASSERT_FALSE(from_folder.empty());
  EXPECT_EQ(from_folder[0].first, "world.wit");
  auto m = client.get_manifest("alice/my-tool", "0.1.0");
  ASSERT_TRUE(m);
  EXPECT_EQ(oci::parse_manifest(m->bytes)->annotations.at(std::string(oci::kAnnotationDescription)),
            "Found from the path");
}

TEST_F(CliOci, ProjectFileGivesTheDefaults) {
  ASSERT_EQ(login().exit_code, 0);
  auto project = home_->path() / "project";
  fs::create_directories(project);
  fs::copy(test::component("kitchen-sink-c.wasm"), project / "tool.wasm");
  fs::copy(wit_dir(), project / "wit");
  std::ofstream(project / "asterai.toml")
      << "[component]\nregistry = \"" << host_
      << "\"\nnamespace = \"alice\"\nname = \"tool\"\nversion = \"0.1.0\"\nlanguage = \"c\"\n"
         "wasm = \"tool.wasm\"\n"
         "description = \"A test tool\"\nlicense = \"MIT\"\n";
  auto cwd = fs::current_path();
  fs::current_path(project);
  auto r = run_asterai({"push", "--json"});
  fs::current_path(cwd);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  oci::ClientOptions o;
  o.credentials = oci::Credentials{"alice", key_};
  oci::RegistryClient client(host_, o);
  auto m = client.get_manifest("alice/tool", "0.1.0");
  ASSERT_TRUE(m) << m.error().message;
  auto parsed = oci::parse_manifest(m->bytes);
  EXPECT_EQ(parsed->annotations.at(std::string(oci::kAnnotationDescription)), "A test tool");
  EXPECT_EQ(parsed->annotations.at(std::string(oci::kAnnotationLicenses)), "MIT");
  EXPECT_EQ(parsed->annotations.at(std::string(oci::kAnnotationVersion)), "0.1.0");
}

TEST_F(CliOci, PublicAndPrivateOnFirstPublication) {
  ASSERT_EQ(login().exit_code, 0);
  auto wasm = test::component("kitchen-sink-c.wasm").string();
  oci::RegistryClient anonymous(host_);
  auto push = [&](const std::string& flag, const std::string& ref) {
    std::vector<std::string> args = {"push", "--json", "--no-wit", wasm, host_ + "/" + ref};
    if (!flag.empty()) args.insert(args.begin() + 1, flag);
    return run_asterai(args);
  };

  auto open = push("--public", "alice/open:1.0.0");
  ASSERT_EQ(open.exit_code, 0) << open.err;
  EXPECT_EQ(json::parse(open.out)["visibility"], "public");
  EXPECT_TRUE(anonymous.get_manifest("alice/open", "1.0.0"));
  // This registry's default is private: without a flag, anonymous pulls are refused.
  ASSERT_EQ(push("", "alice/closed:1.0.0").exit_code, 0);
  auto closed = anonymous.get_manifest("alice/closed", "1.0.0");
  ASSERT_FALSE(closed);
  EXPECT_EQ(closed.error().kind, ErrorKind::unauthorized);

  // Later pushes do not flip what was chosen: a warning, and the repository stays public.
  auto later = push("--private", "alice/open:1.0.1");
  ASSERT_EQ(later.exit_code, 0) << later.err;
  EXPECT_NE(json::parse(later.out)["note"].get<std::string>().find("first publication only"),
            std::string::npos)
      << later.out;
  auto human = run_asterai({"push", "--private", "--no-wit", wasm, host_ + "/alice/open:1.0.1"});
  ASSERT_EQ(human.exit_code, 0) << human.err;
  EXPECT_NE(human.err.find("warning: alice/open exists already"), std::string::npos) << human.err;
  EXPECT_TRUE(anonymous.get_manifest("alice/open", "1.0.1"));

  // No trust scope here: the first pull of a public component nobody trusted signed warns
  // and names the command to trust its publisher; a private one is not checked.
  auto pulled_open = run_asterai({"pull", host_ + "/alice/open:1.0.0"});
  ASSERT_EQ(pulled_open.exit_code, 0) << pulled_open.err;
  EXPECT_NE(pulled_open.err.find("warning: " + host_ + "/alice/open:1.0.0 (sha256:"),
            std::string::npos)
      << pulled_open.err;
  EXPECT_NE(pulled_open.err.find("is not signed; trust its publisher with `asterai trust add " +
                                 host_ + "/alice KEY.pub`"),
            std::string::npos)
      << pulled_open.err;
  auto pulled_closed = run_asterai({"pull", host_ + "/alice/closed:1.0.0"});
  ASSERT_EQ(pulled_closed.exit_code, 0) << pulled_closed.err;
  EXPECT_EQ(pulled_closed.err.find("warning"), std::string::npos) << pulled_closed.err;

  // bob may not publish (nor set the visibility) in alice's namespace.
  auto& creds = registry_.registry().credentials();
  ASSERT_TRUE(creds.create_user("bob", false));
  auto bob_key = creds.issue_key("bob", "t")->secret;
  ASSERT_EQ(
      run_asterai({"login", host_, "-u", "bob", "--password-stdin"}, bob_key + "\n").exit_code, 0);
  auto bob = push("--public", "alice/taken:1.0.0");
  EXPECT_EQ(bob.exit_code, 13) << bob.err;
  EXPECT_NE(bob.err.find("lacks permission"), std::string::npos) << bob.err;
  EXPECT_FALSE(*registry_.registry().metadata().repository("alice/taken"));
  auto bob_set = push("--private", "alice/open:1.0.2");
  EXPECT_EQ(bob_set.exit_code, 13) << bob_set.err;
  EXPECT_TRUE(anonymous.get_manifest("alice/open", "1.0.0"));

  // On a registry whose default is public, --private is what keeps a repository private.
  registry::testing::TestRegistry public_default{true, true};
  auto& creds2 = public_default.registry().credentials();
  ASSERT_TRUE(creds2.create_user("alice", false));
  std::string host2 = public_default.base_url().substr(7);
  ASSERT_EQ(run_asterai({"login", host2, "-u", "alice", "--password-stdin"},
                        creds2.issue_key("alice", "t")->secret + "\n")
                .exit_code,
            0);
  auto hidden = run_asterai({"push", "--private", "--no-wit", wasm, host2 + "/alice/hidden:1.0.0"});
  ASSERT_EQ(hidden.exit_code, 0) << hidden.err;
  EXPECT_NE(hidden.out.find("visibility  private"), std::string::npos) << hidden.out;
  ASSERT_EQ(run_asterai({"push", "--no-wit", wasm, host2 + "/alice/shown:1.0.0"}).exit_code, 0);
  oci::RegistryClient anonymous2(host2);
  EXPECT_FALSE(anonymous2.get_manifest("alice/hidden", "1.0.0"));
  EXPECT_TRUE(anonymous2.get_manifest("alice/shown", "1.0.0"));
}

TEST_F(CliOci, LoginPromptsOnATerminal) {
  // script(1) gives `asterai login` a terminal and types what it reads from its stdin.
  auto r = run_filter(
      {"script", "-qec", std::string("'") + ASTERAI_BINARY + "' login " + host_, "/dev/null"},
      "alice\n" + key_ + "\n");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->exit_code, 0) << r->output;
  EXPECT_NE(r->output.find("Username: "), std::string::npos) << r->output;
  EXPECT_NE(r->output.find("Password (API key): "), std::string::npos) << r->output;
  EXPECT_NE(r->output.find("logged in to " + host_ + " as alice"), std::string::npos) << r->output;
  struct stat st{};
  ASSERT_EQ(::stat((home_->path() / "credentials.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  // Without a terminal and without --password-stdin: a usage error, nothing stored.
  ASSERT_EQ(run_asterai({"logout", host_}).exit_code, 0);
  auto no_tty = run_asterai({"login", host_, "-u", "alice"}, key_ + "\n");
  EXPECT_EQ(no_tty.exit_code, 2) << no_tty.err;
  auto tags = run_asterai({"tags", host_ + "/alice/none"});
  EXPECT_EQ(tags.exit_code, 17) << tags.err;  // logged out: no credentials left
}

TEST_F(CliOci, ProgressBarsOnlyOnATerminal) {
  ASSERT_EQ(login().exit_code, 0);
  std::string ref = host_ + "/alice/bars:1.0.0";
  auto wasm = test::component("kitchen-sink-c.wasm").string();
  ASSERT_EQ(run_asterai({"push", "--no-wit", wasm, ref}).exit_code, 0);
  const char* ci = std::getenv("CI");
  std::string saved_ci = ci ? ci : "";
  ::unsetenv("CI");
  // script(1) runs the command with a terminal as stdout and stderr.
  auto on_terminal = [&] {
    run_asterai({"rm", ref});  // a fresh pull each time (not stored yet the first time)
    auto r = run_process({"script", "-qec",
                          std::string("'") + ASTERAI_BINARY + "' pull '" + ref + "'", "/dev/null"});
    EXPECT_TRUE(r && r->exit_code == 0) << (r ? r->output : r.error().message);
    return r ? r->output : std::string();
  };
  std::string drawn = on_terminal();
  EXPECT_NE(drawn.find("[########################]"), std::string::npos) << drawn;
  EXPECT_NE(drawn.find("/s"), std::string::npos) << drawn;  // the rate
  EXPECT_NE(drawn.find("pulled " + ref), std::string::npos) << drawn;
  // In pipes: no bars, no carriage returns.
  ASSERT_EQ(run_asterai({"rm", ref}).exit_code, 0);
  auto piped = run_asterai({"pull", ref});
  ASSERT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_EQ(piped.err, "");
  EXPECT_EQ(piped.out.find('\r'), std::string::npos);
  // On a terminal under CI: quiet too.
  ::setenv("CI", "true", 1);
  std::string under_ci = on_terminal();
  EXPECT_EQ(under_ci.find("[####"), std::string::npos) << under_ci;
  EXPECT_NE(under_ci.find("pulled " + ref), std::string::npos) << under_ci;
  if (ci)
    ::setenv("CI", saved_ci.c_str(), 1);
  else
    ::unsetenv("CI");
}

TEST_F(CliOci, HelpListsTheFlags) {
  auto r = run_asterai({"push", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* flag : {"--wit", "--no-wit", "--public", "--private", "--no-latest", "--json",
                           "--plain-http", "--description", "--license", "--source", "--author"})
    EXPECT_NE(r.out.find(flag), std::string::npos) << flag;
}

}  // namespace
}  // namespace asterai
