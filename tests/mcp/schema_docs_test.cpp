// WIT docs in tools: the kitchen-sink component with its WIT source (`--wit`), every documented
// field and case described where it is used; and the docs each built kitchen sink carries
// itself (its package-docs section), with no WIT source at all.
#include <gtest/gtest.h>

#include "asterai/mcp/catalog.h"
#include "asterai/mcp/wit_docs.h"
#include "mcp_test_support.h"
#include "test_support.h"

namespace asterai::mcp {
namespace {

using nlohmann::json;

class SchemaDocsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    runtime::EngineOptions engine;
    engine.cache_dir = asterai::test::shared_cache_dir();
    auto rt = runtime::Runtime::create(engine);
    ASSERT_TRUE(rt) << rt.error().message;
    auto component = (*rt)->load_file(asterai::test::component("kitchen-sink-c.wasm"));
    ASSERT_TRUE(component) << component.error().message;
    auto docs = load_wit_docs(std::filesystem::path(ASTERAI_SOURCE_DIR) /
                              "tests/components/kitchen-sink/wit");
    ASSERT_TRUE(docs) << docs.error().message;
    std::vector<ServedComponent> served;
    served.push_back(ServedComponent{"ks", *component, {}, *docs, nullptr});
    catalog_ = Catalog::build(std::move(served));
  }
  const Tool& tool(const std::string& name) {
    const Tool* t = catalog_->find(name);
    EXPECT_NE(t, nullptr) << name;
    return *t;
  }
  std::shared_ptr<const Catalog> catalog_;
};

TEST_F(SchemaDocsTest, RecordAndFieldDocs) {
  const auto& who = tool("ks_values_greet").input_schema["properties"]["who"];
  EXPECT_EQ(who["description"], "Somebody to greet.");
  EXPECT_EQ(who["properties"]["name"]["description"], "Full name.");
  EXPECT_EQ(who["properties"]["age"]["description"], "Age in years.");
  // A record result is the output schema itself.
  const auto& out = tool("ks_values_echo-person").output_schema;
  EXPECT_EQ(out["description"], "Somebody to greet.");
  EXPECT_EQ(out["properties"]["age"]["description"], "Age in years.");
  // Inside a list.
  const auto& people = tool("ks_values_echo-people").input_schema["properties"]["v"];
  EXPECT_EQ(people["items"]["properties"]["name"]["description"], "Full name.");
}

TEST_F(SchemaDocsTest, VariantCaseDocs) {
  const auto& s = tool("ks_values_area").input_schema["properties"]["s"];
  EXPECT_EQ(s["description"], "A plane figure.");
  ASSERT_EQ(s["oneOf"].size(), 3u);
  EXPECT_EQ(s["oneOf"][0]["description"], "A circle with this radius.");
  EXPECT_EQ(s["oneOf"][1]["description"], "A rectangle of width and height.");
  EXPECT_EQ(s["oneOf"][2]["description"], "A point has no area.");
  EXPECT_EQ(s["oneOf"][2]["const"], "point");
  // A wrapped result.
  const auto& out = tool("ks_values_echo-shape").output_schema["properties"]["result"];
  EXPECT_EQ(out["oneOf"][0]["description"], "A circle with this radius.");
}

TEST_F(SchemaDocsTest, EnumAndFlagsDocs) {
  EXPECT_EQ(tool("ks_values_echo-color").input_schema["properties"]["v"]["description"],
            "A primary colour.");
  const auto& p = tool("ks_values_describe").input_schema["properties"];
  EXPECT_EQ(p["c"]["description"], "A primary colour.");
  EXPECT_EQ(p["p"]["description"], "What a user may do with a file.");
}

TEST_F(SchemaDocsTest, UndocumentedSchemasKeepTheirOwnDescriptions) {
  const auto& v = tool("ks_values_echo-f64").input_schema["properties"]["v"];
  EXPECT_EQ(v["description"], "f64 floating-point number");
  EXPECT_FALSE(tool("ks_values_echo-u32").input_schema["properties"]["v"].contains("description"));
}

TEST(ComponentDocs, ToolsDescribeThemselvesWithoutWitSource) {
  for (const auto& lang : asterai::test::kitchen_sink_languages()) {
    test::TestServer server(
        {"ks=" + asterai::test::component("kitchen-sink-" + lang + ".wasm").string()});
    auto catalog = server.server->catalog();
    const Tool* add = catalog->find("ks_add");
    ASSERT_NE(add, nullptr) << lang;
    EXPECT_EQ(add->description, "Adds two signed 32-bit integers (wrapping on overflow).") << lang;
    const auto& who = catalog->find("ks_values_greet")->input_schema["properties"]["who"];
    EXPECT_EQ(who["description"], "Somebody to greet.") << lang;
    EXPECT_EQ(who["properties"]["age"]["description"], "Age in years.") << lang;
    const auto& s = catalog->find("ks_values_area")->input_schema["properties"]["s"];
    EXPECT_EQ(s["oneOf"][2]["description"], "A point has no area.") << lang;
    // Undocumented in the WIT: the signature, never an empty description.
    auto echo = catalog->find("ks_values_echo-u8")->description;
    EXPECT_NE(echo.find("func(v: u8) -> u8"), std::string::npos) << lang << ": " << echo;
  }
}

TEST(SchemaDocs, AmbiguousTypesGetNoDocs) {
  runtime::ValType s;
  s.kind = runtime::TypeKind::String;
  runtime::ValType rec;
  rec.kind = runtime::TypeKind::Record;
  rec.cases.push_back({"x", std::make_shared<const runtime::ValType>(s)});
  WitDocs docs;
  docs.types["i#a"].items["x"] = "From a.";
  docs.types["i#b"].items["x"] = "From b.";
  json schema = {{"type", "object"}, {"properties", {{"x", {{"type", "string"}}}}}};
  describe_schema(schema, rec, docs, "p:k/i@1.0.0");
  EXPECT_FALSE(schema["properties"]["x"].contains("description")) << schema.dump();
  // With the names known, the exact match wins.
  docs.types["i#b"].names = {"x"};
  describe_schema(schema, rec, docs, "p:k/i@1.0.0");
  EXPECT_EQ(schema["properties"]["x"]["description"], "From b.");
}

}  // namespace
}  // namespace asterai::mcp
