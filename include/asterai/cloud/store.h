// The cloud's shared state: deployments (which environment version answers for a tenant's
// environment) and usage records. Nodes hold no state of their own beyond caches: any node
// serves any deployment. `sqlite:PATH` is the embedded store for one machine.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "asterai/common/error.h"
#include "asterai/schedule/state_store.h"

namespace asterai::cloud {

// One version of a tenant's environment, pinned by digest. A deployment's history is kept:
// the newest live row answers; rollback retires it and the one before answers again.
struct Deployment {
  int64_t id = 0;
  std::string tenant;       // the registry namespace (a user owns the namespace of its name)
  std::string environment;  // its name in the namespace
  std::string version;      // the semver tag it was deployed as
  std::string reference;    // REGISTRY/NS/NAME@sha256:… (the manifest digest)
  int64_t created = 0;      // unix seconds
  size_t schedules = 0;     // its environment's [[schedules]] (a node with the lease runs them)
};

// One tool call, webhook request or schedule run. `call_id` is unique: storing a record twice
// keeps one.
struct UsageRecord {
  std::string call_id;
  std::string tenant;
  std::string environment;
  std::string version;
  std::string member;
  std::string function;    // the tool's function, or the route for a webhook request
  std::string kind;        // "call", "http" or "schedule"
  int64_t started_us = 0;  // unix microseconds
  int64_t wall_us = 0;
  std::optional<uint64_t> fuel;
  uint64_t peak_memory = 0;
  uint64_t http_bytes = 0;  // outgoing HTTP body bytes, both ways, plus a webhook's own bodies
  std::string outcome;      // "ok" or the error kind
};

// Usage summed per (day, environment, function).
struct UsageTotal {
  std::string day;  // YYYY-MM-DD, UTC
  std::string environment;
  std::string function;
  uint64_t calls = 0;
  uint64_t errors = 0;
  int64_t wall_us = 0;
  uint64_t fuel = 0;
};

// A tenant's records of one UTC month, summed: what its monthly quotas count. The stores keep
// these sums as they store records (each record counted once, as it is), so reading them
// costs the same on the month's last day as on its first.
struct MonthUsage {
  uint64_t calls = 0;
  int64_t wall_us = 0;
};

// Unix microseconds at the start of the UTC month holding `now_us`, and of the next one.
int64_t month_start_us(int64_t now_us);
// Unix microseconds at the start of the UTC day of `now_us`.
int64_t day_start_us(int64_t now_us);
int64_t next_month_start_us(int64_t now_us);

// One stored secret as the nodes sealed it.
struct SealedSecret {
  std::string tenant, name, sealed;
};

class Store {
 public:
  virtual ~Store() = default;
  // Adds a live version; a version of the environment that is live already is a conflict.
  virtual Result<Deployment> deploy(const Deployment& deployment) = 0;
  // The live version answering for the environment, if any.
  virtual Result<std::optional<Deployment>> active(const std::string& tenant,
                                                   const std::string& environment) = 0;
  // The tenant's answering deployments, by environment.
  virtual Result<std::vector<Deployment>> list(const std::string& tenant) = 0;
  // Retires the answering version; the live one before it answers (returned), else not-found.
  virtual Result<Deployment> rollback(const std::string& tenant,
                                      const std::string& environment) = 0;
  // Retires every version of the environment; not-found when none is live.
  virtual Result<void> remove(const std::string& tenant, const std::string& environment) = 0;
  // Stores the records in one transaction, durably; records already stored are skipped.
  virtual Result<void> add_usage(const std::vector<UsageRecord>& records) = 0;
  // The tenant's usage on the UTC days from the one starting at `from_us` (inclusive) until
  // `to_us` (exclusive). Read from sums the store keeps per day as it stores records.
  virtual Result<std::vector<UsageTotal>> usage(const std::string& tenant, int64_t from_us,
                                                int64_t to_us) = 0;
  virtual Result<uint64_t> usage_count(const std::string& tenant) = 0;
  // The tenant's records in the month starting at `month_us` (a month_start_us value).
  virtual Result<MonthUsage> month_usage(const std::string& tenant, int64_t month_us) = 0;

  // A tenant's secrets, sealed by the nodes (cloud/secrets.h); the store never sees a value.
  virtual Result<void> put_secret(const std::string& tenant, const std::string& name,
                                  const std::string& sealed) = 0;
  virtual Result<std::optional<std::string>> sealed_secret(const std::string& tenant,
                                                           const std::string& name) = 0;
  virtual Result<std::vector<std::string>> secret_names(const std::string& tenant) = 0;
  // not-found when the tenant has no such secret.
  virtual Result<void> remove_secret(const std::string& tenant, const std::string& name) = 0;
  // A number that changes whenever one of the tenant's secrets is set or removed (0: never),
  // so nodes know to load its deployments again.
  virtual Result<int64_t> secrets_stamp(const std::string& tenant) = 0;
  // Every tenant's sealed secrets, for sealing them again under a new key.
  virtual Result<std::vector<SealedSecret>> all_sealed_secrets() = 0;
  // `to` in place of `from`, unless the secret was set again or removed meanwhile (then
  // false and nothing changes). The value is the same, so the stamp stays.
  virtual Result<bool> reseal_secret(const SealedSecret& from, const std::string& to) = 0;

  // Schedules run on one node at a time: the one holding the deployment's lease.
  // Every answering deployment (of all tenants) whose version has schedules.
  virtual Result<std::vector<Deployment>> scheduled() = 0;
  // Takes or renews the lease `name` for `holder` until `ttl` from now (by the store's
  // clock): true when `holder` has it, false while another holder's has not expired.
  virtual Result<bool> hold_lease(const std::string& name, const std::string& holder,
                                  std::chrono::milliseconds ttl) = 0;
  // Gives the lease up, when `holder` has it.
  virtual Result<void> release_lease(const std::string& name, const std::string& holder) = 0;
  // Where schedules' slots and runs are kept, shared by every node on this store.
  virtual Result<std::shared_ptr<schedule::StateStore>> schedule_state() = 0;
};

// "sqlite:PATH" (the parent folder is created). Other schemes are a usage error naming the
// ones this build knows.
Result<std::shared_ptr<Store>> open_store(const std::string& url);

}  // namespace asterai::cloud
