// A thread that serves many clients (a network event loop) may lend itself to one short job
// that would otherwise cross to a worker thread and back: handing a tool call to a worker and
// its answer back costs two thread wake-ups, as much as a small tool's whole call. The host
// decides whether it can lend itself now and what happens to its other clients meanwhile
// (net::EventLoop hands them to a helper thread if the job runs long).
#pragma once

#include <functional>

namespace asterai {

class InlineHost {
 public:
  virtual ~InlineHost() = default;
  // Runs `job` on this thread before returning true, or returns false without running it.
  virtual bool lend(const std::function<void()>& job) = 0;
};

// The host of the calling thread, or null on a thread that is none (a worker, the stdio
// reader, a test).
InlineHost* inline_host();
// Set by a host on its own thread; null clears it.
void set_inline_host(InlineHost* host);

}  // namespace asterai
