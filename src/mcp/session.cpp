#include "asterai/mcp/session.h"

#include <array>

#include "asterai/mcp/call_client.h"
#include "asterai/mcp/server.h"
#include "asterai/mcp/tool_result.h"

namespace asterai::mcp {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 8> kLevelNames = {
    "debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"};

std::string level_name(LogLevel level) {
  return std::string(kLevelNames[static_cast<size_t>(level)]);
}

}  // namespace

LogLevel log_level_named(std::string_view name) {
  for (size_t i = 0; i < kLevelNames.size(); ++i)
    if (kLevelNames[i] == name) return static_cast<LogLevel>(i);
  return LogLevel::off;
}

namespace {

// tools/list cursors are opaque to clients; ours is "o<offset>".
std::optional<size_t> parse_cursor(const json& cursor) {
  if (!cursor.is_string()) return std::nullopt;
  const auto& s = cursor.get_ref<const std::string&>();
  if (s.size() < 2 || s.size() > 12 || s[0] != 'o') return std::nullopt;
  size_t value = 0;
  for (size_t i = 1; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    value = value * 10 + static_cast<size_t>(s[i] - '0');
  }
  return value;
}

}  // namespace

std::shared_ptr<Session> Session::create(Server& server, Outbound outbound) {
  std::shared_ptr<Session> s(new Session(server, std::move(outbound)));
  server.attach(s);
  return s;
}

bool Session::initialized() const {
  std::lock_guard lock(mutex_);
  return initialize_answered_;
}

bool Session::supports_structured_output() const {
  // outputSchema, structuredContent and tool titles arrived with 2025-06-18.
  return protocol_version() != "2025-03-26";
}

std::string Session::protocol_version() const {
  std::lock_guard lock(mutex_);
  return protocol_version_;
}

void Session::set_outbound(Outbound outbound) {
  std::lock_guard lock(mutex_);
  outbound_ = std::move(outbound);
}

void Session::notify_tools_changed() {
  Outbound out;
  {
    std::lock_guard lock(mutex_);
    if (!initialize_answered_ || !outbound_) return;
    out = outbound_;
  }
  out(jsonrpc::notification("notifications/tools/list_changed", nullptr));
}

void Session::handle(const json& message, const Channel& channel, ChannelReach reach) {
  auto m = jsonrpc::classify(message);
  switch (m.kind) {
    case jsonrpc::MessageKind::invalid:
      channel(jsonrpc::error(m.id, jsonrpc::kInvalidRequest, "invalid request: " + m.problem),
              true);
      return;
    case jsonrpc::MessageKind::response:
      return answered(m, message);
    case jsonrpc::MessageKind::notification:
      if (m.method == "notifications/initialized") {
        std::lock_guard lock(mutex_);
        initialized_ = true;
      } else if (m.method == "notifications/cancelled") {
        cancelled(m.params);
      }
      return;  // unknown notifications are ignored, as JSON-RPC requires
    case jsonrpc::MessageKind::request:
      break;
  }
  auto reply = [&](json result) { channel(jsonrpc::result(m.id, std::move(result)), true); };
  if (m.method == "initialize") return reply(initialize(m));
  if (m.method == "ping") return reply(json::object());
  if (!initialized()) {
    return channel(jsonrpc::error(m.id, jsonrpc::kNotInitialized,
                                  "the session is not initialized: send initialize first"),
                   true);
  }
  auto answer = [&](RpcResult r) {
    if (r) return reply(std::move(*r));
    channel(jsonrpc::error(m.id, r.error().code, r.error().message), true);
  };
  if (m.method == "tools/list") return answer(list_tools(m));
  if (m.method == "logging/setLevel") return answer(set_log_level(m));
  if (m.method == "tools/call") {
    auto problem = call_tool(m, channel, reach);
    if (!problem)
      channel(jsonrpc::error(m.id, problem.error().code, problem.error().message), true);
    return;
  }
  if (handle_feature(m, channel)) return;
  channel(jsonrpc::error(m.id, jsonrpc::kMethodNotFound, "method not found: " + m.method), true);
}

json Session::initialize(const jsonrpc::Message& m) {
  std::string requested;
  if (m.params.is_object() && m.params.contains("protocolVersion") &&
      m.params["protocolVersion"].is_string())
    requested = m.params["protocolVersion"].get<std::string>();
  // Negotiation: the client's version when we speak it, else our latest (the client then
  // decides whether it can continue).
  std::string version =
      supports_protocol_version(requested) ? requested : std::string(kLatestProtocolVersion);
  {
    std::lock_guard lock(mutex_);
    initialize_answered_ = true;
    protocol_version_ = version;
    if (m.params.is_object() && m.params.contains("capabilities") &&
        m.params["capabilities"].is_object())
      client_capabilities_ = m.params["capabilities"];
  }
  json capabilities = {{"tools", {{"listChanged", true}}}, {"logging", json::object()}};
  auto catalog = server_.catalog();
  if (catalog->offers_resources())
    capabilities["resources"] = {{"subscribe", true}, {"listChanged", false}};
  if (catalog->offers_prompts()) capabilities["prompts"] = {{"listChanged", false}};
  if (catalog->offers_completion()) capabilities["completions"] = json::object();
  return {{"protocolVersion", version},
          {"capabilities", std::move(capabilities)},
          {"serverInfo",
           {{"name", "asterai"}, {"title", "asterai"}, {"version", server_.options().version}}},
          {"instructions",
           "Each tool is one exported function of a sandboxed WebAssembly component. Arguments "
           "and results follow each tool's JSON Schema exactly; errors come back as results "
           "with isError set."}};
}

Session::RpcResult Session::list_tools(const jsonrpc::Message& m) {
  size_t offset = 0;
  if (m.params.is_object() && m.params.contains("cursor") && !m.params["cursor"].is_null()) {
    auto parsed = parse_cursor(m.params["cursor"]);
    if (!parsed) return tl::unexpected(RpcError{jsonrpc::kInvalidParams, "invalid cursor"});
    offset = *parsed;
  }
  auto catalog = server_.catalog();
  const auto& tools = catalog->tools();
  if (offset > tools.size())
    return tl::unexpected(RpcError{jsonrpc::kInvalidParams, "invalid cursor"});
  size_t page = std::max<size_t>(1, server_.options().page_size);
  size_t end = std::min(tools.size(), offset + page);
  json list = json::array();
  bool structured = supports_structured_output();
  for (size_t i = offset; i < end; ++i) {
    json tool = mcp_tool_json(tools[i]);
    if (!structured) {
      tool.erase("outputSchema");
      tool.erase("title");
    }
    list.push_back(std::move(tool));
  }
  json r = {{"tools", std::move(list)}};
  if (end < tools.size()) r["nextCursor"] = "o" + std::to_string(end);
  return r;
}

Session::RpcResult Session::set_log_level(const jsonrpc::Message& m) {
  if (!m.params.is_object() || !m.params.contains("level") || !m.params["level"].is_string())
    return tl::unexpected(RpcError{jsonrpc::kInvalidParams, "logging/setLevel needs a \"level\""});
  auto level = m.params["level"].get<std::string>();
  LogLevel parsed = log_level_named(level);
  if (parsed == LogLevel::off)
    return tl::unexpected(RpcError{jsonrpc::kInvalidParams, "unknown log level: " + level});
  log_level_ = parsed;
  log_level_set_ = true;
  return json::object();
}

bool Session::client_declared(std::string_view capability) const {
  std::lock_guard lock(mutex_);
  return client_capabilities_.contains(capability) &&
         client_capabilities_[std::string(capability)].is_object();
}

bool Session::logs(LogLevel level) const {
  LogLevel threshold = log_level_set_.load() ? log_level_.load() : LogLevel::info;
  return level != LogLevel::off && threshold != LogLevel::off && level >= threshold;
}

void Session::notify_resource_updated(const std::string& uri) {
  Outbound out;
  {
    std::lock_guard lock(mutex_);
    if (!subscriptions_.contains(uri) || !outbound_) return;
    out = outbound_;
  }
  out(jsonrpc::notification("notifications/resources/updated", {{"uri", uri}}));
}

tl::expected<json, std::string> Session::ask_client(const std::string& method, json params,
                                                    const Channel& channel,
                                                    std::chrono::steady_clock::time_point deadline,
                                                    const CancelFlag& cancel) {
  std::string id;
  {
    std::lock_guard lock(mutex_);
    id = "asterai-" + std::to_string(++next_ask_);
    asked_[json(id).dump()];
  }
  channel({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}},
          false);
  std::unique_lock lock(mutex_);
  auto key = json(id).dump();
  // Woken by the answer; the short wait notices a cancellation, which wakes nobody.
  while (!asked_[key] && std::chrono::steady_clock::now() < deadline && !(cancel && cancel->load()))
    answered_.wait_until(
        lock, std::min(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds(50)));
  auto answer = std::move(asked_[key]);
  asked_.erase(key);
  lock.unlock();
  if (!answer) {
    if (cancel && cancel->load()) return tl::unexpected(std::string("the call was cancelled"));
    return tl::unexpected(method + ": no answer from the client before the call's deadline");
  }
  if (answer->contains("error")) {
    const json& e = (*answer)["error"];
    std::string text = e.is_object() ? e.value("message", e.dump()) : e.dump();
    return tl::unexpected("the client refused " + method + ": " + text);
  }
  return (*answer)["result"];
}

void Session::answered(const jsonrpc::Message& m, const json& message) {
  {
    std::lock_guard lock(mutex_);
    auto it = asked_.find(m.id.dump());
    if (it == asked_.end() || it->second) return;  // not ours, or answered twice
    it->second = message;
  }
  answered_.notify_all();
}

void Session::cancelled(const json& params) {
  if (!params.is_object() || !params.contains("requestId")) return;
  std::lock_guard lock(mutex_);
  auto it = in_flight_.find(params["requestId"].dump());
  if (it != in_flight_.end()) *it->second = true;
}

tl::expected<void, Session::RpcError> Session::call_tool(const jsonrpc::Message& m,
                                                         const Channel& channel,
                                                         ChannelReach reach) {
  if (!m.params.is_object() || !m.params.contains("name") || !m.params["name"].is_string())
    return tl::unexpected(RpcError{jsonrpc::kInvalidParams, "tools/call needs a tool \"name\""});
  auto name = m.params["name"].get<std::string>();
  json args = m.params.contains("arguments") ? m.params["arguments"] : json::object();
  if (args.is_null()) args = json::object();
  if (!args.is_object())
    return tl::unexpected(
        RpcError{jsonrpc::kInvalidParams, "tools/call \"arguments\" must be an object"});
  auto catalog = server_.catalog();
  const Tool* tool = catalog->find(name);
  if (!tool) return tl::unexpected(RpcError{jsonrpc::kInvalidParams, "unknown tool: " + name});

  std::string key = m.id.dump();
  auto cancel = std::make_shared<std::atomic<bool>>(false);
  {
    std::lock_guard lock(mutex_);
    in_flight_[key] = cancel;
  }
  auto self = shared_from_this();
  json id = m.id;
  json progress_token;
  if (m.params.contains("_meta") && m.params["_meta"].is_object())
    progress_token = m.params["_meta"].value("progressToken", json());
  if (!progress_token.is_string() && !progress_token.is_number_integer()) progress_token = nullptr;
  auto client = std::make_shared<CallClient>(self, channel, tool->name, progress_token, cancel,
                                             reach == ChannelReach::streams);
  ToolCall call{catalog, tool, std::move(args), cancel, std::move(client)};
  bool queued = server_.executor().submit(
      std::move(call), [self, id, key, catalog, tool, channel](ToolCallResult r) {
        {
          std::lock_guard lock(self->mutex_);
          self->in_flight_.erase(key);
        }
        if (r.cancelled) return channel(nullptr, true);
        // The component's stderr as a log message, when the client asked for logging.
        LogLevel level = r.outcome.ok() ? LogLevel::info : LogLevel::error;
        if (!r.outcome.err.data.empty() && self->log_level_.load() <= level) {
          channel(jsonrpc::notification("notifications/message", {{"level", level_name(level)},
                                                                  {"logger", tool->name},
                                                                  {"data", r.outcome.err.data}}),
                  false);
        }
        json result = call_tool_result(*tool, r.outcome);
        if (!self->supports_structured_output()) result.erase("structuredContent");
        channel(jsonrpc::result(id, std::move(result)), true);
      });
  if (!queued) {
    {
      std::lock_guard lock(mutex_);
      in_flight_.erase(key);
    }
    return tl::unexpected(RpcError{jsonrpc::kServerBusy, "server busy: too many calls queued"});
  }
  return {};
}

}  // namespace asterai::mcp
