#include "asterai/mcp/executor.h"

#include <chrono>
#include <future>

#include "asterai/common/inline_host.h"
#include "asterai/common/thread_role.h"

namespace asterai::mcp {

Executor::Executor(std::shared_ptr<const runtime::Runtime> runtime, Metrics& metrics,
                   size_t workers, size_t max_queued, CallObserver observer, CallGate gate,
                   QueueWaitObserver queue_wait)
    : runtime_(std::move(runtime)),
      metrics_(metrics),
      max_queued_(max_queued),
      observer_(std::move(observer)),
      gate_(std::move(gate)),
      queue_wait_(std::move(queue_wait)) {
  if (workers == 0) workers = std::max(1u, std::thread::hardware_concurrency());
  for (size_t i = 0; i < workers; ++i)
    threads_.emplace_back([this] {
      set_thread_role(ThreadRole::worker, "asterai-worker");
      work();
    });
}

Executor::~Executor() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

bool Executor::submit(ToolCall call, Done done) {
  Job job{std::move(call), std::move(done), nullptr};
  if (run_lent(job)) return true;
  return enqueue(std::move(job));
}

bool Executor::run_lent(Job& job) {
  auto* host = inline_host();
  const Tool& tool = *job.call.tool;
  if (!host || queued_.load() > 0 || (job.call.client && tool.may_ask_client) ||
      tool.length.us() >= kLongCall.count())
    return false;
  // A slot of the pool's: never more calls at once than workers (plus those a worker took
  // from the queue meanwhile, at most one per lending thread).
  size_t running = running_.load();
  do {
    if (running >= threads_.size()) return false;
  } while (!running_.compare_exchange_weak(running, running + 1));
  std::shared_ptr<const void> held;
  if (gate_ && !(held = gate_(false))) {
    --running_;
    return false;
  }
  bool ran = host->lend([&] { execute(job, std::move(held)); });
  --running_;
  return ran;
}

bool Executor::submit_task(std::function<void()> task) {
  return enqueue(Job{{}, nullptr, std::move(task)});
}

bool Executor::enqueue(Job job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= max_queued_) {
      metrics_.rejected_busy();
      return false;
    }
    queue_.push_back(std::move(job));
    ++queued_;
  }
  // A spinning worker takes it without a wake-up; see work().
  if (!spinning_.load()) cv_.notify_one();
  return true;
}

bool Executor::spin_for_work() {
  if (spinning_.exchange(true)) return false;  // one spinner at a time
  auto until = std::chrono::steady_clock::now() + kSpin;
  while (queued_.load() == 0 && std::chrono::steady_clock::now() < until) std::this_thread::yield();
  spinning_ = false;
  // Checked after clearing the flag: a submit that saw the flag set (and so did not notify)
  // has already counted its job.
  return queued_.load() > 0;
}

void Executor::work() {
  while (true) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      if (queue_.empty() && !stopping_) {
        lock.unlock();
        spin_for_work();
        lock.lock();
      }
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued has run
      job = std::move(queue_.front());
      queue_.pop_front();
      --queued_;
    }
    ++running_;
    execute(job, gate_ ? gate_(true) : nullptr);
    --running_;
  }
}

void Executor::execute(Job& job, std::shared_ptr<const void> held) {
  double waited = std::chrono::duration<double>(Clock::now() - job.arrived).count();
  if (queue_wait_) queue_wait_(waited);
  if (job.task) {
    metrics_.task_started(waited);
    job.task();
    return;
  }
  bool observed = observer_ && !(job.call.cancel && job.call.cancel->load());
  auto result = std::make_shared<ToolCallResult>(run(job.call, waited));
  held.reset();  // the guest is done: the answer and its usage record go out after
  if (observed) {
    observer_(job.call, *result,
              [done = std::move(job.done), result] { done(std::move(*result)); });
  } else {
    job.done(std::move(*result));
  }
}

ToolCallResult Executor::run_here(const ToolCall& call) {
  ToolCallResult r = run(call, std::nullopt);  // its task's wait was counted
  if (!observer_) return r;
  // Shared: the release may come from another thread after this one stopped waiting.
  auto released = std::make_shared<std::promise<void>>();
  auto done = released->get_future();
  observer_(call, r, [released] { released->set_value(); });
  done.wait();
  return r;
}

ToolCallResult Executor::run(const ToolCall& call, std::optional<double> queue_wait) {
  ToolCallResult r;
  if (call.cancel && call.cancel->load()) {
    r.cancelled = true;
    return r;
  }
  const Tool& tool = *call.tool;
  metrics_.call_started(queue_wait);
  runtime::CallLimits limits = tool.policy.limits;
  limits.cancel = call.cancel;  // a cancellation stops the running call, not only its answer
  runtime::McpClientScope client(call.client.get());
  auto started = Clock::now();
  // An environment's member runs with the limits the composition holds for it, plus the flag.
  r.outcome = tool.composition ? tool.composition->call(tool.component_name, *tool.function,
                                                        call.arguments, call.cancel)
                               : runtime_->call(*tool.component, *tool.function, call.arguments,
                                                limits, tool.policy.grants);
  tool.length.add(std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started));
  std::string kind = r.outcome.ok() ? "" : std::string(error_kind_name(r.outcome.error->kind));
  metrics_.call_finished(tool.name, kind, r.outcome.stats.wall_ms / 1000.0,
                         r.outcome.stats.fuel_used, r.outcome.stats.instantiate_ms > 0);
  r.cancelled = call.cancel && call.cancel->load();
  return r;
}

}  // namespace asterai::mcp
