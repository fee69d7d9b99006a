// Publishing a component: its manifest (CNCF Wasm layout) under a version tag, then its
// referrers (WIT, tools), then `latest` when the version is the newest release. A released
// version is never moved: re-pushing identical content is a no-op, other content is refused.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "asterai/common/error.h"
#include "asterai/oci/manifest.h"
#include "asterai/oci/progress.h"
#include "asterai/oci/reference.h"
#include "asterai/oci/registry_client.h"

namespace asterai::oci {

struct ReferrerToPush {
  std::string artifact_type;
  Artifact artifact;  // built with subject = the component's descriptor
};

struct PublishRequest {
  Reference ref;  // registry/repo:tag
  Artifact component;
  std::vector<ReferrerToPush> referrers;
  bool move_latest = true;  // point `latest` at a release that is the newest one
  // --public (true) / --private (false): set before anything is uploaded when the repository
  // has no tag yet (first publication); needs asterai's registry (its visibility API).
  std::optional<bool> visibility;
  Progress* progress = nullptr;
};

struct PublishResult {
  std::string digest;  // the component manifest's
  // Content identical to what the version already holds: nothing was pushed.
  bool already_published = false;
  bool latest_moved = false;
  bool used_fallback = false;          // referrers written through the sha256-<hex> tag fallback
  std::optional<bool> visibility_set;  // what was set on first publication (true: public)
  std::string visibility_note;         // why a requested visibility was not applied
  std::vector<std::pair<std::string, std::string>> referrers;  // artifact type, digest
};

Result<PublishResult> publish(RegistryClient& client, const PublishRequest& request);

// The tools referrer of a component: one layer, tools.json (docs/publishing.md).
ReferrerToPush tools_referrer(const Descriptor& subject, const std::string& tools_json,
                              const std::string& created);

// The digest of the wasm layer a pushed manifest holds, or "" when it is not a component.
Result<std::string> wasm_digest_of(RegistryClient& client, const std::string& repo,
                                   const std::string& manifest_digest);

}  // namespace asterai::oci
