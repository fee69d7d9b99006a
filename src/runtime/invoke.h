// The inside of a call, shared by Runtime::call (JSON in, JSON out) and compositions (component
// values in and out, a linker that also holds the member's imports). Private to src/runtime.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <span>

#include "asterai/runtime/runtime.h"
#include "values.h"
#include "wasmtime_handles.h"

namespace asterai::runtime {

// A guest entry point run on a fresh instance (see Invocation::entry).
using InvocationEntry =
    std::function<wasmtime_error_t*(wasmtime_context_t*, const wasmtime_component_instance_t*)>;

struct Runtime::Invocation {
  const Component& component;
  size_t function;  // index into component.functions()
  // Borrowed: the call copies them into the instance.
  std::span<const wasmtime_component_val_t> args;
  const CallLimits& limits;
  const Grants& grants;
  // Null: the component's own linker when it has one (imports nothing provides), else the
  // runtime's shared linker (WASI and wasi:http only).
  const wasmtime_component_linker_t* linker = nullptr;
  // When set, the result is left here as a component value and CallOutcome::result stays null.
  OwnedVal* raw_result = nullptr;
  // When set, runs in place of the function (which is then ignored): a guest entry point
  // other than a typed export, e.g. wasi:http/incoming-handler. An error it returns is a trap.
  InvocationEntry entry = nullptr;
};

// The deadline of the call running on this thread (the earliest of its nested calls'), if any.
std::optional<std::chrono::steady_clock::time_point> current_call_deadline();

}  // namespace asterai::runtime
