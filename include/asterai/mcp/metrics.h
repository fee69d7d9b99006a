// Counters of every tool call the server ran (MCP or HTTP API): calls per tool, errors per
// kind, a latency histogram, fuel and instances. Thread-safe; rendered as Prometheus text by
// httpapi/prometheus.h.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

namespace asterai::mcp {

// Upper bounds (seconds) of the latency histograms' buckets; +Inf is implicit.
inline constexpr std::array<double, 16> kLatencyBuckets = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
    0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};

// The bucket of kLatencyBuckets a duration falls in; none past the last bound (+Inf only).
inline std::optional<size_t> latency_bucket(double seconds) {
  for (size_t i = 0; i < kLatencyBuckets.size(); ++i)
    if (seconds <= kLatencyBuckets[i]) return i;
  return std::nullopt;
}

// Durations in kLatencyBuckets (Prometheus text: httpapi::prometheus_histogram).
struct Histogram {
  std::array<uint64_t, kLatencyBuckets.size()> buckets{};  // non-cumulative
  uint64_t count = 0;
  double sum_seconds = 0;
  void add(double seconds);
};

// One request served by a proxy component's route.
struct HttpSample {
  std::string member;  // the component's name
  std::string route;   // its prefix
  unsigned status = 0;
  std::string error_kind;  // empty when the guest ran without error
  double wall_seconds = 0;
  std::optional<uint64_t> fuel;
  uint64_t peak_memory_bytes = 0;
  uint64_t request_bytes = 0;   // body bytes the guest was given
  uint64_t response_bytes = 0;  // body bytes written to the client
  uint64_t outgoing_requests = 0;
  bool instantiated = false;
  bool never_ran = false;  // refused for room before the guest started (503)
};

// Totals per (member, route).
struct HttpRouteTotals {
  std::map<unsigned, uint64_t> requests_by_status;
  std::map<std::string, uint64_t> errors_by_kind;
  double seconds = 0;
  uint64_t fuel = 0;
  uint64_t peak_memory_bytes = 0;  // the largest any request reached
  uint64_t request_bytes = 0;
  uint64_t response_bytes = 0;
  uint64_t outgoing_requests = 0;
};

struct MetricsSnapshot {
  std::map<std::pair<std::string, std::string>, HttpRouteTotals> http;
  std::map<std::string, uint64_t> calls_by_tool;
  std::map<std::string, uint64_t> errors_by_kind;
  Histogram latency;
  // From a call's or a proxy request's arrival to its start (a worker free and, on a cloud
  // node, the tenant's core share).
  Histogram queue_wait;
  uint64_t fuel_used = 0;
  uint64_t instances = 0;
  uint64_t rejected_busy = 0;
  int64_t in_flight = 0;
};

class Metrics {
 public:
  // `queue_wait_seconds`: how long the call waited to start (none: counted elsewhere).
  void call_started(std::optional<double> queue_wait_seconds);
  // A proxy request started on a worker after waiting so long.
  void task_started(double queue_wait_seconds);
  // `error_kind` empty for a successful call; `instantiated` when an instance was created.
  void call_finished(const std::string& tool, const std::string& error_kind, double wall_seconds,
                     std::optional<uint64_t> fuel, bool instantiated);
  void rejected_busy();
  void http_finished(const HttpSample& sample);
  MetricsSnapshot snapshot() const;

 private:
  mutable std::mutex mutex_;
  MetricsSnapshot data_;
};

}  // namespace asterai::mcp
