// The secret store: values encrypted at rest, bound to their names, keys from a 0600 file or
// $ASTERAI_SECRET_KEY, loose key files refused.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "asterai/env/secret_store.h"
#include "test_support.h"

namespace asterai::env {
namespace {
namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class SecretStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { ::unsetenv("ASTERAI_SECRET_KEY"); }
  test::TempDir dir_{"env-secrets"};
};

TEST_F(SecretStoreTest, EncryptsAtRestAndReadsBack) {
  const std::string value = "s3cr3t-Value-7f1c";
  {
    auto store = SecretStore::open(dir_.path(), true);
    ASSERT_TRUE(store) << store.error().message;
    ASSERT_TRUE(store->set("API_TOKEN", value));
    ASSERT_TRUE(store->set("OTHER", "x"));
  }
  struct stat st{};
  ASSERT_EQ(::stat((dir_.path() / "key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  for (const auto& f : fs::directory_iterator(dir_.path()))
    EXPECT_EQ(slurp(f.path()).find(value), std::string::npos) << f.path();

  auto store = SecretStore::open(dir_.path(), false);
  ASSERT_TRUE(store);
  EXPECT_EQ(store->names(), (std::vector<std::string>{"API_TOKEN", "OTHER"}));
  auto got = store->get("API_TOKEN");
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, value);
  ASSERT_TRUE(store->remove("OTHER"));
  EXPECT_EQ(store->get("OTHER").error().kind, ErrorKind::not_found);
  EXPECT_EQ(store->remove("OTHER").error().kind, ErrorKind::not_found);
}

TEST_F(SecretStoreTest, ValuesAreBoundToTheirNames) {
  {
    auto store = SecretStore::open(dir_.path(), true);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->set("A", "alpha-value"));
    ASSERT_TRUE(store->set("B", "beta-value"));
  }
  // Swap the sealed values in the file: decryption must fail, not hand A's value to B.
  auto text = slurp(dir_.path() / "secrets.json");
  auto j = nlohmann::json::parse(text);
  std::swap(j["secrets"]["A"], j["secrets"]["B"]);
  std::ofstream(dir_.path() / "secrets.json") << j.dump();
  auto store = SecretStore::open(dir_.path(), false);
  ASSERT_TRUE(store);
  auto got = store->get("A");
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, ErrorKind::denied);
  EXPECT_EQ(got.error().message.find("value"), std::string::npos);
}

TEST_F(SecretStoreTest, RefusesALooseKeyFileAndAWrongKey) {
  {
    auto store = SecretStore::open(dir_.path(), true);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->set("A", "alpha-value"));
  }
  ::chmod((dir_.path() / "key").c_str(), 0644);
  auto loose = SecretStore::open(dir_.path(), false);
  ASSERT_FALSE(loose);
  EXPECT_EQ(loose.error().kind, ErrorKind::denied);
  EXPECT_NE(loose.error().message.find("chmod 600"), std::string::npos);
  ::chmod((dir_.path() / "key").c_str(), 0600);

  // Another key (from the environment) cannot open what the file key sealed.
  ::setenv("ASTERAI_SECRET_KEY", std::string(64, 'a').c_str(), 1);
  auto other = SecretStore::open(dir_.path(), false);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->get("A").error().kind, ErrorKind::denied);
  ::setenv("ASTERAI_SECRET_KEY", "too-short", 1);
  auto bad = SecretStore::open(dir_.path(), false);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::invalid_input);
  ::unsetenv("ASTERAI_SECRET_KEY");
}

TEST_F(SecretStoreTest, NoKeyNoStoreUntilASecretIsSet) {
  auto store = SecretStore::open(dir_.path() / "none", false);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().kind, ErrorKind::not_found);
  EXPECT_FALSE(fs::exists(dir_.path() / "none" / "key"));
}

}  // namespace
}  // namespace asterai::env

namespace asterai::env {
namespace {

// The box both stores seal with: a value opens only under its own context and key.
TEST(SecretBox, AValueOpensOnlyUnderItsContextAndKey) {
  std::string hex;
  auto box = SecretBox::generate(&hex);
  ASSERT_TRUE(box);
  EXPECT_EQ(hex.size(), 64u);
  auto sealed = box->seal("the value", std::string("alice\0TOKEN", 11));
  EXPECT_EQ(sealed.find("the value"), std::string::npos);
  EXPECT_NE(box->seal("the value", "ctx"), box->seal("the value", "ctx"));  // a nonce each
  EXPECT_EQ(box->open(sealed, std::string("alice\0TOKEN", 11), "secret TOKEN").value(),
            "the value");
  auto moved = box->open(sealed, std::string("bob\0TOKEN", 9), "secret TOKEN");
  ASSERT_FALSE(moved);
  EXPECT_EQ(moved.error().kind, ErrorKind::denied);
  auto same_key = SecretBox::from_hex(hex, "the key");
  ASSERT_TRUE(same_key);
  EXPECT_EQ(same_key->open(sealed, std::string("alice\0TOKEN", 11), "s").value(), "the value");
  auto other = SecretBox::generate(nullptr);
  EXPECT_EQ(other->open(sealed, std::string("alice\0TOKEN", 11), "s").error().kind,
            ErrorKind::denied);
  EXPECT_EQ(box->open("not base64!", "ctx", "secret X").error().kind, ErrorKind::invalid_input);
  EXPECT_FALSE(SecretBox::from_hex("abc", "the key"));
}

TEST(SecretBox, AKeyFileMustBeHexAndPrivate) {
  test::TempDir dir("secret-box");
  auto file = dir.path() / "key";
  std::ofstream(file) << std::string(64, 'a') << "\n";
  ::chmod(file.c_str(), 0644);
  auto loose = SecretBox::from_key_file(file);
  ASSERT_FALSE(loose);
  EXPECT_NE(loose.error().message.find("chmod 600"), std::string::npos);
  ::chmod(file.c_str(), 0600);
  EXPECT_TRUE(SecretBox::from_key_file(file));
  std::ofstream(file) << "not hex";
  EXPECT_FALSE(SecretBox::from_key_file(file));
  EXPECT_EQ(SecretBox::from_key_file(dir.path() / "missing").error().kind, ErrorKind::not_found);
}

}  // namespace
}  // namespace asterai::env
