// The MCP server's shared state, independent of transport: the current tool catalog (swapped
// atomically on reload), the executor, the metrics, and the live sessions (told when the
// tool list changes). Transports (stdio.h, streamable_http.h) create sessions on it.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "asterai/common/error.h"
#include "asterai/mcp/catalog.h"
#include "asterai/mcp/executor.h"
#include "asterai/mcp/metrics.h"

namespace asterai::mcp {

inline constexpr std::string_view kLatestProtocolVersion = "2025-11-25";
// Every protocol version this server speaks, newest first.
const std::vector<std::string>& supported_protocol_versions();
bool supports_protocol_version(std::string_view version);

struct ServerOptions {
  size_t workers = 0;  // 0 = one per core
  size_t max_queued = 1024;
  size_t page_size = 100;                         // tools per tools/list page
  ToolNaming tool_naming = ToolNaming::prefixed;  // naming.h
  std::string version = "0.0.0";
  CallObserver observer = {};         // see executor.h
  CallGate gate = {};                 // see executor.h
  QueueWaitObserver queue_wait = {};  // see executor.h
  // Told of every request a proxy component's route served, once its call returned (the
  // answer has gone out by then: it streams). A cloud node writes its usage record.
  std::function<void(const HttpSample&)> http_observer = {};
};

class Session;

class Server {
 public:
  static Result<std::unique_ptr<Server>> create(std::shared_ptr<const runtime::Runtime> runtime,
                                                ToolSource source, ServerOptions options);
  ~Server();

  std::shared_ptr<const Catalog> catalog() const;
  // Asks the source again and swaps the catalog; every initialized session gets
  // notifications/tools/list_changed. On error the old catalog stays.
  Result<void> reload();

  Executor& executor() { return *executor_; }
  Metrics& metrics() { return metrics_; }
  const ServerOptions& options() const { return options_; }

  // Sessions register to hear of reloads; expired ones are dropped.
  void attach(const std::shared_ptr<Session>& session);

 private:
  Server(ToolSource source, ServerOptions options);

  ToolSource source_;
  ServerOptions options_;
  Metrics metrics_;  // before executor_: the workers record into it until they are joined
  std::unique_ptr<Executor> executor_;
  mutable std::mutex mutex_;
  std::shared_ptr<const Catalog> catalog_;
  std::vector<std::weak_ptr<Session>> sessions_;
};

// Resources, resource templates and prompts that several served components list under the
// same URI or name ("prompt p is offered by a and b; a answers it"), and lists that failed.
// Runs each component's list functions once (session_features.cpp); serve prints these at
// start.
std::vector<std::string> feature_clashes(Server& server);

}  // namespace asterai::mcp
