// An environment's components linked into one runtime::Composition, each member with its own
// grants and limits (vars and granted secrets arrive as environment variables at
// instantiation). Shared by `asterai env call | run` and `asterai serve --environment`.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "asterai/common/error.h"
#include "asterai/runtime/composition.h"
#include "env_common.h"
#include "output.h"

namespace asterai::cli {

struct LoadedComposition {
  LoadedEnv env;
  std::shared_ptr<const runtime::Composition> composition;
  // Member name -> its component file.
  std::map<std::string, std::filesystem::path> files;
};

// Loads ENV (as load_env), resolves every component (pulling unless `offline`), and links
// them. `progress` draws pull progress bars (on a terminal only).
Result<LoadedComposition> load_composition(const std::string& env_arg,
                                           const EnvRegistryFlags& flags, bool offline,
                                           const EngineFlags& engine, bool progress);

}  // namespace asterai::cli
