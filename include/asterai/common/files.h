// Small filesystem helpers that return errors as values.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "asterai/common/error.h"

namespace asterai {

Result<std::vector<uint8_t>> read_file(const std::filesystem::path& path);

// Writes through a temporary file in the same folder, fsyncs and renames, so readers see
// either the old content or the whole new one, never a partial file.
Result<void> write_file_atomic(const std::filesystem::path& path, std::span<const uint8_t> bytes);

}  // namespace asterai
