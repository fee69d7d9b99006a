#include "asterai/runtime/component_cache.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <sstream>

#include "asterai/common/files.h"
#include "asterai/common/sha256.h"

namespace asterai::runtime {
namespace {
constexpr std::string_view kMagic = "ASTERAI-CWASM-2\n";
constexpr size_t kDigestLen = 64;
// An artifact modified this recently may share its mtime with a later change (the file
// system's clock is coarse): it is not marked checked until it is older.
constexpr auto kSettled = std::chrono::seconds(1);

// What identifies the artifact file's current contents without reading them (the check file
// keeps these three).
struct ArtifactStamp {
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  uint64_t inode = 0;
  bool operator==(const ArtifactStamp&) const = default;
};

std::optional<ArtifactStamp> stamp_of(const std::filesystem::path& path) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return ArtifactStamp{static_cast<uint64_t>(st.st_size),
                       static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec,
                       static_cast<uint64_t>(st.st_ino)};
}

struct CheckFile {
  std::string digest;
  std::optional<ArtifactStamp> checked;
};

std::optional<CheckFile> read_check(const std::filesystem::path& path) {
  auto bytes = read_file(path);
  if (!bytes) return std::nullopt;
  std::string_view text(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  if (!text.starts_with(kMagic) || text.size() < kMagic.size() + kDigestLen + 1)
    return std::nullopt;
  CheckFile check{std::string(text.substr(kMagic.size(), kDigestLen)), std::nullopt};
  if (text[kMagic.size() + kDigestLen] != '\n') return std::nullopt;
  std::istringstream rest(std::string(text.substr(kMagic.size() + kDigestLen + 1)));
  std::string word;
  ArtifactStamp s;
  if (rest >> word && word == "checked" && rest >> s.size >> s.mtime_ns >> s.inode)
    check.checked = s;
  return check;
}

Result<void> write_check(const std::filesystem::path& path, const CheckFile& check) {
  std::string text(kMagic);
  text += check.digest + "\n";
  if (check.checked) {
    text += "checked " + std::to_string(check.checked->size) + " " +
            std::to_string(check.checked->mtime_ns) + " " + std::to_string(check.checked->inode) +
            "\n";
  }
  return write_file_atomic(path,
                           std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

// Least recently used first, by the check file's modification time: a load touches it, so
// often enough for the order and seldom enough to cost nothing.
constexpr auto kMarkUsedEvery = std::chrono::minutes(1);

void mark_used(const std::filesystem::path& check) {
  struct stat st{};
  if (::stat(check.c_str(), &st) != 0) return;
  auto now = std::chrono::system_clock::now().time_since_epoch();
  auto mtime = std::chrono::seconds(st.st_mtim.tv_sec);
  if (mtime + kMarkUsedEvery < now) (void)::utimensat(AT_FDCWD, check.c_str(), nullptr, 0);
}

bool settled(const ArtifactStamp& s) {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::nanoseconds(s.mtime_ns) + kSettled <
         std::chrono::duration_cast<std::chrono::nanoseconds>(now);
}
}  // namespace

ComponentCache::ComponentCache(std::filesystem::path dir, std::string fingerprint,
                               uint64_t max_bytes)
    : dir_(std::move(dir)), fingerprint_(std::move(fingerprint)), max_bytes_(max_bytes) {}

std::filesystem::path ComponentCache::entry_path(std::string_view sha) const {
  return dir_ / (std::string(sha) + "-" + fingerprint_ + ".cwasm");
}

std::filesystem::path ComponentCache::check_path(std::string_view sha) const {
  return dir_ / (std::string(sha) + "-" + fingerprint_ + ".check");
}

std::optional<std::filesystem::path> ComponentCache::find(std::string_view sha) const {
  auto check = read_check(check_path(sha));
  if (!check) return std::nullopt;
  auto entry = entry_path(sha);
  auto stamp = stamp_of(entry);
  if (!stamp) return std::nullopt;
  mark_used(check_path(sha));
  if (check->checked == stamp) return entry;  // the very file whose digest last matched
  auto bytes = read_file(entry);
  if (!bytes || sha256_hex(*bytes) != check->digest) return std::nullopt;
  // Matched: remember this file, so the next load need not hash it (best effort: a
  // read-only cache is hashed every time).
  if (settled(*stamp) && stamp_of(entry) == stamp) {
    check->checked = stamp;
    (void)write_check(check_path(sha), *check);
  }
  return entry;
}

Result<void> ComponentCache::store(std::string_view sha, std::span<const uint8_t> artifact) const {
  ASTERAI_TRY(write_file_atomic(entry_path(sha), artifact));
  ASTERAI_TRY(write_check(check_path(sha), CheckFile{sha256_hex(artifact), std::nullopt}));
  if (max_bytes_ > 0) trim(max_bytes_, sha);
  return {};
}

namespace {
constexpr std::string_view kSourceMagic = "ASTERAI-SOURCE-1\n";

std::string stamp_text(const FileStamp& s) {
  return std::to_string(s.size) + " " + std::to_string(s.mtime_ns) + " " +
         std::to_string(s.ctime_ns) + " " + std::to_string(s.inode) + " " +
         std::to_string(s.device);
}
}  // namespace

std::filesystem::path ComponentCache::source_path(const std::filesystem::path& file) const {
  std::error_code ec;
  auto absolute = std::filesystem::absolute(file, ec).lexically_normal().string();
  return dir_ / "sources" /
         (sha256_hex(
              std::span(reinterpret_cast<const uint8_t*>(absolute.data()), absolute.size())) +
          ".digest");
}

std::optional<std::string> ComponentCache::known_digest(const std::filesystem::path& file,
                                                        const FileStamp& stamp) const {
  auto bytes = read_file(source_path(file));
  if (!bytes) return std::nullopt;
  std::string_view text(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  std::string expected = std::string(kSourceMagic) + stamp_text(stamp) + " ";
  if (!text.starts_with(expected) || text.size() != expected.size() + kDigestLen + 1 ||
      text.back() != '\n')
    return std::nullopt;
  return std::string(text.substr(expected.size(), kDigestLen));
}

void ComponentCache::remember_digest(const std::filesystem::path& file, const FileStamp& stamp,
                                     std::string_view sha) const {
  // A file changed this recently could change again within the file system's clock tick and
  // keep its stamp: it is hashed on each load until it is older.
  auto now = std::chrono::system_clock::now().time_since_epoch();
  auto newest = std::chrono::nanoseconds(std::max(stamp.mtime_ns, stamp.ctime_ns));
  if (newest + kSettled >= std::chrono::duration_cast<std::chrono::nanoseconds>(now)) return;
  auto path = source_path(file);
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  std::string text = std::string(kSourceMagic) + stamp_text(stamp) + " " + std::string(sha) + "\n";
  (void)write_file_atomic(path, std::span(reinterpret_cast<const uint8_t*>(text.data()),
                                          text.size()));  // best effort: a read-only cache
}

void ComponentCache::evict(std::string_view sha) const {
  std::error_code ec;
  std::filesystem::remove(check_path(sha), ec);
  std::filesystem::remove(entry_path(sha), ec);
}

}  // namespace asterai::runtime
