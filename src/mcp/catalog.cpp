#include "asterai/mcp/catalog.h"

#include "asterai/mcp/naming.h"
#include "asterai/mcp/wit_docs.h"
#include "asterai/runtime/schema.h"

namespace asterai::mcp {

using nlohmann::json;

json portable_schema(json schema) {
  if (schema.is_object()) {
    schema.erase("$schema");
    // Tuples: prefixItems + minItems = maxItems is exact in 2020-12 already; "items": false
    // would reject every item under draft-07 validators, so it goes.
    if (schema.contains("prefixItems") && schema.contains("items") && schema["items"] == false)
      schema.erase("items");
    for (auto& [_, v] : schema.items()) v = portable_schema(std::move(v));
  } else if (schema.is_array()) {
    for (auto& v : schema) v = portable_schema(std::move(v));
  }
  return schema;
}

OutputShape tool_output_shape(const runtime::FunctionInfo& function) {
  if (!function.result) return {json(), false};
  json value = portable_schema(runtime::output_schema(function));
  // A record is already an object: it is the structured content itself. Anything else
  // (numbers, strings, lists, variants, results, options) is wrapped as {"result": value},
  // because MCP requires outputSchema to describe an object.
  if (function.result->kind == runtime::TypeKind::Record) return {std::move(value), false};
  json wrapped = {{"type", "object"},
                  {"properties", {{"result", std::move(value)}}},
                  {"required", json::array({"result"})},
                  {"additionalProperties", false}};
  return {std::move(wrapped), true};
}

json structured_content(const Tool& tool, const json& value) {
  if (tool.wrapped) return json{{"result", value}};
  return value;
}

std::string tool_description(const ServedComponent& source, const runtime::FunctionInfo& function) {
  if (auto it = source.docs.find(docs_key(function.interface, function.name));
      it != source.docs.end() && !it->second.empty())
    return it->second;
  std::string where = function.interface.empty() ? source.name : function.interface;
  return "`" + function.name + ": " + function.signature() + "` from " + where + " (component " +
         source.name + ")";
}

json tool_annotations(const runtime::FunctionInfo& function, const runtime::Policy& policy) {
  bool writes = false;
  for (const auto& d : policy.grants.dirs) writes = writes || d.writable;
  bool network = !policy.grants.allow_hosts.empty();
  json a = {{"title", function.name}};
  a["readOnlyHint"] = !writes && !network;
  // Without write grants nothing outside the call can change; with them, it may.
  if (!writes && !network) a["destructiveHint"] = false;
  a["openWorldHint"] = network;
  return a;
}

std::shared_ptr<const Catalog> Catalog::build(std::vector<ServedComponent> components) {
  auto catalog = std::make_shared<Catalog>();
  std::vector<ToolKey> keys;
  for (const auto& c : components) {
    for (const auto& f : c.component->functions()) {
      if (!f.unsupported.empty()) {
        catalog->skipped_.push_back(c.name + ": " + f.qualified_name() + ": " + f.unsupported);
        continue;
      }
      Tool t;
      t.title = f.name;
      t.description = tool_description(c, f);
      t.input_schema = portable_schema(runtime::input_schema(f));
      auto shape = tool_output_shape(f);
      t.output_schema = std::move(shape.schema);
      t.wrapped = shape.wrapped;
      t.annotations = tool_annotations(f, c.policy);
      t.component = c.component;
      t.function = &f;
      t.component_name = c.name;
      t.policy = c.policy;
      catalog->tools_.push_back(std::move(t));
      keys.push_back({c.name, f.interface, f.name});
    }
  }
  auto names = assign_tool_names(keys);
  for (size_t i = 0; i < names.size(); ++i) {
    catalog->tools_[i].name = names[i];
    catalog->by_name_.emplace(names[i], i);
  }
  return catalog;
}

const Tool* Catalog::find(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : &tools_[it->second];
}

json mcp_tool_json(const Tool& tool) {
  json j = {{"name", tool.name},
            {"title", tool.title},
            {"description", tool.description},
            {"inputSchema", tool.input_schema},
            {"annotations", tool.annotations}};
  if (!tool.output_schema.is_null()) j["outputSchema"] = tool.output_schema;
  return j;
}

}  // namespace asterai::mcp
