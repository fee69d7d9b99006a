// The asterai WIT packages a component may import: asterai:host (the environment's registry)
// and asterai:mcp (MCP features). They are compiled into the binary from the repository's
// wit/ folder, so `asterai build` gives a project exactly the interfaces this runtime provides
// without the project carrying a copy in its wit/deps.
#pragma once

#include <filesystem>
#include <set>
#include <span>
#include <string>
#include <string_view>

#include "asterai/common/error.h"

namespace asterai::project {

struct AsteraiWitPackage {
  std::string_view name;  // "host", for `package asterai:host@...`
  std::string_view file;  // its file name under deps/asterai-NAME/
  std::string_view text;  // the WIT source
};

// Every package the binary carries (generated at build time from wit/asterai-*/).
std::span<const AsteraiWitPackage> asterai_wit_packages();

// The asterai packages ("host", "mcp") the project's WIT refers to and does not declare itself.
std::set<std::string> missing_asterai_packages(const std::filesystem::path& wit_dir);

// Writes the packages named in `names` under dest/deps/asterai-NAME/.
Result<void> add_asterai_packages(const std::set<std::string>& names,
                                  const std::filesystem::path& dest);

}  // namespace asterai::project
