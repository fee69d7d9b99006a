#include "asterai/registry/storage/registry_store.h"

#include <sodium.h>

#include "asterai/common/random_hex.h"
#include "asterai/registry/names.h"
#include "asterai/registry/search/keywords.h"

namespace asterai::registry {
namespace {

constexpr size_t kCopyBuffer = 256 * 1024;
constexpr uint64_t kHashInvalid = UINT64_MAX;
constexpr uint64_t kMaxIndexedLayer = 1024 * 1024;

std::string new_session_id() {
  return random_hex(16);
}

bool is_session_id(const std::string& id) {
  if (id.size() != 32) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// image-spec: non-distributable layers are referenced but never pushed to a registry.
bool is_nondistributable(const std::string& media_type) {
  return media_type.find(".nondistributable.") != std::string::npos ||
         media_type.find(".foreign.") != std::string::npos;
}

tl::unexpected<Error> upload_unknown() {
  return make_error(ErrorKind::not_found, "upload session unknown");
}

}  // namespace

RegistryStore::RegistryStore(BlobDriver& blobs, MetadataStore& metadata, const Clock& clock,
                             RegistryLimits limits)
    : blobs_(blobs), metadata_(metadata), clock_(clock), limits_(limits) {
  // Only fails when no entropy source exists; randombytes would then abort on its own.
  if (sodium_init() < 0) return;
}

Result<uint64_t> RegistryStore::blob_size(const std::string& repo, const Digest& digest) {
  if (!ASTERAI_TRY(metadata_.blob_linked(repo, digest.to_string()))) {
    return make_error(ErrorKind::not_found, "blob unknown to repository");
  }
  return blobs_.size(digest);
}

Result<std::unique_ptr<BlobReader>> RegistryStore::open_blob(const std::string& repo,
                                                             const Digest& digest) {
  if (!ASTERAI_TRY(metadata_.blob_linked(repo, digest.to_string()))) {
    return make_error(ErrorKind::not_found, "blob unknown to repository");
  }
  return blobs_.open(digest);
}

Result<void> RegistryStore::delete_blob(const std::string& repo, const Digest& digest) {
  // Only the link goes; the bytes stay until `registry gc` finds them unreferenced.
  return metadata_.unlink_blob(repo, digest.to_string());
}

Result<void> RegistryStore::mount_blob(const std::string& repo, const std::string& from,
                                       const Digest& digest) {
  if (!ASTERAI_TRY(metadata_.blob_linked(from, digest.to_string()))) {
    return make_error(ErrorKind::not_found, "blob unknown to source repository");
  }
  ASTERAI_TRY(blobs_.size(digest));
  return metadata_.link_blob(repo, digest.to_string(), clock_.now_unix());
}

Result<std::string> RegistryStore::start_upload(const std::string& repo) {
  std::string id = new_session_id();
  ASTERAI_TRY(blobs_.create_upload(id));
  auto ok = metadata_.create_upload(UploadSession{id, repo, clock_.now_unix()});
  if (!ok) {
    (void)blobs_.remove_upload(id);
    return tl::unexpected(ok.error());
  }
  return id;
}

Result<std::shared_ptr<RegistryStore::UploadState>> RegistryStore::upload_state(
    const std::string& repo, const std::string& id) {
  if (!is_session_id(id)) return upload_unknown();
  auto session = metadata_.get_upload(id);
  if (!session) {
    if (session.error().kind == ErrorKind::not_found) return upload_unknown();
    return tl::unexpected(session.error());
  }
  if (session->repository != repo) return upload_unknown();
  std::lock_guard lock(uploads_mutex_);
  auto& slot = uploads_[id];
  if (!slot) {
    slot = std::make_shared<UploadState>();
    // After a restart the in-memory hash is gone; completion re-reads the file.
    auto size = blobs_.upload_size(id);
    if (!size || *size != 0) slot->hashed = kHashInvalid;
  }
  return slot;
}

void RegistryStore::forget_upload(const std::string& id) {
  std::lock_guard lock(uploads_mutex_);
  uploads_.erase(id);
}

Result<uint64_t> RegistryStore::upload_offset(const std::string& repo, const std::string& id) {
  ASTERAI_TRY(upload_state(repo, id));
  return blobs_.upload_size(id);
}

Result<uint64_t> RegistryStore::append_upload(const std::string& repo, const std::string& id,
                                              std::optional<uint64_t> expected_start,
                                              const BodySource& body) {
  auto state = ASTERAI_TRY(upload_state(repo, id));
  std::lock_guard lock(state->mutex);
  uint64_t size = ASTERAI_TRY(blobs_.upload_size(id));
  if (expected_start && *expected_start != size) {
    return make_error(
        ErrorKind::invalid_input,
        "chunk does not start at the upload's current offset " + std::to_string(size));
  }
  auto writer = ASTERAI_TRY(blobs_.append_upload(id));
  std::vector<char> buffer(kCopyBuffer);
  while (true) {
    size_t n = ASTERAI_TRY(body(buffer));
    if (n == 0) break;
    if (size + n > limits_.max_blob_bytes) {
      (void)cancel_upload(repo, id);
      return make_error(ErrorKind::too_large, "blob exceeds the registry's size limit");
    }
    std::span<const char> chunk(buffer.data(), n);
    auto ok = writer->append(chunk);
    if (!ok) {
      state->hashed = kHashInvalid;
      return tl::unexpected(ok.error());
    }
    if (state->hashed == size) {
      state->sha256.update(chunk);
      state->hashed += n;
    }
    size += n;
  }
  return size;
}

Result<Digest> RegistryStore::hash_upload_file(const std::string& id, DigestAlgorithm algorithm) {
  auto reader = ASTERAI_TRY(blobs_.read_upload(id));
  Hasher hasher(algorithm);
  std::vector<char> buffer(kCopyBuffer);
  uint64_t offset = 0;
  while (true) {
    size_t n = ASTERAI_TRY(reader->read_at(offset, buffer));
    if (n == 0) break;
    hasher.update(std::span<const char>(buffer.data(), n));
    offset += n;
  }
  return hasher.finish();
}

Result<void> RegistryStore::complete_upload(const std::string& repo, const std::string& id,
                                            const Digest& digest) {
  auto state = ASTERAI_TRY(upload_state(repo, id));
  std::lock_guard lock(state->mutex);
  uint64_t size = ASTERAI_TRY(blobs_.upload_size(id));
  Digest actual = digest.algorithm == DigestAlgorithm::sha256 && state->hashed == size
                      ? state->sha256.finish()
                      : ASTERAI_TRY(hash_upload_file(id, digest.algorithm));
  state->hashed = kHashInvalid;  // the hasher is finished either way
  if (actual != digest) {
    (void)blobs_.remove_upload(id);
    (void)metadata_.delete_upload(id);
    forget_upload(id);
    return make_error(
        ErrorKind::digest_invalid,
        "uploaded content has digest " + actual.to_string() + ", not " + digest.to_string());
  }
  ASTERAI_TRY(blobs_.commit_upload(id, digest));
  ASTERAI_TRY(metadata_.link_blob(repo, digest.to_string(), clock_.now_unix()));
  ASTERAI_TRY(metadata_.delete_upload(id));
  forget_upload(id);
  return {};
}

Result<void> RegistryStore::cancel_upload(const std::string& repo, const std::string& id) {
  ASTERAI_TRY(upload_state(repo, id));
  ASTERAI_TRY(blobs_.remove_upload(id));
  ASTERAI_TRY(metadata_.delete_upload(id));
  forget_upload(id);
  return {};
}

Result<std::string> RegistryStore::search_keywords(const std::string& repo,
                                                   const ParsedManifest& m) {
  if (!is_indexed_artifact_type(m.artifact_type)) return std::string();
  std::string words;
  // blobs[0] is the config; the content is in the layers.
  for (size_t i = m.media_type == kOciManifest ? 1 : 0; i < m.blobs.size(); ++i) {
    if (m.blobs[i].size > kMaxIndexedLayer) continue;
    auto digest = ASTERAI_TRY(parse_digest(m.blobs[i].digest));
    auto reader = ASTERAI_TRY(open_blob(repo, digest));
    std::string content(reader->size(), '\0');
    size_t got = ASTERAI_TRY(reader->read_at(0, content));
    content.resize(got);
    words += extract_keywords(m.artifact_type, content) + " ";
  }
  return words;
}

Result<PutManifestResult> RegistryStore::put_manifest(const std::string& repo,
                                                      const std::string& reference,
                                                      std::string_view content_type,
                                                      std::string_view bytes) {
  ParsedManifest parsed = ASTERAI_TRY(parse_manifest(bytes, content_type));
  std::string tag;
  Digest digest;
  if (auto by_digest = parse_digest(reference)) {
    digest = digest_of(bytes, by_digest->algorithm);
    if (digest != *by_digest) {
      return make_error(ErrorKind::digest_invalid, "manifest digest is " + digest.to_string());
    }
  } else {
    if (!is_valid_tag(reference))
      return make_error(ErrorKind::invalid_input, "invalid tag", "reference");
    tag = reference;
    digest = digest_of(bytes);
  }
  for (size_t i = 0; i < parsed.blobs.size(); ++i) {
    if (is_nondistributable(parsed.blobs[i].media_type)) continue;
    if (!ASTERAI_TRY(metadata_.blob_linked(repo, parsed.blobs[i].digest))) {
      return make_error(ErrorKind::not_found,
                        "referenced blob " + parsed.blobs[i].digest + " is not in the repository");
    }
  }
  for (const auto& child : parsed.manifests) {
    auto found = metadata_.get_manifest(repo, child.digest);
    if (!found)
      return make_error(ErrorKind::not_found,
                        "referenced manifest " + child.digest + " is not in the repository");
  }
  if (!tag.empty() && is_release_version_tag(tag)) {
    auto current = metadata_.resolve_tag(repo, tag);
    if (current && *current != digest.to_string()) {
      return make_error(ErrorKind::conflict,
                        "tag " + tag + " is a released version and cannot be moved");
    }
  }
  ManifestRecord record;
  record.repository = repo;
  record.digest = digest.to_string();
  record.media_type = parsed.media_type;
  record.size = bytes.size();
  record.artifact_type = parsed.artifact_type;
  record.subject = parsed.subject;
  record.annotations = parsed.annotations;
  record.keywords = ASTERAI_TRY(search_keywords(repo, parsed));
  record.created_unix = clock_.now_unix();
  std::vector<std::string> references;
  for (const auto& d : parsed.blobs) references.push_back(d.digest);
  for (const auto& d : parsed.manifests) references.push_back(d.digest);
  ASTERAI_TRY(blobs_.put(digest, std::span<const char>(bytes.data(), bytes.size())));
  ASTERAI_TRY(metadata_.put_manifest(record, references, tag));
  return PutManifestResult{record.digest, parsed.subject};
}

Result<StoredManifest> RegistryStore::get_manifest(const std::string& repo,
                                                   const std::string& reference, bool with_bytes) {
  std::string digest_text;
  if (parse_digest(reference)) {
    digest_text = reference;
  } else {
    if (!is_valid_tag(reference))
      return make_error(ErrorKind::invalid_input, "invalid tag", "reference");
    digest_text = ASTERAI_TRY(metadata_.resolve_tag(repo, reference));
  }
  StoredManifest out;
  out.record = ASTERAI_TRY(metadata_.get_manifest(repo, digest_text));
  if (with_bytes) {
    auto reader = ASTERAI_TRY(blobs_.open(ASTERAI_TRY(parse_digest(digest_text))));
    out.bytes.resize(reader->size());
    size_t got = ASTERAI_TRY(reader->read_at(0, out.bytes));
    if (got != out.bytes.size()) return make_error(ErrorKind::io, "manifest content is truncated");
  }
  return out;
}

Result<void> RegistryStore::delete_manifest(const std::string& repo, const std::string& reference) {
  if (parse_digest(reference)) return metadata_.delete_manifest(repo, reference);
  if (!is_valid_tag(reference))
    return make_error(ErrorKind::invalid_input, "invalid tag", "reference");
  return metadata_.delete_tag(repo, reference);
}

}  // namespace asterai::registry
