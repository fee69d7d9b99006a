// Usage records a node has answered for but not yet stored, in files of its own in a folder:
// one JSON line per record, appended with write(2) before the answer goes out. A record thus
// survives the node's process dying (kill -9: the kernel's page cache keeps it), not a power
// cut of the machine (no fsync per call; that would cost more than the call). The recorder
// starts a new file before it takes a batch and deletes the old one once the batch is in the
// store. A file whose process has ended (its lock is free) is an orphan: a node using the
// folder replays it into the store (which skips call ids it holds) and deletes it.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "asterai/cloud/store.h"
#include "asterai/common/error.h"

namespace asterai::cloud {

// An open, locked spool file; closing it releases the lock.
class SpoolFile {
 public:
  SpoolFile(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~SpoolFile();
  SpoolFile(const SpoolFile&) = delete;
  SpoolFile& operator=(const SpoolFile&) = delete;
  const std::filesystem::path& path() const { return path_; }
  int fd() const { return fd_; }
  // Deletes the file (its records are stored), then closes it.
  void remove();

 private:
  std::filesystem::path path_;
  int fd_;
};

class UsageSpool {
 public:
  // Creates `dir` when missing and a file of this process's own in it.
  static Result<std::unique_ptr<UsageSpool>> open(const std::filesystem::path& dir);
  // Deletes the current file when nothing was appended to it; else it stays, an orphan.
  ~UsageSpool();

  // One line, appended to the current file.
  Result<void> append(const UsageRecord& record);
  // Starts a new current file and hands the old one over: it holds every record appended
  // until now. Remove it once they are stored.
  Result<std::unique_ptr<SpoolFile>> rotate();
  // Stores the records of every orphan in the folder and deletes it; how many records.
  // Lines cut short (the process died while writing; that call was never answered) are
  // skipped.
  Result<size_t> replay_orphans(Store& store) const;

 private:
  explicit UsageSpool(std::filesystem::path dir) : dir_(std::move(dir)) {}
  Result<std::unique_ptr<SpoolFile>> new_file();

  std::filesystem::path dir_;
  std::string prefix_;  // pid and random bits: no other process's files
  uint64_t next_ = 0;
  std::unique_ptr<SpoolFile> current_;
};

}  // namespace asterai::cloud
