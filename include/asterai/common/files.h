// Small filesystem helpers that return errors as values.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "asterai/common/error.h"

namespace asterai {

Result<std::vector<uint8_t>> read_file(const std::filesystem::path& path);

// What identifies a file's contents without reading them: any write changes the size or the
// modification and change times (ctime cannot be set back by its owner).
struct FileStamp {
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  int64_t ctime_ns = 0;
  uint64_t inode = 0;
  uint64_t device = 0;
  bool operator==(const FileStamp&) const = default;
};

// A file's bytes, mapped read-only when it is a regular file (no zeroed buffer, no copy: pages
// are read as they are touched), read into memory otherwise (a pipe, /dev/stdin).
class FileBytes {
 public:
  static Result<FileBytes> open(const std::filesystem::path& path);
  ~FileBytes();
  FileBytes(FileBytes&& other) noexcept;
  FileBytes& operator=(FileBytes&&) = delete;
  FileBytes(const FileBytes&) = delete;

  std::span<const uint8_t> bytes() const { return bytes_; }
  // The stamp of the file that was mapped; nullopt when it was not a regular file.
  const std::optional<FileStamp>& stamp() const { return stamp_; }

 private:
  FileBytes() = default;
  void* map_ = nullptr;
  size_t map_size_ = 0;
  std::vector<uint8_t> copy_;
  std::span<const uint8_t> bytes_;
  std::optional<FileStamp> stamp_;
};

// Writes through a temporary file in the same folder, fsyncs and renames, so readers see
// either the old content or the whole new one, never a partial file.
Result<void> write_file_atomic(const std::filesystem::path& path, std::span<const uint8_t> bytes);

// Creates `path` with `mode` the same way, but never replaces it: `conflict` when it exists
// already (link(2) publishes the temporary file), so two processes creating the same file at
// once keep one winner and nobody sees a partial file.
Result<void> create_file_atomic(const std::filesystem::path& path, std::span<const uint8_t> bytes,
                                unsigned mode);

}  // namespace asterai
