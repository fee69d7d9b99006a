#include "asterai/mcp/metrics.h"

#include <algorithm>

namespace asterai::mcp {

void Histogram::add(double seconds) {
  if (auto i = latency_bucket(seconds)) ++buckets[*i];
  ++count;
  sum_seconds += seconds;
}

void Metrics::call_started(std::optional<double> queue_wait_seconds) {
  std::lock_guard lock(mutex_);
  ++data_.in_flight;
  if (queue_wait_seconds) data_.queue_wait.add(*queue_wait_seconds);
}

void Metrics::task_started(double queue_wait_seconds) {
  std::lock_guard lock(mutex_);
  data_.queue_wait.add(queue_wait_seconds);
}

void Metrics::call_finished(const std::string& tool, const std::string& error_kind,
                            double wall_seconds, std::optional<uint64_t> fuel, bool instantiated) {
  std::lock_guard lock(mutex_);
  --data_.in_flight;
  ++data_.calls_by_tool[tool];
  if (!error_kind.empty()) ++data_.errors_by_kind[error_kind];
  data_.latency.add(wall_seconds);
  if (fuel) data_.fuel_used += *fuel;
  if (instantiated) ++data_.instances;
}

void Metrics::rejected_busy() {
  std::lock_guard lock(mutex_);
  ++data_.rejected_busy;
}

void Metrics::http_finished(const HttpSample& sample) {
  std::lock_guard lock(mutex_);
  auto& t = data_.http[{sample.member, sample.route}];
  ++t.requests_by_status[sample.status];
  if (!sample.error_kind.empty()) ++t.errors_by_kind[sample.error_kind];
  t.seconds += sample.wall_seconds;
  if (sample.fuel) t.fuel += *sample.fuel;
  t.peak_memory_bytes = std::max(t.peak_memory_bytes, sample.peak_memory_bytes);
  t.request_bytes += sample.request_bytes;
  t.response_bytes += sample.response_bytes;
  t.outgoing_requests += sample.outgoing_requests;
  if (sample.instantiated) ++data_.instances;
}

MetricsSnapshot Metrics::snapshot() const {
  std::lock_guard lock(mutex_);
  return data_;
}

}  // namespace asterai::mcp
