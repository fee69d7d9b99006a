// examples/http-fetch: a C tool importing wasi:http, built by `asterai build` (which supplies
// the WASI WIT packages its wit/ does not carry), fetching from a loopback server only when
// the host is granted.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

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

class HttpFetchExample : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    out_ = new test::TempDir("example-http-fetch");
    auto r = run_asterai(
        {"build", kExample.string(), "--out-dir", out_->path().string(), "--json", "--force"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    wasm_ = json::parse(r.out).value("output", "");
    // Nothing changed: the second build runs nothing, WASI packages included.
    r = run_asterai({"build", kExample.string(), "--out-dir", out_->path().string(), "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(json::parse(r.out)["up_to_date"].get<bool>());
    EXPECT_FALSE(fs::exists(kExample / "wit/deps")) << "the source tree stays clean";
  }
  static void TearDownTestSuite() {
    delete out_;
    out_ = nullptr;
  }

  // `asterai call [flags...] http-fetch.wasm fetch/get URL MAX`
  test::ProcessResult get(std::vector<std::string> flags, const std::string& url, int max) {
    std::vector<std::string> argv{"call", "--cache-dir", test::shared_cache_dir().string()};
    argv.insert(argv.end(), flags.begin(), flags.end());
    argv.insert(argv.end(), {wasm_.string(), "fetch/get", json(url).dump(), std::to_string(max)});
    return run_asterai(argv);
  }

  static test::TempDir* out_;
  static fs::path wasm_;
};

test::TempDir* HttpFetchExample::out_ = nullptr;
fs::path HttpFetchExample::wasm_;

TEST_F(HttpFetchExample, GrantedHostAnswersWithStatusTypeSizeDigestAndHead) {
  test::LoopbackHttpServer server(200);
  const std::string body = "recorded\n";  // what the loopback server sends
  auto r = get({"--allow-host", server.authority()}, server.url("/page?q=1"), 100);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto got = json::parse(r.out);
  json expected = {
      {"ok",
       {{"status", 200},
        {"content-type", "text/plain"},
        {"size", body.size()},
        {"sha256", sha256_hex({reinterpret_cast<const uint8_t*>(body.data()), body.size()})},
        {"head", body}}}};
  EXPECT_EQ(got, expected);

  r = get({"--allow-host", server.authority()}, server.url("/short"), 3);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  got = json::parse(r.out);
  EXPECT_EQ(got["ok"]["head"], "rec");
  EXPECT_EQ(got["ok"]["size"], body.size()) << "the whole body is read and hashed";
  EXPECT_EQ(server.requests(), (std::vector<std::string>{"GET /page?q=1", "GET /short"}));
}

TEST_F(HttpFetchExample, UngrantedHostIsDeniedAndNeverContacted) {
  test::LoopbackHttpServer server(200);
  auto r = get({"--json"}, server.url("/secret"), 10);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto envelope = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(envelope.is_object()) << r.out;
  EXPECT_EQ(envelope["result"], json({{"err", "HTTP-request-denied"}}));
  EXPECT_NE(r.err.find("denied outgoing HTTP request"), std::string::npos) << r.err;

  // A grant for another port of the same host does not cover this one.
  r = get({"--allow-host", "127.0.0.1:1"}, server.url("/other-port"), 10);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out), json({{"err", "HTTP-request-denied"}}));
  EXPECT_TRUE(server.requests().empty());
  EXPECT_EQ(server.connections(), 0);
}

TEST_F(HttpFetchExample, MissingWasiPackagesAreNamed) {
  test::TempDir out("example-http-fetch-nowasi");
  setenv("ASTERAI_WASI_WIT", (out.path() / "nowhere").c_str(), 1);
  auto r = run_asterai({"build", kExample.string(), "--out-dir", out.path().string()});
  unsetenv("ASTERAI_WASI_WIT");
  EXPECT_EQ(r.exit_code, 19) << r.err;  // toolchain-missing
  EXPECT_NE(r.err.find("ASTERAI_WASI_WIT"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out.path() / "http-fetch.wasm"));
}

TEST_F(HttpFetchExample, BadUrlIsAnErrorValue) {
  auto r = get({}, "ftp://127.0.0.1/x", 10);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto got = json::parse(r.out);
  ASSERT_TRUE(got.contains("err")) << r.out;
  EXPECT_EQ(got["err"].get<std::string>().rfind("bad URL", 0), 0u) << r.out;
}

}  // namespace
}  // namespace asterai
