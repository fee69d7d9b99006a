#include "asterai/common/random_hex.h"

#include <gtest/gtest.h>

namespace asterai {
namespace {

TEST(RandomHex, HasTwoLowercaseHexDigitsPerByte) {
  auto a = random_hex(4);
  EXPECT_EQ(a.size(), 8u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_TRUE(random_hex(0).empty());
  EXPECT_NE(random_hex(16), random_hex(16));
}

}  // namespace
}  // namespace asterai
