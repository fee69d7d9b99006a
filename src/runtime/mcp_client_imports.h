// The runtime's definitions of asterai:mcp/types and asterai:mcp/client (any 0.1.x) for a
// component importing them: each function a bridge to the thread's current McpClient
// (asterai/runtime/mcp_client.h). Private to src/runtime.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "asterai/common/error.h"
#include "reflect.h"
#include "wasmtime_handles.h"

namespace asterai::runtime {

// "asterai:mcp/client@0.1.0" for an import the runtime defines itself, else nothing.
std::optional<std::string> mcp_interface_for(std::string_view import_name);

// Defines `items` (each an import mcp_interface_for accepted) in `linker`. A function the
// interface does not have is a link error naming it.
Result<void> define_mcp_imports(wasmtime_component_linker_t* linker,
                                const std::vector<ImportedItem>& items);

}  // namespace asterai::runtime
