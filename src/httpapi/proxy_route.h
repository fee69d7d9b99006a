// A request to a proxy component's route (mcp::HttpRoute): the request body streams to the
// guest as it reads it, the response streams to the client as the guest writes it, and the
// call runs on the executor's workers with the member's grants and limits. A failure before
// the head is one status with a one-line reason (413 body too large, 503 queue full, 504
// timeout, 500 trap or no answer); a failure after it cuts the connection, so the client
// never takes a broken body for a whole one. Each request is metered (/metrics) and logged as
// one JSON line on stderr.
#pragma once

#include <boost/beast/http.hpp>
#include <memory>

#include "asterai/mcp/catalog.h"
#include "asterai/net/awaitable.h"
#include "asterai/net/connection.h"
#include "connection.h"

namespace asterai::httpapi {

// `header` holds the request's parsed headers; the body is still to be read. Returns whether
// the connection can carry another request.
boost::asio::awaitable<bool> serve_proxy_route(
    const Routes& routes, net::Connection& conn,
    boost::beast::http::request_parser<boost::beast::http::string_body>& header,
    const mcp::HttpRoute& route, std::shared_ptr<const mcp::Catalog> catalog);

}  // namespace asterai::httpapi
