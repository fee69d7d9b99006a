// What a component in a registry is, read without downloading it: the manifest (annotations,
// the wasm layer's descriptor), the small config (exports, imports, target world), the
// repository's versions, and the WIT and tools referrers. The wasm layer is never fetched.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "asterai/common/error.h"
#include "asterai/oci/manifest.h"
#include "asterai/oci/reference.h"
#include "asterai/oci/registry_client.h"

namespace asterai::oci {

struct WitSource {
  std::string name;  // the layer's title annotation ("world.wit", "deps/x.wit")
  std::string text;
};

struct ComponentView {
  Reference ref;       // as asked for
  std::string digest;  // the component manifest's
  Descriptor wasm;     // the wasm layer's descriptor (digest, size), not its bytes
  std::map<std::string, std::string> annotations;  // org.opencontainers.image.*
  ComponentInfo info;                              // from the config; empty when it has none
  std::vector<std::string> versions;               // every tag of the repository, semver order
  std::string latest;                              // newest_version(versions)
  std::vector<WitSource> wit;
  // The tools document's entries as published ({"name", "description", "signature", …}).
  nlohmann::json tools = nlohmann::json::array();
  // Referrers or config that could not be read: the view is still useful without them.
  std::vector<std::string> warnings;

  std::string description() const;
};

// not-found for a tag or digest that does not exist (or a repository the caller may not
// read, which asterai's registry makes look the same), naming what to try instead;
// invalid-input when the reference is not a component.
Result<ComponentView> view_component(RegistryClient& client, const Reference& ref);

}  // namespace asterai::oci
