// Time as a seam, so token expiry and gc grace periods are testable.
#pragma once

#include <cstdint>
#include <ctime>

namespace asterai::registry {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t now_unix() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t now_unix() const override { return static_cast<int64_t>(std::time(nullptr)); }
};

}  // namespace asterai::registry
