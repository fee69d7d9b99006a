// Calls across members: a member's imported function runs the provider's export in a fresh
// instance in the provider's own store, with the provider's grants and limits, and never past
// the deadline of the call that made it.
#include <chrono>

#include "composition_impl.h"
#include "invoke.h"

namespace asterai::runtime {
namespace {

using Clock = std::chrono::steady_clock;

// One running call on this thread. Nested calls are made from host callbacks on the thread
// of their caller, so a thread-local stack knows the caller of every nested call.
struct Frame {
  Clock::time_point deadline;
  // The outermost call's cancellation flag; providers it calls stop with it too.
  std::shared_ptr<const std::atomic<bool>> cancel;
  // The failure of a provider this call imported from; the call trapped because of it.
  std::optional<Error> provider_error;
};
thread_local std::vector<Frame*> t_frames;

class FramePush {
 public:
  explicit FramePush(Frame* frame) { t_frames.push_back(frame); }
  ~FramePush() { t_frames.pop_back(); }
  FramePush(const FramePush&) = delete;
  FramePush& operator=(const FramePush&) = delete;
};

std::string ms_text(std::chrono::milliseconds ms) {
  return std::to_string(ms.count()) + " ms";
}

}  // namespace

CallOutcome Composition::Impl::run(size_t member, size_t function,
                                   std::span<const wasmtime_component_val_t> args,
                                   OwnedVal* raw_result,
                                   std::shared_ptr<const std::atomic<bool>> cancel,
                                   const InvocationEntry& entry) const {
  const Member& m = self->members_[member];
  CallLimits limits = m.limits;
  if (!t_frames.empty()) cancel = t_frames.back()->cancel;
  limits.cancel = cancel;
  auto now = Clock::now();
  bool capped = false;
  if (!t_frames.empty()) {
    CallOutcome refused;
    if (t_frames.size() >= kMaxCallDepth) {
      refused.error = Error{
          ErrorKind::trap,
          "calls between components nest deeper than " + std::to_string(kMaxCallDepth) + " levels",
          {}};
      return refused;
    }
    // A nested call's time counts against its caller's deadline too: it gets the smaller of
    // its own timeout and what is left of the caller's.
    auto left = std::chrono::ceil<std::chrono::milliseconds>(t_frames.back()->deadline - now);
    if (left.count() <= 0) {
      refused.error = Error{ErrorKind::timeout, "the caller's time limit ran out", {}};
      return refused;
    }
    if (left < limits.timeout) {
      limits.timeout = left;
      capped = true;
    }
  }
  Frame frame{now + limits.timeout, cancel, {}};
  CallOutcome outcome;
  {
    FramePush push(&frame);
    outcome = self->runtime_->invoke(Runtime::Invocation{
        *m.component, function, args, limits, m.grants, linkers[member].get(), raw_result, entry});
  }
  if (!outcome.ok()) {
    if (frame.provider_error) {
      outcome.error = std::move(frame.provider_error);
    } else if (capped && outcome.error->kind == ErrorKind::timeout) {
      outcome.error->message = "the call ran past its caller's time limit (" +
                               ms_text(limits.timeout) + " were left of it)";
    } else if (outcome.error->kind == ErrorKind::timeout) {
      outcome.error->message += " (" + ms_text(limits.timeout) + ")";
    }
  }
  return outcome;
}

wasmtime_error_t* call_provider(void* env, wasmtime_context_t*,
                                const wasmtime_component_func_type_t*,
                                wasmtime_component_val_t* args, size_t nargs,
                                wasmtime_component_val_t* results, size_t nresults) {
  const auto& binding = *static_cast<const Binding*>(env);
  OwnedVal result;
  CallOutcome outcome = binding.impl->run(binding.provider, binding.function, {args, nargs},
                                          nresults ? &result : nullptr);
  if (!outcome.ok()) {
    // The caller traps; the error it reports is the provider's, named.
    const Member& provider = binding.impl->self->members()[binding.provider];
    Error error = std::move(*outcome.error);
    // No room for the provider: the caller has run, so this call is not one that never
    // started (`busy`, which callers may simply retry), but a caller that trapped.
    if (error.kind == ErrorKind::busy) error.kind = ErrorKind::trap;
    error.message = "`" + provider.name + "` failed in " + binding.import.qualified_name() + ": " +
                    error.message;
    std::string text = error.message;
    if (!t_frames.empty()) t_frames.back()->provider_error = std::move(error);
    return wasmtime_error_new(text.c_str());
  }
  if (nresults) results[0] = result.release();  // the slot takes ownership
  return nullptr;
}

}  // namespace asterai::runtime
