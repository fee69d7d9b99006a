// MCP over stdio: newline-delimited JSON-RPC messages on the input, responses and
// notifications on the output, one session. Requests are read while earlier calls run, so
// calls proceed in parallel and can be cancelled.
#pragma once

#include <cstddef>

#include "asterai/mcp/server.h"

namespace asterai::mcp {

// Largest message accepted on stdio (and HTTP): 4 MiB. A longer line is answered with a
// parse error and skipped.
inline constexpr size_t kMaxMessageBytes = 4 << 20;

struct StdioOptions {
  int in_fd = 0;
  int out_fd = 1;
  size_t max_message_bytes = kMaxMessageBytes;
};

// Serves until the input ends (the client's shutdown), then lets running calls finish
// (each within its limits) and returns 0.
int serve_stdio(Server& server, const StdioOptions& options = {});

}  // namespace asterai::mcp
