// `asterai serve` over stdio, end to end with the real binary: the whole conversation is
// piped in, the server answers every request and exits when its input ends.
#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "mcp_test_support.h"
#include "test_support.h"

namespace asterai {
namespace {

using nlohmann::json;

std::string lines(const std::vector<json>& messages) {
  std::string out;
  for (const auto& m : messages) out += m.dump() + "\n";
  return out;
}

// Responses by id (as text), plus the messages without an id.
struct Output {
  std::map<std::string, json> by_id;
  std::vector<json> others;
};

Output parse_output(const std::string& out) {
  Output o;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    auto m = json::parse(line, nullptr, false);
    EXPECT_FALSE(m.is_discarded()) << "not JSON on stdout: " << line;
    if (m.is_discarded()) continue;
    if (m.contains("id") && !m["id"].is_null())
      o.by_id[m["id"].dump()] = m;
    else
      o.others.push_back(m);
  }
  return o;
}

json init_message() {
  return mcp::test::request(0, "initialize",
                            {{"protocolVersion", "2025-03-26"},
                             {"capabilities", json::object()},
                             {"clientInfo", {{"name", "t"}, {"version", "1"}}}});
}

TEST(ServeStdio, AConversation) {
  test::TempDir dir("serve-stdio");
  auto adversary = mcp::test::write_adversary(dir.path());
  std::string input = lines(
      {init_message(),
       {{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}},
       mcp::test::request(1, "tools/list"),
       mcp::test::request(2, "tools/call",
                          {{"name", "kitchen-sink-c_add"}, {"arguments", {{"a", 2}, {"b", 3}}}}),
       mcp::test::request(3, "tools/call", {{"name", "adversary_spin"}}),
       mcp::test::request(4, "tools/call", {{"name", "adversary_fail"}}),
       mcp::test::request(5, "nope/nope"),
       mcp::test::request(6, "ping")});
  input += "{oops\n\n";
  auto r = test::run_asterai(
      {"serve", "--cache-dir", test::shared_cache_dir().string(), "--timeout", "300ms",
       test::component("kitchen-sink-c.wasm").string(), adversary.string()},
      input);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("tools on stdio"), std::string::npos) << r.err;
  auto o = parse_output(r.out);
  EXPECT_EQ(o.by_id["0"]["result"]["protocolVersion"], "2025-03-26");
  EXPECT_GE(o.by_id["1"]["result"]["tools"].size(), 30u);
  // A 2025-03-26 client gets the result as text only (no structuredContent yet then).
  EXPECT_FALSE(o.by_id["2"]["result"].contains("structuredContent"));
  EXPECT_EQ(json::parse(o.by_id["2"]["result"]["content"][0]["text"].get<std::string>())["result"],
            5);
  EXPECT_EQ(o.by_id["3"]["result"]["isError"], true);
  EXPECT_TRUE(
      o.by_id["3"]["result"]["content"][0]["text"].get<std::string>().starts_with("timeout:"));
  EXPECT_EQ(o.by_id["4"]["result"]["isError"], true);
  EXPECT_EQ(o.by_id["5"]["error"]["code"], -32601);
  EXPECT_EQ(o.by_id["6"]["result"], json::object());
  ASSERT_EQ(o.others.size(), 1u);  // the parse error has a null id
  EXPECT_EQ(o.others[0]["error"]["code"], -32700);
}

TEST(ServeStdio, OversizedMessagesAreRefusedAndServingGoesOn) {
  std::string input = lines({init_message()});
  input += std::string(4096, ' ') + "\n";
  input += lines({mcp::test::request(1, "ping")});
  auto r = test::run_asterai(
      {"serve", "--cache-dir", test::shared_cache_dir().string(), "--max-request-size", "1KiB",
       test::component("kitchen-sink-c.wasm").string()},
      input);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto o = parse_output(r.out);
  ASSERT_EQ(o.others.size(), 1u) << r.out;
  EXPECT_EQ(o.others[0]["error"]["code"], -32700);
  EXPECT_NE(o.others[0]["error"]["message"].get<std::string>().find("too large"),
            std::string::npos);
  EXPECT_EQ(o.by_id["1"]["result"], json::object());
}

TEST(ServeStdio, BadCommandLines) {
  auto none = test::run_asterai({"serve"});
  EXPECT_EQ(none.exit_code, 2);
  auto missing = test::run_asterai({"serve", "/nonexistent/x.wasm"}, "\n");
  EXPECT_EQ(missing.exit_code, 3) << missing.err;
  EXPECT_TRUE(missing.err.starts_with("error: ")) << missing.err;
  auto both = test::run_asterai({"serve", "--mcp", "stdio", "--listen", "127.0.0.1:0", "x.wasm"});
  EXPECT_EQ(both.exit_code, 2);
  auto remote = test::run_asterai(
      {"serve", "--listen", "0.0.0.0:0", test::component("kitchen-sink-c.wasm").string()});
  EXPECT_EQ(remote.exit_code, 2);
  EXPECT_NE(remote.err.find("--token-file"), std::string::npos) << remote.err;
  auto dup = test::run_asterai({"serve", test::component("kitchen-sink-c.wasm").string(),
                                test::component("kitchen-sink-c.wasm").string()},
                               "\n");
  EXPECT_EQ(dup.exit_code, 2);
  EXPECT_NE(dup.err.find("NAME="), std::string::npos) << dup.err;
  auto bad_name = test::run_asterai({"serve", "a_b=x.wasm"}, "\n");
  EXPECT_EQ(bad_name.exit_code, 2);
  // Both servers read --listen alike: a port with trailing garbage is refused, not truncated.
  for (const std::vector<std::string>& cmd :
       {std::vector<std::string>{"serve", "--listen", "127.0.0.1:5000x",
                                 test::component("kitchen-sink-c.wasm").string()},
        std::vector<std::string>{"registry", "serve", "--listen", "127.0.0.1:5000x"},
        std::vector<std::string>{"registry", "serve", "--listen", "127.0.0.1:70000"}}) {
    auto r = test::run_asterai(cmd);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("--listen: invalid port"), std::string::npos) << r.err;
  }
}

TEST(ServeStdio, AMissingImportFailsOneCallAndServingGoesOn) {
  std::string input =
      lines({init_message(),
             {{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}},
             mcp::test::request(1, "tools/call",
                                {{"name", "missing-imports_roundtrip"}, {"arguments", {{"x", 7}}}}),
             mcp::test::request(
                 2, "tools/call",
                 {{"name", "missing-imports_add"}, {"arguments", {{"a", 40}, {"b", 2}}}})});
  auto r = test::run_asterai({"serve", "--cache-dir", test::shared_cache_dir().string(),
                              test::component("missing-imports.wasm").string()},
                             input);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto o = parse_output(r.out);
  EXPECT_EQ(o.by_id["1"]["result"]["isError"], true) << r.out;
  EXPECT_EQ(o.by_id["1"]["result"]["content"][0]["text"],
            "missing-import: the component called test:numbers/test#roundtrip-u8, which nothing "
            "provides")
      << r.out;
  EXPECT_EQ(json::parse(o.by_id["2"]["result"]["content"][0]["text"].get<std::string>())["result"],
            42)
      << r.out;
}

}  // namespace
}  // namespace asterai
