// A usage record of alice's tools/probe `add` for the cloud's store and quota tests.
#pragma once

#include <string>

#include "asterai/cloud/store.h"

namespace asterai::test {

inline cloud::UsageRecord usage_record(const std::string& id, int64_t started_us,
                                       int64_t wall_us = 250, const std::string& outcome = "ok") {
  cloud::UsageRecord r;
  r.call_id = id;
  r.tenant = "alice";
  r.environment = "tools";
  r.version = "1.0.0";
  r.member = "probe";
  r.function = "add";
  r.kind = "call";
  r.started_us = started_us;
  r.wall_us = wall_us;
  r.fuel = 1000;
  r.outcome = outcome;
  return r;
}

}  // namespace asterai::test
