#include "event_loop.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include "asterai/common/thread_role.h"

namespace asterai::net {
namespace asio = boost::asio;

namespace {

int64_t ns_of(EventLoop::Clock::time_point t) {
  // Never 0 (which means "not lent") on a clock that started at boot.
  return std::max<int64_t>(
      1, std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count());
}

// A wait for the watch thread: few loops are lent for long, so it sleeps until one is.
constexpr int kQuietTicksBeforeSleep = 100;

}  // namespace

EventLoop::EventLoop(LoopWatch& watch) : watch_(watch) {}

EventLoop::~EventLoop() {
  join();
}

void EventLoop::start() {
  owner_ = std::thread([this] {
    set_thread_role(ThreadRole::event_loop, "asterai-loop");
    set_inline_host(this);
    auto work = asio::make_work_guard(io_);
    io_.run();
    set_inline_host(nullptr);
  });
}

void EventLoop::join() {
  if (owner_.joinable()) owner_.join();
  {
    std::lock_guard lock(mutex_);
    ending_ = true;
  }
  cv_.notify_all();
  if (helper_.joinable()) helper_.join();
}

bool EventLoop::lend(const std::function<void()>& job) {
  if (lent_at_.load() != 0) return false;  // a job asking for another: not nested
  lent_at_.store(ns_of(Clock::now()));
  lends_.fetch_add(1, std::memory_order_relaxed);
  watch_.poke();
  struct Back {
    EventLoop& loop;
    ~Back() {
      if (loop.lent_at_.exchange(0) == kHanded) loop.take_back();
    }
  } back{*this};
  job();
  return true;
}

void EventLoop::take_back() {
  std::unique_lock lock(mutex_);
  wanted_ = false;
  // A helper waiting for events wakes on this, runs it and stops.
  asio::post(io_, [] {});
  cv_.wait(lock, [this] { return !helping_; });
}

bool EventLoop::rescue(Clock::time_point now, Clock::duration after) {
  int64_t at = lent_at_.load();
  if (at == 0) return false;
  if (at == kHanded || ns_of(now) - at < std::chrono::nanoseconds(after).count()) return true;
  std::lock_guard lock(mutex_);
  // Under the mutex, so an owner that sees kHanded finds `helping_` already set.
  if (!lent_at_.compare_exchange_strong(at, kHanded)) return lent_at_.load() != 0;
  if (!helper_.joinable()) helper_ = std::thread([this] { helper_main(); });
  helping_ = true;
  wanted_ = true;
  cv_.notify_all();
  return true;
}

void EventLoop::helper_main() {
  set_thread_role(ThreadRole::event_loop, "asterai-loop");  // stands in for a lent owner
  std::unique_lock lock(mutex_);
  for (;;) {
    cv_.wait(lock, [this] { return ending_ || helping_; });
    if (!helping_) return;  // ending
    lock.unlock();
    while (wanted_.load() && !io_.stopped()) io_.run_one();
    lock.lock();
    helping_ = false;
    cv_.notify_all();
  }
}

LoopWatch::LoopWatch(std::chrono::microseconds tick, std::chrono::microseconds hand_over)
    : tick_(tick), hand_over_(hand_over) {}

LoopWatch::~LoopWatch() {
  stop();
}

void LoopWatch::start() {
  thread_ = std::thread([this] {
    set_thread_role(ThreadRole::event_loop, "asterai-watch");  // hands lent loops over in time
    run();
  });
}

void LoopWatch::stop() {
  {
    std::lock_guard lock(mutex_);
    ending_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void LoopWatch::poke() {
  if (!asleep_.load()) return;
  {
    std::lock_guard lock(mutex_);
    asleep_ = false;
  }
  cv_.notify_all();
}

bool LoopWatch::any_lent() const {
  for (auto* loop : loops_)
    if (loop->lent()) return true;
  return false;
}

void LoopWatch::run() {
  std::unique_lock lock(mutex_);
  uint64_t seen = 0;
  int quiet = 0;
  while (!ending_) {
    if (quiet >= kQuietTicksBeforeSleep) {
      // Announced before the last look, so a job starting now either sees it (and pokes)
      // or is seen here.
      asleep_ = true;
      if (!any_lent()) cv_.wait(lock, [this] { return ending_ || !asleep_; });
      asleep_ = false;
      quiet = 0;
      continue;
    }
    cv_.wait_for(lock, tick_);
    auto now = EventLoop::Clock::now();
    uint64_t lends = 0;
    bool lent = false;
    for (auto* loop : loops_) {
      lends += loop->lends();
      lent = loop->rescue(now, hand_over_) || lent;
    }
    quiet = lends == seen && !lent ? quiet + 1 : 0;
    seen = lends;
  }
}

}  // namespace asterai::net
