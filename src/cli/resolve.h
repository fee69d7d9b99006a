// Component arguments that are files or registry references: `asterai call REF add 1 2`
// runs a component straight from a registry, pulled on demand into the local store.
#pragma once

#include <filesystem>
#include <string_view>

#include "asterai/common/error.h"

namespace asterai::cli {

struct ResolveOptions {
  // Use the local store only; a reference not there is a not-found error.
  bool offline = false;
  // --plain-http for the registry (loopback registries use it anyway).
  bool plain_http = false;
  // Show a progress bar while pulling (only drawn on a terminal).
  bool progress = true;
};

// An existing file is returned as it is. Otherwise, text shaped like a reference
// (REGISTRY/NS/NAME:VERSION or …@sha256:…) is looked up in the local store and pulled when
// missing (not with `offline`); the result is the path of the stored wasm. Anything else is
// returned unchanged so the runtime reports the missing file. A local component
// (local:sha256:…) is the store's verified copy, never pulled.
Result<std::filesystem::path> resolve_component(std::string_view path_or_ref,
                                                const ResolveOptions& options = {});

}  // namespace asterai::cli
