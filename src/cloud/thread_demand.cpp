#include "thread_demand.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace asterai::cloud {

namespace {

// Reads a whole small /proc file again from its start (they are generated afresh per read).
ssize_t read_again(int fd, char* buf, size_t size) {
  ssize_t n = ::pread(fd, buf, size - 1, 0);
  if (n >= 0) buf[n] = '\0';
  return n;
}

}  // namespace

ThreadDemand::ThreadDemand()
    : stat_(::open("/proc/thread-self/stat", O_RDONLY | O_CLOEXEC)),
      schedstat_(::open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC)) {}

ThreadDemand::~ThreadDemand() {
  if (stat_ >= 0) ::close(stat_);
  if (schedstat_ >= 0) ::close(schedstat_);
}

const ThreadDemand& ThreadDemand::current() {
  thread_local const ThreadDemand mine;
  return mine;
}

std::optional<ThreadDemand::Sample> ThreadDemand::sample() const {
  if (stat_ < 0 || schedstat_ < 0) return std::nullopt;
  // "<ns on a core> <ns waiting for one> <time slices>"
  char buf[512];
  if (read_again(schedstat_, buf, sizeof buf) <= 0) return std::nullopt;
  char* end = nullptr;
  int64_t ran = std::strtoll(buf, &end, 10);
  int64_t waited = std::strtoll(end, &end, 10);
  // "<tid> (<name>) <state> …": the name may hold spaces and parentheses, the last ')' ends it.
  if (read_again(stat_, buf, sizeof buf) <= 0) return std::nullopt;
  const char* close = std::strrchr(buf, ')');
  if (!close || close[1] != ' ' || close[2] == '\0') return std::nullopt;
  return Sample{close[2] == 'R', ran + waited};
}

}  // namespace asterai::cloud
