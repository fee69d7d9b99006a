// Parses human-friendly durations ("500ms", "5s", "2m") and sizes ("64MiB", "1G", "4096").
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "asterai/common/error.h"

namespace asterai {

Result<std::chrono::milliseconds> parse_duration(const std::string& text, const std::string& flag);
Result<uint64_t> parse_size(const std::string& text, const std::string& flag);

}  // namespace asterai
