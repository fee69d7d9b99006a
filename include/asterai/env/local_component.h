// Components of a draft that come from a file rather than a registry (`asterai env add ENV
// NAME ./x.wasm`, docs/environments.md "Local components"): the file is checked to be a
// component the runtime loads, then copied into the local store and named by its digest, so
// editing the file later changes nothing until `env update` (or `env add` again) copies it.
#pragma once

#include <filesystem>
#include <string>

#include "asterai/common/error.h"
#include "asterai/oci/store.h"
#include "asterai/runtime/runtime.h"

namespace asterai::env {

struct LocalComponent {
  std::string ref;   // local:sha256:<hex>
  std::string path;  // the file it was copied from, absolute
};

// not-found for a missing file; not-wasm / not-a-component / invalid-component when the
// runtime refuses it (nothing is stored then).
Result<LocalComponent> import_local_component(const std::filesystem::path& file,
                                              const runtime::Runtime& runtime,
                                              oci::LocalStore& store);

}  // namespace asterai::env
