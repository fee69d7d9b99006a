#include "storage/sqlite_metadata.h"

namespace asterai::registry {
namespace {

constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS repositories(
  name TEXT PRIMARY KEY, public INTEGER NOT NULL, created INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS blob_links(
  repository TEXT NOT NULL, digest TEXT NOT NULL, created INTEGER NOT NULL,
  PRIMARY KEY(repository, digest));
CREATE INDEX IF NOT EXISTS blob_links_digest ON blob_links(digest);
CREATE TABLE IF NOT EXISTS manifests(
  repository TEXT NOT NULL, digest TEXT NOT NULL, media_type TEXT NOT NULL, size INTEGER NOT NULL,
  artifact_type TEXT NOT NULL, subject TEXT NOT NULL, annotations TEXT NOT NULL,
  keywords TEXT NOT NULL, created INTEGER NOT NULL, PRIMARY KEY(repository, digest));
CREATE INDEX IF NOT EXISTS manifests_subject ON manifests(repository, subject);
CREATE TABLE IF NOT EXISTS manifest_refs(
  repository TEXT NOT NULL, digest TEXT NOT NULL, child TEXT NOT NULL,
  PRIMARY KEY(repository, digest, child));
CREATE TABLE IF NOT EXISTS tags(
  repository TEXT NOT NULL, tag TEXT NOT NULL, digest TEXT NOT NULL, PRIMARY KEY(repository, tag));
CREATE INDEX IF NOT EXISTS tags_digest ON tags(repository, digest);
CREATE TABLE IF NOT EXISTS uploads(
  id TEXT PRIMARY KEY, repository TEXT NOT NULL, created INTEGER NOT NULL);
)sql";

constexpr std::string_view kManifestColumns =
    "repository, digest, media_type, size, artifact_type, subject, annotations, keywords, created";

ManifestRecord manifest_from(const sqlite::Statement& st) {
  ManifestRecord r;
  r.repository = st.text(0);
  r.digest = st.text(1);
  r.media_type = st.text(2);
  r.size = static_cast<uint64_t>(st.integer(3));
  r.artifact_type = st.text(4);
  r.subject = st.text(5);
  r.annotations = st.text(6);
  r.keywords = st.text(7);
  r.created_unix = st.integer(8);
  return r;
}

}  // namespace

using sqlite::Statement;

SqliteMetadata::SqliteMetadata(std::shared_ptr<sqlite::Database> db, bool default_public)
    : db_(std::move(db)), default_public_(default_public) {}

Result<void> SqliteMetadata::init() {
  std::lock_guard lock(db_->mutex());
  return db_->exec(kSchema);
}

Result<void> SqliteMetadata::ensure_repository_locked(const std::string& repo, int64_t now) {
  Statement st(db_->handle(),
               "INSERT OR IGNORE INTO repositories(name, public, created) VALUES(?,?,?)");
  return st.bind(1, repo).bind(2, int64_t{default_public_}).bind(3, now).run();
}

Result<void> SqliteMetadata::link_blob(const std::string& repo, const std::string& digest,
                                       int64_t now) {
  std::lock_guard lock(db_->mutex());
  ++listing_writes_;
  sqlite::Transaction tx(*db_);
  ASTERAI_TRY(ensure_repository_locked(repo, now));
  Statement st(db_->handle(),
               "INSERT OR IGNORE INTO blob_links(repository, digest, created) VALUES(?,?,?)");
  ASTERAI_TRY(st.bind(1, repo).bind(2, digest).bind(3, now).run());
  return tx.commit();
}

Result<bool> SqliteMetadata::blob_linked(const std::string& repo, const std::string& digest) {
  std::lock_guard lock(db_->mutex());
  Statement st(db_->handle(), "SELECT 1 FROM blob_links WHERE repository=? AND digest=?");
  bool found = st.bind(1, repo).bind(2, digest).step();
  if (!st.error().empty()) return sqlite::error_from(st, "blob lookup");
  return found;
}

Result<void> SqliteMetadata::unlink_blob(const std::string& repo, const std::string& digest) {
  std::lock_guard lock(db_->mutex());
  Statement st(db_->handle(), "DELETE FROM blob_links WHERE repository=? AND digest=?");
  ASTERAI_TRY(st.bind(1, repo).bind(2, digest).run());
  if (sqlite3_changes(db_->handle()) == 0)
    return make_error(ErrorKind::not_found, "blob unknown to repository");
  return {};
}

Result<void> SqliteMetadata::put_manifest(const ManifestRecord& r,
                                          const std::vector<std::string>& references,
                                          const std::string& tag) {
  std::lock_guard lock(db_->mutex());
  ++listing_writes_;
  sqlite::Transaction tx(*db_);
  ASTERAI_TRY(ensure_repository_locked(r.repository, r.created_unix));
  Statement put(
      db_->handle(),
      "INSERT INTO manifests(repository, digest, media_type, size, artifact_type, subject, "
      "annotations, "
      "keywords, created) VALUES(?,?,?,?,?,?,?,?,?) ON CONFLICT(repository, digest) DO NOTHING");
  put.bind(1, r.repository)
      .bind(2, r.digest)
      .bind(3, r.media_type)
      .bind(4, static_cast<int64_t>(r.size));
  put.bind(5, r.artifact_type)
      .bind(6, r.subject)
      .bind(7, r.annotations)
      .bind(8, r.keywords)
      .bind(9, r.created_unix);
  ASTERAI_TRY(put.run());
  for (const auto& child : references) {
    Statement ref(db_->handle(),
                  "INSERT OR IGNORE INTO manifest_refs(repository, digest, child) VALUES(?,?,?)");
    ASTERAI_TRY(ref.bind(1, r.repository).bind(2, r.digest).bind(3, child).run());
  }
  if (!tag.empty()) {
    Statement t(db_->handle(),
                "INSERT INTO tags(repository, tag, digest) VALUES(?,?,?) "
                "ON CONFLICT(repository, tag) DO UPDATE SET digest=excluded.digest");
    ASTERAI_TRY(t.bind(1, r.repository).bind(2, tag).bind(3, r.digest).run());
  }
  return tx.commit();
}

Result<ManifestRecord> SqliteMetadata::get_manifest(const std::string& repo,
                                                    const std::string& digest) {
  std::lock_guard lock(db_->mutex());
  Statement st(db_->handle(), "SELECT " + std::string(kManifestColumns) +
                                  " FROM manifests WHERE repository=? AND digest=?");
  if (!st.bind(1, repo).bind(2, digest).step()) {
    if (!st.error().empty()) return sqlite::error_from(st, "manifest lookup");
    return make_error(ErrorKind::not_found, "manifest unknown");
  }
  return manifest_from(st);
}

Result<std::string> SqliteMetadata::resolve_tag(const std::string& repo, const std::string& tag) {
  std::lock_guard lock(db_->mutex());
  Statement st(db_->handle(), "SELECT digest FROM tags WHERE repository=? AND tag=?");
  if (!st.bind(1, repo).bind(2, tag).step()) {
    if (!st.error().empty()) return sqlite::error_from(st, "tag lookup");
    return make_error(ErrorKind::not_found, "tag unknown");
  }
  return st.text(0);
}

Result<void> SqliteMetadata::delete_manifest(const std::string& repo, const std::string& digest) {
  std::lock_guard lock(db_->mutex());
  ++listing_writes_;
  sqlite::Transaction tx(*db_);
  Statement del(db_->handle(), "DELETE FROM manifests WHERE repository=? AND digest=?");
  ASTERAI_TRY(del.bind(1, repo).bind(2, digest).run());
  if (sqlite3_changes(db_->handle()) == 0)
    return make_error(ErrorKind::not_found, "manifest unknown");
  for (auto sql : {"DELETE FROM tags WHERE repository=? AND digest=?",
                   "DELETE FROM manifest_refs WHERE repository=? AND digest=?"}) {
    Statement st(db_->handle(), sql);
    ASTERAI_TRY(st.bind(1, repo).bind(2, digest).run());
  }
  return tx.commit();
}

Result<void> SqliteMetadata::delete_tag(const std::string& repo, const std::string& tag) {
  std::lock_guard lock(db_->mutex());
  ++listing_writes_;
  Statement st(db_->handle(), "DELETE FROM tags WHERE repository=? AND tag=?");
  ASTERAI_TRY(st.bind(1, repo).bind(2, tag).run());
  if (sqlite3_changes(db_->handle()) == 0) return make_error(ErrorKind::not_found, "tag unknown");
  return {};
}

Result<std::vector<std::string>> SqliteMetadata::list_tags(const std::string& repo,
                                                           const std::string& last, size_t limit) {
  std::lock_guard lock(db_->mutex());
  Statement exists(db_->handle(), "SELECT 1 FROM repositories WHERE name=?");
  if (!exists.bind(1, repo).step()) return make_error(ErrorKind::not_found, "repository unknown");
  Statement st(db_->handle(),
               "SELECT tag FROM tags WHERE repository=? AND tag>? ORDER BY tag LIMIT ?");
  st.bind(1, repo).bind(2, last).bind(3, static_cast<int64_t>(std::min<size_t>(limit, INT64_MAX)));
  std::vector<std::string> tags;
  while (st.step()) tags.push_back(st.text(0));
  if (!st.error().empty()) return sqlite::error_from(st, "tag list");
  return tags;
}

Result<std::vector<ManifestRecord>> SqliteMetadata::select_manifests(
    const std::string& where, const std::vector<std::string>& args) {
  std::lock_guard lock(db_->mutex());
  Statement st(db_->handle(), "SELECT " + std::string(kManifestColumns) + " FROM manifests WHERE " +
                                  where + " ORDER BY digest");
  for (size_t i = 0; i < args.size(); ++i) st.bind(static_cast<int>(i + 1), args[i]);
  std::vector<ManifestRecord> out;
  while (st.step()) out.push_back(manifest_from(st));
  if (!st.error().empty()) return sqlite::error_from(st, "manifest list");
  return out;
}

Result<std::vector<ManifestRecord>> SqliteMetadata::referrers(const std::string& repo,
                                                              const std::string& subject) {
  return select_manifests("repository=? AND subject=?", {repo, subject});
}

Result<std::vector<ManifestRecord>> SqliteMetadata::manifests(const std::string& repo) {
  return select_manifests("repository=?", {repo});
}

Result<std::optional<RepositoryInfo>> SqliteMetadata::repository(const std::string& name) {
  std::lock_guard lock(db_->mutex());
  Statement st(db_->handle(), "SELECT name, public, created FROM repositories WHERE name=?");
  if (!st.bind(1, name).step()) {
    if (!st.error().empty()) return sqlite::error_from(st, "repository lookup");
    return std::optional<RepositoryInfo>();
  }
  return RepositoryInfo{st.text(0), st.integer(1) != 0, st.integer(2)};
}

Result<std::vector<RepositoryInfo>> SqliteMetadata::repositories() {
  std::lock_guard lock(db_->mutex());
  Statement st(db_->handle(), "SELECT name, public, created FROM repositories ORDER BY name");
  std::vector<RepositoryInfo> out;
  while (st.step()) out.push_back(RepositoryInfo{st.text(0), st.integer(1) != 0, st.integer(2)});
  if (!st.error().empty()) return sqlite::error_from(st, "repository list");
  return out;
}

Result<void> SqliteMetadata::create_repository(const std::string& name, bool is_public,
                                               int64_t now) {
  std::lock_guard lock(db_->mutex());
  ++listing_writes_;
  Statement st(db_->handle(),
               "INSERT OR IGNORE INTO repositories(name, public, created) VALUES(?,?,?)");
  return st.bind(1, name).bind(2, int64_t{is_public}).bind(3, now).run();
}

Result<void> SqliteMetadata::set_visibility(const std::string& name, bool is_public) {
  std::lock_guard lock(db_->mutex());
  ++listing_writes_;
  Statement st(db_->handle(), "UPDATE repositories SET public=? WHERE name=?");
  ASTERAI_TRY(st.bind(1, int64_t{is_public}).bind(2, name).run());
  if (sqlite3_changes(db_->handle()) == 0)
    return make_error(ErrorKind::not_found, "repository unknown: " + name);
  return {};
}

Result<uint64_t> SqliteMetadata::listing_version() {
  std::lock_guard lock(db_->mutex());
  // data_version changes when another connection commits; this one's writes are counted.
  Statement st(db_->handle(), "PRAGMA data_version");
  if (!st.step()) return sqlite::error_from(st, "data version");
  return (static_cast<uint64_t>(st.integer(0)) << 32) + listing_writes_;
}

Result<void> SqliteMetadata::create_upload(const UploadSession& s) {
  std::lock_guard lock(db_->mutex());
  Statement st(db_->handle(), "INSERT INTO uploads(id, repository, created) VALUES(?,?,?)");
  return st.bind(1, s.id).bind(2, s.repository).bind(3, s.created_unix).run();
}

Result<UploadSession> SqliteMetadata::get_upload(const std::string& id) {
  std::lock_guard lock(db_->mutex());
  Statement st(db_->handle(), "SELECT id, repository, created FROM uploads WHERE id=?");
  if (!st.bind(1, id).step()) {
    if (!st.error().empty()) return sqlite::error_from(st, "upload lookup");
    return make_error(ErrorKind::not_found, "upload unknown");
  }
  return UploadSession{st.text(0), st.text(1), st.integer(2)};
}

Result<void> SqliteMetadata::delete_upload(const std::string& id) {
  std::lock_guard lock(db_->mutex());
  Statement st(db_->handle(), "DELETE FROM uploads WHERE id=?");
  return st.bind(1, id).run();
}

Result<std::vector<UploadSession>> SqliteMetadata::uploads() {
  std::lock_guard lock(db_->mutex());
  Statement st(db_->handle(), "SELECT id, repository, created FROM uploads");
  std::vector<UploadSession> out;
  while (st.step()) out.push_back(UploadSession{st.text(0), st.text(1), st.integer(2)});
  if (!st.error().empty()) return sqlite::error_from(st, "upload list");
  return out;
}

Result<std::vector<std::string>> SqliteMetadata::referenced_digests() {
  std::lock_guard lock(db_->mutex());
  Statement st(db_->handle(), "SELECT digest FROM manifests UNION SELECT child FROM manifest_refs");
  std::vector<std::string> out;
  while (st.step()) out.push_back(st.text(0));
  if (!st.error().empty()) return sqlite::error_from(st, "reference scan");
  return out;
}

Result<std::vector<BlobLink>> SqliteMetadata::blob_links() {
  std::lock_guard lock(db_->mutex());
  Statement st(db_->handle(), "SELECT repository, digest, created FROM blob_links");
  std::vector<BlobLink> out;
  while (st.step()) out.push_back(BlobLink{st.text(0), st.text(1), st.integer(2)});
  if (!st.error().empty()) return sqlite::error_from(st, "blob link scan");
  return out;
}

Result<void> SqliteMetadata::unlink_everywhere(const std::string& digest) {
  std::lock_guard lock(db_->mutex());
  Statement st(db_->handle(), "DELETE FROM blob_links WHERE digest=?");
  return st.bind(1, digest).run();
}

}  // namespace asterai::registry
