#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace asterai {

// Lower-case hex sha256 of the bytes.
std::string sha256_hex(std::span<const uint8_t> bytes);

}  // namespace asterai
