#include <gtest/gtest.h>

#include "asterai/oci/reference.h"
#include "asterai/oci/semver.h"

namespace asterai::oci {
namespace {

const std::string kDigest = "sha256:" + std::string(64, 'a');

TEST(Reference, ParsesRegistryRepositoryTagAndDigest) {
  struct Case {
    std::string text, registry, repository, tag, digest;
  };
  const std::vector<Case> cases = {
      {"127.0.0.1:5000/alice/greeter:1.0.0", "127.0.0.1:5000", "alice/greeter", "1.0.0", ""},
      {"registry.example.com/a/b/c", "registry.example.com", "a/b/c", "latest", ""},
      {"localhost/x:v1", "localhost", "x", "v1", ""},
      {"r.example.com/ns/n@" + kDigest, "r.example.com", "ns/n", "", kDigest},
      {"r.example.com/ns/n:1.2.3@" + kDigest, "r.example.com", "ns/n", "1.2.3", kDigest},
      {"[::1]:5000/ns/n:1", "[::1]:5000", "ns/n", "1", ""},
  };
  for (const auto& c : cases) {
    auto r = parse_reference(c.text);
    ASSERT_TRUE(r) << c.text << ": " << r.error().message;
    EXPECT_EQ(r->registry, c.registry) << c.text;
    EXPECT_EQ(r->repository, c.repository) << c.text;
    EXPECT_EQ(r->tag, c.tag) << c.text;
    EXPECT_EQ(r->digest, c.digest) << c.text;
  }
  auto r = parse_reference("127.0.0.1:5000/alice/greeter:1.0.0");
  EXPECT_EQ(r->to_string(), "127.0.0.1:5000/alice/greeter:1.0.0");
  EXPECT_EQ(r->with_digest(kDigest).to_string(), "127.0.0.1:5000/alice/greeter@" + kDigest);
}

TEST(Reference, DefaultRegistryOnlyWithoutAHost) {
  auto r = parse_reference("alice/greeter:1.0.0", std::string("reg.local:5000"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->registry, "reg.local:5000");
  EXPECT_EQ(r->repository, "alice/greeter");
  auto no_default = parse_reference("alice/greeter:1.0.0");
  ASSERT_FALSE(no_default);
  EXPECT_EQ(no_default.error().kind, ErrorKind::usage);
  EXPECT_NE(no_default.error().message.find("ASTERAI_REGISTRY"), std::string::npos);
}

TEST(Reference, RejectsBadPartsWithOneClearLine) {
  for (const std::string& bad : std::vector<std::string>{
           "r.io/Alice/x:1", "r.io/a//b:1", "r.io/a/b:", "r.io/a/b:-x", "r.io/a/b@sha256:abc",
           "r.io/a/b@md5:" + std::string(32, '0'), "r.io/", "r.io/a/b:" + std::string(129, 'x'),
           "r.io/a_/b", "r.io/a/b:1 2"}) {
    auto r = parse_reference(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().kind, ErrorKind::usage);
      EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
    }
  }
}

TEST(Reference, LooksLikeReference) {
  EXPECT_TRUE(looks_like_reference("127.0.0.1:5000/a/b:1.0.0"));
  EXPECT_TRUE(looks_like_reference("alice/tool:1"));
  EXPECT_FALSE(looks_like_reference("./a/b.wasm"));
  EXPECT_FALSE(looks_like_reference("/abs/path"));
  EXPECT_FALSE(looks_like_reference("build/x.wasm"));
  EXPECT_FALSE(looks_like_reference("component"));
}

TEST(Semver, ReleasesPrereleasesAndOrder) {
  EXPECT_TRUE(is_release("1.2.3"));
  EXPECT_TRUE(is_release("v1.2.3"));
  EXPECT_TRUE(is_release("1.2.3+build.5"));
  EXPECT_FALSE(is_release("1.2.3-rc.1"));
  EXPECT_FALSE(is_release("latest"));
  EXPECT_FALSE(is_release("1.2"));
  EXPECT_FALSE(is_release("01.2.3"));
  auto sorted = sort_tags(
      {"latest", "1.10.0", "1.2.0", "1.2.0-rc.2", "1.2.0-rc.10", "1.2.0-alpha", "0.9.9", "dev"});
  std::vector<std::string> want = {"0.9.9", "1.2.0-alpha", "1.2.0-rc.2", "1.2.0-rc.10",
                                   "1.2.0", "1.10.0",      "dev",        "latest"};
  EXPECT_EQ(sorted, want);
}

}  // namespace
}  // namespace asterai::oci
