// Repository metadata: which blobs and manifests a repository holds, its tags, referrers,
// visibility and open upload sessions. The embedded implementation is SQLite (WAL); a
// PostgreSQL one can implement the same interface. All multi-row changes are transactions.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "asterai/common/error.h"

namespace asterai::registry {

struct ManifestRecord {
  std::string repository;
  std::string digest;
  std::string media_type;
  uint64_t size = 0;
  std::string artifact_type;  // artifactType, else the config media type (referrers API rule)
  std::string subject;        // digest of the subject manifest, or empty
  std::string annotations;    // JSON object text, or empty
  std::string keywords;       // search words extracted from the content (WIT, tool names)
  int64_t created_unix = 0;
};

struct RepositoryInfo {
  std::string name;
  bool is_public = false;
  int64_t created_unix = 0;
};

struct UploadSession {
  std::string id;
  std::string repository;
  int64_t created_unix = 0;
};

struct BlobLink {
  std::string repository;
  std::string digest;
  int64_t created_unix = 0;
};

class MetadataStore {
 public:
  virtual ~MetadataStore() = default;

  // Creates the repository (with the store's default visibility) if it does not exist.
  virtual Result<void> link_blob(const std::string& repo, const std::string& digest,
                                 int64_t now) = 0;
  virtual Result<bool> blob_linked(const std::string& repo, const std::string& digest) = 0;
  virtual Result<void> unlink_blob(const std::string& repo, const std::string& digest) = 0;

  // Stores the manifest, the digests it references and optionally moves `tag` to it.
  virtual Result<void> put_manifest(const ManifestRecord& record,
                                    const std::vector<std::string>& references,
                                    const std::string& tag) = 0;
  virtual Result<ManifestRecord> get_manifest(const std::string& repo,
                                              const std::string& digest) = 0;
  virtual Result<std::string> resolve_tag(const std::string& repo, const std::string& tag) = 0;
  // Removes the manifest and every tag pointing at it.
  virtual Result<void> delete_manifest(const std::string& repo, const std::string& digest) = 0;
  virtual Result<void> delete_tag(const std::string& repo, const std::string& tag) = 0;
  // Tags in lexical order after `last`; not_found when the repository does not exist.
  virtual Result<std::vector<std::string>> list_tags(const std::string& repo,
                                                     const std::string& last, size_t limit) = 0;
  virtual Result<std::vector<ManifestRecord>> referrers(const std::string& repo,
                                                        const std::string& subject) = 0;
  virtual Result<std::vector<ManifestRecord>> manifests(const std::string& repo) = 0;

  virtual Result<std::optional<RepositoryInfo>> repository(const std::string& name) = 0;
  virtual Result<std::vector<RepositoryInfo>> repositories() = 0;
  virtual Result<void> create_repository(const std::string& name, bool is_public, int64_t now) = 0;
  virtual Result<void> set_visibility(const std::string& name, bool is_public) = 0;
  // Differs from its last value whenever a repository, manifest or tag may have changed,
  // in this process or another one sharing the store: what a cached listing checks.
  virtual Result<uint64_t> listing_version() = 0;

  virtual Result<void> create_upload(const UploadSession& session) = 0;
  virtual Result<UploadSession> get_upload(const std::string& id) = 0;
  virtual Result<void> delete_upload(const std::string& id) = 0;
  virtual Result<std::vector<UploadSession>> uploads() = 0;

  // Garbage collection: every digest a manifest is or references, in any repository.
  virtual Result<std::vector<std::string>> referenced_digests() = 0;
  virtual Result<std::vector<BlobLink>> blob_links() = 0;
  // Removes the links of a blob from every repository (the blob is being collected).
  virtual Result<void> unlink_everywhere(const std::string& digest) = 0;
};

}  // namespace asterai::registry
