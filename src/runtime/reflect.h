// Wasmtime type reflection -> asterai's type model (types.h).
#pragma once

#include <vector>

#include "asterai/runtime/types.h"
#include "wasmtime_handles.h"

namespace asterai::runtime {

struct Reflection {
  std::vector<ItemInfo> imports;
  std::vector<ItemInfo> exports;
  std::vector<FunctionInfo> functions;
};

Reflection reflect_component(const wasm_engine_t* engine, const wasmtime_component_t* component);

ValType reflect_valtype(const wasmtime_component_valtype_t& type);

}  // namespace asterai::runtime
