// asterai.toml parsing: what is accepted, and one clear line for each mistake.
#include <gtest/gtest.h>

#include "asterai/project/project.h"

namespace asterai::project {
namespace {

const char* kMinimal = R"([component]
namespace = "acme"
name = "text-stats"
version = "0.1.0"
language = "c"
)";

Result<Project> parse(const std::string& text) {
  return parse_project(text, "asterai.toml", "/p");
}

TEST(ProjectFile, MinimalProjectGetsDefaults) {
  auto p = parse(kMinimal);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->namespace_, "acme");
  EXPECT_EQ(p->name, "text-stats");
  EXPECT_EQ(p->world, "text-stats");
  EXPECT_EQ(p->language, Language::c);
  EXPECT_EQ(p->wit_dir, "/p/wit");
  EXPECT_EQ(p->src_dir, "/p/src");
  EXPECT_EQ(p->wasm, "/p/build/text-stats.wasm");
  EXPECT_FALSE(p->policy.has_value());
}

TEST(ProjectFile, EveryKey) {
  auto p = parse(std::string(kMinimal) + R"(description = "d"
license = "MIT"
world = "other-world"
wit = "../shared/wit"
src = "lib"
policy = "policy.toml"
registry = "localhost:5000"
source = "https://example.com/repo"
wasm = "out/x.wasm"
)");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->world, "other-world");
  EXPECT_EQ(p->wit_dir, "/shared/wit");
  EXPECT_EQ(p->src_dir, "/p/lib");
  EXPECT_EQ(*p->policy, "/p/policy.toml");
  EXPECT_EQ(p->registry, "localhost:5000");
  EXPECT_EQ(p->source_url, "https://example.com/repo");
  EXPECT_EQ(p->wasm, "/p/out/x.wasm");
}

TEST(ProjectFile, LanguagesAndAliases) {
  for (auto [name, lang] :
       std::vector<std::pair<std::string, Language>>{{"c", Language::c},
                                                     {"cpp", Language::cpp},
                                                     {"c++", Language::cpp},
                                                     {"javascript", Language::js},
                                                     {"ts", Language::ts},
                                                     {"py", Language::python},
                                                     {"rust", Language::rust},
                                                     {"rs", Language::rust},
                                                     {"go", Language::go},
                                                     {"golang", Language::go}}) {
    auto l = parse_language(name);
    ASSERT_TRUE(l) << name;
    EXPECT_EQ(*l, lang) << name;
  }
  auto bad = parse_language("cobol");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::usage);
  EXPECT_NE(bad.error().message.find("c, cpp, js, ts, python, rust, go"), std::string::npos);
}

TEST(ProjectFile, MistakesNameTheLine) {
  struct Case {
    std::string text, expected;
  };
  for (const auto& c : std::vector<Case>{
           {"[component\n", "asterai.toml:1:"},
           {std::string(kMinimal) + "[extra]\n", "unknown table or key \"extra\""},
           {"[other]\n", "missing the [component] table"},
           {"[component]\nname = \"x\"\n", "needs `namespace`"},
           {std::string(kMinimal) + "colour = \"red\"\n", "asterai.toml:6: unknown key \"colour\""},
           {std::string(kMinimal) + "world = 3\n", "component.world must be a string"},
           {std::string(kMinimal) + "preinit = \"yes\"\n",
            "component.preinit must be true or false"},
           {std::string(kMinimal) + "preinit = true\n",
            "asterai.toml:6: component.preinit is for Go projects only"},
           {"[component]\nnamespace = \"acme\"\nname = \"Text_Stats\"\nversion = \"0.1.0\"\n"
            "language = \"c\"\n",
            "asterai.toml:3: component.name \"Text_Stats\" is not a WIT name"},
           {"[component]\nnamespace = \"acme\"\nname = \"x\"\nversion = \"1.0\"\nlanguage = "
            "\"c\"\n",
            "asterai.toml:4: component.version \"1.0\" is not a semantic version"},
           {"[component]\nnamespace = \"acme\"\nname = \"x\"\nversion = \"1.0.0\"\n"
            "language = \"cobol\"\n",
            "asterai.toml:5: unknown language \"cobol\""}}) {
    auto p = parse(c.text);
    ASSERT_FALSE(p) << c.text;
    EXPECT_EQ(p.error().kind, ErrorKind::invalid_input) << c.text;
    EXPECT_NE(p.error().message.find(c.expected), std::string::npos)
        << p.error().message << "\nexpected: " << c.expected;
  }
}

TEST(ProjectFile, WitNames) {
  for (const char* ok : {"a", "text-stats", "v2-api", "abc1"})
    EXPECT_TRUE(validate_wit_name(ok, "name")) << ok;
  for (const char* bad : {"", "-a", "a-", "a--b", "1a", "a-1b", "Text", "a_b", "a b"})
    EXPECT_FALSE(validate_wit_name(bad, "name")) << bad;
}

TEST(ProjectFile, MissingFileSaysWhatToDo) {
  auto p = load_project("/nonexistent-asterai-project");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().kind, ErrorKind::not_found);
  EXPECT_NE(p.error().message.find("asterai init"), std::string::npos);
}

}  // namespace
}  // namespace asterai::project
