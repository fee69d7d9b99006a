// A parsed request as the API and MCP endpoints see it (mcp::HttpRequest), and the checks
// every request passes first (Origin, then the bearer token). Apart from the connection, so
// they run the same without a socket (tests, fuzzing).
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <optional>

#include "asterai/httpapi/site.h"
#include "asterai/mcp/http_message.h"

namespace asterai::httpapi {

// Everything but the body (what a Site is shown to find the request's mount).
mcp::HttpRequest head_of(const boost::beast::http::request<boost::beast::http::string_body>& msg);
// Takes the body out of `msg`. With `head` (head_of of the same message, read before its
// target was rewritten), only the path and query are read again: the headers are not.
mcp::HttpRequest to_request(boost::beast::http::request<boost::beast::http::string_body>& msg,
                            std::optional<mcp::HttpRequest> head = std::nullopt);

// The Origin and bearer-token check (refuse_by_options, site.h) is defined here too.

}  // namespace asterai::httpapi
