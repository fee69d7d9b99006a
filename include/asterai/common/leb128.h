// Unsigned LEB128, the variable-length integers of the WebAssembly binary format (section
// sizes, name lengths), for the code that reads and writes custom sections.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace asterai {

// Reads one value at `pos` and advances past it; nullopt when truncated or over 64 bits.
inline std::optional<uint64_t> read_leb128(std::span<const uint8_t> bytes, size_t& pos) {
  uint64_t value = 0;
  for (int shift = 0; shift < 64 && pos < bytes.size(); shift += 7) {
    uint8_t b = bytes[pos++];
    value |= uint64_t{b & 0x7fu} << shift;
    if (!(b & 0x80)) return value;
  }
  return std::nullopt;
}

}  // namespace asterai
