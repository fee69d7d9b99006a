#include "asterai/common/files.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <utility>

namespace asterai {
namespace fs = std::filesystem;

namespace {
// Closes a descriptor opened for reading.
struct ReadFd {
  int fd;
  explicit ReadFd(const fs::path& path) : fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {}
  ~ReadFd() {
    if (fd >= 0) ::close(fd);
  }
  ReadFd(const ReadFd&) = delete;
  ReadFd& operator=(const ReadFd&) = delete;
};
}  // namespace

// One fstat and read(2) into a buffer of the file's size: a stream buffer copies byte by
// byte, which showed up in the start-up profile of every one-shot command.
Result<std::vector<uint8_t>> read_file(const fs::path& path) {
  ReadFd in(path);
  if (in.fd < 0) {
    return make_error(ErrorKind::io, "cannot read " + path.string() + ": " + std::strerror(errno));
  }
  struct stat st{};
  if (::fstat(in.fd, &st) != 0) {
    return make_error(ErrorKind::io, "cannot read " + path.string() + ": " + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) {
    return make_error(ErrorKind::io, "cannot read " + path.string() + ": it is a directory");
  }
  // A regular file is read in one go (one byte more than its size, to see it end); anything
  // else (a pipe, /dev/stdin), or a file that grew meanwhile, in doubling steps.
  size_t expected = S_ISREG(st.st_mode) ? static_cast<size_t>(st.st_size) : 0;
  std::vector<uint8_t> bytes(S_ISREG(st.st_mode) ? expected + 1 : 64 * 1024);
  size_t done = 0;
  while (true) {
    if (done == bytes.size()) bytes.resize(bytes.size() * 2);
    ssize_t n = ::read(in.fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return make_error(ErrorKind::io, "error while reading " + path.string());
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  bytes.resize(done);
  return bytes;
}

namespace {

// Closes the descriptor and removes the temp file unless committed.
class TempFile {
 public:
  TempFile(fs::path path, unsigned mode) : path_(std::move(path)) {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, static_cast<mode_t>(mode));
  }
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) {
      std::error_code ec;
      fs::remove(path_, ec);
    }
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  int fd() const { return fd_; }
  const fs::path& path() const { return path_; }
  bool close() {
    int fd = fd_;
    fd_ = -1;
    return ::close(fd) == 0;
  }
  void commit() { committed_ = true; }

 private:
  fs::path path_;
  int fd_ = -1;
  bool committed_ = false;
};

enum class Publish { replace, create_only };

Result<void> write_through_temp(const fs::path& path, std::span<const uint8_t> bytes, unsigned mode,
                                Publish publish) {
  auto fail = [&](const std::string& what) {
    return make_error(ErrorKind::io, what + " " + path.string() + ": " + std::strerror(errno));
  };
  std::error_code ec;
  if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
  std::random_device rd;
  TempFile tmp(path.string() + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(rd()),
               mode);
  if (tmp.fd() < 0) return fail("cannot create a temporary file for");
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(tmp.fd(), bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("cannot write");
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(tmp.fd()) != 0) return fail("cannot sync");
  if (!tmp.close()) return fail("cannot close");
  if (publish == Publish::replace) {
    if (::rename(tmp.path().c_str(), path.c_str()) != 0) return fail("cannot rename into");
    tmp.commit();
    return {};
  }
  // The temporary name is removed either way (TempFile); `path` keeps the data when linked.
  if (::link(tmp.path().c_str(), path.c_str()) != 0) {
    if (errno == EEXIST) return make_error(ErrorKind::conflict, "exists already: " + path.string());
    return fail("cannot create");
  }
  return {};
}

}  // namespace

Result<FileBytes> FileBytes::open(const fs::path& path) {
  ReadFd in(path);
  struct stat st{};
  if (in.fd < 0 || ::fstat(in.fd, &st) != 0) {
    return make_error(ErrorKind::io, "cannot read " + path.string() + ": " + std::strerror(errno));
  }
  FileBytes file;
  if (!S_ISREG(st.st_mode) || st.st_size == 0) {
    file.copy_ = ASTERAI_TRY(read_file(path));
    file.bytes_ = file.copy_;
    return file;
  }
  void* map = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, in.fd, 0);
  if (map == MAP_FAILED) {
    return make_error(ErrorKind::io, "cannot read " + path.string() + ": " + std::strerror(errno));
  }
  file.map_ = map;
  file.map_size_ = static_cast<size_t>(st.st_size);
  file.bytes_ = std::span(static_cast<const uint8_t*>(map), file.map_size_);
  file.stamp_ =
      FileStamp{static_cast<uint64_t>(st.st_size),
                static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec,
                static_cast<int64_t>(st.st_ctim.tv_sec) * 1'000'000'000 + st.st_ctim.tv_nsec,
                static_cast<uint64_t>(st.st_ino), static_cast<uint64_t>(st.st_dev)};
  return file;
}

FileBytes::FileBytes(FileBytes&& other) noexcept
    : map_(std::exchange(other.map_, nullptr)),
      map_size_(std::exchange(other.map_size_, 0)),
      copy_(std::move(other.copy_)),
      bytes_(map_ ? std::exchange(other.bytes_, {}) : std::span<const uint8_t>(copy_)),
      stamp_(std::move(other.stamp_)) {}

FileBytes::~FileBytes() {
  if (map_) ::munmap(map_, map_size_);
}

Result<void> write_file_atomic(const fs::path& path, std::span<const uint8_t> bytes) {
  return write_through_temp(path, bytes, 0644, Publish::replace);
}

Result<void> create_file_atomic(const fs::path& path, std::span<const uint8_t> bytes,
                                unsigned mode) {
  return write_through_temp(path, bytes, mode, Publish::create_only);
}

}  // namespace asterai
