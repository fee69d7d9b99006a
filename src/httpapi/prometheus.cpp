#include "asterai/httpapi/prometheus.h"

#include <cstdio>

namespace asterai::httpapi {
namespace {

// Label values escape backslash, quote and newline.
std::string label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

void header(std::string& out, const char* name, const char* type, const char* help) {
  out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

}  // namespace

std::string prometheus_text(const mcp::MetricsSnapshot& m, size_t tool_count) {
  std::string out;
  header(out, "asterai_tool_calls_total", "counter", "Tool calls run, by tool.");
  for (const auto& [tool, n] : m.calls_by_tool)
    out += "asterai_tool_calls_total{tool=\"" + label(tool) + "\"} " + std::to_string(n) + "\n";
  header(out, "asterai_tool_call_errors_total", "counter",
         "Tool calls that failed (trap, timeout, limits, bad arguments), by error kind.");
  for (const auto& [kind, n] : m.errors_by_kind)
    out +=
        "asterai_tool_call_errors_total{kind=\"" + label(kind) + "\"} " + std::to_string(n) + "\n";
  header(out, "asterai_tool_call_duration_seconds", "histogram",
         "Wall time of tool calls (argument binding, instantiation, run, result conversion).");
  uint64_t cumulative = 0;
  for (size_t i = 0; i < mcp::kLatencyBuckets.size(); ++i) {
    cumulative += m.latency_buckets[i];
    out += "asterai_tool_call_duration_seconds_bucket{le=\"" + number(mcp::kLatencyBuckets[i]) +
           "\"} " + std::to_string(cumulative) + "\n";
  }
  out += "asterai_tool_call_duration_seconds_bucket{le=\"+Inf\"} " +
         std::to_string(m.latency_count) + "\n";
  out += "asterai_tool_call_duration_seconds_sum " + number(m.latency_sum_seconds) + "\n";
  out += "asterai_tool_call_duration_seconds_count " + std::to_string(m.latency_count) + "\n";
  header(out, "asterai_fuel_consumed_total", "counter",
         "Fuel used by tool calls (only when a fuel budget is set).");
  out += "asterai_fuel_consumed_total " + std::to_string(m.fuel_used) + "\n";
  header(out, "asterai_instances_total", "counter", "Component instances created.");
  out += "asterai_instances_total " + std::to_string(m.instances) + "\n";
  header(out, "asterai_tool_calls_in_flight", "gauge", "Tool calls running now.");
  out += "asterai_tool_calls_in_flight " + std::to_string(m.in_flight) + "\n";
  header(out, "asterai_tool_calls_rejected_total", "counter",
         "Tool calls refused because the queue was full.");
  out += "asterai_tool_calls_rejected_total " + std::to_string(m.rejected_busy) + "\n";
  header(out, "asterai_tools", "gauge", "Tools served.");
  out += "asterai_tools " + std::to_string(tool_count) + "\n";
  return out;
}

}  // namespace asterai::httpapi
