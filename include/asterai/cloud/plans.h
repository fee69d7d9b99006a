// What a tenant may use: its plan. The node's flags make the plan of every tenant not named
// otherwise; a plans file (`cloud node --plans FILE`, the same file on every node) defines
// named plans and puts tenants on them:
//
//   [plans.pro]                      # each key unset here: the flags' value
//   max-timeout = "60s"
//   max-memory = "512MiB"
//   max-fuel = 50000000000
//   max-concurrent = 128
//   max-calls-per-month = 1000000
//   max-instance-time-per-month = "500h"
//
//   [tenants]
//   alice = "pro"
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>

#include "asterai/cloud/quotas.h"
#include "asterai/common/error.h"
#include "asterai/runtime/policy.h"

namespace asterai::cloud {

// A deployment whose members ask for more than the ceiling is refused at deploy time.
struct Plan {
  std::string name = "default";
  runtime::CallLimits ceiling;  // timeout, memory, fuel (unset: no ceiling on it)
  // Requests of one tenant in progress at once on a node (API, MCP and webhooks); beyond it,
  // 429 with Retry-After, so one tenant's flood leaves the workers to the others.
  size_t max_concurrent = 64;
  // Calls and instance-seconds per UTC month, across all nodes (quotas.h); beyond them, 429
  // with Retry-After until the month ends.
  MonthlyLimits monthly;
};

struct Plans {
  Plan base;                            // tenants not listed
  std::map<std::string, Plan> tenants;  // tenant -> its plan
  const Plan& of(const std::string& tenant) const {
    auto it = tenants.find(tenant);
    return it == tenants.end() ? base : it->second;
  }
};

// Reads a plans file over `base`; an error names the file, the line and what to fix.
Result<Plans> load_plans(const std::filesystem::path& file, const Plan& base);

}  // namespace asterai::cloud
