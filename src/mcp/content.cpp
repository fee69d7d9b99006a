#include "asterai/mcp/content.h"

#include <set>

#include "asterai/common/base64.h"

namespace asterai::mcp {
namespace {

using nlohmann::json;
using runtime::TypeKind;
using runtime::ValType;

bool is_tool_result_type(const ValType& t) {
  if (t.kind != TypeKind::Record || t.cases.size() != 2) return false;
  const auto& content = t.cases[0];
  return content.name == "content" && content.type && content.type->kind == TypeKind::List &&
         is_content_type(content.type->items.at(0)) && t.cases[1].name == "is-error";
}

ResultForm::Kind form_of(const ValType& t) {
  if (t.kind == TypeKind::List && is_content_type(t.items.at(0))) return ResultForm::content;
  if (is_tool_result_type(t)) return ResultForm::tool_result;
  return ResultForm::json;
}

// list<u8> as values.md writes it (an array of numbers), base64-encoded.
std::string base64_of(const json& bytes) {
  std::string raw;
  raw.reserve(bytes.size());
  for (const auto& b : bytes) raw.push_back(static_cast<char>(b.get<int>()));
  return base64_encode(raw);
}

json bytes_of(const std::string& raw) {
  json out = json::array();
  for (unsigned char c : raw) out.push_back(c);
  return out;
}

// MCP annotations; absent fields (none) are left out.
std::optional<json> annotations_of(const json& wit) {
  if (!wit.is_object()) return std::nullopt;
  json a = json::object();
  if (!wit["audience"].empty()) a["audience"] = wit["audience"];
  if (!wit["priority"].is_null()) a["priority"] = wit["priority"];
  if (!wit["last-modified"].is_null()) a["lastModified"] = wit["last-modified"];
  return a;
}

void set_if(json& out, const char* key, const json& value) {
  if (!value.is_null()) out[key] = value;
}

json media(const char* type, const json& wit) {
  json block = {{"type", type}, {"data", base64_of(wit["data"])}, {"mimeType", wit["mime-type"]}};
  if (auto a = annotations_of(wit["annotations"])) block["annotations"] = std::move(*a);
  return block;
}

}  // namespace

bool is_content_type(const ValType& type) {
  static const std::set<std::string> kCases = {"text", "image", "audio", "embedded-resource",
                                               "resource-link"};
  if (type.kind != TypeKind::Variant || type.cases.size() != kCases.size()) return false;
  for (const auto& c : type.cases)
    if (!kCases.contains(c.name)) return false;
  return true;
}

ResultForm result_form(const runtime::FunctionInfo& function) {
  if (!function.result) return {};
  const ValType& t = *function.result;
  if (t.kind == TypeKind::Result && t.ok) {
    auto kind = form_of(*t.ok);
    if (kind != ResultForm::json) return {kind, true};
    return {};
  }
  return {form_of(t), false};
}

json mcp_resource_contents(const json& wit) {
  json out = {{"uri", wit["uri"]}};
  set_if(out, "mimeType", wit["mime-type"]);
  const json& body = wit["body"];
  if (body.contains("text"))
    out["text"] = body["text"];
  else
    out["blob"] = base64_of(body["blob"]);
  return out;
}

json mcp_content(const json& wit) {
  if (wit.contains("text")) return {{"type", "text"}, {"text", wit["text"]}};
  if (wit.contains("image")) return media("image", wit["image"]);
  if (wit.contains("audio")) return media("audio", wit["audio"]);
  if (wit.contains("embedded-resource"))
    return {{"type", "resource"}, {"resource", mcp_resource_contents(wit["embedded-resource"])}};
  const json& link = wit["resource-link"];
  json block = {{"type", "resource_link"}, {"uri", link["uri"]}, {"name", link["name"]}};
  set_if(block, "description", link["description"]);
  set_if(block, "mimeType", link["mime-type"]);
  if (auto a = annotations_of(link["annotations"])) block["annotations"] = std::move(*a);
  return block;
}

json content_tool_result(const ResultForm& form, const json& value) {
  const json* v = &value;
  if (form.in_result) {
    if (value.contains("err")) {
      const json& err = value["err"];
      std::string text = err.is_string() ? err.get<std::string>() : err.dump();
      return {{"content", json::array({{{"type", "text"}, {"text", text}}})}, {"isError", true}};
    }
    v = &value["ok"];
  }
  const json& blocks = form.kind == ResultForm::tool_result ? (*v)["content"] : *v;
  json content = json::array();
  for (const auto& b : blocks) content.push_back(mcp_content(b));
  bool failed = form.kind == ResultForm::tool_result && (*v)["is-error"].get<bool>();
  return {{"content", std::move(content)}, {"isError", failed}};
}

std::optional<json> wit_content(const json& mcp, std::string& problem) {
  if (!mcp.is_object() || !mcp.contains("type") || !mcp["type"].is_string()) {
    problem = "a content block without a \"type\"";
    return std::nullopt;
  }
  auto type = mcp["type"].get<std::string>();
  if (type == "text" && mcp.contains("text") && mcp["text"].is_string())
    return json{{"text", mcp["text"]}};
  if ((type == "image" || type == "audio") && mcp.contains("data") && mcp["data"].is_string() &&
      mcp.contains("mimeType") && mcp["mimeType"].is_string()) {
    auto raw = base64_decode(mcp["data"].get<std::string>());
    if (!raw) {
      problem = "the " + type + " block's data is not base64";
      return std::nullopt;
    }
    return json{
        {type,
         {{"data", bytes_of(*raw)}, {"mime-type", mcp["mimeType"]}, {"annotations", nullptr}}}};
  }
  problem = "a \"" + type + "\" content block is not text, image or audio";
  return std::nullopt;
}

}  // namespace asterai::mcp
