// Libraries loaded when first needed: a missing library or function is an error that says what
// to install, never a crash at the first call.
#include "asterai/common/shared_library.h"

#include <gtest/gtest.h>

#include <cmath>

namespace asterai {
namespace {

#define TEST_MATH_FUNCTIONS(X) X(cos) X(sqrt)
struct MathLibrary {
  double (*cos)(double) = nullptr;
  double (*sqrt)(double) = nullptr;
};

Result<MathLibrary> bind_math(const SharedLibrary& library) {
  MathLibrary api;
  ASTERAI_BIND_FUNCTIONS(TEST_MATH_FUNCTIONS, library, api);
  return api;
}

TEST(SharedLibrary, BindsFunctionsByName) {
  auto libm = SharedLibrary::open("libm.so.6", "libc6");
  ASSERT_TRUE(libm) << libm.error().message;
  auto math = bind_math(*libm);
  ASSERT_TRUE(math) << math.error().message;
  EXPECT_EQ(math->sqrt(16.0), 4.0);
  EXPECT_EQ(math->cos(0.0), 1.0);
}

TEST(SharedLibrary, AMissingLibraryNamesThePackageToInstall) {
  auto missing = SharedLibrary::open("libasterai-nowhere.so.9", "libnowhere9");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::io);
  EXPECT_NE(missing.error().message.find("cannot load libasterai-nowhere.so.9"), std::string::npos);
  EXPECT_NE(missing.error().message.find("install the libnowhere9 package"), std::string::npos);
}

TEST(SharedLibrary, AMissingFunctionIsAnErrorNotANullPointer) {
  auto libm = SharedLibrary::open("libm.so.6", "libc6");
  ASSERT_TRUE(libm);
  auto none = libm->symbol("asterai_no_such_function");
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("libm.so.6 has no function asterai_no_such_function"),
            std::string::npos);
}

}  // namespace
}  // namespace asterai
