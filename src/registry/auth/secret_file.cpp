#include "auth/secret_file.h"

#include <fcntl.h>
#include <sodium.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "asterai/common/files.h"
#include "storage/unique_fd.h"

namespace asterai::registry {

Result<std::vector<unsigned char>> load_or_create_secret(const std::string& path, size_t size) {
  if (auto existing = read_file(path); existing) {
    if (existing->size() != size)
      return make_error(ErrorKind::io, "secret file has the wrong size: " + path);
    return std::vector<unsigned char>(existing->begin(), existing->end());
  }
  if (sodium_init() < 0) return make_error(ErrorKind::internal, "libsodium failed to initialise");
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  std::vector<unsigned char> bytes(size);
  randombytes_buf(bytes.data(), bytes.size());
  // O_EXCL: if another process created it first, use theirs.
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd) {
    if (errno == EEXIST) return load_or_create_secret(path, size);
    return make_error(ErrorKind::io, "cannot create secret " + path + ": " + std::strerror(errno));
  }
  if (::write(fd.get(), bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size()) ||
      ::fsync(fd.get()) != 0) {
    return make_error(ErrorKind::io, "cannot write secret " + path + ": " + std::strerror(errno));
  }
  return bytes;
}

}  // namespace asterai::registry
