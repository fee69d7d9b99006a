// What the host itself links into every component: Wasmtime's WASI 0.2 and asterai's filtered
// wasi:http (runtime.cpp), and which of those interfaces an import resolves to. Private to
// src/runtime.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "asterai/common/error.h"
#include "wasmtime_handles.h"

namespace asterai::runtime {

// The WASI 0.2 release whose WIT the linked Wasmtime implements (wasmtime-wasi's wit/deps).
inline constexpr std::string_view kHostWasiVersion = "0.2.12";

// The host interface an import named `import_name` is linked to ("wasi:cli/environment@0.2.12"
// for an import of wasi:cli/environment@0.2.0), or nothing when the host does not provide it.
// The rule is the linker's own: same package and interface, any 0.2.x version.
std::optional<std::string> host_interface_for(std::string_view import_name);

// A new linker with everything the host provides: WASI p2 with deadline-bounded wasi:io waits
// and the filtered, metered wasi:http.
Result<wt::LinkerPtr> new_host_linker(const wasm_engine_t* engine);

}  // namespace asterai::runtime
