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

// One import of a component, with the functions and resources it brings in (for linking).
struct ImportedItem {
  std::string name;          // "ns:pkg/iface@1.0.0" for an interface
  bool is_instance = false;  // an interface (instance), not a bare function or other item
  std::vector<FunctionInfo> functions;  // FunctionInfo::interface = name
  std::vector<std::string> resources;   // names of resource types it imports
};

std::vector<ImportedItem> reflect_imports(const wasm_engine_t* engine,
                                          const wasmtime_component_t* component);

Reflection reflect_component(const wasm_engine_t* engine, const wasmtime_component_t* component);

ValType reflect_valtype(const wasmtime_component_valtype_t& type);

}  // namespace asterai::runtime
