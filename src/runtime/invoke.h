// The inside of a call, shared by Runtime::call (JSON in, JSON out) and compositions (component
// values in and out, a linker that also holds the member's imports). Private to src/runtime.
#pragma once

#include <span>

#include "asterai/runtime/runtime.h"
#include "values.h"
#include "wasmtime_handles.h"

namespace asterai::runtime {

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
};

}  // namespace asterai::runtime
