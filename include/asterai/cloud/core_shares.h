// The node's cores, shared fairly among tenants. Each deployment has workers of its own (one
// per core), so a tenant flooding CPU-bound calls would otherwise keep every core busy and
// another tenant's calls would wait for the operating system's time slices. While two or more
// tenants are active, each starts a new call only while fewer of its calls than its share of
// the cores (at least one) are busy; a tenant alone is not held back. A running call is busy
// unless it has been blocked on something other than the processor (the network, a sleep)
// for the last kSample: such a call holds a worker but no core. A tenant is active while it
// has calls waiting or busy and for `linger` after its last call ended: a tenant making short
// calls one after another has none running most of the time, yet needs its share kept free.
// Calls already running are never stopped: a tenant over its share drains down to it.
// A light tenant, one whose calls ran fewer than half its share at once on average over about
// the last kLoadWindow, may run one call beyond its share: a tenant making short calls now and
// then has two overlap at times, and holding the second back behind the first costs it
// latency while it uses a fraction of its cores. A tenant counts as heavy when it first
// becomes active, until its calls show otherwise, so a flood that just began gets no more
// than its share.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace asterai::cloud {

class ThreadDemand;

class CoreShares {
 public:
  // `cores` 0 = std::thread::hardware_concurrency().
  explicit CoreShares(size_t cores = 0,
                      std::chrono::milliseconds linger = std::chrono::milliseconds(100));

  // Waits until the tenant may start a call; the call runs on the calling thread while the
  // token is held, and the token is released before that thread ends. With `wait` false:
  // null instead of waiting (the caller queues the call for a worker). Null too once
  // `cancel` is set while it waits (a schedule run the node stops meanwhile); a wait looks
  // at the flag, and at the other calls, every kSample.
  std::shared_ptr<const void> enter(const std::string& tenant, bool wait = true,
                                    const std::atomic<bool>* cancel = nullptr);

  // Calls that waited for their tenant's share, per tenant, since start (/metrics).
  std::map<std::string, uint64_t> waits() const;

  // How long a call must have asked less than a tenth of a core, its thread not runnable,
  // to count as blocked.
  static constexpr std::chrono::milliseconds kSample{5};
  // Over about how long a tenant's calls at once are averaged to tell a light tenant.
  static constexpr std::chrono::milliseconds kLoadWindow{100};

 private:
  using Clock = std::chrono::steady_clock;
  struct Call {
    const ThreadDemand* thread;
    Clock::time_point at{};  // of the last sample (none yet: the epoch)
    int64_t wanted_ns = 0;   // the thread's running and runnable time then
    bool blocked = false;
  };
  struct Tenant {
    std::list<Call> running;
    size_t waiting = 0;
    Clock::time_point left{};  // when its last call ended
    // How many calls it ran at once, averaged (exponentially) over about kLoadWindow up to
    // load_at; brought up to date before `running` changes.
    double load = 0;
    Clock::time_point load_at{};
    double load_now(Clock::time_point now) const;
    void count_load(Clock::time_point now);
  };
  // The most busy calls one tenant may have while `active` tenants are.
  size_t share(size_t active) const;
  // How many of the tenant's running calls are busy; samples those not sampled for kSample.
  static size_t busy(Tenant& tenant, Clock::time_point now);
  // How many tenants are active; forgets those that lingered out.
  size_t active(Clock::time_point now);
  bool may_start(Tenant& me, Clock::time_point now);
  // When the first idle tenant stops counting as active.
  std::optional<Clock::time_point> next_expiry() const;
  void leave(const std::string& tenant, std::list<Call>::iterator call);

  size_t cores_;
  std::chrono::milliseconds linger_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, Tenant> tenants_;  // the active ones (and some lingered out)
  std::map<std::string, uint64_t> waits_;
};

}  // namespace asterai::cloud
