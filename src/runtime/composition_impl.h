// The linked state of a Composition (private to src/runtime): one linker per member that
// imports from other members or the host, and one binding per imported function saying who
// answers it.
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "asterai/runtime/composition.h"
#include "invoke.h"
#include "values.h"
#include "wasmtime_handles.h"

namespace asterai::runtime {

// How deep calls may nest (caller -> provider -> ...): each level runs a guest on the same
// native stack, so the depth is bounded (docs/environments.md, "Composition").
inline constexpr size_t kMaxCallDepth = 8;

enum class HostFunction { none, list_components, call };

// Who answers one imported function: a provider member's export, or the host API.
struct Binding {
  const Composition::Impl* impl = nullptr;
  size_t importer = 0;
  size_t provider = 0;  // member index (unused for the host API)
  size_t function = 0;  // index into the provider's functions()
  HostFunction host = HostFunction::none;
  FunctionInfo import;  // the importer's view of the function (types for conversions)
};

struct Composition::Impl {
  const Composition* self = nullptr;
  // Owned here, referenced by the linkers' host functions: declared first, destroyed last.
  std::vector<std::unique_ptr<Binding>> bindings;
  // Per member; null for a member that imports nothing but WASI (the runtime's shared linker).
  std::vector<wt::LinkerPtr> linkers;
  // Per member: its imports with who provides each (Composition::imports).
  std::vector<std::vector<ItemInfo>> imports;

  // Runs `function` of member `member` with the member's grants and limits, inside the
  // deadline of the call that is running on this thread (if any).
  // `cancel` stops the outermost call; nested calls inherit the running call's flag.
  // With `entry`, that runs instead of the function (an HTTP request, Invocation::entry).
  CallOutcome run(size_t member, size_t function, std::span<const wasmtime_component_val_t> args,
                  OwnedVal* raw_result, std::shared_ptr<const std::atomic<bool>> cancel = nullptr,
                  const InvocationEntry& entry = nullptr) const;
  // Index of the member named `name`, or members().size().
  size_t index_of(std::string_view name) const;
};

// Host callbacks (wasmtime_component_func_callback_t); `env` is a Binding.
wasmtime_error_t* call_provider(void* env, wasmtime_context_t* context,
                                const wasmtime_component_func_type_t* type,
                                wasmtime_component_val_t* args, size_t nargs,
                                wasmtime_component_val_t* results, size_t nresults);
wasmtime_error_t* call_host_registry(void* env, wasmtime_context_t* context,
                                     const wasmtime_component_func_type_t* type,
                                     wasmtime_component_val_t* args, size_t nargs,
                                     wasmtime_component_val_t* results, size_t nresults);

}  // namespace asterai::runtime
