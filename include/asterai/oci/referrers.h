// Referrers (dist-spec v1.1): attaching an artifact to a subject manifest and listing what
// is attached, through the referrers API or, where a registry lacks it (distribution 2.x,
// GHCR), the tag fallback: an image index tagged `sha256-<hex of the subject>` listing them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "asterai/common/error.h"
#include "asterai/oci/manifest.h"
#include "asterai/oci/registry_client.h"

namespace asterai::oci {

// "sha256-<hex>": the fallback tag of a subject digest.
std::string fallback_tag(const std::string& subject_digest);
// Whether a tag has that shape, or cosign's `sha256-<hex>.sig` for signatures: plumbing,
// not a version to list.
bool is_fallback_tag(std::string_view tag);

struct AttachResult {
  std::string digest;
  bool used_fallback = false;
};

// Pushes the referrer's blobs and manifest (by digest) and, without a referrers API, adds
// it to the fallback index (read-modify-write; entries of other clients are kept).
Result<AttachResult> attach_referrer(RegistryClient& client, const std::string& repo,
                                     const Artifact& referrer, const std::string& artifact_type,
                                     const std::string& subject_digest, Progress* progress);

// Referrers of `subject_digest` with the artifact type (all when empty), from the API or the
// fallback tag; an empty list when there are none.
Result<std::vector<Descriptor>> list_referrers(RegistryClient& client, const std::string& repo,
                                               const std::string& subject_digest,
                                               const std::string& artifact_type = {});

}  // namespace asterai::oci
