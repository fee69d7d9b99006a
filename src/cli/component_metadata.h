// What `asterai push` attaches to a component, computed from the runtime's reflection and
// the project's WIT files: the config's `component` section, the tools document (one entry
// per exported function: name, WIT docs, JSON Schemas) and the WIT referrer's layers.
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "asterai/common/error.h"
#include "asterai/oci/manifest.h"
#include "asterai/runtime/runtime.h"

namespace asterai::cli {

struct WitFile {
  std::string name;  // path relative to the WIT folder, '/'-separated
  std::string text;
};

// Every *.wit file under `dir` (deps/ included), sorted by name; invalid-input when none.
Result<std::vector<WitFile>> read_wit_dir(const std::filesystem::path& dir);

// Doc comments (`///`) of functions, keyed "iface#func" (interface short name) or "#func"
// for functions a world exports directly.
std::map<std::string, std::string> wit_function_docs(const std::vector<WitFile>& files);

// "ns:pkg/world@version" of the first world in the top-level files, or "".
std::string wit_target(const std::vector<WitFile>& files);

oci::ComponentInfo component_info(const runtime::Component& component, std::string target);

// {"tools": [{"name", "function", "interface", "description", "signature", "input_schema",
//  "output_schema"} | {..., "unsupported"}]}
nlohmann::json tools_document(const runtime::Component& component,
                              const std::map<std::string, std::string>& docs);

}  // namespace asterai::cli
