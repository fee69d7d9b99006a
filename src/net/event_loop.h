// One of the listener's event loops: an io_context that its own thread runs. That thread may
// lend itself to one short job at a time (InlineHost: a tool call that would otherwise cross
// to a worker thread and back). The loop's other connections wait while it is lent, so a job
// still running after LoopWatch's hand-over time gets a helper thread to serve them until it
// ends. Only one thread ever runs the loop's handlers at a time: the helper serves only while
// the owner is inside its job, and the owner takes the loop back (waiting out the helper's
// current handler) before it goes on. Private to src/net.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "asterai/common/inline_host.h"

namespace asterai::net {

class Connection;
class LoopWatch;

class EventLoop final : public InlineHost {
 public:
  using Clock = std::chrono::steady_clock;

  explicit EventLoop(LoopWatch& watch);
  ~EventLoop() override;  // join()
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  boost::asio::io_context& io() { return io_; }
  // The connections served here; touched only by the thread serving the loop.
  std::set<Connection*>& live() { return live_; }

  void start();
  // Waits for the loop's threads; call after io().stop().
  void join();

  bool lend(const std::function<void()>& job) override;
  bool lent() const { return lent_at_.load() != 0; }

  // Called by the watch: whether a job holds the owner thread now; if it has for `after`,
  // a helper thread starts serving the loop.
  bool rescue(Clock::time_point now, Clock::duration after);
  uint64_t lends() const { return lends_.load(std::memory_order_relaxed); }

 private:
  static constexpr int64_t kHanded = -1;  // lent_at_: the helper serves the loop meanwhile

  void helper_main();
  void take_back();

  LoopWatch& watch_;
  // Not the single-thread concurrency hint: the helper runs this io_context too.
  boost::asio::io_context io_;
  std::set<Connection*> live_;
  std::thread owner_;
  std::thread helper_;  // started at the first rescue, then parked between them
  // When the current job began (steady clock, ns), 0 when none, kHanded once rescued.
  std::atomic<int64_t> lent_at_{0};
  std::atomic<uint64_t> lends_{0};
  std::atomic<bool> wanted_{false};  // the helper keeps serving while set
  std::mutex mutex_;
  std::condition_variable cv_;
  bool helping_ = false;  // under mutex_: from a rescue until the helper has stopped
  bool ending_ = false;   // under mutex_
};

// Wakes every `tick` while any loop lent itself lately (asleep otherwise) and rescues the
// loops whose job has run for `hand_over`.
class LoopWatch {
 public:
  LoopWatch(std::chrono::microseconds tick, std::chrono::microseconds hand_over);
  ~LoopWatch();  // stop()
  LoopWatch(const LoopWatch&) = delete;
  LoopWatch& operator=(const LoopWatch&) = delete;

  // The loops to watch; before start().
  void watch(EventLoop* loop) { loops_.push_back(loop); }
  void start();
  void stop();
  // A job began on a loop: wake up if asleep.
  void poke();

 private:
  void run();
  bool any_lent() const;

  std::chrono::microseconds tick_;
  std::chrono::microseconds hand_over_;
  std::vector<EventLoop*> loops_;
  std::thread thread_;
  std::atomic<bool> asleep_{false};
  std::mutex mutex_;
  std::condition_variable cv_;
  bool ending_ = false;  // under mutex_
};

}  // namespace asterai::net
