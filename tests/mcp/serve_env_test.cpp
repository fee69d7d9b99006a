// `asterai serve --environment ENV` over stdio, end to end: the real binary serves an
// environment (a JavaScript component importing a C one, both pushed to an in-process
// registry) to a piped MCP conversation; calls go through the environment's composition with
// each component's own policy.
#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "mcp_test_support.h"
#include "test_server.h"
#include "test_support.h"

namespace asterai {
namespace {

using nlohmann::json;

class ServeEnv : public ::testing::Test {
 protected:
  void SetUp() override {
    test::isolate_home(home_.path());
    host_ = registry_.base_url().substr(7);
  }
  void TearDown() override { ::unsetenv("ASTERAI_HOME"); }

  void ok(const std::vector<std::string>& args) {
    auto r = test::run_asterai(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  void publish(const std::string& wasm, const std::string& repo) {
    ok({"push", "--no-wit", test::component(wasm).string(), host_ + "/" + repo});
  }
  // The math (C) and text (JS, imports math) components; math gets the var UNIT, text may
  // reach one host.
  void make_duo() {
    publish("compose-c-math.wasm", "alice/math:0.1.0");
    publish("compose-js-text.wasm", "alice/text:0.1.0");
    ok({"env", "init", "alice/duo"});
    ok({"env", "add", "alice/duo", "math", host_ + "/alice/math:0.1.0"});
    ok({"env", "add", "alice/duo", "text", host_ + "/alice/text:0.1.0"});
    ok({"env", "set-var", "alice/duo", "UNIT", "metres"});
    ok({"env", "grant", "alice/duo", "math", "--var", "UNIT"});
    ok({"env", "grant", "alice/duo", "text", "--allow-host", "api.example.com"});
  }

  registry::testing::TestRegistry registry_{false};
  test::TempDir home_{"serve-env-home"};
  std::string host_;
};

std::map<std::string, json> responses(const std::string& out) {
  std::map<std::string, json> by_id;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    auto m = json::parse(line, nullptr, false);
    EXPECT_FALSE(m.is_discarded()) << "not JSON on stdout: " << line;
    if (!m.is_discarded() && m.contains("id")) by_id[m["id"].dump()] = m;
  }
  return by_id;
}

json call(int id, const std::string& tool, json arguments) {
  return mcp::test::request(id, "tools/call", {{"name", tool}, {"arguments", arguments}});
}

// The MCP handshake, then `requests`: the stdin of one `asterai serve` conversation.
std::string conversation(const std::vector<json>& requests) {
  std::string input =
      mcp::test::request(0, "initialize",
                         {{"protocolVersion", "2025-11-25"},
                          {"capabilities", json::object()},
                          {"clientInfo", {{"name", "t"}, {"version", "1"}}}})
          .dump() +
      "\n" + json{{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}}.dump() + "\n";
  for (const auto& r : requests) input += r.dump() + "\n";
  return input;
}

TEST_F(ServeEnv, ServesTheComponentsThroughTheComposition) {
  make_duo();
  std::string input = conversation({mcp::test::request(1, "tools/list"),
                                    call(2, "text_text_summary", {{"a", 2}, {"b", 3}}),
                                    call(3, "text_text_math-env", {{"name", "UNIT"}}),
                                    call(4, "math_math_add", {{"a", 40}, {"b", 2}})});
  auto r = test::run_asterai({"serve", "--environment", "alice/duo"}, input);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto o = responses(r.out);

  std::map<std::string, json> tools;
  for (const auto& t : o["1"]["result"]["tools"]) tools[t["name"]] = t;
  ASSERT_TRUE(tools.contains("math_math_add")) << o["1"].dump();
  ASSERT_TRUE(tools.contains("text_text_summary")) << o["1"].dump();
  ASSERT_TRUE(tools.contains("text_text_math-env")) << o["1"].dump();
  // Annotations follow each component's own grants: text may use the network, math may not.
  EXPECT_EQ(tools["math_math_add"]["annotations"]["readOnlyHint"], true);
  EXPECT_EQ(tools["text_text_summary"]["annotations"]["readOnlyHint"], false);
  EXPECT_EQ(tools["text_text_summary"]["annotations"]["openWorldHint"], true);

  // JS -> C through the composition.
  ASSERT_FALSE(o["2"]["result"].value("isError", false)) << o["2"].dump();
  auto summary = o["2"]["result"]["structuredContent"]["result"].get<std::string>();
  EXPECT_NE(summary.find('5'), std::string::npos) << summary;
  // The provider runs with its own grant (UNIT), though the caller was not given it.
  EXPECT_EQ(o["3"]["result"]["structuredContent"]["result"], "metres") << o["3"].dump();
  EXPECT_EQ(o["4"]["result"]["structuredContent"]["result"], 42) << o["4"].dump();
}

// Registry references are served like files: pulled on demand into the local store, named
// after the repository unless NAME= says otherwise; --offline never pulls.
TEST_F(ServeEnv, ServesRegistryReferences) {
  publish("compose-c-math.wasm", "alice/math:0.1.0");
  std::string ref = host_ + "/alice/math:0.1.0";
  std::string input = conversation({call(1, "math_math_add", {{"a", 40}, {"b", 2}}),
                                    call(2, "calc_math_add", {{"a", 1}, {"b", 2}})});

  // Not in the local store yet: --offline refuses, naming the reference.
  auto offline = test::run_asterai({"serve", "--offline", ref}, input);
  EXPECT_NE(offline.exit_code, 0);
  EXPECT_NE(offline.err.find("alice/math"), std::string::npos) << offline.err;
  EXPECT_TRUE(offline.out.empty()) << offline.out;

  auto r = test::run_asterai({"serve", ref, "calc=" + ref}, input);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto o = responses(r.out);
  EXPECT_EQ(o["1"]["result"]["structuredContent"]["result"], 42) << o["1"].dump();
  EXPECT_EQ(o["2"]["result"]["structuredContent"]["result"], 3) << o["2"].dump();
  // Now stored: --offline serves it.
  auto again = test::run_asterai({"serve", "--offline", ref}, input);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(responses(again.out)["1"]["result"]["structuredContent"]["result"], 42);
}

TEST_F(ServeEnv, BadEnvironmentsAndFlagsAreOneLineErrors) {
  auto one_line = [](const test::ProcessResult& r) {
    return !r.err.empty() && r.err.find('\n') == r.err.size() - 1;
  };
  auto missing = test::run_asterai({"serve", "--environment", "alice/ghost"}, "");
  EXPECT_EQ(missing.exit_code, 14) << missing.err;
  EXPECT_TRUE(one_line(missing)) << missing.err;
  EXPECT_NE(missing.err.find("alice/ghost"), std::string::npos) << missing.err;
  EXPECT_TRUE(missing.out.empty()) << missing.out;

  auto bad_name = test::run_asterai({"serve", "--environment", "Not An Env"}, "");
  EXPECT_EQ(bad_name.exit_code, 2) << bad_name.err;
  EXPECT_TRUE(one_line(bad_name)) << bad_name.err;

  auto nothing = test::run_asterai({"serve"}, "");
  EXPECT_EQ(nothing.exit_code, 2) << nothing.err;
  EXPECT_NE(nothing.err.find("--environment"), std::string::npos) << nothing.err;

  make_duo();
  auto both = test::run_asterai(
      {"serve", "--environment", "alice/duo", test::component("compose-c-math.wasm").string()}, "");
  EXPECT_EQ(both.exit_code, 2) << both.err;
  auto sandbox = test::run_asterai({"serve", "--environment", "alice/duo", "--timeout", "1s"}, "");
  EXPECT_EQ(sandbox.exit_code, 2) << sandbox.err;
  EXPECT_NE(sandbox.err.find("--timeout"), std::string::npos) << sandbox.err;
  EXPECT_TRUE(one_line(sandbox)) << sandbox.err;
  // The environment's components fail to link without their provider: nothing is served.
  ok({"env", "remove", "alice/duo", "math"});
  auto unlinked = test::run_asterai({"serve", "--environment", "alice/duo"}, "");
  EXPECT_EQ(unlinked.exit_code, 4) << unlinked.err;
  EXPECT_NE(unlinked.err.find("asterai:compose/math"), std::string::npos) << unlinked.err;
  EXPECT_TRUE(unlinked.out.empty()) << unlinked.out;
}

// A draft whose components were added from files is served offline, from the store's
// copies: rebuilding a file changes nothing until `env update`.
TEST_F(ServeEnv, ServesLocalComponentsOffline) {
  test::TempDir work("serve-env-local");
  auto math = work.path() / "math.wasm";
  std::filesystem::copy_file(test::component("compose-c-math.wasm"), math);
  ok({"env", "init", "alice/loc"});
  ok({"env", "add", "alice/loc", "math", math.string()});
  ok({"env", "add", "alice/loc", "text", test::component("compose-js-text.wasm").string()});
  std::filesystem::copy_file(test::component("command-hello.wasm"), math,
                             std::filesystem::copy_options::overwrite_existing);
  std::string input = conversation({call(1, "math_math_add", {{"a", 40}, {"b", 2}}),
                                    call(2, "text_text_summary", {{"a", 2}, {"b", 3}})});
  auto r = test::run_asterai({"serve", "--offline", "--environment", "alice/loc"}, input);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto o = responses(r.out);
  EXPECT_EQ(o["1"]["result"]["structuredContent"]["result"], 42) << o["1"].dump();
  auto summary = o["2"]["result"]["structuredContent"]["result"].get<std::string>();
  EXPECT_NE(summary.find('5'), std::string::npos) << summary;

  // After `env update`, math is the new build, which exports no math interface: the
  // environment no longer links.
  ok({"env", "update", "alice/loc"});
  auto unlinked = test::run_asterai({"serve", "--offline", "--environment", "alice/loc"}, input);
  EXPECT_EQ(unlinked.exit_code, 4) << unlinked.err;
  EXPECT_NE(unlinked.err.find("asterai:compose/math"), std::string::npos) << unlinked.err;
}

}  // namespace
}  // namespace asterai
