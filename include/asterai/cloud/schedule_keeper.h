// Runs deployments' [[schedules]] on the node that holds each one's lease in the store.
// Every node keeps one: each turn it lists the answering deployments that have schedules,
// takes or renews their leases, starts the schedules it newly holds (the version that
// answers), restarts them when a new version answers, and stops what it no longer holds.
// A node that dies stops renewing: after the lease's time another node takes the schedules
// over, marks the dead node's unfinished runs interrupted and applies each schedule's missed
// policy to the slots due meanwhile. Slots are claimed in the shared state store, so a slot
// runs once even if two nodes briefly both believe they hold the lease.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "asterai/cloud/secrets.h"
#include "asterai/cloud/store.h"
#include "asterai/host/composition.h"
#include "asterai/host/schedules.h"
#include "asterai/schedule/clock.h"

namespace asterai::cloud {

struct ScheduleKeeperOptions {
  std::string holder;  // this node; unique per process
  // How long a lease lasts unrenewed (renewed every third of it): the longest a dead node's
  // schedules wait for another node.
  std::chrono::milliseconds lease{15000};
  host::LoadOptions load;                        // made a tenant's by tenant_load (secrets.h)
  std::shared_ptr<const TenantSecrets> secrets;  // null when the node keeps none
  std::shared_ptr<const schedule::Clock> clock = schedule::system_clock();
  std::chrono::milliseconds grace{10000};  // for runs in flight when schedules stop
  // Told of each finished run before the scheduler records it; may block (a usage record
  // becoming durable).
  std::function<void(const Deployment&, const host::RunReport&)> on_run;
  // Asked before each run; an error refuses it (recorded as failed, or as interrupted for a
  // `cancelled` one); the run's instance runs while the token it returns is held
  // (host::ScheduleOptions::admit). `cancel` is set when the schedules stop: an admission
  // that waits should give up then.
  std::function<Result<std::shared_ptr<const void>>(const Deployment&,
                                                    const std::atomic<bool>* cancel)>
      admit;
  schedule::EventLog log;  // JSON lines: the schedulers' events and the keeper's own
};

class ScheduleKeeper {
 public:
  ScheduleKeeper(std::shared_ptr<Store> store, ScheduleKeeperOptions options);
  // Stops every schedule running here (runs in flight get the grace) and gives the leases up,
  // so another node takes them over at once.
  ~ScheduleKeeper();
  ScheduleKeeper(const ScheduleKeeper&) = delete;
  ScheduleKeeper& operator=(const ScheduleKeeper&) = delete;

  // "tenant/environment" of the schedules running on this node.
  std::vector<std::string> running() const;
  // The lease's name in the store for tenant/environment.
  static std::string lease_name(const std::string& key) { return "schedules/" + key; }

 private:
  struct Held {
    Deployment deployment;
    std::unique_ptr<host::RunningSchedules> schedules;
    std::chrono::steady_clock::time_point renewed;
    int64_t secrets_stamp = 0;  // the tenant's secrets they were loaded with
  };
  struct Failed {
    int64_t deployment = 0;
    std::chrono::steady_clock::time_point at;
    int64_t secrets_stamp = 0;
  };
  void loop();
  void turn();
  // The tenant's secrets stamp (0 when the node keeps no secrets); nullopt when the store
  // failed (said as an event).
  std::optional<int64_t> secrets_stamp(const std::string& key, const std::string& tenant);
  // `secrets_stamp`: read before the load, so a change meanwhile loads them again.
  void start(const std::string& key, const Deployment& d, int64_t secrets_stamp);
  void stop(const std::string& key, bool release);
  void event(const std::string& what, const std::string& key, const std::string& detail);

  std::shared_ptr<Store> store_;
  ScheduleKeeperOptions options_;
  mutable std::mutex mutex_;  // held_ (for running()) and stop_
  std::condition_variable wake_;
  bool stop_ = false;
  std::map<std::string, Held> held_;
  std::map<std::string, Failed> failed_;  // not retried for a while
  std::thread thread_;
};

}  // namespace asterai::cloud
