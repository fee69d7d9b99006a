// One client connection of the HTTP listener: parse requests (keep-alive), find the mount the
// target belongs to (site.h), check Origin and token, route to /mcp, the API or a proxy
// route, write responses (whole, or streamed as chunks). Parsing and writing happen on the
// connection's event loop; a tool call is awaited without holding a thread, MCP requests
// (whose sessions block) run on the listener's blocking pool.
#pragma once

#include "asterai/httpapi/site.h"
