// `asterai build`: a project's sources + WIT -> one component, with the language's own
// toolchain. Incremental: when no input (sources, WIT, asterai.toml, the tools themselves)
// changed since the last build, nothing runs.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "asterai/common/error.h"
#include "asterai/project/project.h"

namespace asterai::project {

struct BuildOptions {
  std::filesystem::path cache_root;  // where the tool cache is (cache_root/tools)
  std::filesystem::path out_dir;     // empty = PROJECT/build
  bool force = false;                // rebuild even when up to date
  // The runtime's Wasmtime version ("48.0.8"): a world importing wasi: interfaces is built
  // against that version's WASI WIT packages (docs/authoring.md).
  std::string wasmtime_version;
  // Called with each step's name before it runs ("wit-bindgen", "clang", ...).
  std::function<void(const std::string&)> on_step;
  // Called with everything a failing step printed, before the error is returned.
  std::function<void(const std::string&)> on_failure_output;
};

struct BuildResult {
  std::filesystem::path output;  // OUT_DIR/NAME.wasm
  bool up_to_date = false;       // nothing ran
  uint64_t size_bytes = 0;
};

Result<BuildResult> build_project(const Project& project, const BuildOptions& options);

}  // namespace asterai::project
