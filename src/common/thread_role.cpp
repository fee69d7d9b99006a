#include "asterai/common/thread_role.h"

#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <string>

namespace asterai {

namespace {

// The kernel's struct sched_attr (linux/sched/types.h), which glibc does not declare.
struct SchedAttr {
  uint32_t size;
  uint32_t sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime;  // SCHED_OTHER: the requested slice, in ns (Linux 6.12+)
  uint64_t sched_deadline;
  uint64_t sched_period;
};

// The shortest slice the kernel accepts (0.1 ms): a loop's turn is a few microseconds of
// parsing and writing, so a short slice costs it nothing and lets it preempt a long one.
constexpr uint64_t kLoopSliceNs = 100'000;
// Below the requests' threads, far enough above idle to keep up under full load.
constexpr int kBackgroundNice = 5;

// `ns` 0 is the kernel's default slice. Every role sets its slice, since a thread inherits
// its creator's (a pool thread started from an event loop would otherwise keep the loop's).
void request(uint64_t ns, int nice) {
  SchedAttr attr{};
  attr.size = sizeof attr;
  attr.sched_policy = SCHED_OTHER;
  attr.sched_nice = nice;
  attr.sched_runtime = ns;
  // Kernels before 6.12 take the call and ignore the slice; where the call is refused (a
  // seccomp filter, say) the thread still gets its nice value.
  if (::syscall(SYS_sched_setattr, 0, &attr, 0) != 0)
    ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), nice);
}

}  // namespace

void set_thread_role(ThreadRole role, std::string_view name) {
  std::string cut(name.substr(0, 15));
  ::pthread_setname_np(::pthread_self(), cut.c_str());
  // Relative to the main thread's nice value (Linux keeps one per thread), which whoever
  // started the process may have raised.
  errno = 0;
  int nice = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::getpid()));
  if (errno != 0) nice = 0;
  switch (role) {
    case ThreadRole::event_loop:
      request(kLoopSliceNs, nice);
      break;
    case ThreadRole::worker:
      request(0, nice);
      break;
    case ThreadRole::background:
      request(0, std::min(nice + kBackgroundNice, 19));
      break;
  }
}

}  // namespace asterai
