#include "asterai/cloud/core_shares.h"

#include <algorithm>
#include <cmath>
#include <thread>

#include "thread_demand.h"

namespace asterai::cloud {

CoreShares::CoreShares(size_t cores, std::chrono::milliseconds linger)
    : cores_(cores ? cores : std::max(1u, std::thread::hardware_concurrency())), linger_(linger) {}

size_t CoreShares::share(size_t active) const {
  if (active <= 1) return SIZE_MAX;
  return std::max<size_t>(1, (cores_ + active - 1) / active);
}

size_t CoreShares::busy(Tenant& tenant, Clock::time_point now) {
  size_t n = 0;
  for (auto& call : tenant.running) {
    if (call.at == Clock::time_point{} || now - call.at >= kSample) {
      auto sample = call.thread->sample();
      if (!sample) {
        call.blocked = false;  // nothing to judge by: as if every call were busy
      } else {
        if (call.at != Clock::time_point{}) {
          auto window = std::chrono::duration_cast<std::chrono::nanoseconds>(now - call.at);
          call.blocked = !sample->runnable && (sample->wanted_ns - call.wanted_ns) * 10 <
                                                  static_cast<int64_t>(window.count());
        }
        call.wanted_ns = sample->wanted_ns;
      }
      call.at = now;
    }
    n += call.blocked ? 0 : 1;
  }
  return n;
}

size_t CoreShares::active(Clock::time_point now) {
  for (auto it = tenants_.begin(); it != tenants_.end();) {
    const auto& t = it->second;
    if (t.running.empty() && t.waiting == 0 && now - t.left >= linger_)
      it = tenants_.erase(it);
    else
      ++it;
  }
  if (tenants_.size() <= 1) return tenants_.size();
  // A tenant whose calls are all blocked leaves the cores to the others.
  return std::count_if(tenants_.begin(), tenants_.end(), [&](auto& entry) {
    auto& t = entry.second;
    return t.waiting > 0 || now - t.left < linger_ || busy(t, now) > 0;
  });
}

double CoreShares::Tenant::load_now(Clock::time_point now) const {
  double kept = std::exp(-std::chrono::duration<double>(now - load_at) / kLoadWindow);
  return load * kept + static_cast<double>(running.size()) * (1 - kept);
}

void CoreShares::Tenant::count_load(Clock::time_point now) {
  load = load_now(now);
  load_at = now;
}

bool CoreShares::may_start(Tenant& me, Clock::time_point now) {
  size_t limit = share(active(now));
  if (me.running.size() < limit || busy(me, now) < limit) return true;
  return me.running.size() <= limit && me.load_now(now) * 2 < static_cast<double>(limit);
}

std::optional<CoreShares::Clock::time_point> CoreShares::next_expiry() const {
  std::optional<Clock::time_point> next;
  for (const auto& [name, t] : tenants_)
    if (t.running.empty() && t.waiting == 0 && (!next || t.left + linger_ < *next))
      next = t.left + linger_;
  return next;
}

std::shared_ptr<const void> CoreShares::enter(const std::string& tenant, bool wait,
                                              const std::atomic<bool>* cancel) {
  std::unique_lock lock(mutex_);
  auto [entry, is_new] = tenants_.try_emplace(tenant);
  auto& me = entry->second;
  if (is_new) {  // heavy until its calls show otherwise
    me.load = static_cast<double>(cores_);
    me.load_at = Clock::now();
  }
  ++me.waiting;  // counts as active from here, and is not swept meanwhile
  bool waited = false;
  while (!may_start(me, Clock::now())) {
    if (!wait || (cancel && cancel->load())) {
      --me.waiting;
      lock.unlock();
      if (waited) changed_.notify_all();  // one waiter fewer may let a linger end sooner
      return nullptr;
    }
    waited = true;
    // Looked at again when a call ends, when an idle tenant's linger ends, and every kSample
    // (a running call may have blocked meanwhile, or `cancel` been set).
    auto until = Clock::now() + kSample;
    if (auto expiry = next_expiry(); expiry && *expiry < until) until = *expiry;
    changed_.wait_until(lock, until);
  }
  if (waited) ++waits_[tenant];
  --me.waiting;
  me.count_load(Clock::now());
  auto call = me.running.insert(me.running.end(), Call{&ThreadDemand::current()});
  static const int held = 0;  // any non-null pointer: the deleter is what matters
  return std::shared_ptr<const void>(&held,
                                     [this, tenant, call](const void*) { leave(tenant, call); });
}

void CoreShares::leave(const std::string& tenant, std::list<Call>::iterator call) {
  {
    std::lock_guard lock(mutex_);
    auto& t = tenants_.at(tenant);  // not swept while it runs a call
    t.left = Clock::now();
    t.count_load(t.left);
    t.running.erase(call);
  }
  // A tenant's call ending changes its own room and, once it lingers out, every other's share.
  changed_.notify_all();
}

std::map<std::string, uint64_t> CoreShares::waits() const {
  std::lock_guard lock(mutex_);
  return waits_;
}

}  // namespace asterai::cloud
