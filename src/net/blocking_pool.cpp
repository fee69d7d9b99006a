#include "asterai/net/blocking_pool.h"

#include <chrono>

#include "asterai/common/thread_role.h"

namespace asterai::net {

namespace {
// A thread without work for this long ends; bursts of blocking work (uploads, event
// streams) do not leave hundreds of idle threads behind.
constexpr std::chrono::seconds kIdleThreadLifetime{30};
}  // namespace

BlockingPool::BlockingPool(size_t max_threads, size_t max_queued)
    : max_threads_(max_threads == 0 ? 1 : max_threads), max_queued_(max_queued) {}

BlockingPool::~BlockingPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  // Nothing changes the lists once stopping_ is set.
  for (auto& t : threads_) t.join();
  for (auto& t : done_) t.join();
}

bool BlockingPool::submit(std::function<void()> job) {
  std::unique_lock lock(mutex_);
  if (stopping_ || queue_.size() >= max_queued_ + idle_) return false;
  queue_.push_back(std::move(job));
  for (auto& t : done_) t.join();  // they have left work(); joining is immediate
  done_.clear();
  if (idle_ >= queue_.size() || threads_.size() >= max_threads_) {
    lock.unlock();
    cv_.notify_one();
    return true;
  }
  threads_.emplace_back();
  auto self = std::prev(threads_.end());
  *self = std::thread([this, self] { work(self); });  // work() waits for the lock we hold
  return true;
}

void BlockingPool::work(Threads::iterator self) {
  set_thread_role(ThreadRole::worker, "asterai-block");
  std::unique_lock lock(mutex_);
  while (true) {
    if (queue_.empty()) {
      if (stopping_) return;
      ++idle_;
      bool woken =
          cv_.wait_for(lock, kIdleThreadLifetime, [&] { return stopping_ || !queue_.empty(); });
      --idle_;
      if (!woken) break;
      continue;
    }
    auto job = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    job();
    job = nullptr;  // what it captured is released before the next wait
    lock.lock();
  }
  // Idle too long (and not stopping: the destructor joins those): hand our handle over.
  done_.push_back(std::move(*self));
  threads_.erase(self);
}

}  // namespace asterai::net
