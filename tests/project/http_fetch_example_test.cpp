// examples/http-fetch: one WIT world importing wasi:http, in C and Rust (binding wasi:http
// directly) and JavaScript (fetch()), built by `asterai build` (which supplies the WASI WIT
// packages the world's wit/ does not carry), fetching from a loopback server only when the host is
// granted.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "asterai/common/sha256.h"
#include "loopback_http_server.h"
#include "test_support.h"

namespace asterai {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::run_asterai;

const fs::path kExample = fs::path(ASTERAI_EXAMPLES_DIR) / "http-fetch";

// Builds examples/http-fetch/LANG into `out` and returns the component's path.
fs::path build_example(const std::string& lang, const fs::path& out) {
  fs::path project = kExample / lang;
  auto r = run_asterai({"build", project.string(), "--out-dir", out.string(), "--json", "--force"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  fs::path wasm = json::parse(r.out.empty() ? "{}" : r.out).value("output", "");
  // Nothing changed: the second build runs nothing, the WASI packages included.
  r = run_asterai({"build", project.string(), "--out-dir", out.string(), "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(json::parse(r.out.empty() ? "{}" : r.out).value("up_to_date", false));
  EXPECT_FALSE(fs::exists(kExample / "wit/deps")) << "the source tree stays clean";
  return wasm;
}

// `asterai call [flags...] COMPONENT fetch/get URL MAX`
test::ProcessResult get(const fs::path& wasm, std::vector<std::string> flags,
                        const std::string& url, int max) {
  // A generous limit: the calls are not timed, and a loaded machine is slow to instantiate.
  std::vector<std::string> argv{"call", "--cache-dir", test::shared_cache_dir().string(),
                                "--timeout", "2m"};
  argv.insert(argv.end(), flags.begin(), flags.end());
  argv.insert(argv.end(), {wasm.string(), "fetch/get", json(url).dump(), std::to_string(max)});
  return run_asterai(argv);
}

class HttpFetchExample : public ::testing::TestWithParam<std::string> {};

// One test per language: each builds the component once (the JavaScript build takes a while).
TEST_P(HttpFetchExample, FetchesOnlyFromGrantedHosts) {
  test::TempDir out("example-http-fetch-" + GetParam());
  fs::path wasm = build_example(GetParam(), out.path());
  ASSERT_TRUE(fs::exists(wasm));

  // First, with no server running: this call also compiles the component into the cache,
  // which can take minutes for the JavaScript one on a busy machine.
  auto r = get(wasm, {}, "ftp://127.0.0.1/x", 10);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out),
            json({{"err", "bad URL: expected http://HOST[:PORT]/PATH or https://..."}}));

  // Granted: status, content type, size, SHA-256 and the first bytes of the body.
  test::LoopbackHttpServer server(200, 32, std::chrono::seconds(300));
  const std::string body = "recorded\n";  // what the loopback server sends
  r = get(wasm, {"--allow-host", server.authority()}, server.url("/page?q=1"), 100);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json expected = {
      {"ok",
       {{"status", 200},
        {"content-type", "text/plain"},
        {"size", body.size()},
        {"sha256", sha256_hex({reinterpret_cast<const uint8_t*>(body.data()), body.size()})},
        {"head", body}}}};
  EXPECT_EQ(json::parse(r.out), expected);

  r = get(wasm, {"--allow-host", server.authority()}, server.url("/short"), 3);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto got = json::parse(r.out);
  EXPECT_EQ(got["ok"]["head"], "rec");
  EXPECT_EQ(got["ok"]["size"], body.size()) << "the whole body is read and hashed";
  EXPECT_EQ(server.requests(), (std::vector<std::string>{"GET /page?q=1", "GET /short"}));

  // Not granted: refused before anything is sent; the server sees nothing.
  test::LoopbackHttpServer closed(200, 32, std::chrono::seconds(300));
  r = get(wasm, {"--json"}, closed.url("/secret"), 10);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto envelope = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(envelope.is_object()) << r.out;
  ASSERT_TRUE(envelope["result"].contains("err")) << r.out;
  // C and Rust see the wasi:http error code; fetch() in JavaScript reports a NetworkError.
  EXPECT_EQ(envelope["result"]["err"],
            GetParam() == "js" ? "TypeError: NetworkError when attempting to fetch resource"
                               : "HTTP-request-denied");
  EXPECT_EQ(envelope["denied_requests"], json::array({"http://" + closed.authority()}));
  EXPECT_NE(r.err.find("denied outgoing HTTP request"), std::string::npos) << r.err;

  // A grant for another port of the same host does not cover this one.
  r = get(wasm, {"--allow-host", "127.0.0.1:1"}, closed.url("/other-port"), 10);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(json::parse(r.out).contains("err")) << r.out;
  EXPECT_TRUE(closed.requests().empty());
  EXPECT_EQ(closed.connections(), 0);
}

INSTANTIATE_TEST_SUITE_P(Languages, HttpFetchExample, ::testing::Values("c", "js", "rust"));

TEST(HttpFetchBuild, PackagesTheProjectCarriesAreUsedAsTheyAre) {
  // A copy of the C project whose wit/deps holds a wasi:http of its own that lacks the
  // outgoing-handler interface: the build must take the project's wasi:http, not replace it,
  // and so fail in wit-bindgen.
  test::TempDir tmp("http-fetch-own-deps");
  fs::path project = tmp.path() / "project";
  fs::create_directories(project / "wit/deps");
  fs::copy(kExample / "c", project, fs::copy_options::recursive);
  fs::copy(kExample / "wit/world.wit", project / "wit/world.wit");
  // The copied asterai.toml says wit = "../wit"; point it at the copy instead.
  std::ifstream in(project / "asterai.toml");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  text.replace(text.find("wit = \"../wit\""), 14, "wit = \"wit\"");
  std::ofstream(project / "asterai.toml") << text;
  std::ofstream(project / "wit/deps/http.wit")
      << "package wasi:http@0.2.12;\ninterface types { type status-code = u16; }\n";

  auto r = run_asterai({"build", project.string(), "--out-dir", (tmp.path() / "out").string()});
  EXPECT_EQ(r.exit_code, 20) << r.err;  // build-failed
  EXPECT_NE(r.err.find("outgoing-handler"), std::string::npos) << r.err;

  // Without the project's own wasi:http, the supplied one is used and the build succeeds.
  fs::remove(project / "wit/deps/http.wit");
  r = run_asterai({"build", project.string(), "--out-dir", (tmp.path() / "out").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(tmp.path() / "out/http-fetch-c.wasm"));
}

TEST(HttpFetchBuild, MissingWasiPackagesAreNamed) {
  test::TempDir out("example-http-fetch-nowasi");
  setenv("ASTERAI_WASI_WIT", (out.path() / "nowhere").c_str(), 1);
  auto r = run_asterai({"build", (kExample / "c").string(), "--out-dir", out.path().string()});
  unsetenv("ASTERAI_WASI_WIT");
  EXPECT_EQ(r.exit_code, 19) << r.err;  // toolchain-missing
  EXPECT_NE(r.err.find("ASTERAI_WASI_WIT"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out.path() / "http-fetch-c.wasm"));
}

}  // namespace
}  // namespace asterai
