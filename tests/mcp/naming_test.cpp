// Tool names: sanitized, bounded, stable and collision-free (docs/mcp.md, "Tool names").
#include "asterai/mcp/naming.h"

#include <gtest/gtest.h>

#include <set>

namespace asterai::mcp {
namespace {

TEST(Naming, InterfaceShortName) {
  EXPECT_EQ(interface_short_name("asterai:kitchen-sink/values@0.1.0"), "values");
  EXPECT_EQ(interface_short_name("wasi:http/incoming-handler"), "incoming-handler");
  EXPECT_EQ(interface_short_name("plain"), "plain");
}

TEST(Naming, BaseNames) {
  EXPECT_EQ(base_tool_name({"kitchen-sink-c", "", "add"}), "kitchen-sink-c_add");
  EXPECT_EQ(base_tool_name({"ks", "asterai:kitchen-sink/values@0.1.0", "echo-u8"}),
            "ks_values_echo-u8");
}

TEST(Naming, SanitizesToTheAllowedCharacters) {
  EXPECT_EQ(sanitize_name_part("a.b/c d_é"), "a-b-c-d---");
  EXPECT_EQ(sanitize_name_part(""), "-");
  auto names = assign_tool_names({{"my tool", "x:y/i.j@1.0", "f_g"}});
  EXPECT_EQ(names[0], "my-tool_i-j_f-g");
  EXPECT_TRUE(valid_tool_name(names[0]));
}

TEST(Naming, CollisionsGetStableHashSuffixes) {
  // The same interface name from two packages, and two spellings that sanitize alike.
  std::vector<ToolKey> keys = {{"c", "a:b/math@1.0.0", "add"},
                               {"c", "x:y/math@2.0.0", "add"},
                               {"c", "", "mul.v2"},
                               {"c", "", "mul-v2"},
                               {"c", "", "solo"}};
  auto names = assign_tool_names(keys);
  std::set<std::string> unique(names.begin(), names.end());
  EXPECT_EQ(unique.size(), keys.size());
  EXPECT_EQ(names[4], "c_solo");
  EXPECT_EQ(names[0], "c_math_add_" + tool_key_hash(keys[0]));
  EXPECT_NE(names[0], names[1]);
  for (const auto& n : names) EXPECT_TRUE(valid_tool_name(n)) << n;
  // Stable: independent of the order of exports.
  std::vector<ToolKey> reversed(keys.rbegin(), keys.rend());
  auto again = assign_tool_names(reversed);
  for (size_t i = 0; i < keys.size(); ++i) EXPECT_EQ(again[keys.size() - 1 - i], names[i]);
}

TEST(Naming, LongNamesAreCutWithAHash) {
  std::string long_fn(100, 'f');
  auto names = assign_tool_names({{"component", "", long_fn}, {"component", "", long_fn + "g"}});
  EXPECT_EQ(names[0].size(), kMaxToolNameLength);
  EXPECT_NE(names[0], names[1]);
  EXPECT_TRUE(valid_tool_name(names[0]));
  EXPECT_TRUE(valid_tool_name(names[1]));
}

TEST(Naming, ValidToolName) {
  EXPECT_TRUE(valid_tool_name("a_b-C9"));
  EXPECT_FALSE(valid_tool_name(""));
  EXPECT_FALSE(valid_tool_name("a.b"));
  EXPECT_FALSE(valid_tool_name(std::string(65, 'a')));
}

}  // namespace
}  // namespace asterai::mcp
