#include "asterai/runtime/schema.h"

#include <gtest/gtest.h>

#include "type_builders.h"

namespace asterai::runtime {
namespace {

using nlohmann::json;
using namespace build;

TEST(Schema, IntegersCarryTheirExactRange) {
  EXPECT_EQ(value_schema(prim(TypeKind::U8)),
            json({{"type", "integer"}, {"minimum", 0}, {"maximum", 255}}));
  EXPECT_EQ(value_schema(prim(TypeKind::S16)),
            json({{"type", "integer"}, {"minimum", -32768}, {"maximum", 32767}}));
  auto u64 = value_schema(prim(TypeKind::U64));
  EXPECT_EQ(u64["maximum"].get<uint64_t>(), UINT64_MAX);
  auto s64 = value_schema(prim(TypeKind::S64));
  EXPECT_EQ(s64["minimum"].get<int64_t>(), INT64_MIN);
}

TEST(Schema, RecordsRequireEveryFieldAndNoOthers) {
  auto s = value_schema(record({{"name", prim(TypeKind::String)}, {"age", prim(TypeKind::U32)}}));
  EXPECT_EQ(s["type"], "object");
  EXPECT_EQ(s["required"], json::array({"name", "age"}));
  EXPECT_EQ(s["additionalProperties"], false);
  EXPECT_EQ(s["properties"]["age"]["maximum"], 4294967295ULL);
}

TEST(Schema, EnumsFlagsVariantsOptionsResults) {
  EXPECT_EQ(value_schema(names(TypeKind::Enum, {"red", "green"})),
            json({{"type", "string"}, {"enum", {"red", "green"}}}));
  auto flags = value_schema(names(TypeKind::Flags, {"read", "write"}));
  EXPECT_EQ(flags["items"]["enum"], json::array({"read", "write"}));
  EXPECT_EQ(flags["uniqueItems"], true);

  auto v = value_schema(variant({{"circle", box(prim(TypeKind::F64))}, {"point", nullptr}}));
  ASSERT_EQ(v["oneOf"].size(), 2u);
  EXPECT_EQ(v["oneOf"][0]["required"], json::array({"circle"}));
  EXPECT_EQ(v["oneOf"][1], json({{"const", "point"}}));

  auto opt = value_schema(option(prim(TypeKind::String)));
  EXPECT_EQ(opt["anyOf"][0], json({{"type", "null"}}));
  EXPECT_EQ(opt["anyOf"][1], json({{"type", "string"}}));
  auto nested = value_schema(option(option(prim(TypeKind::U32))));
  EXPECT_EQ(nested["anyOf"][1]["required"], json::array({"some"}));

  auto res = value_schema(result(box(prim(TypeKind::U32)), nullptr));
  EXPECT_EQ(res["oneOf"][0]["properties"]["ok"]["type"], "integer");
  EXPECT_EQ(res["oneOf"][1]["properties"]["err"], json({{"type", "null"}}));
}

TEST(Schema, TuplesAreFixedLengthArrays) {
  auto s = value_schema(tuple({prim(TypeKind::U8), prim(TypeKind::Bool)}));
  EXPECT_EQ(s["prefixItems"].size(), 2u);
  EXPECT_EQ(s["minItems"], 2);
  EXPECT_EQ(s["maxItems"], 2);
  EXPECT_EQ(s["items"], false);
}

TEST(Schema, FunctionInputAndOutput) {
  FunctionInfo f;
  f.name = "add";
  f.params = {{"a", prim(TypeKind::S32)}, {"b", prim(TypeKind::S32)}};
  f.result = prim(TypeKind::S32);
  auto in = input_schema(f);
  EXPECT_EQ(in["$schema"], "https://json-schema.org/draft/2020-12/schema");
  EXPECT_EQ(in["required"], json::array({"a", "b"}));
  EXPECT_EQ(in["additionalProperties"], false);
  EXPECT_EQ(output_schema(f)["type"], "integer");
  f.result.reset();
  EXPECT_EQ(output_schema(f)["type"], "null");
}

}  // namespace
}  // namespace asterai::runtime
