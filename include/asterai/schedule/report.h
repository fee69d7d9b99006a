// Schedules' state and recent runs as JSON: what `asterai env runs --json` prints and what a
// cloud node answers on /v1/deployments/NS/ENV/runs, one shape for both.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "asterai/schedule/state_store.h"

namespace asterai::schedule {

// {"env", "schedules": [{schedule, last_slot, next_slot, last_outcome}], "runs": [...]};
// `only` non-empty keeps that schedule's state alone.
nlohmann::json runs_report(const std::string& env, const std::vector<ScheduleState>& states,
                           const std::vector<RunRecord>& runs, std::string_view only);

}  // namespace asterai::schedule
