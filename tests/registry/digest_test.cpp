#include "asterai/registry/digest.h"

#include <gtest/gtest.h>

#include "asterai/registry/names.h"

namespace asterai::registry {
namespace {

TEST(Digest, ParsesAndPrintsBothAlgorithms) {
  auto d = digest_of("hello");
  EXPECT_EQ(d.to_string(),
            "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
  auto parsed = parse_digest(d.to_string());
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed, d);
  auto d512 = digest_of("hello", DigestAlgorithm::sha512);
  EXPECT_EQ(d512.hex.size(), 128u);
  EXPECT_TRUE(parse_digest(d512.to_string()));
}

TEST(Digest, RejectsMalformed) {
  for (const char* bad :
       {"", "sha256", "sha256:", "md5:abcd", "sha256:ABCDEF", "sha256:../../etc/passwd",
        "sha512:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"}) {
    EXPECT_FALSE(parse_digest(bad)) << bad;
  }
}

TEST(Names, RepositoryGrammar) {
  for (const char* ok : {"a", "alice/tool", "a-b/c__d/e.f", "x0/y--z"})
    EXPECT_TRUE(is_valid_repository_name(ok)) << ok;
  for (const char* bad :
       {"", "/a", "a/", "a//b", "A", "a/../b", "..", "a/.b", "a_", "a___b", "a%2fb", "a b"}) {
    EXPECT_FALSE(is_valid_repository_name(bad)) << bad;
  }
  EXPECT_FALSE(is_valid_repository_name(std::string(256, 'a')));
}

TEST(Names, TagsAndReleases) {
  EXPECT_TRUE(is_valid_tag("latest"));
  EXPECT_TRUE(is_valid_tag("1.2.3-rc.1"));
  EXPECT_FALSE(is_valid_tag(".hidden"));
  EXPECT_FALSE(is_valid_tag(std::string(129, 'a')));
  EXPECT_TRUE(is_release_version_tag("1.2.3"));
  EXPECT_TRUE(is_release_version_tag("v0.1.0"));
  EXPECT_FALSE(is_release_version_tag("1.2.3-rc.1"));
  EXPECT_FALSE(is_release_version_tag("latest"));
}

}  // namespace
}  // namespace asterai::registry
