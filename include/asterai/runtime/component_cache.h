// On-disk cache of compiled (serialized) components, keyed by the component's sha256 and
// the engine fingerprint (Wasmtime version + settings that change generated code).
//
// Layout, per entry:
//   <dir>/<component-sha256>-<fingerprint>.cwasm   the artifact exactly as Wasmtime wrote
//                                                  it, so Wasmtime maps it from the file
//   <dir>/<component-sha256>-<fingerprint>.check   "ASTERAI-CWASM-2\n" + sha256(artifact)
//                                                  hex + "\n" [+ "checked SIZE MTIME_NS INO\n"]
//
// The integrity check hashes the whole artifact only when the file is not known to be the
// one that was last hashed: the "checked" line records the size, modification time and inode
// the artifact had when its digest last matched. A load whose file still has them skips the
// hash. Any write to the file changes its mtime, so a change is noticed; an artifact
// modified within a second of being hashed is not marked checked (a coarse clock could hide
// the change), and is hashed again next time. What this does not notice is a change that
// restores all three (deliberate tampering by the cache's owner) or corruption below the
// file system; docs/policy.md says why that is enough for a cache the user owns.
//
// Size: with a bound, storing an entry that takes the folder's artifacts over it removes the
// least recently used ones (any fingerprint) until they fit. A load that finds an entry marks
// it used (the check file's modification time, at most once a minute). An entry removed
// while another process has it loaded keeps working there: Wasmtime maps the file, and a
// mapping outlives the name.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "asterai/common/error.h"
#include "asterai/common/files.h"

namespace asterai::runtime {

class ComponentCache {
 public:
  // `max_bytes` 0: no bound.
  ComponentCache(std::filesystem::path dir, std::string fingerprint, uint64_t max_bytes = 0);

  std::filesystem::path entry_path(std::string_view component_sha256) const;
  std::filesystem::path check_path(std::string_view component_sha256) const;
  // The entry's artifact file when present and intact; nullopt when missing or corrupt.
  std::optional<std::filesystem::path> find(std::string_view component_sha256) const;
  // Atomically writes the artifact, then its check file (temp file + rename each), so
  // concurrent processes never see a partial entry: an artifact without its check is a miss.
  // Then trims the folder to the bound, keeping this entry.
  Result<void> store(std::string_view component_sha256, std::span<const uint8_t> artifact) const;
  // Removes the least recently used entries until the artifacts take at most `max_bytes` (the
  // entry of `keep` stays, even alone over it), and temporary files a killed writer left an
  // hour or more ago. Returns the bytes removed.
  uint64_t trim(uint64_t max_bytes, std::string_view keep = {}) const;
  void evict(std::string_view component_sha256) const;

  // The sha256 of the component file `file` when its last hash was remembered under the same
  // stamp (size, modification and change times, inode, device; in <dir>/sources/), so an
  // unchanged component is not hashed again on every load; nullopt otherwise.
  std::optional<std::string> known_digest(const std::filesystem::path& file,
                                          const FileStamp& stamp) const;
  // Remembers it (best effort), once the file has not changed for a second: a change within
  // one tick of a coarse file-system clock could otherwise keep the stamp.
  void remember_digest(const std::filesystem::path& file, const FileStamp& stamp,
                       std::string_view component_sha256) const;

 private:
  std::filesystem::path source_path(const std::filesystem::path& file) const;

  std::filesystem::path dir_;
  std::string fingerprint_;
  uint64_t max_bytes_;
};

}  // namespace asterai::runtime
