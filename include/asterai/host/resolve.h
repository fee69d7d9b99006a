// Component arguments that are files or registry references: a component runs straight
// from a registry, pulled on demand into the local store.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "asterai/common/error.h"
#include "asterai/oci/progress.h"

namespace asterai::host {

struct ResolveOptions {
  // Use the local store only; a reference not there is a not-found error.
  bool offline = false;
  // Plain HTTP for the registry (loopback registries use it anyway).
  bool plain_http = false;
  // Told about a pull's progress; may be null.
  oci::Progress* progress = nullptr;
  // Told when the trust policy warns (docs/signing.md); default: a line on stderr.
  std::function<void(const std::string&)> on_warning = nullptr;
};

// An existing file is returned as it is. Otherwise, text shaped like a reference
// (REGISTRY/NS/NAME:VERSION or …@sha256:…) is looked up in the local store and pulled when
// missing (not with `offline`); the result is the path of the stored wasm. Anything else is
// returned unchanged so the runtime reports the missing file. A local component
// (local:sha256:…) is the store's verified copy, never pulled. A reference is checked
// against the trust policy ($ASTERAI_HOME/trust.toml) before it is stored; a stored one again
// under `require` (signers are remembered, so that costs no request after the first).
Result<std::filesystem::path> resolve_component(std::string_view path_or_ref,
                                                const ResolveOptions& options = {});

}  // namespace asterai::host
