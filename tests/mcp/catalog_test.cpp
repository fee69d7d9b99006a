// What a function looks like as a tool: output wrapping, portable schemas, descriptions,
// annotations, and WIT docs read from a component's custom section.
#include <gtest/gtest.h>

#include "asterai/mcp/catalog.h"
#include "asterai/mcp/wit_docs.h"

namespace asterai::mcp {
namespace {

using nlohmann::json;
using runtime::FunctionInfo;
using runtime::TypeKind;
using runtime::ValType;

ValType prim(TypeKind k) {
  ValType t;
  t.kind = k;
  return t;
}

FunctionInfo function(std::optional<ValType> result) {
  FunctionInfo f;
  f.interface = "asterai:kitchen-sink/values@0.1.0";
  f.name = "f";
  f.params.push_back({"a", prim(TypeKind::U8)});
  f.result = std::move(result);
  return f;
}

TEST(Catalog, ScalarResultsAreWrapped) {
  auto shape = tool_output_shape(function(prim(TypeKind::S32)));
  EXPECT_TRUE(shape.wrapped);
  EXPECT_EQ(shape.schema["type"], "object");
  EXPECT_EQ(shape.schema["required"], json::array({"result"}));
  EXPECT_EQ(shape.schema["properties"]["result"]["type"], "integer");
  EXPECT_EQ(shape.schema["properties"]["result"]["minimum"], INT32_MIN);
  EXPECT_FALSE(shape.schema.contains("$schema"));
}

TEST(Catalog, RecordResultsAreTheObjectItself) {
  ValType rec = prim(TypeKind::Record);
  rec.cases.push_back({"name", std::make_shared<const ValType>(prim(TypeKind::String))});
  auto shape = tool_output_shape(function(rec));
  EXPECT_FALSE(shape.wrapped);
  EXPECT_EQ(shape.schema["type"], "object");
  EXPECT_EQ(shape.schema["required"], json::array({"name"}));
}

TEST(Catalog, NoResultMeansNoOutputSchema) {
  auto shape = tool_output_shape(function(std::nullopt));
  EXPECT_TRUE(shape.schema.is_null());
}

TEST(Catalog, PortableSchemaDropsDialectAndTupleItemsFalse) {
  json s = {{"$schema", "https://json-schema.org/draft/2020-12/schema"},
            {"type", "object"},
            {"properties",
             {{"t",
               {{"type", "array"},
                {"prefixItems", json::array({{{"type", "string"}}})},
                {"items", false},
                {"minItems", 1},
                {"maxItems", 1}}}}}};
  auto p = portable_schema(s);
  EXPECT_FALSE(p.contains("$schema"));
  EXPECT_FALSE(p["properties"]["t"].contains("items"));
  EXPECT_EQ(p["properties"]["t"]["maxItems"], 1);
}

TEST(Catalog, DescriptionNeverEmpty) {
  ServedComponent c{"ks", nullptr, {}, {}, nullptr};
  auto f = function(prim(TypeKind::S32));
  auto d = tool_description(c, f);
  EXPECT_NE(d.find("func(a: u8) -> s32"), std::string::npos) << d;
  c.docs.functions[docs_key(f.interface, f.name)] = "Does f.";
  EXPECT_EQ(tool_description(c, f), "Does f.");
}

TEST(Catalog, Annotations) {
  auto f = function(prim(TypeKind::S32));
  runtime::Policy none;
  auto a = tool_annotations(f, none);
  EXPECT_EQ(a["readOnlyHint"], true);
  EXPECT_EQ(a["destructiveHint"], false);
  EXPECT_EQ(a["openWorldHint"], false);
  runtime::Policy net;
  net.grants.allow_hosts = {"api.example.com"};
  EXPECT_EQ(tool_annotations(f, net)["readOnlyHint"], false);
  EXPECT_EQ(tool_annotations(f, net)["openWorldHint"], true);
  runtime::Policy rw;
  rw.grants.dirs.push_back({"/tmp", "/data", true});
  EXPECT_EQ(tool_annotations(f, rw)["readOnlyHint"], false);
  EXPECT_FALSE(tool_annotations(f, rw).contains("destructiveHint"));
}

// A component binary holding only a package-docs custom section, nested one level.
void leb(std::string& out, size_t v) {
  do {
    unsigned char b = v & 0x7f;
    v >>= 7;
    out += static_cast<char>(v ? (b | 0x80) : b);
  } while (v);
}

std::string section(char id, const std::string& body) {
  std::string out(1, id);
  leb(out, body.size());
  return out + body;
}

std::vector<uint8_t> with_docs_section(const std::string& json_text) {
  const std::string header("\0asm\x0d\0\x01\0", 8);
  std::string name = "package-docs";
  std::string custom;
  leb(custom, name.size());
  custom += name + '\x01' + json_text;  // version byte, then the JSON
  std::string inner = header + section(0, custom);
  std::string outer = header + section(4, inner);  // a nested component section
  return std::vector<uint8_t>(outer.begin(), outer.end());
}

TEST(WitDocs, ReadsFunctionDocsFromTheCustomSection) {
  auto bytes = with_docs_section(R"({
    "worlds": {"kitchen-sink": {"funcs": {"add": "Adds two numbers."},
                                "func_exports": {"mul": {"docs": "Multiplies."}}}},
    "interfaces": {"values": {"funcs": {"greet": {"docs": "Greets.", "stability": "unknown"},
                                        "noop": "Does nothing."}}}})");
  auto docs = read_wit_docs(bytes).functions;
  EXPECT_EQ(docs["add"], "Adds two numbers.");
  EXPECT_EQ(docs["values#greet"], "Greets.");
  EXPECT_EQ(docs["values#noop"], "Does nothing.");
  EXPECT_EQ(docs["mul"], "Multiplies.");
  EXPECT_EQ(docs_key("asterai:kitchen-sink/values@0.1.0", "greet"), "values#greet");
}

TEST(WitDocs, ReadsTypeDocsFromTheCustomSection) {
  auto docs = read_wit_docs(with_docs_section(R"({
    "interfaces": {"values": {"types": {
      "person": {"docs": "Somebody.", "items": {"name": "Full name.", "age": "Years."}},
      "bare": {"stability": "unknown"}}}},
    "worlds": {"w": {"types": {"shape": {"items": {"circle": "Round."}}}}}})"));
  ASSERT_EQ(docs.types.size(), 2u);
  EXPECT_EQ(docs.types["values#person"].docs, "Somebody.");
  EXPECT_EQ(docs.types["values#person"].items["age"], "Years.");
  EXPECT_TRUE(docs.types["values#person"].names.empty());
  EXPECT_EQ(docs.types["shape"].items["circle"], "Round.");
}

TEST(WitDocs, ParsesDocCommentsFromWitSource) {
  auto wit = parse_wit_docs(R"(package a:b@1.0.0;
/// The interface.
interface math {
  /// A pair.
  record pair {
    /// Left.
    left: s32,
  }
  /// Signs.
  enum sign { plus, %minus }
  variant v {
    /// Nothing.
    none,
    some(u32),
  }
  /// Adds
  /// two numbers.
  add: func(a: s32, b: s32) -> s32;
  sub: func(a: s32, b: s32) -> s32;
  /// Keyword-named.
  %type: func();
}
world w {
  export math;
  /// Top level.
  export hello: func() -> string;
  /// An import is not a tool.
  import log: func(msg: string);
}
)");
  auto& docs = wit.functions;
  EXPECT_EQ(docs["math#add"], "Adds two numbers.");
  EXPECT_EQ(docs.count("math#sub"), 0u);
  EXPECT_EQ(docs["math#type"], "Keyword-named.");
  EXPECT_EQ(docs["hello"], "Top level.");
  EXPECT_EQ(docs.count("log"), 0u);
  EXPECT_EQ(docs.count("math#left"), 0u);
  EXPECT_EQ(wit.types["math#pair"].docs, "A pair.");
  EXPECT_EQ(wit.types["math#pair"].items, (std::map<std::string, std::string>{{"left", "Left."}}));
  EXPECT_EQ(wit.types["math#sign"].docs, "Signs.");
  EXPECT_EQ(wit.types["math#sign"].names, (std::set<std::string>{"plus", "minus"}));
  EXPECT_EQ(wit.types["math#v"].items, (std::map<std::string, std::string>{{"none", "Nothing."}}));
  EXPECT_EQ(wit.types["math#v"].names, (std::set<std::string>{"none", "some"}));
}

TEST(WitDocs, LoadsTheKitchenSinkWit) {
  auto docs = load_wit_docs(std::filesystem::path(ASTERAI_SOURCE_DIR) /
                            "tests/components/kitchen-sink/wit");
  ASSERT_TRUE(docs) << docs.error().message;
  EXPECT_EQ(docs->functions["add"], "Adds two signed 32-bit integers (wrapping on overflow).");
  EXPECT_EQ(docs->functions["values#greet"], "Greets a person: \"Hello, NAME! You are AGE.\"");
  EXPECT_EQ(docs->types["values#person"].items["age"], "Age in years.");
  EXPECT_FALSE(load_wit_docs("/nonexistent/x.wit"));
}

TEST(WitDocs, GarbageIsIgnored) {
  EXPECT_TRUE(read_wit_docs(with_docs_section("{not json")).empty());
  std::vector<uint8_t> junk = {0x00, 'a', 's', 'm', 1, 0, 0, 0, 0, 0xff, 0xff, 0xff};
  EXPECT_TRUE(read_wit_docs(junk).empty());
  EXPECT_TRUE(read_wit_docs({}).empty());
}

}  // namespace
}  // namespace asterai::mcp
