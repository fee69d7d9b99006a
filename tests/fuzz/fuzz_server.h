// What the server-side targets serve: an MCP server (one worker) over a tiny component with
// tools add(a: s32, b: s32) -> s32, not(b: bool) -> bool and ok() -> s32, created once per
// process. Calls are real (fresh instance per call) and quick, so fuzzing reaches tools/call
// and /v1/call without waiting on guests.
#pragma once

#include <memory>

#include "asterai/mcp/server.h"
#include "asterai/runtime/runtime.h"

namespace asterai::fuzz {

mcp::Server& served_tools();

}  // namespace asterai::fuzz
