#include "asterai/common/files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>

namespace asterai {
namespace fs = std::filesystem;

Result<std::vector<uint8_t>> read_file(const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    return make_error(ErrorKind::io, "cannot read " + path.string() + ": it is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return make_error(ErrorKind::io, "cannot read " + path.string() + ": " + std::strerror(errno));
  }
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  if (in.bad()) return make_error(ErrorKind::io, "error while reading " + path.string());
  return bytes;
}

namespace {

// Closes the descriptor and removes the temp file unless committed.
class TempFile {
 public:
  explicit TempFile(fs::path path) : path_(std::move(path)) {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
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

}  // namespace

Result<void> write_file_atomic(const fs::path& path, std::span<const uint8_t> bytes) {
  auto fail = [&](const std::string& what) {
    return make_error(ErrorKind::io, what + " " + path.string() + ": " + std::strerror(errno));
  };
  std::error_code ec;
  if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
  std::random_device rd;
  TempFile tmp(path.string() + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(rd()));
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
  if (::rename(tmp.path().c_str(), path.c_str()) != 0) return fail("cannot rename into");
  tmp.commit();
  return {};
}

}  // namespace asterai
