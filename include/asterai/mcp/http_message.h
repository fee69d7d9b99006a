// A transport-neutral HTTP exchange, so the MCP Streamable HTTP endpoint and the /v1 API
// are plain functions of a request, testable without sockets. httpapi/server.h owns the
// sockets and translates.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace asterai::mcp {

struct HttpRequest {
  std::string method;
  std::string path;                            // without the query
  std::map<std::string, std::string> query;    // decoded
  std::map<std::string, std::string> headers;  // names lower-case
  std::string body;

  // The header's value, or "" when absent.
  std::string header(std::string_view name) const;
};

// Writes one chunk of a streamed body; false when the client is gone.
using ChunkWriter = std::function<bool(std::string_view)>;

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // When set, the body is streamed (Server-Sent Events): the server sends the headers, then
  // calls `stream` with a writer; the response ends when `stream` returns.
  std::function<void(const ChunkWriter&)> stream;

  static HttpResponse json(int status, const std::string& body);
  static HttpResponse text(int status, const std::string& body);
};

}  // namespace asterai::mcp
