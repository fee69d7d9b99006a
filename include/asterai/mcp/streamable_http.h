// MCP's Streamable HTTP transport on one endpoint: POST carries client messages (answered as
// JSON, or as an SSE stream when notifications about the call precede the response), GET
// opens the server-to-client SSE stream (tools/list_changed), DELETE ends a session.
// Sessions are named by the Mcp-Session-Id header the initialize response assigns.
// Origin and bearer-token checks are the listener's (httpapi/server.h), before this.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "asterai/mcp/http_message.h"
#include "asterai/mcp/server.h"
#include "asterai/mcp/session.h"

namespace asterai::mcp {

struct StreamableHttpOptions {
  size_t max_sessions = 1024;  // the least recently used session is dropped beyond this
  // Idle GET streams send an SSE comment this often (keeps proxies from closing them).
  int keepalive_seconds = 15;
};

class StreamableHttp {
 public:
  StreamableHttp(Server& server, StreamableHttpOptions options = {});
  ~StreamableHttp();

  HttpResponse handle(const HttpRequest& request);
  // A POST answered without holding a thread while its tool call runs: `done` gets the answer,
  // on the caller's thread for anything but a tool call, else on the worker that ran it.
  // For POST only (a GET holds its thread for its stream: handle() on a blocking thread).
  using Answer = std::function<void(HttpResponse)>;
  void handle_post(const HttpRequest& request, Answer done);
  // Ends every open GET stream (server shutdown).
  void close_streams();
  size_t session_count() const;

 private:
  struct Entry;
  struct Exchange;
  HttpResponse post(const HttpRequest& request);
  void post_async(const HttpRequest& request, Answer done);
  HttpResponse get(const HttpRequest& request);
  HttpResponse remove(const HttpRequest& request);
  // The session named by the request's Mcp-Session-Id, or the error response to send.
  std::shared_ptr<Entry> find(const HttpRequest& request, HttpResponse& error);
  std::shared_ptr<Entry> open_session();
  // A GET with Last-Event-ID naming an event of a POST stream the session keeps: the rest of
  // that stream. Nothing for any other id.
  std::optional<HttpResponse> resume(Entry& entry, const std::string& last_event_id);

  Server& server_;
  StreamableHttpOptions options_;
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Entry>> sessions_;
  uint64_t clock_ = 0;  // for least-recently-used eviction
};

}  // namespace asterai::mcp
