// `asterai env push` of a draft with local components (added from a file): each is published
// to the environment's registry as REGISTRY/NS/COMPONENT:VERSION (NS the environment's
// namespace, VERSION the environment version being pushed), with `asterai push`'s layout and
// tools referrer, and pinned there by digest, before the environment version is pushed.
#pragma once

#include <string>
#include <vector>

#include "asterai/common/error.h"
#include "asterai/env/document.h"
#include "asterai/oci/registry_client.h"
#include "env_common.h"

namespace asterai::cli {

struct PublishedComponent {
  std::string component;  // its name in the environment
  std::string ref;        // REGISTRY/NS/COMPONENT:VERSION
  std::string digest;     // the manifest's
  bool already_published = false;
};

// Local components whose wasm is exactly what `previous` (the last pushed version) pinned
// under the same name take that pin again, so an unchanged build is not a change.
Result<void> reuse_previous_pins(env::Document& doc, const env::Document& previous,
                                 const EnvRegistryFlags& flags);

// Publishes the remaining local components and pins them (REGISTRY/NS/COMPONENT@sha256:…).
// Every repository is checked before the first upload, so a refused version uploads nothing.
Result<std::vector<PublishedComponent>> publish_local_components(env::Document& doc,
                                                                 oci::RegistryClient& client,
                                                                 const std::string& env_base,
                                                                 const std::string& version);

}  // namespace asterai::cli
