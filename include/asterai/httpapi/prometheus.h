// The server's metrics in the Prometheus text exposition format (version 0.0.4).
#pragma once

#include <string>

#include "asterai/mcp/metrics.h"

namespace asterai::httpapi {

// asterai_tool_calls_total{tool}, asterai_tool_call_errors_total{kind},
// asterai_tool_call_duration_seconds and asterai_tool_queue_wait_seconds (histograms),
// asterai_fuel_consumed_total,
// asterai_instances_total, asterai_tool_calls_in_flight, asterai_tool_calls_rejected_total,
// asterai_tools.
std::string prometheus_text(const mcp::MetricsSnapshot& metrics, size_t tool_count);

// Appends one histogram (NAME_bucket{le}, NAME_sum, NAME_count) with its HELP and TYPE lines.
void prometheus_histogram(std::string& out, const char* name, const char* help,
                          const mcp::Histogram& histogram);

}  // namespace asterai::httpapi
