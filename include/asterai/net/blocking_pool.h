// Threads for work that blocks (SQLite, file I/O, a handler pulling a request body, a
// session waiting for a tool call), so the event loops never wait. Threads start on demand
// up to `max_threads` and end after a while without work; beyond that, `max_queued` jobs
// wait, and beyond that submit() refuses (the caller answers 503).
#pragma once

#include "asterai/net/awaitable.h"

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

#include "asterai/net/async_call.h"

namespace asterai::net {

class BlockingPool {
 public:
  BlockingPool(size_t max_threads, size_t max_queued);
  // Runs what is queued, then joins every thread.
  ~BlockingPool();
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  // False when the queue is full or the pool is stopping (`job` is then not run).
  bool submit(std::function<void()> job);

  // Runs `fn` (copyable) on a pool thread and resumes on the caller's executor with its result, or
  // with nullopt when the pool refused it.
  template <class F, class R = std::invoke_result_t<F&>>
  boost::asio::awaitable<std::optional<R>> run(F fn) {
    return async_call<std::optional<R>>([this, fn = std::move(fn)](auto done) mutable {
      if (!submit([fn = std::move(fn), done]() mutable { done(std::optional<R>(fn())); }))
        done(std::nullopt);
    });
  }

 private:
  using Threads = std::list<std::thread>;
  void work(Threads::iterator self);

  size_t max_threads_;
  size_t max_queued_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  Threads threads_;                // running
  std::vector<std::thread> done_;  // ended for lack of work, joined by the next submit()
  size_t idle_ = 0;                // threads waiting for a job
  bool stopping_ = false;
};

}  // namespace asterai::net
