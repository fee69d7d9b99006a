// What a schedule does with a run that could not start at its time.
#pragma once

#include <string_view>

namespace asterai::schedule {

// A run that was due while nothing served the environment: skipped (recorded as missed), or
// run once at start for all of them.
enum class MissedPolicy { skip, run_once };
// A run that comes due while the previous one still runs: skipped, or queued (at most one).
enum class OverlapPolicy { skip, queue };

// "skip" | "run-once" and "skip" | "queue", as documents write them.
constexpr std::string_view missed_policy_name(MissedPolicy p) {
  return p == MissedPolicy::skip ? "skip" : "run-once";
}
constexpr std::string_view overlap_policy_name(OverlapPolicy p) {
  return p == OverlapPolicy::skip ? "skip" : "queue";
}

}  // namespace asterai::schedule
