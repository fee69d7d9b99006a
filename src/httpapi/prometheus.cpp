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

// Per proxy-component route: requests by status, errors by kind, and what they used.
void http_routes(std::string& out, const mcp::MetricsSnapshot& m) {
  if (m.http.empty()) return;
  auto labels = [](const std::pair<std::string, std::string>& key) {
    return "member=\"" + label(key.first) + "\",route=\"" + label(key.second) + "\"";
  };
  header(out, "asterai_http_requests_total", "counter",
         "Requests served by proxy components, by member, route and status.");
  for (const auto& [key, t] : m.http)
    for (const auto& [status, n] : t.requests_by_status)
      out += "asterai_http_requests_total{" + labels(key) + ",status=\"" + std::to_string(status) +
             "\"} " + std::to_string(n) + "\n";
  header(out, "asterai_http_request_errors_total", "counter",
         "Requests whose handler failed (trap, timeout, limits), by error kind.");
  for (const auto& [key, t] : m.http)
    for (const auto& [kind, n] : t.errors_by_kind)
      out += "asterai_http_request_errors_total{" + labels(key) + ",kind=\"" + label(kind) +
             "\"} " + std::to_string(n) + "\n";
  struct Series {
    const char* name;
    const char* type;
    const char* help;
    std::string (*value)(const mcp::HttpRouteTotals&);
  };
  static const Series series[] = {
      {"asterai_http_request_seconds_total", "counter", "Wall time of handler calls.",
       [](const mcp::HttpRouteTotals& t) { return number(t.seconds); }},
      {"asterai_http_fuel_consumed_total", "counter", "Fuel used by handler calls.",
       [](const mcp::HttpRouteTotals& t) { return std::to_string(t.fuel); }},
      {"asterai_http_peak_memory_bytes", "gauge", "Largest linear memory a request reached.",
       [](const mcp::HttpRouteTotals& t) { return std::to_string(t.peak_memory_bytes); }},
      {"asterai_http_request_body_bytes_total", "counter", "Request body bytes given to handlers.",
       [](const mcp::HttpRouteTotals& t) { return std::to_string(t.request_bytes); }},
      {"asterai_http_response_body_bytes_total", "counter", "Response body bytes written.",
       [](const mcp::HttpRouteTotals& t) { return std::to_string(t.response_bytes); }},
      {"asterai_http_outgoing_requests_total", "counter",
       "Outgoing wasi:http requests handlers sent.",
       [](const mcp::HttpRouteTotals& t) { return std::to_string(t.outgoing_requests); }},
  };
  for (const auto& s : series) {
    header(out, s.name, s.type, s.help);
    for (const auto& [key, t] : m.http)
      out += std::string(s.name) + "{" + labels(key) + "} " + s.value(t) + "\n";
  }
}

}  // namespace

void prometheus_histogram(std::string& out, const char* name, const char* help,
                          const mcp::Histogram& h) {
  header(out, name, "histogram", help);
  uint64_t cumulative = 0;
  for (size_t i = 0; i < mcp::kLatencyBuckets.size(); ++i) {
    cumulative += h.buckets[i];
    out += std::string(name) + "_bucket{le=\"" + number(mcp::kLatencyBuckets[i]) + "\"} " +
           std::to_string(cumulative) + "\n";
  }
  out += std::string(name) + "_bucket{le=\"+Inf\"} " + std::to_string(h.count) + "\n";
  out += std::string(name) + "_sum " + number(h.sum_seconds) + "\n";
  out += std::string(name) + "_count " + std::to_string(h.count) + "\n";
}

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
  prometheus_histogram(
      out, "asterai_tool_call_duration_seconds",
      "Wall time of tool calls (argument binding, instantiation, run, result conversion).",
      m.latency);
  prometheus_histogram(
      out, "asterai_tool_queue_wait_seconds",
      "Time tool calls and proxy requests waited for a worker before they started.", m.queue_wait);
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
  http_routes(out, m);
  header(out, "asterai_tools", "gauge", "Tools served.");
  out += "asterai_tools " + std::to_string(tool_count) + "\n";
  return out;
}

}  // namespace asterai::httpapi
