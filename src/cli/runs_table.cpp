#include "runs_table.h"

#include <cstdio>

#include "output.h"

namespace asterai::cli {

void print_runs(const nlohmann::json& report, const std::string& empty) {
  auto text = [](const nlohmann::json& v, const char* none) {
    return v.is_string() ? v.get<std::string>() : std::string(none);
  };
  if (report["schedules"].empty() && report["runs"].empty()) {
    std::printf("%s\n", empty.c_str());
    return;
  }
  std::printf("%-24s %-22s %s\n", "SCHEDULE", "NEXT", "LAST RESULT");
  for (const auto& s : report["schedules"])
    std::printf("%-24s %-22s %s\n", text(s["schedule"], "").c_str(),
                text(s["next_slot"], "never").c_str(), text(s["last_outcome"], "-").c_str());
  std::printf("\n%-24s %-22s %-12s %10s %12s %10s  %s\n", "SCHEDULE", "DUE", "OUTCOME", "WALL",
              "FUEL", "MEMORY", "DETAIL");
  for (const auto& r : report["runs"]) {
    bool finished = r["finished"].is_string();
    char wall[32] = "-";
    if (finished) std::snprintf(wall, sizeof wall, "%.1f ms", r["wall_ms"].get<double>());
    std::string fuel = r["fuel"].is_number() ? std::to_string(r["fuel"].get<uint64_t>()) : "-";
    std::string memory = finished ? human_size(r["peak_memory_bytes"].get<uint64_t>()) : "-";
    std::printf("%-24s %-22s %-12s %10s %12s %10s  %s\n", text(r["schedule"], "").c_str(),
                text(r["slot"], "").c_str(), text(r["outcome"], "").c_str(), wall, fuel.c_str(),
                memory.c_str(), text(r["detail"], "").c_str());
  }
}

}  // namespace asterai::cli
