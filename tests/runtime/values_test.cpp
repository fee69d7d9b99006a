// JSON -> component value -> JSON, without a component: every WIT value type, and the
// errors (with the path of the bad value) for bad input.
#include "values.h"

#include <gtest/gtest.h>

#include <limits>

#include "type_builders.h"

namespace asterai::runtime {
namespace {

using nlohmann::json;
using namespace build;

json round_trip(const ValType& t, const json& in) {
  auto v = json_to_val(t, in, "args.v");
  EXPECT_TRUE(v) << in.dump() << ": " << (v ? "" : v.error().to_string());
  if (!v) return json("<error>");
  return val_to_json(t, v->raw);
}

Error error_of(const ValType& t, const json& in) {
  auto v = json_to_val(t, in, "args.v");
  EXPECT_FALSE(v) << in.dump() << " was accepted for " << to_wit(t);
  return v ? Error{} : v.error();
}

struct Case {
  ValType type;
  json in;
  json out;  // expected output; null-kind json means "same as in"
};

ValType person() {
  return record({{"name", prim(TypeKind::String)}, {"age", prim(TypeKind::U32)}});
}
ValType shape() {
  return variant({{"circle", box(prim(TypeKind::F64))},
                  {"rectangle", box(tuple({prim(TypeKind::F64), prim(TypeKind::F64)}))},
                  {"point", nullptr}});
}

TEST(Values, RoundTripsEveryType) {
  const std::vector<Case> cases = {
      {prim(TypeKind::Bool), true, {}},
      {prim(TypeKind::S8), -128, {}},
      {prim(TypeKind::U8), 255, {}},
      {prim(TypeKind::S16), -32768, {}},
      {prim(TypeKind::U16), 65535, {}},
      {prim(TypeKind::S32), -2147483648LL, {}},
      {prim(TypeKind::U32), 4294967295ULL, {}},
      {prim(TypeKind::S64), INT64_MIN, {}},
      {prim(TypeKind::U64), UINT64_MAX, {}},
      {prim(TypeKind::S64), "-9223372036854775808", INT64_MIN},
      {prim(TypeKind::U64), "18446744073709551615", UINT64_MAX},
      {prim(TypeKind::U32), 7.0, 7},
      {prim(TypeKind::F32), 0.1, 0.1},
      {prim(TypeKind::F64), 1.5e300, {}},
      {prim(TypeKind::F64), "NaN", {}},
      {prim(TypeKind::F64), "-Infinity", {}},
      {prim(TypeKind::F32), "Infinity", {}},
      {prim(TypeKind::Char), "é", {}},
      {prim(TypeKind::Char), "🦀", {}},
      {prim(TypeKind::String), "héllo\n\u0000wörld", {}},
      {prim(TypeKind::String), "", {}},
      {list(prim(TypeKind::U8)), json::array({0, 1, 255}), {}},
      {list(prim(TypeKind::String)), json::array(), {}},
      {person(), {{"name", "Ada"}, {"age", 36}}, {}},
      {tuple({prim(TypeKind::U8), prim(TypeKind::String), prim(TypeKind::Bool)}),
       json::array({1, "x", false}),
       {}},
      {shape(), {{"circle", 2.5}}, {}},
      {shape(), {{"rectangle", json::array({1.0, 2.0})}}, {}},
      {shape(), "point", {}},
      {shape(), {{"point", nullptr}}, "point"},
      {names(TypeKind::Enum, {"red", "green", "blue"}), "green", {}},
      {names(TypeKind::Flags, {"read", "write", "exec"}), json::array({"read", "exec"}), {}},
      {names(TypeKind::Flags, {"read", "write", "exec"}), json::array(), {}},
      {names(TypeKind::Flags, {"read", "write", "exec"}), json::array({"exec", "exec"}),
       json::array({"exec"})},
      {option(prim(TypeKind::String)), nullptr, {}},
      {option(prim(TypeKind::String)), "x", {}},
      {option(option(prim(TypeKind::U32))), nullptr, {}},
      {option(option(prim(TypeKind::U32))), {{"some", nullptr}}, {}},
      {option(option(prim(TypeKind::U32))), {{"some", 5}}, {}},
      {result(box(prim(TypeKind::U32)), box(prim(TypeKind::String))), {{"ok", 1}}, {}},
      {result(box(prim(TypeKind::U32)), box(prim(TypeKind::String))), {{"err", "no"}}, {}},
      {result(nullptr, nullptr), {{"ok", nullptr}}, {}},
      {list(person()), json::array({{{"name", "A"}, {"age", 1}}, {{"name", "B"}, {"age", 2}}}), {}},
  };
  for (const auto& c : cases) {
    json expected = c.out.is_null() && !c.in.is_null() ? c.in : c.out;
    if (c.in.is_null()) expected = nullptr;
    EXPECT_EQ(round_trip(c.type, c.in), expected) << to_wit(c.type) << " <- " << c.in.dump();
  }
}

TEST(Values, ErrorsNameThePathAndTheExpectedType) {
  auto e = error_of(record({{"person", person()}}), {{"person", {{"name", "x"}, {"age", -1}}}});
  EXPECT_EQ(e.kind, ErrorKind::bad_arguments);
  EXPECT_EQ(e.path, "args.v.person.age");
  EXPECT_EQ(e.to_string(), "args.v.person.age: expected u32 in [0, 4294967295], got -1");

  e = error_of(list(prim(TypeKind::S8)), json::array({1, 2, 300}));
  EXPECT_EQ(e.path, "args.v[2]");
  EXPECT_NE(e.message.find("expected s8"), std::string::npos);

  e = error_of(prim(TypeKind::U64), "18446744073709551616");
  EXPECT_NE(e.message.find("expected u64"), std::string::npos);
  e = error_of(prim(TypeKind::U32), "5");  // strings only for 64-bit kinds
  EXPECT_EQ(e.message, "expected u32, got \"5\"");
  e = error_of(prim(TypeKind::S64), "12abc");
  e = error_of(prim(TypeKind::S32), 1.5);
  e = error_of(prim(TypeKind::Bool), 1);
  EXPECT_EQ(e.message, "expected bool, got 1");
  e = error_of(prim(TypeKind::F32), 1e39);
  e = error_of(prim(TypeKind::Char), "ab");
  e = error_of(prim(TypeKind::Char), "");
  e = error_of(prim(TypeKind::String), std::string("\xff\xfe"));
  EXPECT_EQ(e.message, "invalid UTF-8 in string");
  e = error_of(prim(TypeKind::String), std::string("\xed\xa0\x80"));  // an encoded surrogate

  e = error_of(person(), {{"name", "x"}});
  EXPECT_EQ(e.message, "missing field \"age\"");
  e = error_of(person(), {{"name", "x"}, {"age", 1}, {"extra", 2}});
  EXPECT_NE(e.message.find("unknown field \"extra\""), std::string::npos);
  e = error_of(tuple({prim(TypeKind::U8)}), json::array({1, 2}));
  e = error_of(shape(), "circle");
  EXPECT_NE(e.message.find("needs a payload"), std::string::npos);
  e = error_of(shape(), "hexagon");
  EXPECT_NE(e.message.find("unknown case \"hexagon\""), std::string::npos);
  e = error_of(shape(), {{"point", 1}});
  EXPECT_NE(e.message.find("has no payload"), std::string::npos);
  e = error_of(names(TypeKind::Enum, {"red"}), "blue");
  EXPECT_EQ(e.message, "expected one of \"red\", got \"blue\"");
  e = error_of(names(TypeKind::Flags, {"read"}), json::array({"write"}));
  EXPECT_EQ(e.path, "args.v[0]");
  e = error_of(option(option(prim(TypeKind::U32))), 5);  // nested options need {"some": ...}
  e = error_of(result(box(prim(TypeKind::U32)), nullptr), {{"ok", 1}, {"err", 2}});
  e = error_of(result(box(prim(TypeKind::U32)), nullptr), {{"maybe", 1}});
}

// Found by tests/fuzz/values_fuzz: the largest f32 printed as 3.4028235e38, which is above it,
// and that text was refused as out of range, so the value did not survive a round trip.
TEST(Values, TheLargestF32RoundTrips) {
  auto f32 = prim(TypeKind::F32);
  const float max = std::numeric_limits<float>::max();
  for (float f : {max, -max}) {
    auto printed = round_trip(f32, static_cast<double>(f));
    EXPECT_EQ(round_trip(f32, printed), printed);
    auto v = json_to_val(f32, printed, "args.v");
    ASSERT_TRUE(v);
    EXPECT_EQ(v->raw.of.f32, f);
  }
  EXPECT_EQ(round_trip(f32, 3.4028235e38), 3.4028235e38);
  // From the midpoint to 2^128 up, a double would round to an infinity.
  EXPECT_EQ(error_of(f32, 0x1.ffffffp+127).kind, ErrorKind::bad_arguments);
  EXPECT_EQ(error_of(f32, -3.5e38).kind, ErrorKind::bad_arguments);
}

TEST(Values, ResourcesAreUnsupportedNotCrashes) {
  auto e = error_of(prim(TypeKind::Own), 1);
  EXPECT_EQ(e.kind, ErrorKind::unsupported_type);
  EXPECT_EQ(unsupported_part(list(prim(TypeKind::Borrow))), "resource handle (borrow)");
  EXPECT_EQ(unsupported_part(person()), "");
}

TEST(Values, Utf8Validator) {
  EXPECT_TRUE(is_valid_utf8("plain"));
  EXPECT_TRUE(is_valid_utf8("\xf0\x9f\xa6\x80"));
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // > U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xe2\x82"));          // truncated
}

TEST(Types, WitText) {
  EXPECT_EQ(to_wit(list(tuple({prim(TypeKind::U8), prim(TypeKind::String)}))),
            "list<tuple<u8, string>>");
  EXPECT_EQ(to_wit(person()), "record { name: string, age: u32 }");
  EXPECT_EQ(to_wit(result(nullptr, box(prim(TypeKind::String)))), "result<_, string>");
  EXPECT_EQ(to_wit(shape()), "variant { circle(f64), rectangle(tuple<f64, f64>), point }");
}

}  // namespace
}  // namespace asterai::runtime
