#include "asterai/schedule/report.h"

namespace asterai::schedule {
namespace {

using nlohmann::json;

json time_or_null(const std::optional<TimePoint>& t) {
  return t ? json(format_time(*t)) : json();
}

json run_json(const RunRecord& r) {
  return {{"id", r.id},
          {"schedule", r.schedule},
          {"slot", format_time(r.slot)},
          {"outcome", outcome_name(r.outcome)},
          {"detail", r.detail},
          {"started", time_or_null(r.started)},
          {"finished", time_or_null(r.finished)},
          {"wall_ms", r.stats.wall_ms},
          {"fuel", r.stats.fuel_used ? json(*r.stats.fuel_used) : json()},
          {"peak_memory_bytes", r.stats.peak_memory_bytes},
          {"stdout_bytes", r.stats.stdout_bytes},
          {"stderr_bytes", r.stats.stderr_bytes},
          {"http_requests", r.stats.http_requests}};
}

}  // namespace

json runs_report(const std::string& env, const std::vector<ScheduleState>& states,
                 const std::vector<RunRecord>& runs, std::string_view only) {
  json j = {{"env", env}, {"schedules", json::array()}, {"runs", json::array()}};
  for (const auto& s : states) {
    if (!only.empty() && s.schedule != only) continue;
    j["schedules"].push_back(
        {{"schedule", s.schedule},
         {"last_slot", format_time(s.last_slot)},
         {"next_slot", time_or_null(s.next_slot)},
         {"last_outcome", s.last_outcome ? json(outcome_name(*s.last_outcome)) : json()}});
  }
  for (const auto& r : runs) j["runs"].push_back(run_json(r));
  return j;
}

}  // namespace asterai::schedule
