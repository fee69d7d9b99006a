#include "asterai/mcp/call_client.h"

#include "asterai/mcp/content.h"
#include "asterai/mcp/jsonrpc.h"

namespace asterai::mcp {
namespace {

using nlohmann::json;

// MCP's sampling/createMessage params from the WIT `sampling-request`.
tl::expected<json, std::string> sampling_params(const json& wit) {
  json messages = json::array();
  for (const auto& m : wit["messages"]) {
    json block = mcp_content(m["content"]);
    const auto& type = block["type"];
    if (type != "text" && type != "image" && type != "audio")
      return tl::unexpected("a sampling message holds text, image or audio, not " +
                            type.get<std::string>());
    messages.push_back({{"role", m["role"]}, {"content", std::move(block)}});
  }
  json params = {{"messages", std::move(messages)}, {"maxTokens", wit["max-tokens"]}};
  if (!wit["system-prompt"].is_null()) params["systemPrompt"] = wit["system-prompt"];
  if (!wit["temperature"].is_null()) params["temperature"] = wit["temperature"];
  if (!wit["model-hints"].empty()) {
    json hints = json::array();
    for (const auto& h : wit["model-hints"]) hints.push_back({{"name", h}});
    params["modelPreferences"] = {{"hints", std::move(hints)}};
  }
  return params;
}

// MCP restricts an elicitation's schema to a flat object of primitive properties.
std::optional<std::string> schema_problem(const json& schema) {
  if (!schema.is_object() || schema.value("type", "") != "object" ||
      !schema.contains("properties") || !schema["properties"].is_object())
    return "requested-schema must be a JSON object schema with \"properties\"";
  for (const auto& [name, p] : schema["properties"].items()) {
    if (!p.is_object() || !p.contains("type") || !p["type"].is_string())
      return "requested-schema property \"" + name + "\" needs a \"type\"";
    auto type = p["type"].get<std::string>();
    if (type != "string" && type != "number" && type != "integer" && type != "boolean" &&
        type != "array")
      return "requested-schema property \"" + name + "\" is " + type +
             "; MCP allows string, number, integer, boolean or an enum array";
  }
  return std::nullopt;
}

}  // namespace

CallClient::CallClient(std::weak_ptr<Session> session, Session::Channel channel, std::string tool,
                       json progress_token, CancelFlag cancel, bool can_ask)
    : session_(std::move(session)),
      channel_(std::move(channel)),
      tool_(std::move(tool)),
      progress_token_(std::move(progress_token)),
      cancel_(std::move(cancel)),
      can_ask_(can_ask) {}

std::optional<std::string> CallClient::cannot_ask(const Session& session,
                                                  std::string_view capability) const {
  if (!session.client_declared(capability))
    return "the client did not declare " + std::string(capability);
  if (!can_ask_)
    return "this call's HTTP request accepts only application/json, so nothing can reach the "
           "client before the result (the client should accept text/event-stream too)";
  return std::nullopt;
}

void CallClient::log(const std::string& level, const std::optional<std::string>& logger,
                     const std::string& message) {
  auto session = session_.lock();
  if (!session || !session->logs(log_level_named(level))) return;
  channel_(jsonrpc::notification(
               "notifications/message",
               {{"level", level}, {"logger", logger.value_or(tool_)}, {"data", message}}),
           false);
}

void CallClient::progress(double progress, std::optional<double> total,
                          const std::optional<std::string>& message) {
  if (progress_token_.is_null()) return;
  json params = {{"progressToken", progress_token_}, {"progress", progress}};
  if (total) params["total"] = *total;
  if (message) params["message"] = *message;
  channel_(jsonrpc::notification("notifications/progress", std::move(params)), false);
}

bool CallClient::cancelled() const {
  return cancel_ && cancel_->load();
}

void CallClient::resource_updated(const std::string& uri) {
  if (auto session = session_.lock()) session->notify_resource_updated(uri);
}

tl::expected<json, std::string> CallClient::create_message(const json& request, Deadline deadline) {
  auto session = session_.lock();
  if (!session) return tl::unexpected(std::string("the client is gone"));
  if (auto why = cannot_ask(*session, "sampling")) return tl::unexpected(*why);
  auto params = sampling_params(request);
  if (!params) return tl::unexpected(params.error());
  auto answer = session->ask_client("sampling/createMessage", std::move(*params), channel_,
                                    deadline, cancel_);
  if (!answer) return answer;
  std::string problem;
  auto content = answer->is_object() && answer->contains("content")
                     ? wit_content((*answer)["content"], problem)
                     : std::nullopt;
  if (!content) return tl::unexpected("the client's sampling answer is malformed: " + problem);
  const json& role = answer->value("role", json("assistant"));
  return json{{"role", role == "user" ? "user" : "assistant"},
              {"content", std::move(*content)},
              {"model", answer->value("model", "")},
              {"stop-reason", answer->contains("stopReason") && (*answer)["stopReason"].is_string()
                                  ? (*answer)["stopReason"]
                                  : json()}};
}

tl::expected<json, std::string> CallClient::elicit(const std::string& message,
                                                   const std::string& requested_schema,
                                                   Deadline deadline) {
  auto session = session_.lock();
  if (!session) return tl::unexpected(std::string("the client is gone"));
  if (auto why = cannot_ask(*session, "elicitation")) return tl::unexpected(*why);
  auto schema = json::parse(requested_schema, nullptr, false);
  if (schema.is_discarded()) return tl::unexpected(std::string("requested-schema is not JSON"));
  if (auto problem = schema_problem(schema)) return tl::unexpected(*problem);
  auto answer = session->ask_client("elicitation/create",
                                    {{"message", message}, {"requestedSchema", std::move(schema)}},
                                    channel_, deadline, cancel_);
  if (!answer) return answer;
  auto action = answer->is_object() ? answer->value("action", "") : "";
  if (action != "accept" && action != "decline" && action != "cancel")
    return tl::unexpected(std::string("the client's elicitation answer has no valid action"));
  json content;
  if (answer->contains("content") && (*answer)["content"].is_object())
    content = (*answer)["content"].dump();
  return json{{"action", action}, {"content", content}};
}

}  // namespace asterai::mcp
