// JSON-RPC 2.0 framing for MCP: classifying incoming messages and building responses. The
// error codes are JSON-RPC's; MCP adds none we use beyond them.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace asterai::mcp::jsonrpc {

inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;
// Implementation-defined server errors (-32000..-32099).
inline constexpr int kServerBusy = -32000;
inline constexpr int kNotInitialized = -32002;

enum class MessageKind { request, notification, response, invalid };

struct Message {
  MessageKind kind = MessageKind::invalid;
  nlohmann::json id;  // requests and responses; null when absent or unusable
  std::string method;
  nlohmann::json params;  // an object, array, or null when absent
  std::string problem;    // why the message is invalid
};

// Checks the envelope: "jsonrpc": "2.0", a string method, an id that is a string or an
// integer (MCP forbids null ids), params an object or array when present.
Message classify(const nlohmann::json& message);

nlohmann::json result(const nlohmann::json& id, nlohmann::json result);
nlohmann::json error(const nlohmann::json& id, int code, const std::string& message,
                     nlohmann::json data = nullptr);
nlohmann::json notification(const std::string& method, nlohmann::json params);

// Serializes one message for the wire (invalid UTF-8 from a component is replaced, never
// thrown on).
std::string dump(const nlohmann::json& message);

}  // namespace asterai::mcp::jsonrpc
