#include "asterai/registry/gc.h"

#include <unordered_set>

namespace asterai::registry {

Result<GcReport> collect_garbage(BlobDriver& blobs, MetadataStore& metadata, const Clock& clock,
                                 const GcOptions& options) {
  GcReport report;
  int64_t now = clock.now_unix();
  int64_t cutoff = now - options.grace_seconds;
  auto referenced_list = ASTERAI_TRY(metadata.referenced_digests());
  std::unordered_set<std::string> live(referenced_list.begin(), referenced_list.end());
  std::unordered_set<std::string> referenced = live;

  for (const auto& link : ASTERAI_TRY(metadata.blob_links())) {
    if (referenced.count(link.digest) || link.created_unix >= cutoff) {
      live.insert(link.digest);
      continue;
    }
    ++report.links_removed;
    if (!options.dry_run) ASTERAI_TRY(metadata.unlink_blob(link.repository, link.digest));
  }

  std::vector<StoredBlob> doomed;
  ASTERAI_TRY(blobs.for_each([&](const StoredBlob& b) {
    if (live.count(b.digest.to_string()) || b.modified_unix >= cutoff) {
      ++report.blobs_kept;
    } else {
      doomed.push_back(b);
    }
  }));
  for (const auto& b : doomed) {
    ++report.blobs_removed;
    report.bytes_freed += b.size;
    if (options.dry_run) continue;
    ASTERAI_TRY(metadata.unlink_everywhere(b.digest.to_string()));
    ASTERAI_TRY(blobs.remove(b.digest));
  }

  for (const auto& u : ASTERAI_TRY(metadata.uploads())) {
    if (u.created_unix >= now - options.upload_max_age_seconds) continue;
    ++report.uploads_removed;
    if (options.dry_run) continue;
    ASTERAI_TRY(blobs.remove_upload(u.id));
    ASTERAI_TRY(metadata.delete_upload(u.id));
  }
  return report;
}

}  // namespace asterai::registry
