// One MCP session: the lifecycle (initialize, version negotiation, initialized, ping), the
// methods (tools/list with pagination, tools/call, logging/setLevel) and notifications
// (cancelled, initialized). Transport-neutral: a transport hands in parsed messages and gets
// back the messages to send.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tl/expected.hpp>

#include "asterai/mcp/executor.h"
#include "asterai/mcp/jsonrpc.h"

namespace asterai::mcp {

class Server;

// MCP logging levels, in order (RFC 5424 severities).
enum class LogLevel { debug, info, notice, warning, error, critical, alert, emergency, off };
// The LogLevel named `name` (debug ... emergency), or off for an unknown name.
LogLevel log_level_named(std::string_view name);

class Session : public std::enable_shared_from_this<Session> {
 public:
  // Messages the server sends on its own (notifications/tools/list_changed). May be empty
  // (a transport without a server-to-client stream).
  using Outbound = std::function<void(const nlohmann::json&)>;
  // The messages belonging to one request: zero or more notifications (log messages about
  // the call) with final = false, then the response with final = true. A null response means
  // none is to be sent (the request was cancelled). May be called on a worker thread.
  using Channel = std::function<void(nlohmann::json message, bool final)>;

  // What a channel can carry before its response: everything, or the response alone (a
  // Streamable HTTP POST whose client accepts only application/json), in which case a running
  // tool's requests to the client fail at once instead of waiting out the call's deadline.
  enum class ChannelReach { streams, response_only };

  static std::shared_ptr<Session> create(Server& server, Outbound outbound);

  // Handles one message. `channel` is called for requests and for invalid messages (with an
  // error response), never for notifications and responses.
  void handle(const nlohmann::json& message, const Channel& channel,
              ChannelReach reach = ChannelReach::streams);

  bool initialized() const;
  std::string protocol_version() const;
  // False for a 2025-03-26 session: it gets no outputSchema, title or structuredContent.
  bool supports_structured_output() const;
  // Sends notifications/tools/list_changed, when initialized and there is an outbound stream.
  void notify_tools_changed();
  // Replaces the outbound stream (e.g. when an HTTP client opens or closes its GET stream).
  void set_outbound(Outbound outbound);

  // What a running tool asks of the client (asterai:mcp/client, call_client.h).
  // True when the client declared `capability` ("sampling", "elicitation") at initialize.
  bool client_declared(std::string_view capability) const;
  // True when a component's log message at `level` goes out: the client's logging/setLevel,
  // or info and above until it sets one.
  bool logs(LogLevel level) const;
  // Sends the request `method` on `channel` (the call's) and waits for the client's answer
  // until `deadline` or `cancel`: its result, or one line saying why there is none.
  tl::expected<nlohmann::json, std::string> ask_client(
      const std::string& method, nlohmann::json params, const Channel& channel,
      std::chrono::steady_clock::time_point deadline, const CancelFlag& cancel);
  // notifications/resources/updated on the outbound stream, when the client subscribed to
  // `uri` (resources/subscribe).
  void notify_resource_updated(const std::string& uri);

 private:
  Session(Server& server, Outbound outbound) : server_(server), outbound_(std::move(outbound)) {}

  // A protocol problem, answered as a JSON-RPC error.
  struct RpcError {
    int code;
    std::string message;
  };
  using RpcResult = tl::expected<nlohmann::json, RpcError>;

  nlohmann::json initialize(const jsonrpc::Message& m);
  RpcResult list_tools(const jsonrpc::Message& m);
  // Answers on `channel` once the call ran; an error when it cannot be queued.
  tl::expected<void, RpcError> call_tool(const jsonrpc::Message& m, const Channel& channel,
                                         ChannelReach reach);
  RpcResult set_log_level(const jsonrpc::Message& m);
  void cancelled(const nlohmann::json& params);
  void answered(const jsonrpc::Message& m, const nlohmann::json& message);
  // resources/*, prompts/*, completion/complete (session_features.cpp): false when `m` is
  // none of those. Guest calls run on an executor worker; the answer goes to `channel`.
  bool handle_feature(const jsonrpc::Message& m, const Channel& channel);
  RpcResult run_feature(const jsonrpc::Message& m, const Catalog& catalog);
  RpcResult subscribe(const jsonrpc::Message& m, bool on);

  Server& server_;
  mutable std::mutex mutex_;
  Outbound outbound_;
  bool initialize_answered_ = false;
  bool initialized_ = false;
  std::string protocol_version_;
  std::atomic<LogLevel> log_level_{LogLevel::off};
  std::atomic<bool> log_level_set_{false};
  nlohmann::json client_capabilities_ = nlohmann::json::object();
  std::map<std::string, CancelFlag> in_flight_;  // by the request id's JSON text
  // Requests to the client waiting for their answer, by id; answers wake `answered_`.
  std::map<std::string, std::optional<nlohmann::json>> asked_;
  std::condition_variable answered_;
  uint64_t next_ask_ = 0;
  std::set<std::string> subscriptions_;  // resource URIs
};

}  // namespace asterai::mcp
