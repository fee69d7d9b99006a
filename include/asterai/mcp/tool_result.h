// A call's outcome as MCP sees it. Component errors (a WIT `result` whose value is `err`),
// traps, timeouts, limit breaches and bad arguments are tool results with isError: true and a
// clear message, so the model can read them and retry; only protocol problems are JSON-RPC
// errors.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "asterai/mcp/catalog.h"
#include "asterai/runtime/runtime.h"

namespace asterai::mcp {

// Bytes of the component's stderr quoted in an error message, at most.
inline constexpr size_t kStderrInMessage = 2048;

// The CallToolResult: content (one text block), structuredContent (conforming to the tool's
// outputSchema) on success, isError, and the call's metering under _meta["asterai/metering"].
nlohmann::json call_tool_result(const Tool& tool, const runtime::CallOutcome& outcome);

// True when the call succeeded but returned a WIT `result` holding `err`.
bool is_component_error(const Tool& tool, const nlohmann::json& value);

// "timeout: the call ran past ..." plus the tail of the component's stderr, if any.
std::string failure_message(const runtime::CallOutcome& outcome);

// wall_ms, instantiate_ms, run_ms, fuel_used, peak_memory_bytes, stdout/stderr bytes.
nlohmann::json metering_json(const runtime::CallStats& stats);

}  // namespace asterai::mcp
