#include "asterai/schedule/clock.h"

#include <charconv>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <string>

namespace asterai::schedule {
namespace {

class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::now();
  }
  std::chrono::nanoseconds real(std::chrono::nanoseconds d) const override { return d; }
};

// Starts running when first read, not when made: loading an environment first (compiling its
// components) does not eat into the schedule's time.
class ScaledClock final : public Clock {
 public:
  ScaledClock(TimePoint start, double speed) : start_(start), speed_(speed) {}
  std::chrono::system_clock::time_point now() const override {
    std::call_once(started_, [&] { began_ = std::chrono::steady_clock::now(); });
    auto real = std::chrono::steady_clock::now() - began_;
    return std::chrono::system_clock::time_point(start_) +
           std::chrono::duration_cast<std::chrono::system_clock::duration>(real * speed_);
  }
  std::chrono::nanoseconds real(std::chrono::nanoseconds d) const override {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(d / speed_);
  }

 private:
  TimePoint start_;
  mutable std::once_flag started_;
  mutable std::chrono::steady_clock::time_point began_;
  double speed_;
};

}  // namespace

std::shared_ptr<const Clock> system_clock() {
  static const auto clock = std::make_shared<SystemClock>();
  return clock;
}

std::shared_ptr<const Clock> scaled_clock(TimePoint start, double speed) {
  return std::make_shared<ScaledClock>(start, speed);
}

std::string format_time(TimePoint t) {
  std::time_t secs = t.time_since_epoch().count();
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Result<TimePoint> parse_time(std::string_view text) {
  int64_t secs = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), secs);
  if (ec == std::errc() && end == text.data() + text.size())
    return TimePoint(std::chrono::seconds(secs));
  std::tm tm{};
  std::string s(text);
  const char* rest = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (!rest || *rest)
    return make_error(ErrorKind::usage, "bad time \"" + s +
                                            "\": write Unix seconds or UTC like "
                                            "2026-03-29T01:00:00Z");
  return TimePoint(std::chrono::seconds(timegm(&tm)));
}

Result<std::shared_ptr<const Clock>> parse_clock(std::string_view text) {
  auto star = text.find('*');
  auto start = ASTERAI_TRY(parse_time(text.substr(0, star)));
  double speed = 1;
  if (star != std::string_view::npos) {
    std::string s(text.substr(star + 1));
    char* end = nullptr;
    speed = std::strtod(s.c_str(), &end);
    if (s.empty() || *end || !(speed > 0) || speed > 1e9)
      return make_error(ErrorKind::usage,
                        "bad clock speed \"" + s + "\": write a positive number, e.g. START*600");
  }
  return scaled_clock(start, speed);
}

Result<std::shared_ptr<const Clock>> clock_from_environment() {
  const char* text = std::getenv("ASTERAI_CLOCK");
  if (!text || !*text) return system_clock();
  auto clock = parse_clock(text);
  if (!clock) return make_error(ErrorKind::usage, "ASTERAI_CLOCK: " + clock.error().message);
  return clock;
}

}  // namespace asterai::schedule
