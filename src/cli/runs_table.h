// The human form of a schedules report (schedule/report.h): `env runs` and `deploy runs`.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace asterai::cli {

// Prints the schedules' next slots and last results, then the runs; `empty` when there is no
// schedule state yet.
void print_runs(const nlohmann::json& report, const std::string& empty);

}  // namespace asterai::cli
