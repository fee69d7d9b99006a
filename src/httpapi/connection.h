// One client connection of the HTTP listener: parse requests (keep-alive), check Origin and
// token, route to /mcp or the API, write responses (whole, or streamed as chunks).
#pragma once

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <thread>

#include "asterai/httpapi/server.h"
#include "asterai/mcp/streamable_http.h"

namespace asterai::httpapi {

// Shared by a connection's thread and the listener's reaper. The reaper only shuts the fd
// down (never closes it), under `mutex`, while the connection still owns it.
struct ConnectionSlot {
  std::thread thread;
  std::mutex mutex;
  int fd = -1;
  // When the reaper may cut the connection (ms on the steady clock); max while a request is
  // being answered, so a long tool call or event stream is never cut as idle.
  std::atomic<int64_t> deadline{0};
  std::atomic<bool> done{false};

  static int64_t now_ms();
  void idle_for(int seconds) { deadline = now_ms() + int64_t{seconds} * 1000; }
  void busy() { deadline = INT64_MAX; }
  void cut();
  void release();
};

struct Routes {
  mcp::Server& server;
  mcp::StreamableHttp& mcp;
  const HttpOptions& options;
};

void serve_connection(const Routes& routes, boost::asio::ip::tcp::socket socket,
                      ConnectionSlot& slot);

}  // namespace asterai::httpapi
