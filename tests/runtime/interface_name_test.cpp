// Interface names and the semver rule that matches an import with an export.
#include "interface_name.h"

#include <gtest/gtest.h>

namespace asterai::runtime {
namespace {

bool matches(const std::string& provided, const std::string& wanted) {
  auto p = parse_interface_name(provided);
  auto w = parse_interface_name(wanted);
  EXPECT_TRUE(p && w) << provided << " / " << wanted;
  return p && w && satisfies(*p, *w);
}

TEST(InterfaceName, Parses) {
  auto n = parse_interface_name("asterai:compose/math@0.1.2-rc.1+build");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->package, "asterai:compose");
  EXPECT_EQ(n->interface, "math");
  ASSERT_TRUE(n->version);
  EXPECT_EQ(n->version->minor, 1u);
  EXPECT_EQ(n->version->patch, 2u);
  EXPECT_EQ(n->version->pre, "rc.1");
  EXPECT_EQ(n->unversioned(), "asterai:compose/math");
  auto plain = parse_interface_name("ns:pkg/iface");
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->version);
}

TEST(InterfaceName, RefusesWhatIsNotAnInterface) {
  for (const char* bad : {"add", "ns/iface", ":pkg/iface", "ns:pkg/", "ns:pkg/a/b", "ns:pkg/i@1",
                          "ns:pkg/i@1.2", "ns:pkg/i@01.2.3", "ns:pkg/i@1.2.3-"}) {
    EXPECT_FALSE(parse_interface_name(bad)) << bad;
  }
}

TEST(InterfaceName, SemverCompatibility) {
  // 1.x: same major, at least the wanted version.
  EXPECT_TRUE(matches("a:b/c@1.4.0", "a:b/c@1.2.3"));
  EXPECT_TRUE(matches("a:b/c@1.2.3", "a:b/c@1.2.3"));
  EXPECT_FALSE(matches("a:b/c@1.2.2", "a:b/c@1.2.3"));
  EXPECT_FALSE(matches("a:b/c@2.0.0", "a:b/c@1.2.3"));
  // 0.x: the minor is the breaking part; 0.0.x: the patch.
  EXPECT_TRUE(matches("a:b/c@0.1.9", "a:b/c@0.1.0"));
  EXPECT_FALSE(matches("a:b/c@0.2.0", "a:b/c@0.1.0"));
  EXPECT_FALSE(matches("a:b/c@0.0.2", "a:b/c@0.0.1"));
  EXPECT_TRUE(matches("a:b/c@0.0.1", "a:b/c@0.0.1"));
  // Pre-releases only match themselves; unversioned only unversioned.
  EXPECT_TRUE(matches("a:b/c@1.0.0-rc.1", "a:b/c@1.0.0-rc.1"));
  EXPECT_FALSE(matches("a:b/c@1.0.0", "a:b/c@1.0.0-rc.1"));
  EXPECT_TRUE(matches("a:b/c", "a:b/c"));
  EXPECT_FALSE(matches("a:b/c@1.0.0", "a:b/c"));
  // Another interface or package never matches.
  EXPECT_FALSE(matches("a:b/d@1.0.0", "a:b/c@1.0.0"));
  EXPECT_FALSE(matches("a:x/c@1.0.0", "a:b/c@1.0.0"));
}

}  // namespace
}  // namespace asterai::runtime
