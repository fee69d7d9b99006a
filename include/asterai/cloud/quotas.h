// A tenant's monthly quotas (calls, instance-seconds) across every node. The store holds the
// truth (the usage records); each node keeps, per tenant, the month's totals it last read and
// what it recorded itself since, and reads again every `refresh`. So a node decides from
// memory, on the event loop, and many nodes together overshoot a quota by at most what they
// serve in one `refresh` (the records of another node reach this one at its next read).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "asterai/cloud/refresh_claim.h"
#include "asterai/cloud/store.h"

namespace asterai::cloud {

struct MonthlyLimits {
  std::optional<uint64_t> calls;            // tool calls + webhook requests
  std::optional<int64_t> instance_seconds;  // wall time of those calls' instances, summed
  bool any() const { return calls || instance_seconds; }
};

class MonthlyQuotas {
 public:
  using Clock = std::function<int64_t()>;  // unix microseconds
  // Each tenant's limits (its plan's).
  using LimitsOf = std::function<MonthlyLimits(const std::string& tenant)>;
  MonthlyQuotas(std::shared_ptr<Store> store, LimitsOf limits,
                std::chrono::milliseconds refresh = std::chrono::seconds(2), Clock clock = {});
  // The same limits for every tenant.
  MonthlyQuotas(std::shared_ptr<Store> store, MonthlyLimits limits,
                std::chrono::milliseconds refresh = std::chrono::seconds(2), Clock clock = {});

  // Not answered from memory: nullopt. That is when may_block is false and the tenant has no
  // totals of this month yet, or they are older than `refresh` and no other caller went to
  // read them again in the last `refresh` (the first stale caller is told to read; the others
  // meanwhile are judged on the totals in memory, so a node under load sends one read per
  // tenant, not one per connection). Else the over-quota error naming the quota and when it
  // resets, or an empty optional inside (within the quotas).
  struct Verdict {
    std::optional<Error> over;
    int64_t retry_after_seconds = 0;  // until the month ends, when over
  };
  std::optional<Verdict> check(const std::string& tenant, bool may_block);
  // A call, webhook request or schedule run this node recorded for the tenant.
  void add(const std::string& tenant, int64_t wall_us);
  // Requests refused over a quota, per tenant, since start.
  std::map<std::string, uint64_t> refused() const;

 private:
  struct Totals {
    int64_t month = 0;  // month_start_us of what they count
    uint64_t calls = 0;
    int64_t wall_us = 0;
    std::chrono::steady_clock::time_point read;  // when the store was last read
    RefreshClaim reread;                         // who reads the store again once stale
  };
  Verdict judge(const std::string& tenant, const MonthlyLimits& limits, const Totals& t,
                int64_t now_us) const;
  Verdict counted(const std::string& tenant, Verdict v);  // under mutex_

  std::shared_ptr<Store> store_;
  LimitsOf limits_;
  std::chrono::milliseconds refresh_;
  Clock clock_;
  mutable std::mutex mutex_;
  std::map<std::string, Totals> totals_;
  std::map<std::string, uint64_t> refused_;
};

}  // namespace asterai::cloud
