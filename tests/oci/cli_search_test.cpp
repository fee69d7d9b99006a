// `asterai search`, `asterai show` and `asterai login --status`/`whoami` end to end: the real
// binary against real `asterai registry serve` processes on loopback, with a fresh HOME.
// Every output is checked for the API keys and bearer tokens, which must never appear.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "asterai/oci/credentials.h"
#include "asterai/oci/http.h"
#include "test_support.h"

extern char** environ;

namespace asterai {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

std::string kitchen_sink_wit() {
  return std::string(ASTERAI_SOURCE_DIR) + "/tests/components/kitchen-sink/wit";
}
std::string probe_wit() {
  return std::string(ASTERAI_SOURCE_DIR) + "/tests/components/sandbox-probe/wit";
}

// `asterai registry serve --listen 127.0.0.1:0` as a child process on its own root; the port
// is read from the line it prints once listening. SIGTERM and a wait on destruction.
class ServedRegistry {
 public:
  explicit ServedRegistry(const fs::path& root) : root_(root) {
    fs::create_directories(root);
    int out[2];
    if (pipe(out) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    std::string log = (root / "server.log").string();
    posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    posix_spawn_file_actions_addclose(&actions, out[1]);
    std::vector<std::string> args = {ASTERAI_BINARY, "registry", "--root",     root.string(),
                                     "serve",        "--listen", "127.0.0.1:0"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, ASTERAI_BINARY, &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    // One line, "asterai registry listening on http://127.0.0.1:PORT (…)"; EOF if it died.
    std::string line;
    char c;
    while (pid_ > 0 && read(out[0], &c, 1) == 1 && c != '\n') line += c;
    stdout_ = out[0];
    auto at = line.find("http://");
    if (at != std::string::npos) host_ = line.substr(at + 7, line.find(' ', at) - at - 7);
  }
  ~ServedRegistry() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
    if (stdout_ >= 0) close(stdout_);
  }
  ServedRegistry(const ServedRegistry&) = delete;
  ServedRegistry& operator=(const ServedRegistry&) = delete;

  // "127.0.0.1:PORT", empty when the server did not start.
  const std::string& host() const { return host_; }
  // Creates the user with the admin commands (next to the running server) and returns a key.
  std::string add_user(const std::string& name) {
    auto created =
        test::run_asterai({"registry", "--root", root_.string(), "user", "create", name});
    EXPECT_EQ(created.exit_code, 0) << created.err;
    auto key = test::run_asterai(
        {"registry", "--root", root_.string(), "key", "issue", name, "--label", "test"});
    EXPECT_EQ(key.exit_code, 0) << key.err;
    std::string secret = key.out.substr(0, key.out.find('\n'));
    EXPECT_EQ(secret.rfind("astk_", 0), 0u) << key.out;
    return secret;
  }

 private:
  fs::path root_;
  pid_t pid_ = -1;
  int stdout_ = -1;
  std::string host_;
};

// What one suite shares: a registry holding
//   alice/weather-tools  1.0.0, 1.1.0, 1.2.0-rc.1 (kitchen sink, public)
//   alice/almanac        1.0.0 (sandbox probe, public)
//   alice/secret-weather 1.0.0 (kitchen sink, private)
struct Shared {
  std::unique_ptr<test::TempDir> dir;
  std::unique_ptr<ServedRegistry> registry;
  std::string alice_key, bob_key;
  std::map<std::string, std::string> digests;  // "repo:tag" -> manifest digest
  std::string tools_referrer;                  // of alice/weather-tools:1.0.0
};
Shared* shared = nullptr;

class CliSearch : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    shared = new Shared;
    shared->dir = std::make_unique<test::TempDir>("cli-search");
    test::isolate_home(shared->dir->path() / "publisher");
    shared->registry = std::make_unique<ServedRegistry>(shared->dir->path() / "registry");
    const std::string& host = shared->registry->host();
    ASSERT_FALSE(host.empty()) << "asterai registry serve did not start";
    shared->alice_key = shared->registry->add_user("alice");
    shared->bob_key = shared->registry->add_user("bob");
    auto in = test::run_asterai({"login", host, "-u", "alice", "--password-stdin"},
                                shared->alice_key + "\n");
    ASSERT_EQ(in.exit_code, 0) << in.err;
    auto kitchen = test::component("kitchen-sink-c.wasm").string();
    auto probe = test::component("sandbox-probe.wasm").string();
    struct Push {
      std::string wasm, wit, repo, tag, description, visibility;
    };
    const std::vector<Push> pushes = {
        {kitchen, kitchen_sink_wit(), "alice/weather-tools", "1.0.0", "Forecasts for any city",
         "--public"},
        {kitchen, kitchen_sink_wit(), "alice/weather-tools", "1.1.0", "Forecasts for any city",
         "--public"},
        {kitchen, kitchen_sink_wit(), "alice/weather-tools", "1.2.0-rc.1", "Forecasts for any city",
         "--public"},
        {probe, probe_wit(), "alice/almanac", "1.0.0", "Sunrise, tides and weather history",
         "--public"},
        {kitchen, kitchen_sink_wit(), "alice/secret-weather", "1.0.0", "Weather for insiders",
         "--private"},
    };
    for (const auto& p : pushes) {
      auto r = test::run_asterai({"push", "--json", p.visibility, "--description", p.description,
                                  "--wit", p.wit, p.wasm, host + "/" + p.repo + ":" + p.tag});
      ASSERT_EQ(r.exit_code, 0) << r.err;
      auto pushed = json::parse(r.out);
      shared->digests[p.repo + ":" + p.tag] = pushed["digest"];
      for (const auto& referrer : pushed["referrers"])
        if (referrer["artifactType"] == "application/vnd.asterai.tools.v1+json" &&
            shared->tools_referrer.empty())
          shared->tools_referrer = referrer["digest"];
    }
  }
  static void TearDownTestSuite() {
    delete shared;
    shared = nullptr;
  }

  void SetUp() override {
    ASSERT_TRUE(shared && shared->registry && !shared->registry->host().empty());
    home_ = std::make_unique<test::TempDir>("cli-search-home");
    // A fresh HOME: no credentials, no Docker config, no default registry.
    test::isolate_home(home_->path());
    ::setenv("HOME", home_->path().c_str(), 1);
    host_ = shared->registry->host();
  }

  // Runs the binary and checks that no key or token is in what it printed.
  test::ProcessResult run(const std::vector<std::string>& args, const std::string& in = {}) {
    auto r = test::run_asterai(args, in);
    for (const std::string* text : {&r.out, &r.err}) {
      for (const auto& key : {shared->alice_key, shared->bob_key})
        EXPECT_EQ(text->find(key), std::string::npos) << "a key was printed by " << args[0];
      // Bearer tokens are JWTs: base64url of '{"', so they start with "eyJ".
      EXPECT_EQ(text->find("eyJ"), std::string::npos) << "a token was printed by " << args[0];
      EXPECT_EQ(text->find("astk_"), std::string::npos) << "a key was printed by " << args[0];
    }
    return r;
  }
  void login(const std::string& user, const std::string& key) {
    auto r = run({"login", host_, "-u", user, "--password-stdin"}, key + "\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  json search_json(const std::string& query) {
    auto r = run({"search", "--registry", host_, "--json", query});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out, nullptr, false);
  }
  static std::vector<std::string> names(const json& page) {
    std::vector<std::string> out;
    for (const auto& hit : page["results"]) out.push_back(hit["name"]);
    return out;
  }

  std::unique_ptr<test::TempDir> home_;
  std::string host_;
};

using Names = std::vector<std::string>;

TEST_F(CliSearch, RanksAsTheRegistryDoesWithLatestVersionAndTools) {
  // "weather": in weather-tools' name (10) and description (4); in almanac's description (4).
  auto page = search_json("weather");
  EXPECT_EQ(names(page), (Names{"alice/weather-tools", "alice/almanac"}));
  EXPECT_EQ(page["registry"], host_);
  EXPECT_EQ(page["query"], "weather");
  EXPECT_EQ(page["total"], 2);
  EXPECT_EQ(page["page"], 1);
  EXPECT_EQ(page["per_page"], 20);
  const auto& top = page["results"][0];
  for (const char* key :
       {"name", "ref", "latest", "description", "tools", "interfaces", "tags", "score"})
    EXPECT_TRUE(top.contains(key)) << key << " missing in " << top.dump();
  // The newest release, not the pre-release pushed after it.
  EXPECT_EQ(top["latest"], "1.1.0");
  EXPECT_EQ(top["ref"], host_ + "/alice/weather-tools:1.1.0");
  EXPECT_EQ(top["tags"], json({"1.0.0", "1.1.0", "1.2.0-rc.1", "latest"}));
  EXPECT_EQ(top["description"], "Forecasts for any city");
  EXPECT_EQ(top["visibility"], "public");
  auto tools = top["tools"].get<std::vector<std::string>>();
  EXPECT_NE(std::find(tools.begin(), tools.end(), "values_greet"), tools.end()) << top.dump();
  EXPECT_GT(top["score"].get<int>(), page["results"][1]["score"].get<int>());

  // A tool name ranks: only the kitchen sink has `values_greet`.
  EXPECT_EQ(names(search_json("greet")), (Names{"alice/weather-tools"}));
  // Every word must match.
  EXPECT_EQ(names(search_json("weather tides")), (Names{"alice/almanac"}));

  // The human listing: the same order, a reference to copy, the description and tools.
  auto human = run({"search", "--registry", host_, "weather"});
  ASSERT_EQ(human.exit_code, 0) << human.err;
  auto first = human.out.find(host_ + "/alice/weather-tools:1.1.0\n");
  auto second = human.out.find(host_ + "/alice/almanac:1.0.0\n");
  EXPECT_NE(first, std::string::npos) << human.out;
  EXPECT_NE(second, std::string::npos) << human.out;
  EXPECT_LT(first, second) << human.out;
  EXPECT_NE(human.out.find("  Forecasts for any city\n"), std::string::npos) << human.out;
  EXPECT_NE(human.out.find("  tools: "), std::string::npos) << human.out;

  // Pages, and $ASTERAI_REGISTRY instead of --registry.
  ::setenv("ASTERAI_REGISTRY", host_.c_str(), 1);
  auto paged = run({"search", "--json", "-n", "1", "--page", "2", "weather"});
  ::unsetenv("ASTERAI_REGISTRY");
  ASSERT_EQ(paged.exit_code, 0) << paged.err;
  auto p2 = json::parse(paged.out);
  EXPECT_EQ(names(p2), (Names{"alice/almanac"}));
  EXPECT_EQ(p2["total"], 2);
  auto more = run({"search", "--registry", host_, "-n", "1", "weather"});
  EXPECT_NE(more.out.find("(1 of 2; --page 2 shows more)"), std::string::npos) << more.out;

  auto none = run({"search", "--registry", host_, "no-such-thing"});
  EXPECT_EQ(none.exit_code, 0) << none.err;
  EXPECT_NE(none.out.find("no component in " + host_), std::string::npos) << none.out;
  EXPECT_EQ(search_json("no-such-thing")["results"], json::array());
}

TEST_F(CliSearch, PrivateComponentOnlyForItsOwnerWhenLoggedIn) {
  EXPECT_EQ(names(search_json("weather")), (Names{"alice/weather-tools", "alice/almanac"}));
  auto hidden = run({"show", host_ + "/alice/secret-weather:1.0.0"});
  EXPECT_EQ(hidden.exit_code, 14) << hidden.err;
  EXPECT_NE(hidden.err.find("asterai login " + host_), std::string::npos) << hidden.err;

  login("alice", shared->alice_key);
  // Name (10) + description (4): first once visible.
  auto page = search_json("weather");
  EXPECT_EQ(names(page), (Names{"alice/secret-weather", "alice/weather-tools", "alice/almanac"}));
  EXPECT_EQ(page["results"][0]["visibility"], "private");
  auto human = run({"search", "--registry", host_, "insiders"});
  EXPECT_NE(human.out.find(host_ + "/alice/secret-weather:1.0.0  (private)\n"), std::string::npos)
      << human.out;
  auto shown = run({"show", "--json", host_ + "/alice/secret-weather:1.0.0"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_EQ(json::parse(shown.out)["digest"], shared->digests["alice/secret-weather:1.0.0"]);

  // Another user does not see it, and cannot tell it from a missing one.
  ASSERT_EQ(run({"logout", host_}).exit_code, 0);
  login("bob", shared->bob_key);
  EXPECT_EQ(names(search_json("weather")), (Names{"alice/weather-tools", "alice/almanac"}));
  auto as_bob = run({"show", host_ + "/alice/secret-weather:1.0.0"});
  auto missing = run({"show", host_ + "/alice/never-pushed:1.0.0"});
  EXPECT_EQ(as_bob.exit_code, 14) << as_bob.err;
  EXPECT_EQ(missing.exit_code, 14) << missing.err;
  EXPECT_NE(as_bob.err.find("does not exist or is private"), std::string::npos) << as_bob.err;
}

TEST_F(CliSearch, ShowByTagAndByDigest) {
  std::string digest = shared->digests["alice/weather-tools:1.0.0"];
  auto r = run({"show", "--json", host_ + "/alice/weather-tools:1.0.0"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  auto v = json::parse(r.out);
  EXPECT_EQ(v["ref"], host_ + "/alice/weather-tools:1.0.0");
  EXPECT_EQ(v["digest"], digest);
  EXPECT_EQ(v["description"], "Forecasts for any city");
  EXPECT_EQ(v["versions"], json({"1.0.0", "1.1.0", "1.2.0-rc.1", "latest"}));
  EXPECT_EQ(v["latest"], "1.1.0");
  EXPECT_EQ(v["annotations"]["org.opencontainers.image.version"], "1.0.0");
  EXPECT_EQ(v["wasm"]["size"], fs::file_size(test::component("kitchen-sink-c.wasm")));
  EXPECT_EQ(v["wasm"]["digest"].get<std::string>().rfind("sha256:", 0), 0u);
  EXPECT_FALSE(v["component"]["exports"].empty()) << v["component"].dump();
  bool add = false;
  for (const auto& t : v["tools"])
    if (t["name"] == "add") {
      add = true;
      EXPECT_EQ(t["description"], "Adds two signed 32-bit integers (wrapping on overflow).");
      EXPECT_EQ(t["input_schema"]["properties"]["a"]["type"], "integer");
    }
  EXPECT_TRUE(add) << v["tools"].dump();
  ASSERT_FALSE(v["wit"].empty());
  EXPECT_EQ(v["wit"][0]["name"], "world.wit");
  EXPECT_NE(v["wit"][0]["text"].get<std::string>().find("package asterai:kitchen-sink"),
            std::string::npos);
  EXPECT_EQ(v["warnings"], json::array());

  // The same manifest by digest.
  auto by_digest = run({"show", "--json", host_ + "/alice/weather-tools@" + digest});
  ASSERT_EQ(by_digest.exit_code, 0) << by_digest.err;
  auto d = json::parse(by_digest.out);
  EXPECT_EQ(d["ref"], host_ + "/alice/weather-tools@" + digest);
  EXPECT_EQ(d["digest"], digest);
  EXPECT_EQ(d["tools"], v["tools"]);
  EXPECT_EQ(d["wit"], v["wit"]);

  // No tag: `latest`, which follows the newest release.
  auto latest = run({"show", "--json", host_ + "/alice/weather-tools"});
  ASSERT_EQ(latest.exit_code, 0) << latest.err;
  EXPECT_EQ(json::parse(latest.out)["digest"], shared->digests["alice/weather-tools:1.1.0"]);

  // The human form, with --registry for a reference without a host.
  auto human = run({"show", "--registry", host_, "alice/weather-tools:1.0.0"});
  ASSERT_EQ(human.exit_code, 0) << human.err;
  for (const std::string& part :
       {host_ + "/alice/weather-tools:1.0.0\n", std::string("  Forecasts for any city\n"),
        "  digest    " + digest + "\n",
        std::string("  versions  1.0.0 1.1.0 1.2.0-rc.1 latest  (latest 1.1.0)\n"),
        std::string("\n  add  func(a: s32, b: s32) -> s32\n"),
        std::string("      Adds two signed 32-bit integers (wrapping on overflow).\n"),
        std::string("wit: world.wit\npackage asterai:kitchen-sink")})
    EXPECT_NE(human.out.find(part), std::string::npos) << part << "\n---\n" << human.out;
  auto short_form = run({"show", "--no-wit", "--registry", host_, "alice/weather-tools:1.0.0"});
  EXPECT_EQ(short_form.out.find("wit: "), std::string::npos) << short_form.out;
}

TEST_F(CliSearch, ShowNeverDownloadsTheWasm) {
  login("alice", shared->alice_key);
  std::string ref = host_ + "/alice/no-wasm:1.0.0";
  auto pushed = run({"push", "--json", "--public", "--wit", kitchen_sink_wit(),
                     test::component("kitchen-sink-c.wasm").string(), ref});
  ASSERT_EQ(pushed.exit_code, 0) << pushed.err;
  auto before = json::parse(run({"show", "--json", ref}).out);
  std::string wasm = before["wasm"]["digest"];

  // Unlink the wasm layer from the repository (the owner's DELETE): a client that tried to
  // download it would now fail.
  oci::HttpClient http;
  oci::HttpRequest token;
  token.url =
      "http://" + host_ + "/token?service=asterai-registry&scope=repository:alice/no-wasm:delete";
  token.headers.push_back("Authorization: Basic " +
                          oci::base64_encode("alice:" + shared->alice_key));
  auto granted = http.send(token);
  ASSERT_TRUE(granted && granted->status == 200);
  oci::HttpRequest del;
  del.method = "DELETE";
  del.url = "http://" + host_ + "/v2/alice/no-wasm/blobs/" + wasm;
  del.headers.push_back("Authorization: Bearer " +
                        json::parse(granted->body)["token"].get<std::string>());
  auto deleted = http.send(del);
  ASSERT_TRUE(deleted);
  ASSERT_EQ(deleted->status, 202) << deleted->body;
  auto pull = run({"pull", ref});
  EXPECT_NE(pull.exit_code, 0) << "the wasm layer is still there";

  auto after = run({"show", "--json", ref});
  ASSERT_EQ(after.exit_code, 0) << after.err;
  EXPECT_EQ(json::parse(after.out)["wasm"], before["wasm"]);
  EXPECT_EQ(json::parse(after.out)["tools"], before["tools"]);
}

struct BadCase {
  std::vector<std::string> args;
  int exit_code;
  std::string in_stderr;
};

TEST_F(CliSearch, MissingThingsAndADownRegistryAreOneClearLine) {
  const std::string down = "127.0.0.1:1";
  const std::vector<BadCase> cases = {
      {{"show", host_ + "/alice/weather-tools:9.9.9"}, 14, "does not exist"},
      {{"show", host_ + "/alice/weather-tools@sha256:" + std::string(64, 'a')},
       14,
       "does not exist"},
      {{"show", host_ + "/alice/never-pushed:1.0.0"}, 14, "asterai login " + host_},
      {{"show", "--json", host_ + "/alice/weather-tools:9.9.9"}, 14, "asterai tags"},
      // A referrer is a manifest in the repository, but not a component.
      {{"show", host_ + "/alice/weather-tools@" + shared->tools_referrer},
       15,
       "no application/wasm layer"},
      {{"show", down + "/alice/x:1.0.0"}, 18, down},
      {{"search", "--registry", down, "weather"}, 18, down},
      {{"search", "--json", "--registry", down, "weather"}, 18, down},
      {{"search", "weather"}, 2, "--registry"},
      {{"show", "alice/weather-tools:1.0.0"}, 2, "ASTERAI_REGISTRY"},
      {{"search", "--registry", host_, "-n", "0", "x"}, 2, "--limit"},
  };
  for (const auto& c : cases) {
    auto r = run(c.args);
    std::string joined;
    for (const auto& a : c.args) joined += a + " ";
    EXPECT_EQ(r.exit_code, c.exit_code) << joined << "\n" << r.err;
    EXPECT_NE(r.err.find(c.in_stderr), std::string::npos) << joined << "\n" << r.err;
    EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << joined << "\n" << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << joined << "\n" << r.err;
    if (std::find(c.args.begin(), c.args.end(), "--json") != c.args.end()) {
      EXPECT_TRUE(json::parse(r.out, nullptr, false).contains("error")) << r.out;
    }
  }
}

TEST_F(CliSearch, LoginStatusSaysWhereAndAsWhomNeverTheSecret) {
  auto none = run({"login", "--status"});
  EXPECT_EQ(none.exit_code, 0) << none.err;
  EXPECT_NE(none.out.find("not logged in to any registry"), std::string::npos) << none.out;
  EXPECT_EQ(json::parse(run({"whoami", "--json"}).out), json({{"logins", json::array()}}));
  auto not_here = run({"login", "--status", host_});
  EXPECT_EQ(not_here.exit_code, 17) << not_here.err;
  EXPECT_NE(not_here.err.find("asterai login " + host_), std::string::npos) << not_here.err;
  auto no_registry = run({"login"});
  EXPECT_EQ(no_registry.exit_code, 2) << no_registry.err;
  EXPECT_NE(no_registry.err.find("--status"), std::string::npos) << no_registry.err;

  // A second registry, with its own user.
  ServedRegistry second(home_->path() / "second-registry");
  ASSERT_FALSE(second.host().empty());
  std::string carol_key = second.add_user("carol");
  login("alice", shared->alice_key);
  auto in = run({"login", second.host(), "-u", "carol", "--password-stdin"}, carol_key + "\n");
  ASSERT_EQ(in.exit_code, 0) << in.err;

  auto status = run({"login", "--status", "--json"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_EQ(status.out.find(carol_key), std::string::npos);
  auto logins = json::parse(status.out)["logins"];
  ASSERT_EQ(logins.size(), 2u) << status.out;
  std::map<std::string, std::string> who;
  for (const auto& l : logins) {
    who[l["registry"]] = l["username"];
    EXPECT_EQ(l["source"], (home_->path() / "credentials.json").string());
    EXPECT_EQ(l.size(), 3u) << l.dump();  // registry, username, source: nothing secret
  }
  EXPECT_EQ(who, (std::map<std::string, std::string>{{host_, "alice"}, {second.host(), "carol"}}));
  auto human = run({"whoami"});
  ASSERT_EQ(human.exit_code, 0) << human.err;
  EXPECT_NE(human.out.find(host_ + "  alice  ("), std::string::npos) << human.out;
  EXPECT_NE(human.out.find(second.host() + "  carol  ("), std::string::npos) << human.out;
  EXPECT_EQ(human.out.find(carol_key), std::string::npos);
  auto one = json::parse(run({"login", "--status", "--json", second.host()}).out)["logins"];
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0]["username"], "carol");

  // Docker's logins count too, after asterai's own.
  fs::create_directories(home_->path() / "docker");
  std::ofstream(home_->path() / "docker" / "config.json")
      << json{{"auths", {{"registry.example.com", {{"auth", oci::base64_encode("dora:pw-x1")}}}}}}
             .dump();
  auto with_docker = run({"whoami", "--json"});
  auto all = json::parse(with_docker.out)["logins"];
  ASSERT_EQ(all.size(), 3u) << with_docker.out;
  EXPECT_EQ(all[2]["registry"], "registry.example.com");
  EXPECT_EQ(all[2]["username"], "dora");
  EXPECT_EQ(with_docker.out.find("pw-x1"), std::string::npos);
}

}  // namespace
}  // namespace asterai
