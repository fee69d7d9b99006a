// On-disk cache of compiled (serialized) components, keyed by the component's sha256 and
// the engine fingerprint (Wasmtime version + settings that change generated code).
// Each entry carries a sha256 of its payload: a truncated or corrupted entry is detected
// and rebuilt instead of being handed to the deserializer.
//
// Layout:
//   <dir>/
//     <component-sha256>-<fingerprint>.cwasm   "ASTERAI-CWASM-1\n" + sha256(payload) hex + "\n" +
//     payload
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "asterai/common/error.h"

namespace asterai::runtime {

class ComponentCache {
 public:
  ComponentCache(std::filesystem::path dir, std::string fingerprint);

  std::filesystem::path entry_path(std::string_view component_sha256) const;
  // The cached artifact when present and intact; nullopt when missing or corrupt.
  std::optional<std::vector<uint8_t>> load(std::string_view component_sha256) const;
  // Atomically writes the entry (temp file + rename), so concurrent processes never see
  // a partial entry.
  Result<void> store(std::string_view component_sha256, std::span<const uint8_t> artifact) const;
  void evict(std::string_view component_sha256) const;

 private:
  std::filesystem::path dir_;
  std::string fingerprint_;
};

}  // namespace asterai::runtime
