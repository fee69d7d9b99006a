#include "asterai/runtime/component_cache.h"

#include <cstring>

#include "asterai/common/files.h"
#include "asterai/common/sha256.h"

namespace asterai::runtime {
namespace {
constexpr std::string_view kMagic = "ASTERAI-CWASM-1\n";
constexpr size_t kDigestLen = 64;
constexpr size_t kHeaderLen = kMagic.size() + kDigestLen + 1;
}  // namespace

ComponentCache::ComponentCache(std::filesystem::path dir, std::string fingerprint)
    : dir_(std::move(dir)), fingerprint_(std::move(fingerprint)) {}

std::filesystem::path ComponentCache::entry_path(std::string_view sha) const {
  return dir_ / (std::string(sha) + "-" + fingerprint_ + ".cwasm");
}

std::optional<std::vector<uint8_t>> ComponentCache::load(std::string_view sha) const {
  auto bytes = read_file(entry_path(sha));
  if (!bytes || bytes->size() < kHeaderLen) return std::nullopt;
  if (std::memcmp(bytes->data(), kMagic.data(), kMagic.size()) != 0) return std::nullopt;
  std::string_view digest(reinterpret_cast<const char*>(bytes->data()) + kMagic.size(), kDigestLen);
  std::span<const uint8_t> payload(bytes->data() + kHeaderLen, bytes->size() - kHeaderLen);
  if (sha256_hex(payload) != digest) return std::nullopt;
  bytes->erase(bytes->begin(), bytes->begin() + kHeaderLen);
  return std::move(*bytes);
}

Result<void> ComponentCache::store(std::string_view sha, std::span<const uint8_t> artifact) const {
  std::string header(kMagic);
  header += sha256_hex(artifact);
  header += "\n";
  std::vector<uint8_t> entry;
  entry.reserve(header.size() + artifact.size());
  entry.insert(entry.end(), header.begin(), header.end());
  entry.insert(entry.end(), artifact.begin(), artifact.end());
  return write_file_atomic(entry_path(sha), entry);
}

void ComponentCache::evict(std::string_view sha) const {
  std::error_code ec;
  std::filesystem::remove(entry_path(sha), ec);
}

}  // namespace asterai::runtime
