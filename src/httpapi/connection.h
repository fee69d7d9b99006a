// One client connection of the HTTP listener: parse requests (keep-alive), check Origin and
// token, route to /mcp or the API, write responses (whole, or streamed as chunks).
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include "asterai/httpapi/server.h"
#include "asterai/mcp/streamable_http.h"
#include "asterai/net/listener.h"

namespace asterai::httpapi {

using net::ConnectionSlot;

struct Routes {
  mcp::Server& server;
  mcp::StreamableHttp& mcp;
  const HttpOptions& options;
};

void serve_connection(const Routes& routes, boost::asio::ip::tcp::socket socket,
                      ConnectionSlot& slot);

}  // namespace asterai::httpapi
