// The registry's domain logic over a BlobDriver and a MetadataStore: upload sessions with
// digest verification, manifest validation, tags, referrers, deletion. Repository names
// and references are validated by the caller (HTTP layer) before they get here; this
// layer re-checks what it turns into paths.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "asterai/registry/clock.h"
#include "asterai/registry/storage/blob_driver.h"
#include "asterai/registry/storage/manifest.h"
#include "asterai/registry/storage/metadata.h"

namespace asterai::registry {

// Pulls request body bytes into the buffer; returns 0 at the end of the body.
using BodySource = std::function<Result<size_t>(std::span<char>)>;

struct StoredManifest {
  ManifestRecord record;
  std::string bytes;
};

struct PutManifestResult {
  std::string digest;
  std::string subject;
};

struct RegistryLimits {
  uint64_t max_blob_bytes = uint64_t{16} << 30;
};

class RegistryStore {
 public:
  RegistryStore(BlobDriver& blobs, MetadataStore& metadata, const Clock& clock,
                RegistryLimits limits = {});

  // --- blobs (not_found unless the blob is linked to the repository)
  Result<uint64_t> blob_size(const std::string& repo, const Digest& digest);
  Result<std::unique_ptr<BlobReader>> open_blob(const std::string& repo, const Digest& digest);
  Result<void> delete_blob(const std::string& repo, const Digest& digest);
  // Links an existing blob of `from` into `repo`; not_found if `from` lacks it.
  Result<void> mount_blob(const std::string& repo, const std::string& from, const Digest& digest);

  // --- upload sessions
  Result<std::string> start_upload(const std::string& repo);
  Result<uint64_t> upload_offset(const std::string& repo, const std::string& id);
  // Appends the body; when `expected_start` is set it must equal the current size
  // (range_invalid → invalid_input). Returns the new size.
  Result<uint64_t> append_upload(const std::string& repo, const std::string& id,
                                 std::optional<uint64_t> expected_start, const BodySource& body);
  // Verifies the digest of everything uploaded and commits it. On a mismatch the session
  // is discarded and nothing is stored (digest_invalid).
  Result<void> complete_upload(const std::string& repo, const std::string& id,
                               const Digest& digest);
  Result<void> cancel_upload(const std::string& repo, const std::string& id);

  // --- manifests; `reference` is a tag or a digest
  Result<PutManifestResult> put_manifest(const std::string& repo, const std::string& reference,
                                         std::string_view content_type, std::string_view bytes);
  Result<StoredManifest> get_manifest(const std::string& repo, const std::string& reference,
                                      bool with_bytes);
  Result<void> delete_manifest(const std::string& repo, const std::string& reference);

  MetadataStore& metadata() { return metadata_; }
  BlobDriver& blobs() { return blobs_; }

 private:
  struct UploadState {
    std::mutex mutex;  // one append or completion at a time per session
    Hasher sha256;
    uint64_t hashed = 0;  // bytes fed to sha256; equals the file size unless a write failed
  };

  Result<std::shared_ptr<UploadState>> upload_state(const std::string& repo, const std::string& id);
  Result<Digest> hash_upload_file(const std::string& id, DigestAlgorithm algorithm);
  Result<std::string> search_keywords(const std::string& repo, const ParsedManifest& m);
  void forget_upload(const std::string& id);

  BlobDriver& blobs_;
  MetadataStore& metadata_;
  const Clock& clock_;
  RegistryLimits limits_;
  std::mutex uploads_mutex_;
  std::map<std::string, std::shared_ptr<UploadState>> uploads_;
};

}  // namespace asterai::registry
