#include "auth/secret_file.h"

#include <sodium.h>

#include <filesystem>

#include "asterai/common/files.h"

namespace asterai::registry {
namespace {

Result<std::vector<unsigned char>> read_secret(const std::string& path, size_t size) {
  auto existing = ASTERAI_TRY(read_file(path));
  if (existing.size() != size)
    return make_error(ErrorKind::io, "secret file has the wrong size: " + path);
  return std::vector<unsigned char>(existing.begin(), existing.end());
}

}  // namespace

Result<std::vector<unsigned char>> load_or_create_secret(const std::string& path, size_t size) {
  if (std::error_code ec; std::filesystem::exists(path, ec)) return read_secret(path, size);
  if (sodium_init() < 0) return make_error(ErrorKind::internal, "libsodium failed to initialise");
  std::vector<unsigned char> bytes(size);
  randombytes_buf(bytes.data(), bytes.size());
  // Written whole under a temporary name, then linked: a crash leaves no short secret, and
  // when another process created it first, theirs is used.
  auto created = create_file_atomic(path, bytes, 0600);
  if (!created && created.error().kind == ErrorKind::conflict) return read_secret(path, size);
  if (!created) return tl::unexpected(created.error());
  return bytes;
}

}  // namespace asterai::registry
