// The node's cores, shared fairly among tenants. Each deployment has workers of its own (one
// per core), so a tenant flooding CPU-bound calls would otherwise keep every core busy and
// another tenant's calls would wait for the operating system's time slices. While two or more
// tenants are active, each starts a new call only while it runs fewer than its share of the
// cores (at least one); a tenant alone is not held back. A tenant is active while it has calls
// running or waiting and for `linger` after its last one ended: a tenant making short calls
// one after another has none running most of the time, yet needs its share kept free. Calls
// already running are never stopped: a tenant over its share drains down to it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace asterai::cloud {

class CoreShares {
 public:
  // `cores` 0 = std::thread::hardware_concurrency().
  explicit CoreShares(size_t cores = 0,
                      std::chrono::milliseconds linger = std::chrono::milliseconds(100));

  // Waits until the tenant may start a call; the call runs while the token is held. With
  // `wait` false: null instead of waiting (the caller queues the call for a worker). Null
  // too once `cancel` is set while it waits (a schedule run the node stops meanwhile); the
  // flag is looked at every kCancelCheck.
  std::shared_ptr<const void> enter(const std::string& tenant, bool wait = true,
                                    const std::atomic<bool>* cancel = nullptr);

  static constexpr std::chrono::milliseconds kCancelCheck{50};

  // Calls that waited for their tenant's share, per tenant, since start (/metrics).
  std::map<std::string, uint64_t> waits() const;

 private:
  using Clock = std::chrono::steady_clock;
  struct Tenant {
    size_t running = 0;
    size_t waiting = 0;
    Clock::time_point left{};  // when its last call ended
  };
  // The most calls one tenant may run while `active` tenants are.
  size_t share(size_t active) const;
  // How many tenants are active; forgets those that lingered out.
  size_t active(Clock::time_point now);
  // When the first idle tenant stops counting as active.
  std::optional<Clock::time_point> next_expiry() const;
  void leave(const std::string& tenant);

  size_t cores_;
  std::chrono::milliseconds linger_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, Tenant> tenants_;  // the active ones (and some lingered out)
  std::map<std::string, uint64_t> waits_;
};

}  // namespace asterai::cloud
