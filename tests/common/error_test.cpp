#include "asterai/common/error.h"

#include <gtest/gtest.h>

#include <set>

namespace asterai {
namespace {

TEST(ErrorTable, NamesAreUniqueAndExitCodesNonZero) {
  std::set<std::string_view> names;
  for (int k = 0; k < kErrorKindCount; ++k) {
    auto kind = static_cast<ErrorKind>(k);
    EXPECT_TRUE(names.insert(error_kind_name(kind)).second) << error_kind_name(kind);
    EXPECT_GT(error_exit_code(kind), 0);
    EXPECT_FALSE(error_kind_description(kind).empty());
  }
}

TEST(ErrorTable, StableNamesAndCodes) {
  EXPECT_EQ(error_kind_name(ErrorKind::out_of_memory), "out-of-memory");
  EXPECT_EQ(error_exit_code(ErrorKind::usage), 2);
  EXPECT_EQ(error_exit_code(ErrorKind::bad_arguments), 6);
  EXPECT_EQ(error_exit_code(ErrorKind::trap), 8);
  EXPECT_EQ(error_exit_code(ErrorKind::timeout), 9);
}

TEST(ErrorTable, NamesMapBackToTheirKinds) {
  for (int k = 0; k < kErrorKindCount; ++k) {
    auto kind = static_cast<ErrorKind>(k);
    EXPECT_EQ(error_kind_from_name(error_kind_name(kind)), kind);
  }
  EXPECT_FALSE(error_kind_from_name("no-such-kind"));
  EXPECT_FALSE(error_kind_from_name(""));
}

Result<int> half(int v) {
  if (v % 2) return make_error(ErrorKind::bad_arguments, "odd", "args.v");
  return v / 2;
}

Result<int> quarter(int v) {
  int h = ASTERAI_TRY(half(v));
  return ASTERAI_TRY(half(h));
}

TEST(Result, TryPropagatesTheFirstError) {
  EXPECT_EQ(*quarter(8), 2);
  auto r = quarter(6);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::bad_arguments);
  EXPECT_EQ(r.error().to_string(), "args.v: odd");
}

}  // namespace
}  // namespace asterai
