// What a thread asks of the processor, readable from other threads: whether it is running or
// waiting for a core right now, and how long it has done either since it started. Read from
// Linux's /proc/self/task/TID/stat and schedstat, opened on the first sample and kept open
// while the thread lives (so a thread never sampled holds no descriptor). Private to
// src/cloud (CoreShares).
#pragma once

#include <sys/types.h>

#include <atomic>
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
  // From any thread while this one lives. Nothing where /proc cannot be read (the caller
  // then takes the thread for busy).
  std::optional<Sample> sample() const;

  ThreadDemand();
  ~ThreadDemand();
  ThreadDemand(const ThreadDemand&) = delete;
  ThreadDemand& operator=(const ThreadDemand&) = delete;

 private:
  // The thread's /proc file `name`, opened once (-1: it cannot be).
  int file(std::atomic<int>& slot, const char* name) const;

  pid_t tid_;
  mutable std::atomic<int> stat_{-2};  // -2: not opened yet
  mutable std::atomic<int> schedstat_{-2};
};

}  // namespace asterai::cloud
