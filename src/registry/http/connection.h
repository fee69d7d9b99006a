// Serving one client connection (plain TCP or TLS) until it closes or idles out: requests are
// parsed on the connection's event loop, each is dispatched on the listener's blocking pool
// (SQLite and storage block), and request bodies stream through to the handlers, responses
// (blob files included) back to the client, never held whole.
#pragma once

#include "asterai/net/awaitable.h"
#include "asterai/net/connection.h"
#include "asterai/net/listener.h"
#include "asterai/registry/registry.h"

namespace asterai::registry::http {

boost::asio::awaitable<void> serve_connection(Registry& registry, net::Connection& connection);

// The registry's error body for the 503 over a connection cap.
net::Overloaded overloaded_answer();

}  // namespace asterai::registry::http
