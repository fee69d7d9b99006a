// What a long-lived thread of ours is for, told to the operating system: a name that `top -H`
// and `perf` show, and how it is scheduled. Linux's scheduler (EEVDF) lets a woken thread cut
// in ahead of a running one only when its requested time slice is shorter; at the default
// slice a thread that wakes for a request may wait out a few milliseconds of someone else's
// CPU-bound work (a flood's calls, a batch of usage inserts).
#pragma once

#include <string_view>

namespace asterai {

enum class ThreadRole {
  event_loop,  // wakes for every request and answers: runs at once, in short slices
  worker,      // runs calls: the default slice
  background,  // housekeeping no answer waits for: yields to the others
};

// For the calling thread. `name` is cut to 15 characters (the kernel's limit). Best effort:
// a kernel without per-thread slices keeps its default, and nothing fails.
void set_thread_role(ThreadRole role, std::string_view name);

}  // namespace asterai
