// The local content store: an OCI image layout (image-spec "image-layout") under
// $ASTERAI_HOME/store, shared by every asterai process (CLI and runtime).
//
//   store/
//   ├── oci-layout            {"imageLayoutVersion": "1.0.0"}
//   ├── index.json            one entry per pulled reference (ref.name annotation = the full
//   │                         reference), per stored referrer (io.asterai.subject) and per
//   │                         local component (ref.name = local:sha256:<hex>, the wasm itself)
//   ├── blobs/sha256/<hex>    manifests, configs, layers; each verified before it appears
//   ├── tmp/                  downloads in progress (never visible under blobs/)
//   ├── .lock                 flock: shared while writing blobs, exclusive for rm/gc
//   └── .index.lock           flock: exclusive around each index.json update
//
// Every file appears by rename after fsync, so an interrupted pull leaves nothing partial
// under blobs/ or in index.json; a digest mismatch stores nothing.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "asterai/common/error.h"
#include "asterai/oci/digest.h"
#include "asterai/oci/manifest.h"
#include "asterai/oci/reference.h"

namespace asterai::oci {

inline constexpr std::string_view kAnnotationSubject = "io.asterai.subject";
// A component added from a file rather than pulled (docs/environments.md, "Local
// components"): named by the digest of its bytes, "local:sha256:<hex>".
inline constexpr std::string_view kLocalRefPrefix = "local:";
bool is_local_ref(std::string_view text);

struct StoreEntry {
  std::string ref;      // full reference; empty for a referrer
  Descriptor manifest;  // its digest, size, media type (and artifactType for referrers)
  std::string subject;  // a referrer's component manifest digest
};

// An flock on a file, released by the destructor.
class FileLock {
 public:
  FileLock() = default;
  ~FileLock();
  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&& other) noexcept;
  static Result<FileLock> acquire(const std::filesystem::path& path, bool exclusive);

 private:
  int fd_ = -1;
};

// Streams one blob into tmp/; commit() checks size and digest, then makes it visible.
class BlobWriter {
 public:
  ~BlobWriter();
  BlobWriter(BlobWriter&& other) noexcept;
  BlobWriter& operator=(BlobWriter&&) = delete;

  // False when the data is already longer than expected or the disk write failed.
  bool write(std::span<const uint8_t> bytes);
  // Back to byte 0 (before a retried download).
  void restart();
  Result<void> commit();

 private:
  friend class LocalStore;
  BlobWriter(Descriptor expected, std::filesystem::path tmp, std::filesystem::path final_path,
             int fd);
  Descriptor expected_;
  std::filesystem::path tmp_, final_;
  int fd_ = -1;
  uint64_t written_ = 0;
  bool failed_ = false;
  bool too_long_ = false;
  bool committed_ = false;
  Sha256Stream hash_;
};

struct RemoveReport {
  std::vector<std::string> removed_refs;
  size_t blobs_removed = 0;
  uint64_t bytes_freed = 0;
};

class LocalStore {
 public:
  // Creates the layout when missing.
  static Result<LocalStore> open(const std::filesystem::path& root);
  // $ASTERAI_HOME/store (~/.asterai/store).
  static std::filesystem::path default_root();

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path blob_path(const std::string& digest) const;
  bool has_blob(const Descriptor& blob) const;
  // Reads a blob and checks its digest (a blob changed on disk is reported, not used).
  Result<std::vector<uint8_t>> read_blob(const std::string& digest) const;
  // Verifies the bytes against the descriptor and stores them.
  Result<void> put_blob(const Descriptor& blob, std::span<const uint8_t> bytes);
  Result<BlobWriter> blob_writer(const Descriptor& blob);

  // Held (shared) by a pull while it writes blobs and its index entry, so an `rm` (exclusive)
  // never collects blobs that are about to be referenced.
  Result<FileLock> lock_for_writing() const;

  Result<std::vector<StoreEntry>> entries() const;
  // The entry of a tag reference, or any entry of the repository with a digest reference.
  Result<std::optional<StoreEntry>> find(const Reference& ref) const;
  // Adds or replaces (same ref, or for referrers the same digest) an entry.
  Result<void> add(const StoreEntry& entry);
  // Removes the reference's entries, referrers whose subject is no longer referenced, and
  // every blob nothing references any more. not-found when nothing matched.
  Result<RemoveReport> remove(const Reference& ref);

  // Stores a component's bytes as a blob with an index entry of its own (so garbage
  // collection keeps it) and returns its name, "local:sha256:<hex>". Adding the same bytes
  // again is a no-op.
  Result<std::string> add_local(std::span<const uint8_t> wasm);
  // The blob of a local component, verified against its digest (a changed or missing blob is
  // reported, not used).
  Result<std::filesystem::path> find_local(std::string_view local_ref) const;
  // Removes a local component's entry and its blob (like remove; a draft naming it then
  // needs `env update`).
  Result<RemoveReport> remove_local(std::string_view local_ref);

 private:
  explicit LocalStore(std::filesystem::path root) : root_(std::move(root)) {}
  Result<void> write_index(const std::vector<StoreEntry>& entries);
  // Removes the named entries matching `matches` (`key` names them in the not-found error).
  Result<RemoveReport> remove_where(const std::string& key,
                                    const std::function<bool(const StoreEntry&)>& matches);
  RemoveReport collect_garbage(const std::vector<StoreEntry>& kept);
  std::filesystem::path root_;
};

}  // namespace asterai::oci
