// What `asterai push` attaches to a component, computed from the runtime's reflection and
// the component's WIT: the config's `component` section, the tools document (one entry per
// exported function: name, WIT docs, JSON Schemas) and the WIT referrer's layers.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "asterai/common/error.h"
#include "asterai/mcp/catalog.h"
#include "asterai/oci/manifest.h"
#include "asterai/runtime/runtime.h"

namespace asterai::publish {

struct WitFile {
  std::string name;  // path relative to the WIT folder, '/'-separated
  std::string text;
};

// Every *.wit file under `dir` (deps/ included), sorted by name; invalid-input when none.
Result<std::vector<WitFile>> read_wit_dir(const std::filesystem::path& dir);

// "ns:pkg/world@version" of the first world in the top-level files, or "".
std::string wit_target(const std::vector<WitFile>& files);

oci::ComponentInfo component_info(const runtime::Component& component, std::string target);

// {"tools": [{"name", "function", "interface", "description", "signature", "input_schema",
//  "output_schema"} | {..., "unsupported"}]}; descriptions from `docs` (mcp::docs_key keys).
nlohmann::json tools_document(const runtime::Component& component, const mcp::WitDocs& docs);

}  // namespace asterai::publish
