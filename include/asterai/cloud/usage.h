// Usage records reach the store in batches. A call a client saw succeed is never missing from
// the usage table, in one of two ways:
// - with a spool (usage_spool.h), the record is appended to a local file before the answer
//   goes out, and the batches go to the store every kFlushEvery: few, large transactions;
// - without one, the answer is held until its record is in the store (group commit: one
//   transaction carries every record that finished meanwhile).
// Records carry a unique call id and the store skips ids it holds: a batch written twice (a
// spool file replayed after its node died mid-commit) counts once.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "asterai/cloud/store.h"
#include "asterai/cloud/usage_spool.h"
#include "asterai/common/random_hex.h"

namespace asterai::cloud {

// A fresh call id, 32 hex digits: the milliseconds since 1970 (48 bits), then 80 random bits.
// Ids taken later sort later, so the store's index on them grows at its right edge instead of
// touching a random page per record.
std::string new_call_id();

class UsageRecorder {
 public:
  // With a spool, orphans in its folder are replayed first, and again every kReplayEvery.
  explicit UsageRecorder(std::shared_ptr<Store> store, size_t max_batch = 1024,
                         std::unique_ptr<UsageSpool> spool = nullptr);
  // Stores what is queued, then stops.
  ~UsageRecorder();
  UsageRecorder(const UsageRecorder&) = delete;
  UsageRecorder& operator=(const UsageRecorder&) = delete;

  // Queues the record; `durable` runs once the record cannot be lost: on the caller's thread
  // once it is spooled, else on the recorder's thread once it is stored. A failing store is
  // retried (with a line on stderr) until it takes the batch.
  void record(UsageRecord record, std::function<void()> durable);
  uint64_t batches() const;

 private:
  struct Pending {
    UsageRecord record;
    std::function<void()> durable;
  };
  void run();
  // Stores `batch` (retrying), then tells its waiters and removes the spool files it emptied.
  void store_batch(std::deque<Pending> batch, std::vector<std::unique_ptr<SpoolFile>> files);
  void replay_orphans();
  // Makes the spool's next file, without the lock answers wait for, unless one is ready.
  void make_spare();

  std::shared_ptr<Store> store_;
  size_t max_batch_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  uint64_t batches_ = 0;
  std::unique_ptr<UsageSpool> spool_;
  std::chrono::steady_clock::time_point rotated_{};  // the spool's file last started
  std::thread thread_;
};

}  // namespace asterai::cloud
