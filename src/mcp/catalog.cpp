#include "asterai/mcp/catalog.h"

#include "asterai/common/http_route.h"

#include <algorithm>
#include <cctype>

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
  if (auto it = source.docs.functions.find(docs_key(function.interface, function.name));
      it != source.docs.functions.end() && !it->second.empty())
    return it->second;
  std::string where = function.interface.empty() ? source.name : function.interface;
  return "`" + function.name + ": " + function.signature() + "` from " + where + " (component " +
         source.name + ")";
}

namespace {

// The documented type `type` is taken to be; see describe_schema in catalog.h.
const TypeDocs* find_type_docs(const runtime::ValType& type, const WitDocs& docs,
                               const std::string& interface) {
  std::set<std::string> names;
  for (const auto& c : type.cases) names.insert(c.name);
  // 0: no fit; all names equal beats documented items among the names, more items beat fewer.
  auto score = [&](const TypeDocs& t) -> size_t {
    if (!t.names.empty()) return t.names == names ? 1'000'000 + t.items.size() : 0;
    if (t.items.empty()) return 0;
    for (const auto& [item, _] : t.items)
      if (!names.contains(item)) return 0;
    return t.items.size();
  };
  auto best_in = [&](bool own_interface) -> std::pair<const TypeDocs*, bool> {
    std::string prefix = interface.empty() ? "" : interface_short_name(interface) + "#";
    const TypeDocs* best = nullptr;
    size_t best_score = 0;
    bool tie = false;
    for (const auto& [key, t] : docs.types) {
      bool own = prefix.empty() ? key.find('#') == std::string::npos : key.starts_with(prefix);
      size_t sc = own == own_interface ? score(t) : 0;
      if (sc == 0) continue;
      if (sc > best_score) {
        best = &t;
        best_score = sc;
        tie = false;
      } else if (sc == best_score) {
        tie = true;
      }
    }
    return {best, tie};
  };
  auto [own, own_tie] = best_in(true);
  if (own) return own_tie ? nullptr : own;
  auto [other, other_tie] = best_in(false);
  return other_tie ? nullptr : other;
}

// Prepends `docs` to the schema's description (keeping what the schema already said).
void add_description(json& schema, const std::string& docs) {
  if (docs.empty() || !schema.is_object()) return;
  if (schema.contains("description") && schema["description"].is_string())
    schema["description"] = docs + " (" + schema["description"].get<std::string>() + ")";
  else
    schema["description"] = docs;
}

}  // namespace

void describe_schema(json& schema, const runtime::ValType& type, const WitDocs& docs,
                     const std::string& interface) {
  using runtime::TypeKind;
  if (!schema.is_object()) return;
  auto recurse = [&](json& s, const runtime::ValType& t) {
    describe_schema(s, t, docs, interface);
  };
  const TypeDocs* named = nullptr;
  if (type.kind == TypeKind::Record || type.kind == TypeKind::Variant ||
      type.kind == TypeKind::Enum || type.kind == TypeKind::Flags)
    named = find_type_docs(type, docs, interface);
  auto item_docs = [&](const std::string& name) -> std::string {
    if (!named) return {};
    auto it = named->items.find(name);
    return it == named->items.end() ? std::string() : it->second;
  };
  switch (type.kind) {
    case TypeKind::List:
      if (schema.contains("items")) recurse(schema["items"], type.items[0]);
      break;
    case TypeKind::Tuple:
      for (size_t i = 0; i < type.items.size() && i < schema["prefixItems"].size(); ++i)
        recurse(schema["prefixItems"][i], type.items[i]);
      break;
    case TypeKind::Option:
      if (schema.contains("anyOf") && schema["anyOf"].size() == 2) {
        json& inner = schema["anyOf"][1];
        // A nested option's inner schema sits under {"some": ...}.
        if (type.items[0].kind == TypeKind::Option && inner.contains("properties"))
          recurse(inner["properties"]["some"], type.items[0]);
        else
          recurse(inner, type.items[0]);
      }
      break;
    case TypeKind::Result:
      if (schema.contains("oneOf") && schema["oneOf"].size() == 2) {
        if (type.ok) recurse(schema["oneOf"][0]["properties"]["ok"], *type.ok);
        if (type.err) recurse(schema["oneOf"][1]["properties"]["err"], *type.err);
      }
      break;
    case TypeKind::Record:
      for (const auto& f : type.cases) {
        if (!schema["properties"].contains(f.name)) continue;
        json& field = schema["properties"][f.name];
        recurse(field, *f.type);
        add_description(field, item_docs(f.name));
      }
      break;
    case TypeKind::Variant:
      for (size_t i = 0; i < type.cases.size() && i < schema["oneOf"].size(); ++i) {
        const auto& c = type.cases[i];
        json& arm = schema["oneOf"][i];
        if (c.type && arm.contains("properties")) recurse(arm["properties"][c.name], *c.type);
        add_description(arm, item_docs(c.name));
      }
      break;
    case TypeKind::Enum:
    case TypeKind::Flags: {
      // JSON Schema has no place for one enum value's docs: they go into the description.
      std::string listed;
      for (const auto& c : type.cases) {
        auto d = item_docs(c.name);
        if (!d.empty()) listed += (listed.empty() ? "" : "; ") + c.name + ": " + d;
      }
      if (!listed.empty()) add_description(schema, listed);
      break;
    }
    default:
      break;
  }
  if (named) add_description(schema, named->docs);
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

namespace {

// The slot of `provider` an export of asterai:mcp/* fills, or null for any other function.
const Tool** feature_slot(FeatureProvider& provider, const runtime::FunctionInfo& f) {
  if (!f.interface.starts_with("asterai:mcp/")) return nullptr;
  auto iface = interface_short_name(f.interface);
  if (iface == "resources") {
    if (f.name == "list-resources") return &provider.list_resources;
    if (f.name == "list-templates") return &provider.list_templates;
    if (f.name == "read") return &provider.read_resource;
  } else if (iface == "prompts") {
    if (f.name == "list-prompts") return &provider.list_prompts;
    if (f.name == "get-prompt") return &provider.get_prompt;
  } else if (iface == "completion" && f.name == "complete") {
    return &provider.complete;
  }
  return nullptr;
}

bool imports_mcp(const runtime::Component& component) {
  return std::any_of(component.imports().begin(), component.imports().end(),
                     [](const runtime::ItemInfo& i) { return i.name.starts_with("asterai:mcp/"); });
}

bool may_ask_client(const ServedComponent& c) {
  if (!c.composition) return imports_mcp(*c.component);
  const auto& members = c.composition->members();
  return std::any_of(members.begin(), members.end(),
                     [](const runtime::Member& m) { return imports_mcp(*m.component); });
}

// `asks`: may_ask_client(c), worked out once per component.
Tool tool_of(const ServedComponent& c, const runtime::FunctionInfo& f, bool asks) {
  Tool t;
  t.title = f.name;
  t.component = c.component;
  t.function = &f;
  t.component_name = c.name;
  t.policy = c.policy;
  t.composition = c.composition;
  t.may_ask_client = asks;
  return t;
}

}  // namespace

void CallLength::add(std::chrono::microseconds ran) const {
  auto now = static_cast<uint64_t>(std::clamp<int64_t>(ran.count(), 0, UINT32_MAX));
  uint64_t before = us();
  us_.store(static_cast<uint32_t>((before * 7 + now) / 8), std::memory_order_relaxed);
}

bool Catalog::offers_resources() const {
  return std::any_of(features_.begin(), features_.end(),
                     [](const FeatureProvider& p) { return p.list_resources || p.read_resource; });
}

bool Catalog::offers_prompts() const {
  return std::any_of(features_.begin(), features_.end(),
                     [](const FeatureProvider& p) { return p.list_prompts || p.get_prompt; });
}

bool Catalog::offers_completion() const {
  return std::any_of(features_.begin(), features_.end(),
                     [](const FeatureProvider& p) { return p.complete != nullptr; });
}

std::shared_ptr<const Catalog> Catalog::build(std::vector<ServedComponent> components,
                                              ToolNaming naming) {
  auto catalog = std::make_shared<Catalog>();
  std::vector<ToolKey> keys;
  for (const auto& c : components) {
    FeatureProvider provider{c.name};
    bool asks = may_ask_client(c);
    if (c.component->http_handler()) {
      catalog->routes_.push_back(HttpRoute{c.http_route.empty() ? "/" + c.name : c.http_route,
                                           c.name, c.component, c.policy, c.composition,
                                           c.http_max_body});
    }
    for (const auto& f : c.component->functions()) {
      // The handler is served as a route, not as a tool.
      if (c.component->http_handler() && f.interface.starts_with("wasi:http/incoming-handler@"))
        continue;
      if (!f.unsupported.empty()) {
        catalog->skipped_.push_back(c.name + ": " + f.qualified_name() + ": " + f.unsupported);
        continue;
      }
      if (auto slot = feature_slot(provider, f)) {
        Tool& t = catalog->feature_functions_.emplace_back(tool_of(c, f, asks));
        t.name = c.name + ":" + interface_short_name(f.interface) + "#" + f.name;  // for metrics
        *slot = &t;
        continue;
      }
      Tool t = tool_of(c, f, asks);
      t.description = tool_description(c, f);
      t.input_schema = portable_schema(runtime::input_schema(f));
      for (const auto& p : f.params)
        describe_schema(t.input_schema["properties"][p.name], p.type, c.docs, f.interface);
      t.form = result_form(f);
      if (t.form.kind == ResultForm::json) {
        auto shape = tool_output_shape(f);
        t.output_schema = std::move(shape.schema);
        t.wrapped = shape.wrapped;
      }
      if (f.result && t.output_schema.is_object()) {
        json& value = t.wrapped ? t.output_schema["properties"]["result"] : t.output_schema;
        describe_schema(value, *f.result, c.docs, f.interface);
      }
      t.annotations = tool_annotations(f, c.policy);
      catalog->tools_.push_back(std::move(t));
      keys.push_back({c.name, f.interface, f.name});
    }
    if (provider.list_resources || provider.list_templates || provider.read_resource ||
        provider.list_prompts || provider.get_prompt || provider.complete)
      catalog->features_.push_back(std::move(provider));
  }
  // Longest prefix first: route_for takes the first that holds the path.
  std::stable_sort(
      catalog->routes_.begin(), catalog->routes_.end(),
      [](const HttpRoute& a, const HttpRoute& b) { return a.prefix.size() > b.prefix.size(); });
  auto names = assign_tool_names(keys, naming);
  for (size_t i = 0; i < names.size(); ++i) {
    catalog->tools_[i].name = names[i];
    catalog->by_name_.emplace(names[i], i);
  }
  return catalog;
}

const HttpRoute* Catalog::route_for(std::string_view path) const {
  for (const auto& reserved : reserved_http_paths())
    if (path_is_under(path, reserved)) return nullptr;
  for (const auto& r : routes_)
    if (path_is_under(path, r.prefix)) return &r;
  return nullptr;
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
