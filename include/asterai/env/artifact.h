// Environments as OCI artifacts: an image manifest with
// artifactType application/vnd.asterai.environment.v1+toml, the empty config and one layer
// of that type holding the document (every component pinned by digest). A pushed version
// is never replaced: pushing a tag that exists is refused before anything is uploaded.
#pragma once

#include <optional>
#include <string>

#include "asterai/common/error.h"
#include "asterai/oci/manifest.h"
#include "asterai/oci/reference.h"
#include "asterai/oci/registry_client.h"
#include "asterai/oci/semver.h"

namespace asterai::env {

oci::Artifact build_environment_artifact(const std::string& document, const std::string& version);

struct PushedEnvironment {
  std::string manifest_digest;
  std::string layer_digest;
};
// Whether `ref`'s tag is a semver version not pushed yet (conflict when it exists): checked
// before anything of a push is uploaded.
Result<void> check_version_free(oci::RegistryClient& client, const oci::Reference& ref);
// `ref` carries the version as its tag. A document naming a local component is refused.
Result<PushedEnvironment> push_environment(oci::RegistryClient& client, const oci::Reference& ref,
                                           const std::string& document);

struct FetchedEnvironment {
  std::string bytes;  // the document, verified against layer_digest
  std::string manifest_digest;
  std::string layer_digest;
};
Result<FetchedEnvironment> fetch_environment(oci::RegistryClient& client,
                                             const oci::Reference& ref);

// The highest released version among the repository's tags, pre-releases left out (nullopt
// when there is none).
Result<std::optional<oci::Version>> latest_version(oci::RegistryClient& client,
                                                   const std::string& repository);
std::string version_string(const oci::Version& v);

}  // namespace asterai::env
