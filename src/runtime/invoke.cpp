// One call: a fresh store and instance, WASI with nothing granted, outputs captured.
#include <algorithm>
#include <chrono>
#include <optional>

#include "arguments.h"
#include "component_impl.h"
#include "epoch_watch.h"
#include "invoke.h"
#include "runtime_impl.h"
#include "traps.h"
#include "wasmtime_ext.h"

namespace asterai::runtime {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// A bounded sink for the guest's stdout/stderr; what goes past the cap is counted, not kept.
struct OutputSink {
  CapturedOutput* out;
  uint64_t* total;
  size_t cap;

  static ptrdiff_t write(void* data, const unsigned char* bytes, size_t len) {
    auto* self = static_cast<OutputSink*>(data);
    *self->total += len;
    size_t room = self->cap > self->out->data.size() ? self->cap - self->out->data.size() : 0;
    size_t keep = std::min(room, len);
    self->out->data.append(reinterpret_cast<const char*>(bytes), keep);
    if (keep < len) self->out->truncated = true;
    // Report everything as written: WASI p2 streams do not allow short writes.
    return static_cast<ptrdiff_t>(len);
  }
};

// Answers the HTTP filter for one call from the call's grants; records refusals.
struct HttpGate {
  const Grants* grants;
  std::vector<std::string>* denied;

  static uint8_t allow(void* data, const uint8_t* scheme, size_t scheme_len,
                       const uint8_t* authority, size_t authority_len) {
    auto* self = static_cast<HttpGate*>(data);
    std::string_view s(reinterpret_cast<const char*>(scheme), scheme_len);
    std::string_view a(reinterpret_cast<const char*>(authority), authority_len);
    if (host_allowed(self->grants->allow_hosts, s, a))
      return self->grants->public_addresses_only ? ASTERAI_HTTP_ALLOW_PUBLIC_ONLY
                                                 : ASTERAI_HTTP_ALLOW;
    self->denied->push_back(std::string(s) + "://" + std::string(a));
    return ASTERAI_HTTP_DENY;
  }
};

// Installs the gate on this thread for the lifetime of the call and then restores the one
// before it: a composed call runs a provider's call (with its own gate) inside the caller's.
class ScopedHttpGate {
 public:
  explicit ScopedHttpGate(HttpGate* gate) : previous_(current_) { install(gate); }
  ~ScopedHttpGate() { install(previous_); }
  ScopedHttpGate(const ScopedHttpGate&) = delete;
  ScopedHttpGate& operator=(const ScopedHttpGate&) = delete;

 private:
  static void install(HttpGate* gate) {
    current_ = gate;
    if (gate) {
      asterai_http_filter_set(&HttpGate::allow, gate);
    } else {
      asterai_http_filter_set(nullptr, nullptr);
    }
  }
  static thread_local HttpGate* current_;
  HttpGate* previous_;
};
thread_local HttpGate* ScopedHttpGate::current_ = nullptr;

// Meters the calling thread's HTTP requests from construction until read (or destruction).
// Meters nest: a provider's call (composition) runs inside its caller's host call on the same
// thread, so the caller's meter is paused meanwhile and resumed afterwards; each call counts
// only the requests it sent itself.
class HttpMeter {
 public:
  HttpMeter() : outer_(active_) {
    if (outer_) outer_->pause();
    asterai_http_meter_begin();
    active_ = this;
  }
  ~HttpMeter() {
    pause();
    active_ = outer_;
    if (outer_) outer_->resume();
  }
  HttpMeter(const HttpMeter&) = delete;
  HttpMeter& operator=(const HttpMeter&) = delete;

  void read_into(CallStats& stats) {
    pause();
    stats.http_requests = counts_.requests;
    stats.http_bytes_sent = counts_.bytes_sent;
    stats.http_bytes_received = counts_.bytes_received;
  }

 private:
  void pause() {
    if (!running_) return;
    asterai_http_stats_t part{};
    asterai_http_meter_end(&part);
    counts_.requests += part.requests;
    counts_.bytes_sent += part.bytes_sent;
    counts_.bytes_received += part.bytes_received;
    running_ = false;
  }
  void resume() {
    if (running_) return;
    asterai_http_meter_begin();
    running_ = true;
  }
  static thread_local HttpMeter* active_;
  HttpMeter* outer_;
  asterai_http_stats_t counts_{};
  bool running_ = true;
};
thread_local HttpMeter* HttpMeter::active_ = nullptr;

// Bounds blocking host calls on this thread by the call's timeout. Nested calls (a provider
// called from its caller's host call) get the earlier of their own and the caller's deadline,
// and the caller's is restored when they return.
class ScopedCallDeadline {
 public:
  explicit ScopedCallDeadline(std::chrono::milliseconds timeout) : outer_(current_) {
    auto at = Clock::now() + timeout;
    if (outer_ && *outer_ < at) at = *outer_;
    current_ = at;
    set(at);
  }
  ~ScopedCallDeadline() {
    current_ = outer_;
    if (outer_) {
      set(*outer_);
    } else {
      asterai_call_deadline_set(-1);
    }
  }
  ScopedCallDeadline(const ScopedCallDeadline&) = delete;
  ScopedCallDeadline& operator=(const ScopedCallDeadline&) = delete;

 private:
  static void set(Clock::time_point at) {
    // Rounded up: a deadline passed as whole milliseconds must not end a wait early.
    auto left = std::chrono::ceil<std::chrono::milliseconds>(at - Clock::now());
    asterai_call_deadline_set(std::max<int64_t>(0, left.count()));
  }
  static thread_local std::optional<Clock::time_point> current_;
  std::optional<Clock::time_point> outer_;
  friend std::optional<Clock::time_point> runtime::current_call_deadline();
};
thread_local std::optional<Clock::time_point> ScopedCallDeadline::current_;

}  // namespace

std::optional<std::chrono::steady_clock::time_point> current_call_deadline() {
  return ScopedCallDeadline::current_;
}

namespace {

// Deny by default: the WASI context gets only what `grants` names.
Result<void> configure_wasi(wasi_config_t* wasi, const Grants& grants) {
  if (!grants.env.empty()) {
    std::vector<const char*> names, values;
    for (const auto& [n, v] : grants.env) {
      names.push_back(n.c_str());
      values.push_back(v.c_str());
    }
    wasi_config_set_env(wasi, names.size(), names.data(), values.data());
  }
  for (const auto& d : grants.dirs) {
    if (!wasi_config_preopen_dir(wasi, d.host.c_str(), d.guest.c_str(), d.writable)) {
      return make_error(ErrorKind::io, "cannot grant directory " + d.host.string());
    }
  }
  return {};
}

}  // namespace

CallOutcome Runtime::call(const Component& component, const FunctionInfo& function,
                          const nlohmann::json& args, const CallLimits& limits,
                          const Grants& grants) const {
  auto start = Clock::now();
  CallOutcome outcome;
  auto fail = [&](Error e) {
    outcome.error = std::move(e);
    outcome.stats.wall_ms = ms_since(start);
    return std::move(outcome);
  };

  if (!function.unsupported.empty()) {
    return fail(Error{ErrorKind::unsupported_type,
                      function.name + " cannot be called with JSON: " + function.unsupported +
                          " (unsupported in a tool signature)",
                      {}});
  }
  size_t index = static_cast<size_t>(&function - component.functions().data());
  if (index >= component.functions().size()) {
    return fail(Error{ErrorKind::internal, "function does not belong to this component", {}});
  }
  if (limits.fuel && !options_.fuel) {
    return fail(
        Error{ErrorKind::usage, "a fuel budget needs an engine created with fuel enabled", {}});
  }
  auto bound = bind_arguments(function, args);
  if (!bound) return fail(std::move(bound.error()));
  std::vector<wasmtime_component_val_t> raw_args;
  raw_args.reserve(bound->size());
  for (auto& v : *bound) raw_args.push_back(v.raw);  // borrowed: the call copies them

  CallOutcome called =
      invoke(Invocation{component, index, raw_args, limits, grants, nullptr, nullptr, nullptr});
  // Binding is part of the call's wall time.
  called.stats.wall_ms = ms_since(start);
  return called;
}

CallOutcome Runtime::invoke(const Invocation& call) const {
  auto start = Clock::now();
  CallOutcome outcome;
  HttpMeter http_meter;
  auto fail = [&](Error e) {
    outcome.error = std::move(e);
    http_meter.read_into(outcome.stats);
    outcome.stats.wall_ms = ms_since(start);
    return std::move(outcome);
  };
  const Component& component = call.component;
  const CallLimits& limits = call.limits;
  const Grants& grants = call.grants;
  size_t index = call.function;

  // The sinks outlive the store that writes into them (declared first, destroyed last).
  OutputSink out_sink{&outcome.out, &outcome.stats.stdout_bytes, limits.max_output};
  OutputSink err_sink{&outcome.err, &outcome.stats.stderr_bytes, limits.max_output};

  // Like the sinks, the limiter state and the HTTP gate outlive the store.
  asterai_limits_t memory{limits.max_memory > 0 ? static_cast<int64_t>(limits.max_memory) : -1, -1,
                          0, false};
  HttpGate gate{&grants, &outcome.denied_requests};
  ScopedHttpGate gate_scope(&gate);
  // A cancellable call checks its flag on every epoch tick; the watch also outlives the store.
  std::optional<EpochWatch> watch;
  auto stopped_by_watch = [&]() -> std::optional<Error> {
    if (watch && watch->cancelled())
      return Error{ErrorKind::cancelled, "the call was cancelled", {}};
    if (watch && watch->timed_out())
      return Error{ErrorKind::timeout, "the call exceeded its time limit", {}};
    return std::nullopt;
  };

  auto inst_start = Clock::now();
  wt::StorePtr store(wasmtime_store_new(impl_->engine.get(), nullptr, nullptr));
  wasmtime_context_t* ctx = wasmtime_store_context(store.get());
  asterai_store_set_limiter(store.get(), &memory);
  // Deny by default: no env, no args, no preopens, no stdin, no network; only captured output.
  wt::WasiConfigPtr wasi(wasi_config_new());
  wasi_config_set_stdout_custom(wasi.get(), &OutputSink::write, &out_sink, nullptr);
  wasi_config_set_stderr_custom(wasi.get(), &OutputSink::write, &err_sink, nullptr);
  if (auto granted = configure_wasi(wasi.get(), grants); !granted) return fail(granted.error());
  // wasmtime_context_set_wasi takes ownership of the config.
  if (auto* err = wasmtime_context_set_wasi(ctx, wasi.release())) {
    return fail(Error{ErrorKind::internal, "configuring WASI: " + wt::take_message(err), {}});
  }
  wasmtime_context_set_wasi_http(ctx);
  std::optional<ScopedCallDeadline> deadline;
  if (options_.epoch) {
    uint64_t ticks = static_cast<uint64_t>(limits.timeout / kEpochTick) + 1;
    wasmtime_context_set_epoch_deadline(ctx, ticks);
    deadline.emplace(limits.timeout);
    if (limits.cancel) watch.emplace(ticks, limits.cancel).install(store.get());
  }
  if (options_.fuel) {
    // An engine with fuel needs fuel in every store; without a budget, effectively unlimited.
    wasmtime_context_set_fuel(ctx, limits.fuel.value_or(UINT64_MAX));
  }

  wasmtime_component_instance_t instance;
  wasmtime_error_t* inst_err = nullptr;
  if (!call.linker && component.impl_->pre) {
    inst_err =
        asterai_component_instance_pre_instantiate(component.impl_->pre.get(), ctx, &instance);
  } else {
    const wasmtime_component_linker_t* linker = call.linker;
    if (!linker)
      linker = component.impl_->linker ? component.impl_->linker.get() : impl_->linker.get();
    inst_err = wasmtime_component_linker_instantiate(linker, ctx, component.impl_->component.get(),
                                                     &instance);
  }
  if (auto* err = inst_err) {
    bool pool_full = asterai_error_is_pool_full(err);
    std::string message = wt::take_message(err);
    if (auto stopped = stopped_by_watch()) return fail(std::move(*stopped));
    // Every slot of the engine's pool in use (shared by all that runs on it): nothing ran,
    // and the same call succeeds once another ends. Known by the error's type; the message
    // says which slots ran out and, unlike a link error, names no file.
    if (pool_full) {
      std::string which;
      if (auto at = message.find("maximum concurrent limit of "); at != std::string::npos)
        which = " (" + message.substr(at, message.find('\n', at) - at) + ")";
      return fail(Error{
          ErrorKind::busy, "no room for another instance now" + which + "; retry shortly", {}});
    }
    if (message.find("wasm backtrace") == std::string::npos &&
        message.find("trap") == std::string::npos) {
      return fail(Error{
          ErrorKind::link,
          component.label() + " cannot be instantiated: " + message.substr(0, message.find('\n')),
          {}});
    }
    return fail(classify_call_error(message));
  }
  // The typed export the call runs, unless an entry point replaces it.
  const FunctionInfo* function = call.entry ? nullptr : &component.functions()[index];
  wasmtime_component_func_t func;
  if (function && !wasmtime_component_instance_get_func(
                      &instance, ctx, component.impl_->export_indices[index].get(), &func)) {
    return fail(
        Error{ErrorKind::internal, "export " + function->qualified_name() + " not found", {}});
  }
  outcome.stats.instantiate_ms = ms_since(inst_start);

  OwnedVal result;  // initialised (bool) as the call overwrites and drops the old value
  bool has_result = function && function->result;
  auto run_start = Clock::now();
  wasmtime_error_t* call_err =
      function ? wasmtime_component_func_call(&func, ctx, call.args.data(), call.args.size(),
                                              &result.raw, has_result ? 1 : 0)
               : call.entry(ctx, &instance);
  outcome.stats.run_ms = ms_since(run_start);
  if (options_.fuel) {
    uint64_t left = 0;
    if (!wasmtime_context_get_fuel(ctx, &left))
      outcome.stats.fuel_used = limits.fuel.value_or(UINT64_MAX) - left;
  }
  outcome.stats.peak_memory_bytes = memory.peak_memory;
  bool exited = false;
  if (call_err) {
    // A command (wasi:cli/exit) ends the call with an exit status rather than a trap.
    int status = 0;
    if (wasmtime_error_exit_status(call_err, &status)) {
      wasmtime_error_delete(call_err);
      call_err = nullptr;
      if (status != 0 || call.raw_result) {
        return fail(Error{
            ErrorKind::trap, "the component exited with status " + std::to_string(status), {}});
      }
      exited = true;
    }
  }
  if (call_err) {
    std::string message = wt::take_message(call_err);
    if (auto stopped = stopped_by_watch()) return fail(std::move(*stopped));
    if (memory.memory_limit_hit) {
      return fail(Error{ErrorKind::out_of_memory,
                        "the call tried to grow memory past its limit of " +
                            std::to_string(limits.max_memory) + " bytes",
                        {}});
    }
    return fail(classify_call_error(message));
  }

  if (exited) {
    // exit(0) is a command's normal end: `run` returns `ok`.
    outcome.result = has_result ? nlohmann::json{{"ok", nullptr}} : nlohmann::json();
  } else if (call.raw_result) {
    *call.raw_result = std::move(result);
  } else if (has_result) {
    outcome.result = val_to_json(*function->result, result.raw);
  }
  http_meter.read_into(outcome.stats);
  outcome.stats.wall_ms = ms_since(start);
  return outcome;
}

}  // namespace asterai::runtime
