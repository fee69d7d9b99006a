#include "asterai/mcp/tool_result.h"

#include "asterai/mcp/jsonrpc.h"

namespace asterai::mcp {

using nlohmann::json;

bool is_component_error(const Tool& tool, const json& value) {
  const auto& result = tool.function->result;
  return result && result->kind == runtime::TypeKind::Result && value.is_object() &&
         value.contains("err");
}

std::string failure_message(const runtime::CallOutcome& outcome) {
  std::string text =
      std::string(error_kind_name(outcome.error->kind)) + ": " + outcome.error->to_string();
  std::string_view err = outcome.err.data;
  while (!err.empty() && (err.back() == '\n' || err.back() == '\r')) err.remove_suffix(1);
  if (!err.empty()) {
    if (err.size() > kStderrInMessage) err = err.substr(err.size() - kStderrInMessage);
    text += "\ncomponent stderr:\n" + std::string(err);
  }
  return text;
}

json metering_json(const runtime::CallStats& s) {
  json j = {{"wall_ms", s.wall_ms},
            {"instantiate_ms", s.instantiate_ms},
            {"run_ms", s.run_ms},
            {"peak_memory_bytes", s.peak_memory_bytes},
            {"stdout_bytes", s.stdout_bytes},
            {"stderr_bytes", s.stderr_bytes},
            {"http_requests", s.http_requests},
            {"http_bytes_sent", s.http_bytes_sent},
            {"http_bytes_received", s.http_bytes_received}};
  if (s.fuel_used) j["fuel_used"] = *s.fuel_used;
  return j;
}

json call_tool_result(const Tool& tool, const runtime::CallOutcome& outcome) {
  json meta = {{"asterai/metering", metering_json(outcome.stats)}};
  if (!outcome.ok()) {
    return {{"content", json::array({{{"type", "text"}, {"text", failure_message(outcome)}}})},
            {"isError", true},
            {"_meta", std::move(meta)}};
  }
  if (tool.form.kind != ResultForm::json) {
    json r = content_tool_result(tool.form, outcome.result);
    r["_meta"] = std::move(meta);
    return r;
  }
  json r = {{"_meta", std::move(meta)}};
  if (tool.output_schema.is_null()) {
    r["content"] = json::array({{{"type", "text"}, {"text", "null"}}});
    r["isError"] = false;
    return r;
  }
  json structured = structured_content(tool, outcome.result);
  bool failed = is_component_error(tool, outcome.result);
  // The text block repeats the structured content as JSON (MCP's advice for clients that
  // read only text); a component error says so first.
  std::string text = jsonrpc::dump(structured);
  if (failed) text = "the component returned an error: " + jsonrpc::dump(outcome.result["err"]);
  r["content"] = json::array({{{"type", "text"}, {"text", text}}});
  r["structuredContent"] = std::move(structured);
  r["isError"] = failed;
  return r;
}

}  // namespace asterai::mcp
