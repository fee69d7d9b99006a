// The plain HTTP API next to MCP on the same listener:
//   GET  /v1/tools[?format=asterai|openai|mcp]  the tool list (ours, OpenAI function-calling
//                                               tool definitions, or MCP's tools/list shape)
//   POST /v1/call  {"tool", "arguments"}        -> {"ok", "result" | "error": {kind, message},
//                                                   "metering"}
//   GET  /healthz                               liveness and the tool count
//   GET  /metrics                               Prometheus text (prometheus.h)
#pragma once

#include <functional>
#include <nlohmann/json.hpp>

#include "asterai/mcp/catalog.h"
#include "asterai/mcp/http_message.h"
#include "asterai/mcp/server.h"

namespace asterai::httpapi {

// Routes one request under /v1, /healthz or /metrics; 404 for other paths.
mcp::HttpResponse handle_api(mcp::Server& server, const mcp::HttpRequest& request);
// The same without waiting: `done` is called once, on this thread, or for a tool call on the
// executor's worker when the call ends (so an event loop never waits for a call).
void handle_api_async(mcp::Server& server, const mcp::HttpRequest& request,
                      std::function<void(mcp::HttpResponse)> done);

// The tool list in each format.
nlohmann::json tools_asterai(const mcp::Catalog& catalog);
nlohmann::json tools_openai(const mcp::Catalog& catalog);
nlohmann::json tools_mcp(const mcp::Catalog& catalog);

}  // namespace asterai::httpapi
