// A ToolSource over component files given on the command line ("[NAME=]path.wasm"). Every
// load re-reads the files, so a reload picks up rebuilt components. An environment is another
// ToolSource with a per-component policy (`asterai serve --environment`).
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "asterai/common/error.h"
#include "asterai/mcp/catalog.h"
#include "asterai/runtime/policy.h"
#include "asterai/runtime/runtime.h"

namespace asterai::mcp {

struct ComponentFile {
  std::string name;  // the tool-name prefix
  std::filesystem::path path;
};

// "NAME=path" or "path" (NAME = the file stem). NAME must be 1..32 of [A-Za-z0-9-].
Result<ComponentFile> parse_component_spec(std::string_view spec);

// Checks the names are unique, then returns a source loading the files with `policy`.
// `wit_docs` (from `--wit`) describe functions and types whose component carries no docs of
// its own.
Result<ToolSource> file_source(std::shared_ptr<const runtime::Runtime> runtime,
                               std::vector<ComponentFile> files, runtime::Policy policy,
                               WitDocs wit_docs = {});

}  // namespace asterai::mcp
