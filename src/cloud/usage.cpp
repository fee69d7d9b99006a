#include "asterai/cloud/usage.h"

#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <vector>

#include "asterai/common/thread_role.h"

namespace asterai::cloud {

namespace {

// Random bytes for call ids without a system call each: a ChaCha20 key stream per thread,
// keyed once from the system's generator (libsodium's randombytes asks the kernel every time,
// and a call id is taken before every answer).
class IdBytes {
 public:
  IdBytes() { randombytes_buf(key_, sizeof key_); }
  void fill(unsigned char* out, size_t n) {
    for (size_t i = 0; i < n; ++i) {
      if (used_ == sizeof block_) refill();
      out[i] = block_[used_++];
    }
  }

 private:
  void refill() {
    unsigned char nonce[crypto_stream_chacha20_NONCEBYTES] = {};
    uint64_t n = next_nonce_++;
    for (size_t i = 0; i < sizeof n; ++i) nonce[i] = static_cast<unsigned char>(n >> (8 * i));
    crypto_stream_chacha20(block_, sizeof block_, nonce, key_);
    used_ = 0;
  }
  unsigned char key_[crypto_stream_chacha20_KEYBYTES];
  unsigned char block_[1024];
  size_t used_ = sizeof block_;
  uint64_t next_nonce_ = 0;
};

}  // namespace

std::string new_call_id() {
  thread_local IdBytes random;
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
  unsigned char bytes[16];
  for (int i = 5; i >= 0; --i, ms >>= 8) bytes[i] = static_cast<unsigned char>(ms & 0xff);
  random.fill(bytes + 6, sizeof bytes - 6);
  char hex[sizeof bytes * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  return hex;
}

namespace {

// With a spool: how often a batch goes to the store, and how often the folder is searched
// for the files of nodes that died.
constexpr auto kFlushEvery = std::chrono::milliseconds(50);
constexpr auto kReplayEvery = std::chrono::seconds(2);
constexpr auto kRotateEvery = std::chrono::seconds(1);

}  // namespace

UsageRecorder::UsageRecorder(std::shared_ptr<Store> store, size_t max_batch,
                             std::unique_ptr<UsageSpool> spool)
    : store_(std::move(store)), max_batch_(max_batch), spool_(std::move(spool)) {
  if (spool_) replay_orphans();  // before this node answers anything
  thread_ = std::thread([this] { run(); });
}

UsageRecorder::~UsageRecorder() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void UsageRecorder::record(UsageRecord record, std::function<void()> durable) {
  if (spool_) {
    Result<void> spooled;
    bool full = false;
    {
      // Under the lock: a rotation takes the queue and the file's records together.
      std::lock_guard lock(mutex_);
      spooled = spool_->append(record);
      if (spooled) queue_.push_back(Pending{std::move(record), nullptr});
      full = queue_.size() >= max_batch_;
    }
    if (spooled) {
      if (full) cv_.notify_one();
      if (durable) durable();
      return;
    }
    // A full or failing disk: this answer waits for the store instead.
    std::fprintf(stderr, "asterai cloud: %s; the answer waits for the store\n",
                 spooled.error().message.c_str());
  }
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(Pending{std::move(record), std::move(durable)});
  }
  cv_.notify_one();
}

uint64_t UsageRecorder::batches() const {
  std::lock_guard lock(mutex_);
  return batches_;
}

void UsageRecorder::run() {
  // With a spool no answer waits for the store, so storing yields to the event loops and
  // workers: at full priority a batch (a couple of milliseconds of inserts every 50 ms)
  // takes a core from under a loop and every request on it waits that long. It still keeps
  // up with any rate a node answers at: a batch's inserts take about a tenth of what the
  // calls they record took.
  set_thread_role(spool_ ? ThreadRole::background : ThreadRole::worker, "asterai-usage");
  auto replayed = std::chrono::steady_clock::now();
  for (;;) {
    if (spool_) make_spare();
    std::deque<Pending> batch;
    std::vector<std::unique_ptr<SpoolFile>> files;
    {
      std::unique_lock lock(mutex_);
      if (spool_) {
        // Spooled records wait for the next flush; held answers (a failing disk) do not.
        cv_.wait_for(lock, kFlushEvery, [this] {
          return stopping_ || queue_.size() >= max_batch_ ||
                 (!queue_.empty() && queue_.back().durable);
        });
      } else {
        cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      }
      if (queue_.empty() && stopping_) {
        // Everything is stored, so is every record in the spool's file.
        if (spool_)
          if (auto last = spool_->rotate())
            for (auto& f : *last) f->remove();
        return;
      }
      if (spool_ && !queue_.empty()) {
        // The batch is the whole queue, so when the file is rotated out here this batch holds
        // the last of its records (earlier ones went in earlier batches, stored in order):
        // it can go once the batch is stored. A new file costs a create and a lock, so a
        // file lives for kRotateEvery and serves many batches; what a crash leaves of it is
        // replayed, the stored records skipped.
        if (stopping_ || std::chrono::steady_clock::now() - rotated_ >= kRotateEvery) {
          auto rotated = spool_->rotate();
          if (rotated) files = std::move(*rotated);
          rotated_ = std::chrono::steady_clock::now();
        }
        // Swapped, not moved record by record: answers wait for this lock, and a thread at
        // this one's low priority may lose its core while holding it.
        batch.swap(queue_);
      } else {
        while (!queue_.empty() && batch.size() < max_batch_) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
    }
    if (!batch.empty()) store_batch(std::move(batch), std::move(files));
    if (spool_ && std::chrono::steady_clock::now() - replayed >= kReplayEvery) {
      replay_orphans();
      replayed = std::chrono::steady_clock::now();
    }
  }
}

void UsageRecorder::make_spare() {
  {
    std::lock_guard lock(mutex_);
    if (spool_->has_spare()) return;
  }
  // A failing disk shows when a file is needed: append() and rotate() say so then.
  auto file = spool_->make_file();
  if (!file) return;
  std::lock_guard lock(mutex_);
  spool_->give_spare(std::move(*file));
}

void UsageRecorder::store_batch(std::deque<Pending> batch,
                                std::vector<std::unique_ptr<SpoolFile>> files) {
  std::vector<UsageRecord> records;
  std::vector<std::function<void()>> waiting;
  records.reserve(batch.size());
  for (auto& p : batch) {
    records.push_back(std::move(p.record));
    if (p.durable) waiting.push_back(std::move(p.durable));
  }
  // Held answers wait while the store is failing: releasing them would let a client see a
  // success that may never be counted.
  for (int attempt = 0;; ++attempt) {
    auto stored = store_->add_usage(records);
    if (stored) break;
    if (attempt % 50 == 0)
      std::fprintf(stderr, "asterai cloud: storing %zu usage records failed (retrying): %s\n",
                   records.size(), stored.error().message.c_str());
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  {
    std::lock_guard lock(mutex_);
    ++batches_;
  }
  // Records still in the current file (not rotated this time, or a rotation that failed)
  // go when a later batch rotates it out; if the process ends first, they are replayed and
  // skipped as stored.
  for (auto& f : files) f->remove();
  for (auto& w : waiting) w();
}

void UsageRecorder::replay_orphans() {
  auto n = spool_->replay_orphans(*store_);
  if (!n)
    std::fprintf(stderr, "asterai cloud: replaying spooled usage records failed: %s\n",
                 n.error().message.c_str());
}

}  // namespace asterai::cloud
