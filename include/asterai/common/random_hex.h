// Random names and ids: bytes from the system's generator (libsodium), as lowercase hex.
#pragma once

#include <cstddef>
#include <string>

namespace asterai {

// `bytes` random bytes as 2 * `bytes` hex digits.
std::string random_hex(size_t bytes);

}  // namespace asterai
