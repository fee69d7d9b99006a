#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>

namespace asterai {

using Sha256 = std::array<uint8_t, 32>;

// The sha256 of the bytes.
Sha256 sha256(std::span<const uint8_t> bytes);

// Lower-case hex sha256 of the bytes.
std::string sha256_hex(std::span<const uint8_t> bytes);

}  // namespace asterai
