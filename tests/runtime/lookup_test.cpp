// How user-given function names resolve, and what an unknown or ambiguous name says.
#include <gtest/gtest.h>

#include "asterai/runtime/runtime.h"
#include "test_support.h"

namespace asterai::runtime {
namespace {

class Lookup : public ::testing::Test {
 protected:
  void SetUp() override {
    rt_ = *Runtime::create({});
    auto c = rt_->load_file(test::component("kitchen-sink-c.wasm"));
    ASSERT_TRUE(c) << c.error().message;
    c_ = *c;
  }
  std::string resolve(const std::string& name) {
    auto f = c_->find_function(name);
    return f ? (*f)->qualified_name() : "error: " + f.error().message;
  }
  std::shared_ptr<Runtime> rt_;
  std::shared_ptr<const Component> c_;
};

TEST_F(Lookup, AcceptedForms) {
  const std::string greet = "asterai:kitchen-sink/values@0.1.0#greet";
  EXPECT_EQ(resolve("greet"), greet);
  EXPECT_EQ(resolve("values/greet"), greet);
  EXPECT_EQ(resolve("values#greet"), greet);
  EXPECT_EQ(resolve("asterai:kitchen-sink/values@0.1.0#greet"), greet);
  EXPECT_EQ(resolve("asterai:kitchen-sink/values@0.1.0/greet"), greet);
  EXPECT_EQ(resolve("asterai:kitchen-sink/values#greet"), greet);
  EXPECT_EQ(resolve("add"), "add");
  EXPECT_EQ(resolve("/add"), "add");
}

TEST_F(Lookup, UnknownNameSuggestsNearNames) {
  auto f = c_->find_function("values/gret");
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().kind, ErrorKind::unknown_function);
  EXPECT_NE(f.error().message.find("did you mean: values/greet"), std::string::npos)
      << f.error().message;
  EXPECT_NE(f.error().message.find("asterai inspect"), std::string::npos);
  // Right function, wrong interface.
  EXPECT_FALSE(c_->find_function("other/greet"));
  EXPECT_FALSE(c_->find_function("/greet"));
}

TEST(LookupAmbiguity, SameNameInTwoInterfacesMustBeQualified) {
  auto rt = *Runtime::create({});
  auto bytes = test::wat(R"((component
    (core module $m (func (export "f") (result i32) i32.const 1) (func (export "g") (result i32) i32.const 2))
    (core instance $i (instantiate $m))
    (func $f (result u32) (canon lift (core func $i "f")))
    (func $g (result u32) (canon lift (core func $i "g")))
    (instance $a (export "get" (func $f)))
    (instance $b (export "get" (func $g)))
    (export "ns:pkg/a" (instance $a))
    (export "ns:pkg/b" (instance $b))
  ))");
  auto c = rt->load(bytes, "two.wasm");
  ASSERT_TRUE(c) << c.error().message;
  auto f = (*c)->find_function("get");
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().kind, ErrorKind::ambiguous_function);
  EXPECT_NE(f.error().message.find("a/get, b/get"), std::string::npos) << f.error().message;
  auto b = (*c)->find_function("b/get");
  ASSERT_TRUE(b);
  auto outcome = rt->call(**c, **b, nullptr);
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome.result, 2);
}

}  // namespace
}  // namespace asterai::runtime
