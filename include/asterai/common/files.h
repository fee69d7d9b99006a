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

// Creates `path` with `mode` the same way, but never replaces it: `conflict` when it exists
// already (link(2) publishes the temporary file), so two processes creating the same file at
// once keep one winner and nobody sees a partial file.
Result<void> create_file_atomic(const std::filesystem::path& path, std::span<const uint8_t> bytes,
                                unsigned mode);

}  // namespace asterai
