#include "thread_demand.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace asterai::cloud {

namespace {

// Reads a whole small /proc file again from its start (they are generated afresh per read).
ssize_t read_again(int fd, char* buf, size_t size) {
  ssize_t n = ::pread(fd, buf, size - 1, 0);
  if (n >= 0) buf[n] = '\0';
  return n;
}

}  // namespace

ThreadDemand::ThreadDemand() : tid_(::gettid()) {}

ThreadDemand::~ThreadDemand() {
  for (auto* slot : {&stat_, &schedstat_})
    if (int fd = slot->load(); fd >= 0) ::close(fd);
}

const ThreadDemand& ThreadDemand::current() {
  thread_local const ThreadDemand mine;
  return mine;
}

int ThreadDemand::file(std::atomic<int>& slot, const char* name) const {
  int fd = slot.load();
  if (fd != -2) return fd;
  std::string path = "/proc/self/task/" + std::to_string(tid_) + "/" + name;
  int opened = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (opened < 0) opened = -1;
  // Two samplers at once: the first one's descriptor stays.
  if (!slot.compare_exchange_strong(fd, opened)) {
    if (opened >= 0) ::close(opened);
    return fd;
  }
  return opened;
}

std::optional<ThreadDemand::Sample> ThreadDemand::sample() const {
  int schedstat = file(schedstat_, "schedstat");
  int stat = file(stat_, "stat");
  if (schedstat < 0 || stat < 0) return std::nullopt;
  // "<ns on a core> <ns waiting for one> <time slices>"
  char buf[512];
  if (read_again(schedstat, buf, sizeof buf) <= 0) return std::nullopt;
  char* end = nullptr;
  int64_t ran = std::strtoll(buf, &end, 10);
  int64_t waited = std::strtoll(end, &end, 10);
  // "<tid> (<name>) <state> …": the name may hold spaces and parentheses, the last ')' ends it.
  if (read_again(stat, buf, sizeof buf) <= 0) return std::nullopt;
  const char* close = std::strrchr(buf, ')');
  if (!close || close[1] != ' ' || close[2] == '\0') return std::nullopt;
  return Sample{close[2] == 'R', ran + waited};
}

}  // namespace asterai::cloud
