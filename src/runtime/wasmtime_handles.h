// Move-only owners for the Wasmtime C handles the runtime uses. Private to src/runtime:
// nothing outside the runtime sees a Wasmtime type.
#pragma once

#include <wasmtime.h>

#include <memory>
#include <string>

#include "asterai/common/error.h"

namespace asterai::runtime::wt {

template <class T, void (*Delete)(T*)>
struct Deleter {
  void operator()(T* p) const {
    if (p) Delete(p);
  }
};
template <class T, void (*Delete)(T*)>
using Owned = std::unique_ptr<T, Deleter<T, Delete>>;

using EnginePtr = Owned<wasm_engine_t, wasm_engine_delete>;
using ComponentPtr = Owned<wasmtime_component_t, wasmtime_component_delete>;
using ComponentTypePtr = Owned<wasmtime_component_type_t, wasmtime_component_type_delete>;
using FuncTypePtr = Owned<wasmtime_component_func_type_t, wasmtime_component_func_type_delete>;
using LinkerPtr = Owned<wasmtime_component_linker_t, wasmtime_component_linker_delete>;
using StorePtr = Owned<wasmtime_store_t, wasmtime_store_delete>;
using ErrorPtr = Owned<wasmtime_error_t, wasmtime_error_delete>;
using ExportIndexPtr =
    Owned<wasmtime_component_export_index_t, wasmtime_component_export_index_delete>;
using WasiConfigPtr = Owned<wasi_config_t, wasi_config_delete>;

// A value-type or item descriptor that owns what it points to.
class ValTypeHolder {
 public:
  ValTypeHolder() { raw.kind = WASMTIME_COMPONENT_VALTYPE_BOOL; }
  ~ValTypeHolder() { wasmtime_component_valtype_delete(&raw); }
  ValTypeHolder(const ValTypeHolder&) = delete;
  ValTypeHolder& operator=(const ValTypeHolder&) = delete;
  wasmtime_component_valtype_t raw{};
};

class ItemHolder {
 public:
  ItemHolder() {
    raw.kind = WASMTIME_COMPONENT_ITEM_TYPE;
    raw.of.type.kind = WASMTIME_COMPONENT_VALTYPE_BOOL;
  }
  ~ItemHolder() { wasmtime_component_item_delete(&raw); }
  ItemHolder(const ItemHolder&) = delete;
  ItemHolder& operator=(const ItemHolder&) = delete;
  wasmtime_component_item_t raw{};
};

// Takes ownership of a Wasmtime error and returns its message.
std::string take_message(wasmtime_error_t* error);

}  // namespace asterai::runtime::wt
