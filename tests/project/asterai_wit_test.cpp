// The asterai WIT packages `asterai build` adds: which a project lacks, and what is written.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "asterai_wit.h"
#include "test_support.h"

namespace asterai::project {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

std::string read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const char* kAgentWorld = R"(package asterai:agent@0.1.0;
// asterai:ignored/in-a-comment is not a reference
interface agent { run: func(task: string) -> string; }
world agent-loop {
  import asterai:host/registry@0.1.0;
  import asterai:mcp/client@0.1.0;
  export agent;
}
)";

TEST(AsteraiWit, TheBinaryCarriesHostAndMcp) {
  std::set<std::string> names;
  for (const auto& p : asterai_wit_packages()) {
    names.insert(std::string(p.name));
    EXPECT_NE(p.text.find("package asterai:" + std::string(p.name) + "@"), std::string::npos);
  }
  EXPECT_EQ(names, (std::set<std::string>{"host", "mcp"}));
}

TEST(AsteraiWit, OnlyKnownPackagesTheProjectLacksAreMissing) {
  test::TempDir dir("asterai-wit-test");
  write(dir.path() / "world.wit", kAgentWorld);
  // The project's own package (asterai:agent) is not ours to add.
  EXPECT_EQ(missing_asterai_packages(dir.path()), (std::set<std::string>{"host", "mcp"}));
  // A project that carries asterai:mcp in its deps keeps its own copy.
  write(dir.path() / "deps/mcp/mcp.wit", "package asterai:mcp@0.1.0;\ninterface client {}\n");
  EXPECT_EQ(missing_asterai_packages(dir.path()), (std::set<std::string>{"host"}));
}

TEST(AsteraiWit, AddedPackagesAreTheEmbeddedText) {
  test::TempDir dir("asterai-wit-test");
  ASSERT_TRUE(add_asterai_packages({"mcp"}, dir.path()));
  EXPECT_FALSE(fs::exists(dir.path() / "deps/asterai-host"));
  std::string text = read(dir.path() / "deps/asterai-mcp/mcp.wit");
  EXPECT_EQ(text.rfind("package asterai:mcp@0.1.0;", 0), 0u);
  EXPECT_NE(text.find("create-message: func"), std::string::npos);
}

}  // namespace
}  // namespace asterai::project
