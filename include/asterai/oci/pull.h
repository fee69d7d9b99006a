// Pulling a component into the local store: manifest, config and wasm layer (each verified
// against its digest before it becomes visible), plus its WIT and tools referrers, then the
// index entry. Holds the store's shared lock throughout so a concurrent `rm` cannot collect
// blobs that are about to be referenced.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "asterai/common/error.h"
#include "asterai/oci/progress.h"
#include "asterai/oci/reference.h"
#include "asterai/oci/registry_client.h"
#include "asterai/oci/store.h"

namespace asterai::oci {

struct PullOptions {
  bool referrers = true;  // also fetch the WIT and tools referrers (failures are warnings)
  Progress* progress = nullptr;
  // Called with the manifest digest before anything is stored: an error (a trust policy
  // refusing an unsigned component) ends the pull with the store untouched.
  std::function<Result<void>(const std::string& digest)> before_store;
};

struct PullResult {
  std::string digest;  // the component manifest's
  Descriptor wasm;     // its layer
  std::filesystem::path wasm_path;
  size_t referrers = 0;
  std::vector<std::string> warnings;
};

// A component manifest's bytes, checked to hold exactly one wasm layer; invalid-input naming
// `ref` otherwise (an environment, an image, a referrer).
Result<Manifest> parse_component(const std::string& bytes, const Reference& ref);

Result<PullResult> pull(RegistryClient& client, LocalStore& store, const Reference& ref,
                        const PullOptions& options = {});

// What the store holds for a reference: the manifest digest and the wasm file; not-found
// when the reference was never pulled.
Result<PullResult> find_local(const LocalStore& store, const Reference& ref);

}  // namespace asterai::oci
