// MCP's resources, prompts and completion, answered by the components that export
// asterai:mcp/resources, /prompts and /completion (Catalog::features). Lists merge every
// component's, in serving order; the first component that knows a URI or prompt answers it.
#include <map>

#include "asterai/mcp/content.h"
#include "asterai/mcp/server.h"
#include "asterai/mcp/session.h"
#include "asterai/mcp/tool_result.h"

namespace asterai::mcp {
namespace {

using nlohmann::json;

// MCP's -32002: resources/read of a URI nobody has.
constexpr int kResourceNotFound = -32002;
// completion/complete sends at most this many values.
constexpr size_t kMaxCompletions = 100;

void set_if(json& out, const char* key, const json& value) {
  if (!value.is_null()) out[key] = value;
}

// A string param, or null.
const json* string_param(const jsonrpc::Message& m, const char* name) {
  if (!m.params.is_object() || !m.params.contains(name) || !m.params[name].is_string())
    return nullptr;
  return &m.params[name];
}

// {"a": "x"} as WIT's list<tuple<string, string>>; non-string values as their JSON text.
json pairs_of(const json& object) {
  json pairs = json::array();
  if (!object.is_object()) return pairs;
  for (const auto& [k, v] : object.items())
    pairs.push_back(json::array({k, v.is_string() ? v.get<std::string>() : v.dump()}));
  return pairs;
}

// One guest function with named arguments, on this thread: its value, or why the call failed.
tl::expected<json, std::string> call_feature(Executor& executor, const Tool* fn, json args) {
  ToolCall c;
  c.tool = fn;
  c.arguments = std::move(args);
  auto r = executor.run_here(c);
  if (!r.outcome.ok())
    return tl::unexpected(fn->component_name + ": " + failure_message(r.outcome));
  return std::move(r.outcome.result);
}

}  // namespace

std::vector<std::string> feature_clashes(Server& server) {
  auto catalog = server.catalog();
  std::vector<std::string> out;
  // What a list names -> the first component listing it (which answers it).
  std::map<std::string, std::string> owners;
  auto check = [&](const Tool* fn, const char* what, const char* key) {
    if (!fn) return;
    auto items = call_feature(server.executor(), fn, json::object());
    if (!items) {
      out.push_back(std::string("listing ") + what + "s failed: " + items.error());
      return;
    }
    for (const auto& item : *items) {
      std::string name = std::string(what) + " " + item[key].get<std::string>();
      auto [it, fresh] = owners.emplace(name, fn->component_name);
      if (!fresh && it->second != fn->component_name)
        out.push_back(name + " is offered by " + it->second + " and " + fn->component_name + "; " +
                      it->second + " answers it");
    }
  };
  for (const auto& p : catalog->features()) {
    check(p.list_resources, "resource", "uri");
    check(p.list_templates, "resource template", "uri-template");
    check(p.list_prompts, "prompt", "name");
  }
  return out;
}

bool Session::handle_feature(const jsonrpc::Message& m, const Channel& channel) {
  static const std::set<std::string> kMethods = {
      "resources/list",      "resources/templates/list", "resources/read",
      "resources/subscribe", "resources/unsubscribe",    "prompts/list",
      "prompts/get",         "completion/complete"};
  if (!kMethods.contains(m.method)) return false;
  // A feature no served component offers is not declared at initialize: method not found.
  auto catalog = server_.catalog();
  bool offered = m.method.starts_with("resources/") ? catalog->offers_resources()
                 : m.method.starts_with("prompts/") ? catalog->offers_prompts()
                                                    : catalog->offers_completion();
  if (!offered) return false;
  auto reply = [&](RpcResult r) {
    if (r)
      channel(jsonrpc::result(m.id, std::move(*r)), true);
    else
      channel(jsonrpc::error(m.id, r.error().code, r.error().message), true);
  };
  if (m.method == "resources/subscribe" || m.method == "resources/unsubscribe") {
    reply(subscribe(m, m.method == "resources/subscribe"));
    return true;
  }
  // Guest code runs on a worker, never on the transport's thread.
  auto self = shared_from_this();
  bool queued = server_.executor().submit_task([self, m, channel, catalog] {
    auto r = self->run_feature(m, *catalog);
    if (r)
      channel(jsonrpc::result(m.id, std::move(*r)), true);
    else
      channel(jsonrpc::error(m.id, r.error().code, r.error().message), true);
  });
  if (!queued)
    reply(tl::unexpected(RpcError{jsonrpc::kServerBusy, "server busy: too many calls queued"}));
  return true;
}

Session::RpcResult Session::subscribe(const jsonrpc::Message& m, bool on) {
  const json* uri = string_param(m, "uri");
  if (!uri) return tl::unexpected(RpcError{jsonrpc::kInvalidParams, m.method + " needs a \"uri\""});
  std::lock_guard lock(mutex_);
  if (on)
    subscriptions_.insert(uri->get<std::string>());
  else
    subscriptions_.erase(uri->get<std::string>());
  return json::object();
}

Session::RpcResult Session::run_feature(const jsonrpc::Message& m, const Catalog& catalog) {
  auto call = [this](const Tool* fn, json args) -> RpcResult {
    auto r = call_feature(server_.executor(), fn, std::move(args));
    if (!r) return tl::unexpected(RpcError{jsonrpc::kInternalError, r.error()});
    return std::move(*r);
  };
  const auto& providers = catalog.features();

  if (m.method == "resources/list" || m.method == "resources/templates/list") {
    bool templates = m.method == "resources/templates/list";
    json out = json::array();
    for (const auto& p : providers) {
      const Tool* fn = templates ? p.list_templates : p.list_resources;
      if (!fn) continue;
      auto items = call(fn, json::object());
      if (!items) return items;
      for (const auto& r : *items) {
        json entry = {{"name", r["name"]}};
        if (templates)
          entry["uriTemplate"] = r["uri-template"];
        else
          entry["uri"] = r["uri"];
        set_if(entry, "title", r["title"]);
        set_if(entry, "description", r["description"]);
        set_if(entry, "mimeType", r["mime-type"]);
        out.push_back(std::move(entry));
      }
    }
    return json{{templates ? "resourceTemplates" : "resources", std::move(out)}};
  }

  if (m.method == "resources/read") {
    const json* uri = string_param(m, "uri");
    if (!uri)
      return tl::unexpected(RpcError{jsonrpc::kInvalidParams, "resources/read needs a \"uri\""});
    std::string why = "no component offers resources";
    for (const auto& p : providers) {
      if (!p.read_resource) continue;
      auto r = call(p.read_resource, {{"uri", *uri}});
      if (!r) return r;
      if (r->contains("err")) {
        why = (*r)["err"].get<std::string>();
        continue;
      }
      json contents = json::array();
      for (const auto& c : (*r)["ok"]) contents.push_back(mcp_resource_contents(c));
      return json{{"contents", std::move(contents)}};
    }
    return tl::unexpected(
        RpcError{kResourceNotFound, "resource not found: " + uri->get<std::string>() + ": " + why});
  }

  if (m.method == "prompts/list") {
    json out = json::array();
    for (const auto& p : providers) {
      if (!p.list_prompts) continue;
      auto items = call(p.list_prompts, json::object());
      if (!items) return items;
      for (const auto& pr : *items) {
        json entry = {{"name", pr["name"]}};
        set_if(entry, "title", pr["title"]);
        set_if(entry, "description", pr["description"]);
        json arguments = json::array();
        for (const auto& a : pr["arguments"]) {
          json arg = {{"name", a["name"]}, {"required", a["required"]}};
          set_if(arg, "description", a["description"]);
          arguments.push_back(std::move(arg));
        }
        entry["arguments"] = std::move(arguments);
        out.push_back(std::move(entry));
      }
    }
    return json{{"prompts", std::move(out)}};
  }

  if (m.method == "prompts/get") {
    const json* name = string_param(m, "name");
    if (!name)
      return tl::unexpected(RpcError{jsonrpc::kInvalidParams, "prompts/get needs a \"name\""});
    json args = {{"name", *name}, {"arguments", pairs_of(m.params.value("arguments", json()))}};
    std::string why = "no component offers prompts";
    for (const auto& p : providers) {
      if (!p.get_prompt) continue;
      auto r = call(p.get_prompt, args);
      if (!r) return r;
      if (r->contains("err")) {
        why = (*r)["err"].get<std::string>();
        continue;
      }
      const json& prompt = (*r)["ok"];
      json messages = json::array();
      for (const auto& msg : prompt["messages"])
        messages.push_back({{"role", msg["role"]}, {"content", mcp_content(msg["content"])}});
      json out = {{"messages", std::move(messages)}};
      set_if(out, "description", prompt["description"]);
      return out;
    }
    return tl::unexpected(
        RpcError{jsonrpc::kInvalidParams, "prompt " + name->get<std::string>() + ": " + why});
  }

  // completion/complete
  const json& ref = m.params.is_object() ? m.params.value("ref", json()) : json();
  const json& argument = m.params.is_object() ? m.params.value("argument", json()) : json();
  if (!ref.is_object() || !argument.is_object() || !argument.contains("name") ||
      !argument["name"].is_string())
    return tl::unexpected(RpcError{jsonrpc::kInvalidParams,
                                   "completion/complete needs a \"ref\" and an \"argument\" name"});
  json wit_ref;
  auto type = ref.value("type", "");
  if (type == "ref/prompt" && ref.contains("name") && ref["name"].is_string())
    wit_ref = {{"prompt", ref["name"]}};
  else if (type == "ref/resource" && ref.contains("uri") && ref["uri"].is_string())
    wit_ref = {{"resource-template", ref["uri"]}};
  else
    return tl::unexpected(RpcError{jsonrpc::kInvalidParams,
                                   "completion/complete: ref must be ref/prompt with a name or "
                                   "ref/resource with a uri"});
  json context;
  if (m.params.contains("context") && m.params["context"].is_object())
    context = m.params["context"].value("arguments", json());
  json args = {{"ref", wit_ref},
               {"argument", argument["name"]},
               {"value", argument.value("value", "")},
               {"context", pairs_of(context)}};
  json values = json::array();
  for (const auto& p : providers) {
    if (!p.complete) continue;
    auto r = call(p.complete, args);
    if (!r) return r;
    for (const auto& v : *r) values.push_back(v);
  }
  size_t total = values.size();
  if (values.size() > kMaxCompletions) values.erase(values.begin() + kMaxCompletions, values.end());
  return json{
      {"completion",
       {{"values", std::move(values)}, {"total", total}, {"hasMore", total > kMaxCompletions}}}};
}

}  // namespace asterai::mcp
