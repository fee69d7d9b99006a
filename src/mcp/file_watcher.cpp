#include "asterai/mcp/file_watcher.h"

#include <sys/stat.h>

namespace asterai::mcp {

FileWatcher::FileWatcher(std::vector<std::filesystem::path> files,
                         std::chrono::milliseconds interval, std::function<void()> on_change)
    : files_(std::move(files)), interval_(interval), on_change_(std::move(on_change)) {
  // The first look is taken here, so a change right after construction is seen.
  thread_ = std::thread([this, loaded = poll()] { run(loaded); });
}

FileWatcher::~FileWatcher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

std::vector<FileWatcher::FileState> FileWatcher::poll() const {
  std::vector<FileState> states(files_.size());
  for (size_t i = 0; i < files_.size(); ++i) {
    struct stat st{};
    if (::stat(files_[i].c_str(), &st) != 0) continue;
    states[i] = FileState{true, static_cast<uint64_t>(st.st_size),
                          int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec,
                          static_cast<uint64_t>(st.st_ino)};
  }
  return states;
}

void FileWatcher::run(std::vector<FileState> loaded) {
  // `loaded`: what the served tools were built from; `previous`: the last poll.
  auto previous = loaded;
  std::unique_lock lock(mutex_);
  while (!cv_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    auto current = poll();
    if (current == previous && current != loaded) {
      loaded = current;
      on_change_();
    }
    previous = std::move(current);
    lock.lock();
  }
}

}  // namespace asterai::mcp
