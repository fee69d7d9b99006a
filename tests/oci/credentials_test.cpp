#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <random>

#include "asterai/oci/credentials.h"

namespace asterai::oci {
namespace {
namespace fs = std::filesystem;

class Creds : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("asterai-creds-" + std::to_string(rd()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(Creds, SavedWithMode0600AndFoundAgain) {
  CredentialStore store(dir_ / "home" / "credentials.json", dir_ / "docker" / "config.json");
  ASSERT_TRUE(store.save("127.0.0.1:5000", {"alice", "astk_secret:with:colons"}));
  struct stat st{};
  ASSERT_EQ(::stat(store.file().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  auto found = store.find("127.0.0.1:5000");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->username, "alice");
  EXPECT_EQ((*found)->password, "astk_secret:with:colons");
  EXPECT_FALSE(*store.find("other:5000"));
  EXPECT_TRUE(*store.remove("127.0.0.1:5000"));
  EXPECT_FALSE(*store.remove("127.0.0.1:5000"));
  EXPECT_FALSE(*store.find("127.0.0.1:5000"));
}

TEST_F(Creds, ReadsDockerConfigAuths) {
  fs::create_directories(dir_ / "docker");
  std::ofstream(dir_ / "docker" / "config.json")
      << R"({"auths":{"https://registry.example.com":{"auth":")" << base64_encode("bob:tok")
      << R"("},)"
      << R"("reg.local:5000":{"username":"carol","password":"pw"}}})";
  CredentialStore store(dir_ / "credentials.json", dir_ / "docker" / "config.json");
  auto remote = store.find("registry.example.com");
  ASSERT_TRUE(remote && *remote);
  EXPECT_EQ((*remote)->username, "bob");
  EXPECT_EQ((*remote)->password, "tok");
  auto local = store.find("reg.local:5000");
  ASSERT_TRUE(local && *local);
  EXPECT_EQ((*local)->username, "carol");
  // asterai's own entry wins over Docker's.
  ASSERT_TRUE(store.save("registry.example.com", {"own", "key"}));
  EXPECT_EQ((*store.find("registry.example.com"))->username, "own");
}

// A fake `docker-credential-<name>` on PATH: answers for reg.helper:5000 only, like a real
// helper (exit 1 and a message otherwise), and records how it was called.
class CredHelpers : public Creds {
 protected:
  void SetUp() override {
    Creds::SetUp();
    fs::create_directories(dir_ / "bin");
    for (std::string name : {"fake", "broken"}) {
      fs::path helper = dir_ / "bin" / ("docker-credential-" + name);
      std::ofstream(helper) << "#!/bin/sh\n"
                            << "read server\n"
                            << "echo \"$1 $server\" >> " << (dir_ / "calls").string() << "\n"
                            << (name == "broken" ? "echo 'not json'; exit 0\n" : "")
                            << "if [ \"$server\" = reg.helper:5000 ]; then\n"
                            << "  echo '{\"ServerURL\":\"reg.helper:5000\",\"Username\":\"dora\","
                               "\"Secret\":\"from-helper\"}'\n"
                            << "else echo 'credentials not found in native keychain'; exit 1; fi\n";
      fs::permissions(helper, fs::perms::owner_all);
    }
    old_path_ = std::getenv("PATH") ? std::getenv("PATH") : "";
    ::setenv("PATH", ((dir_ / "bin").string() + ":" + old_path_).c_str(), 1);
  }
  void TearDown() override {
    ::setenv("PATH", old_path_.c_str(), 1);
    Creds::TearDown();
  }
  CredentialStore with_docker_config(const std::string& text) {
    fs::create_directories(dir_ / "docker");
    std::ofstream(dir_ / "docker" / "config.json") << text;
    return CredentialStore(dir_ / "credentials.json", dir_ / "docker" / "config.json");
  }
  std::string calls() {
    std::ifstream in(dir_ / "calls");
    return {std::istreambuf_iterator<char>(in), {}};
  }
  std::string old_path_;
};

TEST_F(CredHelpers, CredHelpersEntryIsAskedForItsRegistry) {
  auto store = with_docker_config(R"({"credHelpers":{"reg.helper:5000":"fake"},)"
                                  R"("auths":{"reg.helper:5000":{"auth":")" +
                                  base64_encode("stale:entry") +
                                  R"("},"other:5000":{"username":"eve","password":"pw"}}})");
  auto found = store.find("reg.helper:5000");
  ASSERT_TRUE(found && *found) << (found ? "none" : found.error().message);
  EXPECT_EQ((*found)->username, "dora");
  EXPECT_EQ((*found)->password, "from-helper");
  EXPECT_EQ(calls(), "get reg.helper:5000\n");
  // Registries without a credHelpers entry use `auths`, without running the helper.
  EXPECT_EQ((*store.find("other:5000"))->username, "eve");
  EXPECT_EQ(calls(), "get reg.helper:5000\n");
}

TEST_F(CredHelpers, CredsStoreIsAskedThenAuths) {
  auto store = with_docker_config(R"({"credsStore":"fake",)"
                                  R"("auths":{"other:5000":{"username":"eve","password":"pw"}}})");
  EXPECT_EQ((*store.find("reg.helper:5000"))->password, "from-helper");
  // The helper has nothing for other:5000 (exit 1): the `auths` entry is used.
  EXPECT_EQ((*store.find("other:5000"))->username, "eve");
  EXPECT_FALSE(*store.find("nowhere:5000"));
  EXPECT_EQ(calls(), "get reg.helper:5000\nget other:5000\nget nowhere:5000\n");
  // asterai's own entry wins; the helper is not asked.
  ASSERT_TRUE(store.save("reg.helper:5000", {"own", "key"}));
  EXPECT_EQ((*store.find("reg.helper:5000"))->username, "own");
  EXPECT_EQ(calls(), "get reg.helper:5000\nget other:5000\nget nowhere:5000\n");
}

TEST_F(CredHelpers, MissingOrBrokenHelperIsAClearError) {
  auto missing = with_docker_config(R"({"credHelpers":{"reg.helper:5000":"absent"}})");
  auto m = missing.find("reg.helper:5000");
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().message.find("docker-credential-absent"), std::string::npos);
  EXPECT_NE(m.error().message.find("not on PATH"), std::string::npos);
  // A missing global credsStore is skipped, as for any registry it does not know.
  auto global = with_docker_config(R"({"credsStore":"absent"})");
  auto g = global.find("reg.helper:5000");
  ASSERT_TRUE(g);
  EXPECT_FALSE(*g);
  // A helper name cannot smuggle a path.
  auto sneaky = with_docker_config(R"({"credHelpers":{"reg.helper:5000":"../bin/fake"}})");
  EXPECT_FALSE(sneaky.find("reg.helper:5000"));
  auto broken = with_docker_config(R"({"credHelpers":{"reg.helper:5000":"broken"}})");
  auto b = broken.find("reg.helper:5000");
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message.find("docker-credential-broken get"), std::string::npos);
}

TEST_F(Creds, BrokenFileIsAClearError) {
  std::ofstream(dir_ / "credentials.json") << "{not json";
  CredentialStore store(dir_ / "credentials.json", {});
  auto found = store.find("x");
  ASSERT_FALSE(found);
  EXPECT_NE(found.error().message.find("not valid JSON"), std::string::npos);
}

TEST(Base64, RoundTrips) {
  for (std::string s : {"", "a", "ab", "abc", "abcd", "user:pässword\x01\xff"}) {
    auto back = base64_decode(base64_encode(s));
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, s);
  }
  EXPECT_EQ(base64_encode("user:pw"), "dXNlcjpwdw==");
  EXPECT_FALSE(base64_decode("***"));
}

}  // namespace
}  // namespace asterai::oci
