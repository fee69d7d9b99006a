// Usage records a node has answered for but not yet stored, in files of its own in a folder:
// one JSON line per record, copied into a shared memory mapping of the file before the answer
// goes out (no system call per record). A record thus survives the node's process dying
// (kill -9: the mapping's pages belong to the kernel's page cache), not a power cut of the
// machine (no fsync per call; that would cost more than the call). Each file's blocks are
// reserved when it is made, so a full disk refuses a new file (the answers then wait for the
// store) instead of faulting a write into the mapping. The recorder starts a new file before
// it takes a batch, the spool does when a file is full, and a file is deleted once every
// record in it is in the store. A file whose process has ended (its lock is free) is an
// orphan: a node using the folder replays it into the store (which skips call ids it holds)
// and deletes it.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "asterai/cloud/store.h"
#include "asterai/common/error.h"

namespace asterai::cloud {

// An open, locked, mapped spool file; closing it releases the lock.
class SpoolFile {
 public:
  SpoolFile(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~SpoolFile();
  SpoolFile(const SpoolFile&) = delete;
  SpoolFile& operator=(const SpoolFile&) = delete;
  const std::filesystem::path& path() const { return path_; }
  // Reserves `bytes` on disk and maps them for appending.
  Result<void> map(size_t bytes);
  // Copies `line` after the last one; false when it does not fit.
  bool append(std::string_view line);
  size_t used() const { return used_; }
  // Gives the file another name (the lock and the mapping stay).
  Result<void> rename(const std::filesystem::path& to);
  // Deletes the file (its records are stored), then closes it.
  void remove();

 private:
  void close();
  std::filesystem::path path_;
  int fd_;
  char* map_ = nullptr;
  size_t size_ = 0;
  size_t used_ = 0;
};

class UsageSpool {
 public:
  // Creates `dir` when missing and a file of this process's own in it.
  static Result<std::unique_ptr<UsageSpool>> open(const std::filesystem::path& dir);
  // Deletes the current file when nothing was appended to it; else it stays, an orphan.
  ~UsageSpool();

  // Bytes reserved per file: at 30,000 records a second (about 300 bytes each), a file
  // lasts a third of a second.
  static constexpr size_t kFileBytes = 4 << 20;

  // One line, appended to the current file (when it is full: the spare, else a new one).
  Result<void> append(const UsageRecord& record);
  // Starts a new current file (the spare, else a new one) and hands the old ones over: they
  // hold every record appended until now. Remove them once those are stored.
  Result<std::vector<std::unique_ptr<SpoolFile>>> rotate();

  // Making a file takes a millisecond or two (creating, reserving and faulting in 4 MiB),
  // and append() and rotate() run under their caller's lock, which answers wait for. So the
  // caller makes the next file beforehand, without its lock (make_file() is safe beside the
  // other members), and hands it over as the spare under its lock.
  Result<std::unique_ptr<SpoolFile>> make_file();
  bool has_spare() const { return spare_ != nullptr; }
  void give_spare(std::unique_ptr<SpoolFile> file) { spare_ = std::move(file); }
  // Stores the records of every orphan in the folder and deletes it; how many records.
  // Lines cut short (the process died while writing; that call was never answered) are
  // skipped.
  Result<size_t> replay_orphans(Store& store) const;

  // Tests only: runs after each new file is created and before it is locked.
  void on_create(std::function<void()> hook) { on_create_ = std::move(hook); }

 private:
  explicit UsageSpool(std::filesystem::path dir) : dir_(std::move(dir)) {}

  std::filesystem::path dir_;
  std::string prefix_;  // pid and random bits: no other process's files
  std::atomic<uint64_t> next_{0};
  std::unique_ptr<SpoolFile> current_;
  std::unique_ptr<SpoolFile> spare_;              // made beforehand; empty
  std::vector<std::unique_ptr<SpoolFile>> full_;  // filled since the last rotate()
  std::function<void()> on_create_;
};

}  // namespace asterai::cloud
