// `asterai call` grants end to end: the real binary, the sandbox-probe component, and the
// --dir / --env / --allow-host flags. Only what is granted on the command line gets through.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>

#include <nlohmann/json.hpp>

#include "loopback_http_server.h"
#include "test_support.h"

namespace asterai {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class CliSandbox : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(data_);
    std::ofstream(data_ / "note.txt") << "granted note";
    std::ofstream(tmp_.path() / "secret.txt") << "top secret";
  }
  test::ProcessResult call(const std::vector<std::string>& args) {
    std::vector<std::string> full = {"call", "--cache-dir", test::shared_cache_dir().string(),
                                     test::component("sandbox-probe.wasm").string()};
    full.insert(full.end(), args.begin(), args.end());
    return test::run_asterai(full);
  }
  static std::string read_text(const fs::path& p) {
    std::ifstream in(p);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

  test::TempDir tmp_{"cli-sandbox"};
  fs::path data_ = tmp_.path() / "data";
};

TEST_F(CliSandbox, FilesOnlyThroughDirGrants) {
  // No grant: nothing on the host's file system is visible.
  auto r = call({"probe/read-file", "/etc/passwd"});
  EXPECT_EQ(r.exit_code, 0) << r.err;  // the guest returned its error as a value
  EXPECT_EQ(r.out, "{\"err\":\"open: Capabilities insufficient\"}\n");

  // --dir HOST:GUEST is read-only by default; `..` does not leave it.
  const std::string ro = data_.string() + ":/data";
  r = call({"--dir", ro, "probe/read-file", "/data/note.txt"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "{\"ok\":\"granted note\"}\n");
  r = call({"--dir", ro, "probe/read-file-at", "/data", "../secret.txt"});
  EXPECT_EQ(r.out, "{\"err\":\"openat: Operation not permitted\"}\n") << r.err;
  r = call({"--dir", ro, "probe/write-file", "/data/note.txt", "overwritten"});
  EXPECT_EQ(r.out, "{\"err\":\"open: Operation not permitted\"}\n") << r.err;
  EXPECT_EQ(read_text(data_ / "note.txt"), "granted note");

  // :rw allows writing inside the folder, and only there.
  r = call({"--dir", data_.string() + ":/data:rw", "probe/write-file", "/data/out.txt", "hi"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "{\"ok\":null}\n");
  EXPECT_EQ(read_text(data_ / "out.txt"), "hi");
  r = call({"--dir", data_.string() + ":/data:rw", "probe/write-file", "/data/../secret.txt", "x"});
  EXPECT_EQ(r.out, "{\"err\":\"open: Operation not permitted\"}\n") << r.err;
  EXPECT_EQ(read_text(tmp_.path() / "secret.txt"), "top secret");

  // A grant of a folder that does not exist is a usage error, not a silent no-op.
  r = call({"--dir", (tmp_.path() / "missing").string(), "probe/ping"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("is not a directory"), std::string::npos) << r.err;
}

TEST_F(CliSandbox, EnvironmentOnlyThroughEnvGrants) {
  ::setenv("ASTERAI_CLI_TEST_TOKEN", "from-the-host", 1);
  auto r = call({"probe/get-env", "ASTERAI_CLI_TEST_TOKEN"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "null\n");  // the child process has it; the guest does not
  r = call({"probe/env-count"});
  EXPECT_EQ(r.out, "0\n") << r.err;

  r = call({"--env", "ASTERAI_CLI_TEST_TOKEN", "--env", "MODE=fast", "probe/get-env",
            "ASTERAI_CLI_TEST_TOKEN"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "\"from-the-host\"\n");
  r = call({"--env", "MODE=fast", "probe/env-count"});
  EXPECT_EQ(r.out, "1\n") << r.err;

  r = call({"--env", "ASTERAI_CLI_TEST_SURELY_UNSET", "probe/env-count"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("is not set"), std::string::npos) << r.err;
}

TEST_F(CliSandbox, HttpOnlyToAllowedHosts) {
  test::LoopbackHttpServer server(203);
  auto r = call({"--json", "probe/http-get", server.url("/denied")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto envelope = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(envelope.is_object()) << r.out;
  EXPECT_EQ(envelope["result"], json({{"err", "HTTP-request-denied"}}));
  EXPECT_EQ(envelope["denied_requests"], json::array({"http://" + server.authority()}));
  EXPECT_NE(r.err.find("denied outgoing HTTP request to http://" + server.authority()),
            std::string::npos)
      << r.err;

  r = call({"--allow-host", server.authority(), "probe/http-get", server.url("/allowed")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "{\"ok\":203}\n");
  EXPECT_EQ(server.requests(), std::vector<std::string>{"GET /allowed"});

  // A bare * would allow everything: refused before anything runs.
  r = call({"--allow-host", "*", "probe/http-get", server.url("/star")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("a bare * would allow everything"), std::string::npos) << r.err;
  // A wildcard never covers an address: refused with its reason, nothing sent.
  r = call({"--allow-host", "*.0.0.1", "probe/http-get", server.url("/wildcard")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("allowed host \"*.0.0.1\": a wildcard matches host names, never IP"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST_F(CliSandbox, HttpTrafficIsInTheStats) {
  test::LoopbackHttpServer server;
  server.set_response_body_size(5000);
  auto r = call({"--json", "--allow-host", server.authority(), "probe/http-post",
                 server.url("/upload"), "3000"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto envelope = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(envelope.is_object()) << r.out;
  EXPECT_EQ(envelope["result"], json({{"ok", 5000}}));
  EXPECT_EQ(envelope["stats"]["http_requests"], 1);
  EXPECT_EQ(envelope["stats"]["http_bytes_sent"], 3000);
  EXPECT_EQ(envelope["stats"]["http_bytes_received"], 5000);
  EXPECT_EQ(server.body_bytes_received(), 3000u);
}

TEST_F(CliSandbox, TimeoutEndsASleepInTheHost) {
  auto start = std::chrono::steady_clock::now();
  auto r = call({"--timeout", "300ms", "probe/sleep-ms", "30000"});
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_NE(r.err.find("exceeded its time limit"), std::string::npos) << r.err;
  EXPECT_EQ(r.exit_code, 9) << r.err;         // timeout (docs/cli.md)
  EXPECT_LT(took, std::chrono::seconds(10));  // a correctness bound: not the 30 s sleep
}

TEST_F(CliSandbox, GuestStdoutIsBoundedAndMarked) {
  auto r = call({"--json", "probe/write-stdout", std::to_string(3 << 20)});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto envelope = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(envelope.is_object()) << r.out.substr(0, 200);
  EXPECT_EQ(envelope["stdout"].get<std::string>().size(), size_t{1} << 20);
  EXPECT_EQ(envelope["stdout_truncated"], true);
  EXPECT_EQ(envelope["stats"]["stdout_bytes"], 3 << 20);
}

}  // namespace
}  // namespace asterai
