// Serving one client connection (plain TCP or TLS) until it closes or idles out.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "asterai/net/listener.h"
#include "asterai/registry/registry.h"

namespace asterai::registry::http {

using net::ConnectionSlot;

void serve_connection(Registry& registry, boost::asio::ssl::context* tls,
                      boost::asio::ip::tcp::socket socket, ConnectionSlot& slot,
                      int timeout_seconds);

// Answers 503 when the server is at its connection limit (the listener closes it).
void serve_overloaded(boost::asio::ip::tcp::socket& socket);

}  // namespace asterai::registry::http
