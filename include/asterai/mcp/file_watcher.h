// Watches the served component files for changes by polling (size, modification time and
// inode, so a file replaced by rename is seen too, on any filesystem) and calls `on_change`
// once a change has settled: the same state in two polls in a row, so a file still being
// written is not loaded half-way.
#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace asterai::mcp {

class FileWatcher {
 public:
  // Starts polling every `interval`; `on_change` runs on the watcher's own thread.
  FileWatcher(std::vector<std::filesystem::path> files, std::chrono::milliseconds interval,
              std::function<void()> on_change);
  // Stops the thread (waiting for an `on_change` in progress).
  ~FileWatcher();
  FileWatcher(const FileWatcher&) = delete;
  FileWatcher& operator=(const FileWatcher&) = delete;

  // What one poll sees of one file; `exists` false when it cannot be read.
  struct FileState {
    bool exists = false;
    uint64_t size = 0;
    int64_t mtime_ns = 0;
    uint64_t inode = 0;
    bool operator==(const FileState&) const = default;
  };

 private:
  std::vector<FileState> poll() const;
  void run(std::vector<FileState> loaded);

  std::vector<std::filesystem::path> files_;
  std::chrono::milliseconds interval_;
  std::function<void()> on_change_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace asterai::mcp
