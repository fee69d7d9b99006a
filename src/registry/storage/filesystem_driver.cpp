// Filesystem blob driver. Layout (documented in docs/registry.md):
//   <root>/blobs/sha256/ab/abcdef…   committed, content-addressed, read-only after rename
//   <root>/uploads/<session id>      data of an open upload session
// Every commit is write → fsync → rename → fsync(dir), so a crash leaves either no blob
// or the whole blob, never a partial one under its digest.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

#include "asterai/registry/storage/blob_driver.h"
#include "storage/unique_fd.h"

namespace asterai::registry {
namespace fs = std::filesystem;
namespace {

tl::unexpected<Error> errno_error(const std::string& what, const fs::path& path) {
  ErrorKind kind = errno == ENOENT ? ErrorKind::not_found : ErrorKind::io;
  return make_error(kind, what + " " + path.string() + ": " + std::strerror(errno));
}

Result<void> fsync_dir(const fs::path& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return errno_error("cannot open directory", dir);
  if (::fsync(fd.get()) != 0) return errno_error("cannot fsync", dir);
  return {};
}

class FileReader final : public BlobReader {
 public:
  FileReader(UniqueFd fd, uint64_t size) : fd_(std::move(fd)), size_(size) {}
  uint64_t size() const override { return size_; }
  int native_fd() const override { return fd_.get(); }
  Result<size_t> read_at(uint64_t offset, std::span<char> out) override {
    while (true) {
      ssize_t n = ::pread(fd_.get(), out.data(), out.size(), static_cast<off_t>(offset));
      if (n >= 0) return static_cast<size_t>(n);
      if (errno != EINTR)
        return make_error(ErrorKind::io, std::string("read: ") + std::strerror(errno));
    }
  }

 private:
  UniqueFd fd_;
  uint64_t size_;
};

class FileAppender final : public UploadWriter {
 public:
  explicit FileAppender(UniqueFd fd) : fd_(std::move(fd)) {}
  Result<void> append(std::span<const char> bytes) override {
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::write(fd_.get(), bytes.data() + done, bytes.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        return make_error(ErrorKind::io, std::string("write upload: ") + std::strerror(errno));
      }
      done += static_cast<size_t>(n);
    }
    // Start writeback every few MiB so the fsync at commit finds little left to flush:
    // the disk works while the rest of the body is still arriving.
    unflushed_ += bytes.size();
    if (unflushed_ >= kWritebackEvery) {
      ::sync_file_range(fd_.get(), 0, 0, SYNC_FILE_RANGE_WRITE);
      unflushed_ = 0;
    }
    return {};
  }

 private:
  static constexpr size_t kWritebackEvery = 8 << 20;
  UniqueFd fd_;
  size_t unflushed_ = 0;
};

Result<std::unique_ptr<BlobReader>> open_reader(const fs::path& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return errno_error("cannot open", path);
  struct stat st{};
  if (::fstat(fd.get(), &st) != 0) return errno_error("cannot stat", path);
  return std::make_unique<FileReader>(std::move(fd), static_cast<uint64_t>(st.st_size));
}

class FilesystemDriver final : public BlobDriver {
 public:
  explicit FilesystemDriver(fs::path root) : root_(std::move(root)) {}

  Result<void> init() {
    std::error_code ec;
    for (auto sub : {"blobs/sha256", "blobs/sha512", "uploads", "tmp"}) {
      fs::create_directories(root_ / sub, ec);
      if (ec)
        return make_error(ErrorKind::io,
                          "cannot create " + (root_ / sub).string() + ": " + ec.message());
    }
    // Stale temp files are from writes that crashed before their rename; never visible.
    for (auto& e : fs::directory_iterator(root_ / "tmp", ec)) fs::remove(e.path(), ec);
    return {};
  }

  Result<std::unique_ptr<BlobReader>> open(const Digest& d) override {
    return open_reader(blob_path(d));
  }

  Result<uint64_t> size(const Digest& d) override {
    struct stat st{};
    if (::stat(blob_path(d).c_str(), &st) != 0) return errno_error("cannot stat", blob_path(d));
    return static_cast<uint64_t>(st.st_size);
  }

  Result<void> put(const Digest& d, std::span<const char> bytes) override {
    fs::path tmp = temp_path();
    {
      UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
      if (!fd) return errno_error("cannot create", tmp);
      FileAppender writer(std::move(fd));
      auto ok = writer.append(bytes);
      if (ok) ok = sync_path(tmp);
      if (!ok) {
        std::error_code ec;
        fs::remove(tmp, ec);
        return ok;
      }
    }
    return install(tmp, d);
  }

  Result<void> remove(const Digest& d) override {
    if (::unlink(blob_path(d).c_str()) != 0) return errno_error("cannot remove", blob_path(d));
    return {};
  }

  Result<void> for_each(const std::function<void(const StoredBlob&)>& visit) override {
    std::error_code ec;
    for (auto algo : {DigestAlgorithm::sha256, DigestAlgorithm::sha512}) {
      fs::path dir = root_ / "blobs" / std::string(algorithm_name(algo));
      for (auto it = fs::recursive_directory_iterator(dir, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (!it->is_regular_file(ec)) continue;
        auto parsed =
            parse_digest(std::string(algorithm_name(algo)) + ":" + it->path().filename().string());
        if (!parsed) continue;  // not ours; leave it alone
        struct stat st{};
        if (::stat(it->path().c_str(), &st) != 0) continue;
        visit(StoredBlob{*parsed, static_cast<uint64_t>(st.st_size),
                         static_cast<int64_t>(st.st_mtime)});
      }
    }
    if (ec) return make_error(ErrorKind::io, "cannot list blobs: " + ec.message());
    return {};
  }

  Result<void> create_upload(const std::string& id) override {
    UniqueFd fd(::open(upload_path(id).c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (!fd) return errno_error("cannot create upload", upload_path(id));
    return {};
  }

  Result<uint64_t> upload_size(const std::string& id) override {
    struct stat st{};
    if (::stat(upload_path(id).c_str(), &st) != 0)
      return errno_error("cannot stat upload", upload_path(id));
    return static_cast<uint64_t>(st.st_size);
  }

  Result<std::unique_ptr<UploadWriter>> append_upload(const std::string& id) override {
    UniqueFd fd(::open(upload_path(id).c_str(), O_WRONLY | O_APPEND | O_CLOEXEC));
    if (!fd) return errno_error("cannot open upload", upload_path(id));
    return std::make_unique<FileAppender>(std::move(fd));
  }

  Result<std::unique_ptr<BlobReader>> read_upload(const std::string& id) override {
    return open_reader(upload_path(id));
  }

  Result<void> commit_upload(const std::string& id, const Digest& d) override {
    fs::path up = upload_path(id);
    struct stat st{};
    if (::stat(blob_path(d).c_str(), &st) == 0) return remove_upload(id);
    ASTERAI_TRY(sync_path(up));
    return install(up, d);
  }

  Result<void> remove_upload(const std::string& id) override {
    if (::unlink(upload_path(id).c_str()) != 0 && errno != ENOENT) {
      return errno_error("cannot remove upload", upload_path(id));
    }
    return {};
  }

  Result<std::vector<std::string>> list_uploads() override {
    std::vector<std::string> ids;
    std::error_code ec;
    for (auto& e : fs::directory_iterator(root_ / "uploads", ec))
      ids.push_back(e.path().filename().string());
    if (ec) return make_error(ErrorKind::io, "cannot list uploads: " + ec.message());
    return ids;
  }

 private:
  fs::path blob_path(const Digest& d) const {
    return root_ / "blobs" / std::string(algorithm_name(d.algorithm)) / d.hex.substr(0, 2) / d.hex;
  }
  fs::path upload_path(const std::string& id) const { return root_ / "uploads" / id; }
  fs::path temp_path() {
    thread_local std::mt19937_64 rng(std::random_device{}());
    return root_ / "tmp" / std::to_string(rng());
  }

  static Result<void> sync_path(const fs::path& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return errno_error("cannot open", path);
    if (::fsync(fd.get()) != 0) return errno_error("cannot fsync", path);
    return {};
  }

  // Renames a durable file into its content address and makes the rename durable.
  Result<void> install(const fs::path& from, const Digest& d) {
    fs::path to = blob_path(d);
    std::error_code ec;
    fs::create_directories(to.parent_path(), ec);
    if (::rename(from.c_str(), to.c_str()) != 0) return errno_error("cannot rename into", to);
    return fsync_dir(to.parent_path());
  }

  fs::path root_;
};

}  // namespace

Result<std::unique_ptr<BlobDriver>> make_filesystem_driver(const std::string& root) {
  auto driver = std::make_unique<FilesystemDriver>(root);
  ASTERAI_TRY(driver->init());
  return std::unique_ptr<BlobDriver>(std::move(driver));
}

}  // namespace asterai::registry
