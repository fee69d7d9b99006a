// What a thread asks of the processor, readable from other threads: whether it is running or
// waiting for a core right now, and how long it has done either since it started. Read from
// Linux's /proc/thread-self/stat and /schedstat, which the thread opens itself (once) and
// keeps open while it lives. Private to src/cloud (CoreShares).
#pragma once

#include <cstdint>
#include <optional>

namespace asterai::cloud {

class ThreadDemand {
 public:
  // The calling thread's, alive until the thread ends.
  static const ThreadDemand& current();

  struct Sample {
    bool runnable = false;  // running, or waiting for a core
    int64_t wanted_ns = 0;  // time spent running plus time spent waiting for a core
  };
  // Nothing where /proc cannot be read (the caller then takes the thread for busy).
  std::optional<Sample> sample() const;

  ThreadDemand();
  ~ThreadDemand();
  ThreadDemand(const ThreadDemand&) = delete;
  ThreadDemand& operator=(const ThreadDemand&) = delete;

 private:
  int stat_ = -1;
  int schedstat_ = -1;
};

}  // namespace asterai::cloud
