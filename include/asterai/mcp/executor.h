// Runs tool calls on a fixed pool of worker threads (sized to the cores by default), one
// fresh instance per call (Runtime::call). A slow call occupies one worker until its own
// timeout; the queue in front of the pool is bounded so a flood is refused, not buffered.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>
#include <vector>

#include "asterai/mcp/catalog.h"
#include "asterai/mcp/metrics.h"
#include "asterai/runtime/mcp_client.h"
#include "asterai/runtime/runtime.h"

namespace asterai::mcp {

// Set by whoever wants a call abandoned (MCP notifications/cancelled). A call still queued is
// not started; a running one stops within about one epoch tick (runtime::CallLimits::cancel)
// and its result is dropped.
using CancelFlag = std::shared_ptr<std::atomic<bool>>;

struct ToolCall {
  std::shared_ptr<const Catalog> catalog;  // keeps `tool` alive
  const Tool* tool = nullptr;
  nlohmann::json arguments;
  CancelFlag cancel;
  // What the guest's asterai:mcp/client imports reach while the call runs (null: none).
  std::shared_ptr<runtime::McpClient> client;
};

struct ToolCallResult {
  runtime::CallOutcome outcome;
  bool cancelled = false;  // never started, or finished after a cancellation
  std::string call_id;     // set by an observer that recorded the call (a cloud node)
};

// Told of every call that ran, on its worker, before its caller hears of it; the caller is
// answered when `release` is called (from any thread). A cloud node releases once the call's
// usage record is stored.
using CallObserver = std::function<void(const ToolCall& call, ToolCallResult& result,
                                        std::function<void()> release)>;

// Asked before each call or task runs; the call runs while the token it returns is held (a
// cloud node shares its cores among tenants so). With `wait` false it answers null instead of
// waiting. Empty: no gate.
using CallGate = std::function<std::shared_ptr<const void>(bool wait)>;

// Told, on the worker, how long each call or task waited between its arrival and its start
// (a worker free, the gate passed); a cloud node keeps one histogram of it for all its
// deployments. Empty: only the executor's Metrics hear of it.
using QueueWaitObserver = std::function<void(double seconds)>;

class Executor {
 public:
  // `workers` 0 = std::thread::hardware_concurrency(); `max_queued` calls may wait.
  Executor(std::shared_ptr<const runtime::Runtime> runtime, Metrics& metrics, size_t workers = 0,
           size_t max_queued = 1024, CallObserver observer = {}, CallGate gate = {},
           QueueWaitObserver queue_wait = {});
  // Finishes the queued and running calls, then joins the workers.
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  using Done = std::function<void(ToolCallResult)>;
  // Queues the call; `done` runs on a worker thread. False (and `done` not called) when the
  // queue is full. On a thread that lends itself (an event loop, common/inline_host.h) the
  // call runs right there instead, before this returns, when a worker is idle, nothing is
  // queued, the gate lets it start at once, the call cannot wait on its MCP client and the
  // tool's calls ran shorter than kLongCall lately: the same call without two thread
  // crossings. A longer call would hold up the loop's other connections, for up to the
  // loop's hand-over time (net/event_loop.h), more than two crossings cost it.
  bool submit(ToolCall call, Done done);
  // Queues other work that runs a guest (an HTTP request to a proxy component) on the same
  // workers and under the same bound; false (and `task` not run) when the queue is full.
  bool submit_task(std::function<void()> task);
  size_t workers() const { return threads_.size(); }
  // Runs the call on this thread (a task's, already on a worker), without the queue; the
  // observer hears of it as of any call (a cloud node's usage record), and this returns once
  // it released the call.
  ToolCallResult run_here(const ToolCall& call);
  const runtime::Runtime& runtime() const { return *runtime_; }

 private:
  using Clock = std::chrono::steady_clock;
  struct Job {
    ToolCall call;
    Done done;
    std::function<void()> task;  // set instead of call/done by submit_task
    Clock::time_point arrived = Clock::now();
  };
  bool enqueue(Job job);
  // Runs the job here if this thread lends itself and the pool has room (see submit).
  bool run_lent(Job& job);
  // Runs a job while `held` (the gate's token) is held; the answer goes out after.
  void execute(Job& job, std::shared_ptr<const void> held);
  void work();
  // Handing a call to a sleeping thread costs a wake-up (tens of microseconds on an idle
  // virtual machine), as much as a small tool's whole call; so one idle worker at a time
  // polls for up to kSpin before it sleeps. True when work arrived meanwhile.
  bool spin_for_work();
  // `queue_wait`: seconds the call waited to start (Metrics); none for a call a task runs.
  ToolCallResult run(const ToolCall& call, std::optional<double> queue_wait);

  static constexpr std::chrono::microseconds kSpin{200};
  static constexpr std::chrono::microseconds kLongCall{200};

  std::shared_ptr<const runtime::Runtime> runtime_;
  Metrics& metrics_;
  size_t max_queued_;
  CallObserver observer_;
  CallGate gate_;
  QueueWaitObserver queue_wait_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::atomic<size_t> queued_{0};   // queue_.size(), readable without the mutex
  std::atomic<size_t> running_{0};  // jobs running, on workers or lent threads
  std::atomic<bool> spinning_{false};
  std::vector<std::thread> threads_;
};

}  // namespace asterai::mcp
