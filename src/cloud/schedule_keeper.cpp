#include "asterai/cloud/schedule_keeper.h"

#include <nlohmann/json.hpp>
#include <set>

#include "asterai/common/thread_role.h"

namespace asterai::cloud {
namespace {

// A deployment whose schedules could not start is tried again after this (another node may
// take the lease meanwhile).
constexpr auto kRetryAfter = std::chrono::seconds(30);

}  // namespace

ScheduleKeeper::ScheduleKeeper(std::shared_ptr<Store> store, ScheduleKeeperOptions options)
    : store_(std::move(store)), options_(std::move(options)), thread_([this] { loop(); }) {}

ScheduleKeeper::~ScheduleKeeper() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
  std::vector<std::string> keys;
  for (const auto& [key, _] : held_) keys.push_back(key);
  for (const auto& key : keys) stop(key, /*release=*/true);
}

std::vector<std::string> ScheduleKeeper::running() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [key, _] : held_) out.push_back(key);
  return out;
}

void ScheduleKeeper::loop() {
  set_thread_role(ThreadRole::worker, "asterai-leases");
  std::unique_lock lock(mutex_);
  while (!stop_) {
    lock.unlock();
    turn();
    lock.lock();
    wake_.wait_for(lock, options_.lease / 3, [this] { return stop_; });
  }
}

void ScheduleKeeper::turn() {
  auto now = std::chrono::steady_clock::now();
  // Without a renewal for two thirds of the lease, stop: by the time it expires and another
  // node takes over, this one runs nothing.
  auto stale = [&](const Held& h) { return now - h.renewed >= options_.lease * 2 / 3; };
  auto list = store_->scheduled();
  if (!list) {
    event("store-error", "", list.error().message);
    std::vector<std::string> lapsed;
    for (const auto& [key, h] : held_)
      if (stale(h)) lapsed.push_back(key);
    for (const auto& key : lapsed) stop(key, /*release=*/false);
    return;
  }
  std::set<std::string> wanted;
  for (const auto& d : *list) {
    std::string key = d.tenant + "/" + d.environment;
    wanted.insert(key);
    auto held = store_->hold_lease(lease_name(key), options_.holder, options_.lease);
    auto it = held_.find(key);
    if (!held) {
      event("store-error", key, held.error().message);
      if (it != held_.end() && stale(it->second)) stop(key, /*release=*/false);
      continue;
    }
    if (!*held) {  // another node has them
      if (it != held_.end()) stop(key, /*release=*/false);
      continue;
    }
    // A change of the tenant's secrets loads the schedules again, as it does the tools:
    // scheduled runs see a rotated value, and a removed one stops them, saying why.
    auto stamp = secrets_stamp(key, d.tenant);
    if (it != held_.end() && it->second.deployment.id == d.id) {
      it->second.renewed = now;
      if (!stamp || *stamp == it->second.secrets_stamp) continue;
      event("secrets-changed", key, "");
    } else if (auto f = failed_.find(key); f != failed_.end() && f->second.deployment == d.id &&
                                           now - f->second.at < kRetryAfter &&
                                           (!stamp || *stamp == f->second.secrets_stamp)) {
      (void)store_->release_lease(lease_name(key), options_.holder);
      continue;
    }
    if (it != held_.end()) stop(key, /*release=*/false);  // an older version's, or old secrets
    start(key, d, stamp.value_or(0));
  }
  std::vector<std::string> gone;  // removed, or its answering version has no schedules
  for (const auto& [key, _] : held_)
    if (!wanted.contains(key)) gone.push_back(key);
  for (const auto& key : gone) stop(key, /*release=*/true);
}

std::optional<int64_t> ScheduleKeeper::secrets_stamp(const std::string& key,
                                                     const std::string& tenant) {
  if (!options_.secrets) return 0;
  auto stamp = store_->secrets_stamp(tenant);
  if (!stamp) {
    event("store-error", key, stamp.error().message);
    return std::nullopt;
  }
  return *stamp;
}

void ScheduleKeeper::start(const std::string& key, const Deployment& d, int64_t secrets_stamp) {
  auto fail = [&](const Error& e) {
    event("schedules-failed", key, e.message);
    failed_[key] = {d.id, std::chrono::steady_clock::now(), secrets_stamp};
    (void)store_->release_lease(lease_name(key), options_.holder);
  };
  auto loaded =
      host::load_composition(d.reference, tenant_load(options_.load, options_.secrets, d.tenant));
  if (!loaded) return fail(loaded.error());
  auto state = store_->schedule_state();
  if (!state) return fail(state.error());
  host::ScheduleOptions o;
  o.state = *state;
  o.key = key;  // every version of the environment shares its schedules' state
  o.clock = options_.clock;
  o.grace = options_.grace;
  o.log = options_.log;
  if (options_.on_run)
    o.on_run = [on_run = options_.on_run, d](const host::RunReport& r) { on_run(d, r); };
  if (options_.admit)
    o.admit = [admit = options_.admit, d](const schedule::RunRequest& run) {
      return admit(d, run.cancel.get());
    };
  auto running = host::RunningSchedules::start(*loaded, o);
  if (!running) return fail(running.error());
  failed_.erase(key);
  event("schedules-started", key, d.version);
  std::lock_guard lock(mutex_);
  held_[key] = Held{d, std::move(*running), std::chrono::steady_clock::now(), secrets_stamp};
}

void ScheduleKeeper::stop(const std::string& key, bool release) {
  std::unique_ptr<host::RunningSchedules> schedules;
  {
    std::lock_guard lock(mutex_);
    auto it = held_.find(key);
    if (it == held_.end()) return;
    schedules = std::move(it->second.schedules);
    held_.erase(it);
  }
  schedules.reset();  // runs in flight get the grace
  if (release) (void)store_->release_lease(lease_name(key), options_.holder);
  event("schedules-stopped", key, "");
}

void ScheduleKeeper::event(const std::string& what, const std::string& key,
                           const std::string& detail) {
  if (!options_.log) return;
  nlohmann::json line = {{"event", what}, {"node", options_.holder}};
  if (!key.empty()) line["env"] = key;
  if (!detail.empty()) line["detail"] = detail;
  options_.log(line.dump());
}

}  // namespace asterai::cloud
