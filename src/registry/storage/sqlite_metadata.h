// The embedded MetadataStore on SQLite. Schema in kSchema (sqlite_metadata.cpp).
#pragma once

#include "asterai/common/sqlite.h"
#include "asterai/registry/storage/metadata.h"

namespace asterai::registry {

class SqliteMetadata final : public MetadataStore {
 public:
  SqliteMetadata(std::shared_ptr<sqlite::Database> db, bool default_public);
  Result<void> init();

  Result<void> link_blob(const std::string& repo, const std::string& digest, int64_t now) override;
  Result<bool> blob_linked(const std::string& repo, const std::string& digest) override;
  Result<void> unlink_blob(const std::string& repo, const std::string& digest) override;
  Result<void> put_manifest(const ManifestRecord& record,
                            const std::vector<std::string>& references,
                            const std::string& tag) override;
  Result<ManifestRecord> get_manifest(const std::string& repo, const std::string& digest) override;
  Result<std::string> resolve_tag(const std::string& repo, const std::string& tag) override;
  Result<void> delete_manifest(const std::string& repo, const std::string& digest) override;
  Result<void> delete_tag(const std::string& repo, const std::string& tag) override;
  Result<std::vector<std::string>> list_tags(const std::string& repo, const std::string& last,
                                             size_t limit) override;
  Result<std::vector<ManifestRecord>> referrers(const std::string& repo,
                                                const std::string& subject) override;
  Result<std::vector<ManifestRecord>> manifests(const std::string& repo) override;
  Result<std::optional<RepositoryInfo>> repository(const std::string& name) override;
  Result<std::vector<RepositoryInfo>> repositories() override;
  Result<void> create_repository(const std::string& name, bool is_public, int64_t now) override;
  Result<void> set_visibility(const std::string& name, bool is_public) override;
  Result<uint64_t> listing_version() override;
  Result<void> create_upload(const UploadSession& session) override;
  Result<UploadSession> get_upload(const std::string& id) override;
  Result<void> delete_upload(const std::string& id) override;
  Result<std::vector<UploadSession>> uploads() override;
  Result<std::vector<std::string>> referenced_digests() override;
  Result<std::vector<BlobLink>> blob_links() override;
  Result<void> unlink_everywhere(const std::string& digest) override;

 private:
  Result<void> ensure_repository_locked(const std::string& repo, int64_t now);
  Result<std::vector<ManifestRecord>> select_manifests(const std::string& where,
                                                       const std::vector<std::string>& args);

  std::shared_ptr<sqlite::Database> db_;
  bool default_public_;
  uint64_t listing_writes_ = 0;  // under db_->mutex()
};

}  // namespace asterai::registry
