// ComponentCache::trim: the compile cache kept under its size bound, least recently used out.
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <map>

#include "asterai/runtime/component_cache.h"

namespace asterai::runtime {
namespace {

namespace fs = std::filesystem;

// A temporary file this old belongs to a writer that died: no live one takes this long.
constexpr auto kAbandoned = std::chrono::hours(1);
// An artifact whose check file is missing may be one another process is storing right now
// (artifact first, check second): left alone for this long.
constexpr auto kBeingStored = std::chrono::minutes(1);

struct Entry {
  uint64_t bytes = 0;      // the artifact and its check file
  int64_t used_ns = 0;     // the check file's modification time (0: none yet)
  int64_t written_ns = 0;  // the artifact's
  bool has_artifact = false;
};

int64_t mtime_ns(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

uint64_t ComponentCache::trim(uint64_t max_bytes, std::string_view keep) const {
  // Entries by name without extension ("<sha>-<fingerprint>"): every fingerprint counts, and
  // those of an older Wasmtime, never loaded again, are the least recently used.
  std::map<std::string, Entry> entries;
  uint64_t removed = 0;
  const int64_t now = now_ns();
  std::error_code ec;
  for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& path = it->path();
    std::string name = path.filename().string();
    struct stat st{};
    if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if (name.find(".tmp.") != std::string::npos) {
      if (now - mtime_ns(st) >= std::chrono::nanoseconds(kAbandoned).count() &&
          fs::remove(path, ec))
        removed += static_cast<uint64_t>(st.st_size);
      continue;
    }
    auto ext = path.extension();
    if (ext != ".cwasm" && ext != ".check") continue;
    auto& e = entries[path.stem().string()];
    e.bytes += static_cast<uint64_t>(st.st_size);
    if (ext == ".check") {
      e.used_ns = mtime_ns(st);
    } else {
      e.has_artifact = true;
      e.written_ns = mtime_ns(st);
    }
  }
  uint64_t total = 0;
  for (const auto& [name, e] : entries) total += e.bytes;
  if (total <= max_bytes) return removed;

  std::vector<std::pair<std::string, Entry>> order(entries.begin(), entries.end());
  std::sort(order.begin(), order.end(),
            [](const auto& a, const auto& b) { return a.second.used_ns < b.second.used_ns; });
  std::string kept = keep.empty() ? std::string() : std::string(keep) + "-" + fingerprint_;
  for (const auto& [name, e] : order) {
    if (total <= max_bytes) break;
    if (name == kept) continue;
    if (e.used_ns == 0 && e.has_artifact &&
        now - e.written_ns < std::chrono::nanoseconds(kBeingStored).count())
      continue;
    // The check first: from then on the entry is a miss, never half of one.
    fs::remove(dir_ / (name + ".check"), ec);
    fs::remove(dir_ / (name + ".cwasm"), ec);
    total -= e.bytes;
    removed += e.bytes;
  }
  return removed;
}

}  // namespace asterai::runtime
