// One client connection of the HTTP listener: parse requests (keep-alive), check Origin and
// token, route to /mcp or the API, write responses (whole, or streamed as chunks). Parsing
// and writing happen on the connection's event loop; a tool call is awaited without holding
// a thread, MCP requests (whose sessions block) run on the listener's blocking pool.
#pragma once

#include "asterai/httpapi/server.h"
#include "asterai/mcp/streamable_http.h"
#include "asterai/net/awaitable.h"
#include "asterai/net/connection.h"

namespace asterai::httpapi {

struct Routes {
  mcp::Server& server;
  mcp::StreamableHttp& mcp;
  const HttpOptions& options;
};

boost::asio::awaitable<void> serve_connection(const Routes& routes, net::Connection& connection);

}  // namespace asterai::httpapi
