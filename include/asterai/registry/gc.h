// Garbage collection of blobs no manifest references. Mark: every manifest, everything a
// manifest references (config, layers, index children; referrers are manifests and keep
// their own content), and blobs linked to a repository within the grace period (pushed for
// a manifest that has not arrived yet). Sweep: everything else older than the grace period.
// Open upload sessions are separate files and are only removed once older than their
// own maximum age. Safe to run while the server serves: a blob committed during the run is
// younger than the grace period.
#pragma once

#include <cstdint>

#include "asterai/registry/clock.h"
#include "asterai/registry/storage/blob_driver.h"
#include "asterai/registry/storage/metadata.h"

namespace asterai::registry {

struct GcOptions {
  int64_t grace_seconds = 3600;
  int64_t upload_max_age_seconds = 24 * 3600;
  bool dry_run = false;
};

struct GcReport {
  size_t blobs_removed = 0;
  uint64_t bytes_freed = 0;
  size_t blobs_kept = 0;
  size_t links_removed = 0;
  size_t uploads_removed = 0;
};

Result<GcReport> collect_garbage(BlobDriver& blobs, MetadataStore& metadata, const Clock& clock,
                                 const GcOptions& options);

}  // namespace asterai::registry
