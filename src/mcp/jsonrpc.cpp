#include "asterai/mcp/jsonrpc.h"

namespace asterai::mcp::jsonrpc {

using nlohmann::json;

Message classify(const json& m) {
  Message msg;
  if (!m.is_object()) {
    msg.problem = "a JSON-RPC message must be an object";
    return msg;
  }
  auto id = m.find("id");
  bool has_id = id != m.end();
  if (has_id && (id->is_string() || id->is_number_integer())) msg.id = *id;
  auto version = m.find("jsonrpc");
  if (version == m.end() || *version != "2.0") {
    msg.problem = "\"jsonrpc\" must be \"2.0\"";
    return msg;
  }
  if (has_id && msg.id.is_null()) {
    msg.problem = "\"id\" must be a string or an integer";
    return msg;
  }
  auto method = m.find("method");
  if (method == m.end()) {
    if (has_id && (m.contains("result") || m.contains("error"))) {
      msg.kind = MessageKind::response;
      return msg;
    }
    msg.problem = "a request needs a \"method\"";
    return msg;
  }
  if (!method->is_string()) {
    msg.problem = "\"method\" must be a string";
    return msg;
  }
  msg.method = method->get<std::string>();
  auto params = m.find("params");
  if (params != m.end()) {
    if (!params->is_object() && !params->is_array()) {
      msg.problem = "\"params\" must be an object or an array";
      return msg;
    }
    msg.params = *params;
  }
  msg.kind = has_id ? MessageKind::request : MessageKind::notification;
  return msg;
}

json result(const json& id, json result) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

json error(const json& id, int code, const std::string& message, json data) {
  json e = {{"code", code}, {"message", message}};
  if (!data.is_null()) e["data"] = std::move(data);
  return {{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(e)}};
}

json notification(const std::string& method, json params) {
  json n = {{"jsonrpc", "2.0"}, {"method", method}};
  if (!params.is_null()) n["params"] = std::move(params);
  return n;
}

std::string dump(const json& message) {
  return message.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace asterai::mcp::jsonrpc
