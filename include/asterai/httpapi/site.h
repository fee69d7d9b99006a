// What one HTTP listener serves. `asterai serve --listen` serves one set of tools, MCP and
// proxy routes at the root; a cloud node serves many deployments, each under its own path
// prefix, plus its own API. A Site tells the connection code (parsing, deadlines, streaming,
// proxy bodies) which of them a request belongs to; the connection code is the same for both.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "asterai/httpapi/server.h"
#include "asterai/mcp/http_message.h"
#include "asterai/mcp/streamable_http.h"
#include "asterai/net/awaitable.h"
#include "asterai/net/connection.h"
#include "asterai/net/listener.h"

namespace asterai::httpapi {

// One server's tools, MCP endpoint and proxy routes, with the options its requests get.
struct Routes {
  mcp::Server& server;
  mcp::StreamableHttp& mcp;
  const HttpOptions& options;
};

using Refusal = std::optional<mcp::HttpResponse>;

// Where a request goes once its target is known.
struct Mount {
  const Routes* routes = nullptr;
  std::shared_ptr<const void> keep;  // keeps `routes` alive while the request runs
  // Only the server's proxy routes answer here (a deployment's /http/…); else its API and
  // MCP, and its proxy routes first.
  bool proxy_only = false;
  // The check before the API or MCP answers (never for proxy routes, which authenticate
  // their own callers); null: the Origin and bearer-token check of `routes->options`.
  std::function<Refusal(const mcp::HttpRequest&)> refuse = {};
  // Set instead of `routes`: the answer (an unknown deployment, a refused caller), given
  // once the request's body is read.
  Refusal answer = {};
};

class Site {
 public:
  virtual ~Site() = default;
  // Whether mount() and handle() may block (load a deployment, ask a store or a registry):
  // then they run on the listener's blocking pool, else on the event loop.
  virtual bool blocking() const { return false; }
  // The mount `target` belongs to, with the mount's prefix removed from `target` (path and
  // query), or nullopt: then handle() answers the request. `head` is the request without its
  // body (filled only when blocking()).
  virtual std::optional<Mount> mount(std::string& target, const mcp::HttpRequest& head) const = 0;
  // What mount() would say, found without blocking (from caches), tried on the event loop
  // before a blocking() site's mount() goes to the pool; nullopt when only mount() can tell,
  // and then `target` is left as it was.
  struct Quick {
    std::optional<Mount> mount;  // nullopt: handle() answers
  };
  virtual std::optional<Quick> quick_mount(std::string& /*target*/,
                                           const mcp::HttpRequest& /*head*/) const {
    return std::nullopt;
  }
  // A request of no mount, body read.
  virtual mcp::HttpResponse handle(const mcp::HttpRequest& request) const = 0;
  // The largest body handle() takes.
  virtual size_t max_body() const = 0;
  // Called once when the listener stops, before its threads are joined (ends event streams).
  virtual void closing() const {}
};

boost::asio::awaitable<void> serve_connection(const Site& site, net::Connection& connection);

// The Origin check, then `options.token` as a bearer token (every path but /healthz).
Refusal refuse_by_options(const mcp::HttpRequest& request, const HttpOptions& options);

// The listener's options from the server's (limits and deadlines).
net::ListenerOptions listener_options(const HttpOptions& options);

}  // namespace asterai::httpapi
