// Who re-reads a cached answer from the store once it is stale. Under load every request finds
// it stale at once; the first claims the read and the others keep using the cached answer, so a
// node sends one query per entry, not one per connection. A claim that got no answer (a failing
// store, a refused request) lapses after `period`, and the next caller claims again.
#pragma once

#include <chrono>

namespace asterai::cloud {

class RefreshClaim {
 public:
  using Clock = std::chrono::steady_clock;
  // True for the caller that should read now; it holds the claim for `period`.
  bool claim(Clock::time_point now, Clock::duration period) {
    if (now - claimed_ < period) return false;
    claimed_ = now;
    return true;
  }

 private:
  Clock::time_point claimed_{};
};

}  // namespace asterai::cloud
