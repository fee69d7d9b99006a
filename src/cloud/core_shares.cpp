#include "asterai/cloud/core_shares.h"

#include <algorithm>
#include <thread>

namespace asterai::cloud {

CoreShares::CoreShares(size_t cores, std::chrono::milliseconds linger)
    : cores_(cores ? cores : std::max(1u, std::thread::hardware_concurrency())), linger_(linger) {}

size_t CoreShares::share(size_t active) const {
  if (active <= 1) return SIZE_MAX;
  return std::max<size_t>(1, (cores_ + active - 1) / active);
}

size_t CoreShares::active(Clock::time_point now) {
  for (auto it = tenants_.begin(); it != tenants_.end();) {
    const auto& t = it->second;
    if (t.running == 0 && t.waiting == 0 && now - t.left >= linger_)
      it = tenants_.erase(it);
    else
      ++it;
  }
  return tenants_.size();
}

std::optional<CoreShares::Clock::time_point> CoreShares::next_expiry() const {
  std::optional<Clock::time_point> next;
  for (const auto& [name, t] : tenants_)
    if (t.running == 0 && t.waiting == 0 && (!next || t.left + linger_ < *next))
      next = t.left + linger_;
  return next;
}

std::shared_ptr<const void> CoreShares::enter(const std::string& tenant, bool wait,
                                              const std::atomic<bool>* cancel) {
  std::unique_lock lock(mutex_);
  auto& me = tenants_[tenant];
  ++me.waiting;  // counts as active from here, and is not swept meanwhile
  if (!wait && me.running >= share(active(Clock::now()))) {
    --me.waiting;
    return nullptr;
  }
  bool waited = false;
  while (me.running >= share(active(Clock::now()))) {
    if (cancel && cancel->load()) {
      --me.waiting;
      lock.unlock();
      changed_.notify_all();  // one waiter fewer may end a linger sooner for the others
      return nullptr;
    }
    waited = true;
    // An idle tenant stops counting when its linger ends, which may let this call start.
    auto until = next_expiry();
    if (cancel) {
      auto check = Clock::now() + kCancelCheck;
      if (!until || check < *until) until = check;
    }
    if (until)
      changed_.wait_until(lock, *until);
    else
      changed_.wait(lock);
  }
  if (waited) ++waits_[tenant];
  --me.waiting;
  ++me.running;
  static const int held = 0;  // any non-null pointer: the deleter is what matters
  return std::shared_ptr<const void>(&held, [this, tenant](const void*) { leave(tenant); });
}

void CoreShares::leave(const std::string& tenant) {
  {
    std::lock_guard lock(mutex_);
    auto& t = tenants_[tenant];
    --t.running;
    t.left = Clock::now();
  }
  // A tenant's call ending changes its own room and, once it lingers out, every other's share.
  changed_.notify_all();
}

std::map<std::string, uint64_t> CoreShares::waits() const {
  std::lock_guard lock(mutex_);
  return waits_;
}

}  // namespace asterai::cloud
