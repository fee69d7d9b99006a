// Validation of pushed manifests: OCI image manifests and indexes (and their Docker v2
// equivalents), including artifacts with `subject`/`artifactType`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "asterai/common/error.h"

namespace asterai::registry {

inline constexpr std::string_view kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr size_t kMaxManifestBytes = 4 * 1024 * 1024;

struct Descriptor {
  std::string media_type;
  std::string digest;
  uint64_t size = 0;
};

struct ParsedManifest {
  std::string media_type;
  bool is_index = false;
  std::vector<Descriptor> blobs;      // config + layers: must be blobs of the repository
  std::vector<Descriptor> manifests;  // index entries: must be manifests of the repository
  std::string subject;                // digest, or empty
  std::string artifact_type;          // artifactType, else config.mediaType
  std::string annotations;            // JSON object text, or empty
};

// invalid_input (MANIFEST_INVALID) for malformed JSON, an unknown or contradictory media
// type, or malformed descriptors. `content_type` is the request's Content-Type (may be empty).
Result<ParsedManifest> parse_manifest(std::string_view bytes, std::string_view content_type);

}  // namespace asterai::registry
