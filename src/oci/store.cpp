#include "asterai/oci/store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "asterai/common/files.h"
#include "asterai/oci/credentials.h"
#include "asterai/oci/media_types.h"

namespace asterai::oci {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

Error io_error(const std::string& what, const fs::path& path) {
  return Error{ErrorKind::io, what + " " + path.string() + ": " + std::strerror(errno), {}};
}

std::string random_name() {
  std::random_device rd;
  return std::to_string(::getpid()) + "-" + std::to_string(rd()) + std::to_string(rd());
}

void fsync_dir(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

json entry_json(const StoreEntry& e) {
  Descriptor d = e.manifest;
  if (!e.ref.empty()) d.annotations[std::string(kAnnotationRefName)] = e.ref;
  if (!e.subject.empty()) d.annotations[std::string(kAnnotationSubject)] = e.subject;
  return d.to_json();
}

}  // namespace

bool is_local_ref(std::string_view text) {
  return text.starts_with(kLocalRefPrefix) && is_valid_digest(text.substr(kLocalRefPrefix.size()));
}

// --- FileLock -------------------------------------------------------------------------------

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}
FileLock::FileLock(FileLock&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
FileLock& FileLock::operator=(FileLock&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(o.fd_, -1);
  }
  return *this;
}

Result<FileLock> FileLock::acquire(const fs::path& path, bool exclusive) {
  FileLock lock;
  lock.fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock.fd_ < 0) return tl::unexpected(io_error("cannot open the lock file", path));
  while (::flock(lock.fd_, exclusive ? LOCK_EX : LOCK_SH) != 0) {
    if (errno != EINTR) return tl::unexpected(io_error("cannot lock", path));
  }
  return lock;
}

// --- BlobWriter -----------------------------------------------------------------------------

BlobWriter::BlobWriter(Descriptor expected, fs::path tmp, fs::path final_path, int fd)
    : expected_(std::move(expected)),
      tmp_(std::move(tmp)),
      final_(std::move(final_path)),
      fd_(fd) {}

BlobWriter::BlobWriter(BlobWriter&& o) noexcept
    : expected_(std::move(o.expected_)),
      tmp_(std::move(o.tmp_)),
      final_(std::move(o.final_)),
      fd_(std::exchange(o.fd_, -1)),
      written_(o.written_),
      failed_(o.failed_),
      too_long_(o.too_long_),
      committed_(std::exchange(o.committed_, true)),
      hash_(std::move(o.hash_)) {}

BlobWriter::~BlobWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) {
    std::error_code ec;
    fs::remove(tmp_, ec);
  }
}

bool BlobWriter::write(std::span<const uint8_t> bytes) {
  if (failed_) return false;
  // Refuse to store more than the descriptor promised (a hostile or broken registry).
  if (written_ + bytes.size() > expected_.size) {
    too_long_ = true;
    return false;
  }
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      failed_ = true;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  hash_.update(bytes);
  written_ += bytes.size();
  return true;
}

void BlobWriter::restart() {
  too_long_ = false;
  if (written_ == 0 && !failed_) return;
  failed_ = ::ftruncate(fd_, 0) != 0 || ::lseek(fd_, 0, SEEK_SET) != 0;
  written_ = 0;
  hash_ = Sha256Stream();
}

Result<void> BlobWriter::commit() {
  if (too_long_ || written_ != expected_.size) {
    return make_error(ErrorKind::digest_invalid,
                      "blob " + expected_.digest + " has " + (too_long_ ? "more than " : "") +
                          std::to_string(written_) + " bytes, its descriptor says " +
                          std::to_string(expected_.size) + "; refused, nothing was stored");
  }
  if (failed_) return tl::unexpected(io_error("cannot write", tmp_));
  std::string got = hash_.finish();
  if (got != expected_.digest) {
    return make_error(ErrorKind::digest_invalid, "content of blob " + expected_.digest +
                                                     " has digest " + got +
                                                     "; refused, nothing was stored");
  }
  if (::fsync(fd_) != 0) return tl::unexpected(io_error("cannot sync", tmp_));
  ::close(fd_);
  fd_ = -1;
  if (::rename(tmp_.c_str(), final_.c_str()) != 0)
    return tl::unexpected(io_error("cannot move a blob into", final_));
  committed_ = true;
  fsync_dir(final_.parent_path());
  return {};
}

// --- LocalStore -----------------------------------------------------------------------------

fs::path LocalStore::default_root() {
  return asterai_home() / "store";
}

Result<LocalStore> LocalStore::open(const fs::path& root) {
  std::error_code ec;
  fs::create_directories(root / "blobs" / "sha256", ec);
  if (ec)
    return make_error(ErrorKind::io, "cannot create the local store at " + root.string() + ": " +
                                         ec.message() + " (set ASTERAI_HOME to a writable folder)");
  fs::create_directories(root / "tmp", ec);
  if (!fs::exists(root / "oci-layout")) {
    std::string layout = R"({"imageLayoutVersion":"1.0.0"})";
    ASTERAI_TRY(write_file_atomic(
        root / "oci-layout",
        std::span(reinterpret_cast<const uint8_t*>(layout.data()), layout.size())));
  }
  LocalStore store(root);
  if (!fs::exists(root / "index.json")) {
    auto lock = ASTERAI_TRY(FileLock::acquire(root / ".index.lock", true));
    if (!fs::exists(root / "index.json")) ASTERAI_TRY(store.write_index({}));
  }
  return store;
}

fs::path LocalStore::blob_path(const std::string& digest) const {
  return root_ / "blobs" / "sha256" / std::string(digest_hex(digest));
}

bool LocalStore::has_blob(const Descriptor& blob) const {
  std::error_code ec;
  auto size = fs::file_size(blob_path(blob.digest), ec);
  return !ec && size == blob.size;
}

Result<std::vector<uint8_t>> LocalStore::read_blob(const std::string& digest) const {
  if (!is_valid_digest(digest)) return make_error(ErrorKind::invalid_input, "bad digest " + digest);
  auto path = blob_path(digest);
  if (!fs::exists(path))
    return make_error(ErrorKind::not_found, "blob " + digest + " is not in the local store");
  auto bytes = ASTERAI_TRY(read_file(path));
  if (sha256_digest(bytes) != digest)
    return make_error(ErrorKind::digest_invalid,
                      "the local store's copy of " + digest +
                          " is damaged; run `asterai rm` on its reference and pull it again");
  return bytes;
}

Result<BlobWriter> LocalStore::blob_writer(const Descriptor& blob) {
  if (!is_valid_digest(blob.digest))
    return make_error(ErrorKind::invalid_input, "bad digest " + blob.digest);
  fs::path tmp = root_ / "tmp" / random_name();
  int fd = ::open(tmp.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return tl::unexpected(io_error("cannot create", tmp));
  return BlobWriter(blob, tmp, blob_path(blob.digest), fd);
}

Result<void> LocalStore::put_blob(const Descriptor& blob, std::span<const uint8_t> bytes) {
  if (has_blob(blob)) return {};
  auto writer = ASTERAI_TRY(blob_writer(blob));
  writer.write(bytes);
  return writer.commit();
}

Result<FileLock> LocalStore::lock_for_writing() const {
  return FileLock::acquire(root_ / ".lock", false);
}

Result<std::vector<StoreEntry>> LocalStore::entries() const {
  auto bytes = ASTERAI_TRY(read_file(root_ / "index.json"));
  json j = json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (!j.is_object() || !j.contains("manifests") || !j["manifests"].is_array())
    return make_error(ErrorKind::invalid_input,
                      (root_ / "index.json").string() + " is damaged; remove the store folder");
  std::vector<StoreEntry> out;
  for (const auto& m : j["manifests"]) {
    auto d = parse_descriptor(m, "index.json");
    if (!d) continue;  // an entry another tool wrote that asterai cannot use
    StoreEntry e;
    e.manifest = std::move(*d);
    if (auto it = e.manifest.annotations.find(std::string(kAnnotationRefName));
        it != e.manifest.annotations.end()) {
      e.ref = it->second;
      e.manifest.annotations.erase(it);
    }
    if (auto it = e.manifest.annotations.find(std::string(kAnnotationSubject));
        it != e.manifest.annotations.end()) {
      e.subject = it->second;
      e.manifest.annotations.erase(it);
    }
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::optional<StoreEntry>> LocalStore::find(const Reference& ref) const {
  auto all = ASTERAI_TRY(entries());
  std::string key = ref.to_string();
  for (const auto& e : all) {
    if (e.ref.empty()) continue;
    if (ref.by_digest()) {
      // Any entry of the same repository holding that manifest will do.
      auto parsed = parse_reference(e.ref);
      if (parsed && parsed->name() == ref.name() && e.manifest.digest == ref.digest) return e;
    } else if (e.ref == key) {
      return e;
    }
  }
  return std::optional<StoreEntry>();
}

Result<void> LocalStore::write_index(const std::vector<StoreEntry>& entries) {
  json j = {{"schemaVersion", 2}, {"mediaType", kImageIndex}, {"manifests", json::array()}};
  for (const auto& e : entries) j["manifests"].push_back(entry_json(e));
  std::string text = j.dump(2) + "\n";
  return write_file_atomic(root_ / "index.json",
                           std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

Result<void> LocalStore::add(const StoreEntry& entry) {
  auto lock = ASTERAI_TRY(FileLock::acquire(root_ / ".index.lock", true));
  auto all = ASTERAI_TRY(entries());
  bool replaced = false;
  for (auto& e : all) {
    bool same = entry.ref.empty() ? (e.ref.empty() && e.manifest.digest == entry.manifest.digest)
                                  : e.ref == entry.ref;
    if (same) {
      e = entry;
      replaced = true;
    }
  }
  if (!replaced) all.push_back(entry);
  return write_index(all);
}

Result<RemoveReport> LocalStore::remove(const Reference& ref) {
  std::string key = ref.to_string();
  return remove_where(key, [&](const StoreEntry& e) {
    if (!ref.by_digest()) return e.ref == key;
    auto parsed = parse_reference(e.ref);
    return parsed && parsed->name() == ref.name() && e.manifest.digest == ref.digest;
  });
}

Result<RemoveReport> LocalStore::remove_where(
    const std::string& key, const std::function<bool(const StoreEntry&)>& matches) {
  // Exclusive: no pull is writing blobs it has not yet entered in the index.
  auto gc_lock = ASTERAI_TRY(FileLock::acquire(root_ / ".lock", true));
  auto index_lock = ASTERAI_TRY(FileLock::acquire(root_ / ".index.lock", true));
  auto all = ASTERAI_TRY(entries());
  RemoveReport report;
  std::vector<StoreEntry> kept;
  for (auto& e : all) {
    if (!e.ref.empty() && matches(e))
      report.removed_refs.push_back(e.ref);
    else
      kept.push_back(std::move(e));
  }
  if (report.removed_refs.empty())
    return make_error(ErrorKind::not_found,
                      key + " is not in the local store (`asterai ls` lists what is)");
  // Referrers live as long as some reference still points at their subject.
  std::set<std::string> live;
  for (const auto& e : kept)
    if (!e.ref.empty()) live.insert(e.manifest.digest);
  std::erase_if(kept, [&](const StoreEntry& e) { return e.ref.empty() && !live.count(e.subject); });
  ASTERAI_TRY(write_index(kept));
  auto gc = collect_garbage(kept);
  report.blobs_removed = gc.blobs_removed;
  report.bytes_freed = gc.bytes_freed;
  return report;
}

RemoveReport LocalStore::collect_garbage(const std::vector<StoreEntry>& kept) {
  std::set<std::string> reachable;
  for (const auto& e : kept) {
    reachable.insert(std::string(digest_hex(e.manifest.digest)));
    auto bytes = read_file(blob_path(e.manifest.digest));
    if (!bytes) continue;
    auto m = parse_manifest(
        std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()));
    if (!m) continue;
    reachable.insert(std::string(digest_hex(m->config.digest)));
    for (const auto& l : m->layers) reachable.insert(std::string(digest_hex(l.digest)));
  }
  RemoveReport report;
  std::error_code ec;
  for (const auto& f : fs::directory_iterator(root_ / "blobs" / "sha256", ec)) {
    if (reachable.count(f.path().filename().string())) continue;
    uint64_t size = fs::file_size(f.path(), ec);
    if (fs::remove(f.path(), ec)) {
      ++report.blobs_removed;
      report.bytes_freed += ec ? 0 : size;
    }
  }
  // Leftovers of interrupted pulls (the exclusive lock means none is running).
  for (const auto& f : fs::directory_iterator(root_ / "tmp", ec)) fs::remove(f.path(), ec);
  return report;
}

// --- Local components -----------------------------------------------------------------------

Result<std::string> LocalStore::add_local(std::span<const uint8_t> wasm) {
  Descriptor blob{std::string(kWasmLayer), sha256_digest(wasm), wasm.size(), {}, {}};
  std::string name = std::string(kLocalRefPrefix) + blob.digest;
  // Held so an `rm` cannot collect the blob between its write and its index entry.
  auto lock = ASTERAI_TRY(lock_for_writing());
  // Written again when the stored copy was damaged: adding the file is how it is repaired.
  if (!has_blob(blob) || !read_blob(blob.digest)) {
    auto writer = ASTERAI_TRY(blob_writer(blob));
    writer.write(wasm);
    ASTERAI_TRY(writer.commit());
  }
  // The entry's "manifest" is the wasm blob itself: garbage collection keeps every entry's
  // manifest digest, and finds no layers in it.
  ASTERAI_TRY(add(StoreEntry{name, blob, {}}));
  return name;
}

Result<RemoveReport> LocalStore::remove_local(std::string_view local_ref) {
  std::string key(local_ref);
  return remove_where(key, [&](const StoreEntry& e) { return e.ref == key; });
}

Result<fs::path> LocalStore::find_local(std::string_view local_ref) const {
  if (!is_local_ref(local_ref))
    return make_error(ErrorKind::invalid_input, "bad local component \"" + std::string(local_ref) +
                                                    "\" (write local:sha256:<64 hex digits>)");
  std::string digest(local_ref.substr(kLocalRefPrefix.size()));
  auto bytes = read_blob(digest);
  if (!bytes) {
    Error e = bytes.error();
    e.message = std::string(local_ref) + " is " +
                (e.kind == ErrorKind::not_found ? "not" : "damaged") +
                " in the local store; add the component again from its file (`asterai env "
                "update ENV`)";
    return tl::unexpected(e);
  }
  return blob_path(digest);
}

}  // namespace asterai::oci
