#include "asterai/common/thread_role.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <thread>

namespace asterai {
namespace {

struct Seen {
  std::string name;
  int nice = 0;
  uint64_t slice_ns = 0;
};

// What the kernel holds for a thread that took `role`.
Seen on_a_thread_with(ThreadRole role, const char* name) {
  Seen seen;
  std::thread([&] {
    set_thread_role(role, name);
    char buf[16] = {};
    pthread_getname_np(pthread_self(), buf, sizeof buf);
    seen.name = buf;
    seen.nice = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
    struct {
      uint32_t size, policy;
      uint64_t flags;
      int32_t nice;
      uint32_t priority;
      uint64_t runtime, deadline, period;
    } attr{};
    if (syscall(SYS_sched_getattr, 0, &attr, sizeof attr, 0) == 0) seen.slice_ns = attr.runtime;
  }).join();
  return seen;
}

// The process's nice value: the roles are relative to it (a test run may be niced).
int process_nice() {
  return getpriority(PRIO_PROCESS, static_cast<id_t>(getpid()));
}

// Per-thread slices came with Linux 6.12; older kernels keep their default silently.
bool kernel_has_custom_slices() {
  utsname u{};
  int major = 0, minor = 0;
  return uname(&u) == 0 && std::sscanf(u.release, "%d.%d", &major, &minor) == 2 &&
         (major > 6 || (major == 6 && minor >= 12));
}

TEST(ThreadRole, AnEventLoopRunsInTheShortestSlice) {
  auto seen = on_a_thread_with(ThreadRole::event_loop, "asterai-loop");
  EXPECT_EQ(seen.name, "asterai-loop");
  EXPECT_EQ(seen.nice, process_nice());
  if (kernel_has_custom_slices()) {
    EXPECT_EQ(seen.slice_ns, 100'000u);
  }
}

TEST(ThreadRole, BackgroundWorkYieldsAndALongNameIsCut) {
  auto seen = on_a_thread_with(ThreadRole::background, "asterai-background-work");
  EXPECT_EQ(seen.name, "asterai-backgro");
  EXPECT_EQ(seen.nice, std::min(process_nice() + 5, 19));
  auto worker = on_a_thread_with(ThreadRole::worker, "asterai-worker");
  EXPECT_EQ(worker.nice, process_nice());
  EXPECT_EQ(seen.slice_ns, worker.slice_ns);  // the default: it takes turns as long as any
  // A worker started from an event loop does not keep the loop's short slice.
  Seen from_loop;
  std::thread([&] {
    set_thread_role(ThreadRole::event_loop, "asterai-loop");
    from_loop = on_a_thread_with(ThreadRole::worker, "asterai-block");
  }).join();
  EXPECT_EQ(from_loop.slice_ns, worker.slice_ns);
  EXPECT_EQ(from_loop.nice, process_nice());
}

}  // namespace
}  // namespace asterai
