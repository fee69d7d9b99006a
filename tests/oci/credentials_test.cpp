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
