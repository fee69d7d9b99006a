// The time schedules run by. Injectable so tests never wait for the wall clock: a scaled
// clock starts at a chosen instant and runs faster than real time.
#pragma once

#include <chrono>
#include <memory>
#include <string_view>

#include "asterai/common/error.h"

namespace asterai::schedule {

using TimePoint = std::chrono::sys_seconds;  // cron's resolution

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point now() const = 0;
  // How long to wait in real time for `d` to pass on this clock.
  virtual std::chrono::nanoseconds real(std::chrono::nanoseconds d) const = 0;
};

std::shared_ptr<const Clock> system_clock();
// Reads `start` when first read and runs `speed` times faster than real time.
std::shared_ptr<const Clock> scaled_clock(TimePoint start, double speed);
// "START" or "START*SPEED" (START: Unix seconds or 2026-03-29T01:00:00Z): a scaled clock.
Result<std::shared_ptr<const Clock>> parse_clock(std::string_view text);
// $ASTERAI_CLOCK when set (parse_clock), else the system clock.
Result<std::shared_ptr<const Clock>> clock_from_environment();

// "2026-03-29T01:00:00Z" (UTC).
std::string format_time(TimePoint t);
Result<TimePoint> parse_time(std::string_view text);

}  // namespace asterai::schedule
