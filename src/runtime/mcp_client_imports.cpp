#include "mcp_client_imports.h"

#include <memory>

#include "asterai/runtime/mcp_client.h"
#include "interface_name.h"
#include "invoke.h"
#include "values.h"

namespace asterai::runtime {
namespace {

using nlohmann::json;
using LinkerInstancePtr =
    wt::Owned<wasmtime_component_linker_instance_t, wasmtime_component_linker_instance_delete>;

thread_local McpClient* t_client = nullptr;

// How long a request waits outside any call's deadline (never the case for a guest's import,
// which always runs inside a call; kept as a bound anyway).
constexpr std::chrono::seconds kDefaultWait{30};

enum class Op { log, progress, cancelled, resource_updated, create_message, elicit };

struct Bridge {
  Op op;
  FunctionInfo import;  // the importer's view: types for the conversions
};

std::optional<Op> op_named(std::string_view name) {
  if (name == "log") return Op::log;
  if (name == "progress") return Op::progress;
  if (name == "cancelled") return Op::cancelled;
  if (name == "resource-updated") return Op::resource_updated;
  if (name == "create-message") return Op::create_message;
  if (name == "elicit") return Op::elicit;
  return std::nullopt;
}

std::optional<std::string> optional_string(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  return std::nullopt;
}

json as_result(const tl::expected<json, std::string>& r) {
  if (r) return {{"ok", *r}};
  return {{"err", r.error()}};
}

McpClient::Deadline deadline() {
  return current_call_deadline().value_or(std::chrono::steady_clock::now() + kDefaultWait);
}

// The arguments' shapes as the runtime's WIT has them; a component built against another
// WIT of the same name gets a trap saying so, not a misread value.
bool shapes_match(Op op, const std::vector<json>& in) {
  switch (op) {
    case Op::log:
      return in.size() == 3 && in[0].is_string() && (in[1].is_null() || in[1].is_string()) &&
             in[2].is_string();
    case Op::progress:
      return in.size() == 3 && in[0].is_number() && (in[1].is_null() || in[1].is_number()) &&
             (in[2].is_null() || in[2].is_string());
    case Op::cancelled:
      return in.empty();
    case Op::resource_updated:
      return in.size() == 1 && in[0].is_string();
    case Op::create_message:
      return in.size() == 1 && in[0].is_object();
    case Op::elicit:
      return in.size() == 2 && in[0].is_string() && in[1].is_string();
  }
  return false;
}

json run(Op op, const std::vector<json>& in) {
  McpClient* client = t_client;
  static const std::string outside = "only a call served over MCP can ask its client";
  switch (op) {
    case Op::log:
      if (client) client->log(in[0].get<std::string>(), optional_string(in[1]), in[2]);
      return nullptr;
    case Op::progress: {
      std::optional<double> total;
      if (in[1].is_number()) total = in[1].get<double>();
      if (client) client->progress(in[0].get<double>(), total, optional_string(in[2]));
      return nullptr;
    }
    case Op::cancelled:
      return client && client->cancelled();
    case Op::resource_updated:
      if (client) client->resource_updated(in[0].get<std::string>());
      return nullptr;
    case Op::create_message:
      if (!client) return {{"err", outside}};
      return as_result(client->create_message(in[0], deadline()));
    case Op::elicit:
      if (!client) return {{"err", outside}};
      return as_result(client->elicit(in[0], in[1], deadline()));
  }
  return nullptr;
}

wasmtime_error_t* call_bridge(void* env, wasmtime_context_t*, const wasmtime_component_func_type_t*,
                              wasmtime_component_val_t* args, size_t nargs,
                              wasmtime_component_val_t* results, size_t nresults) {
  const auto& bridge = *static_cast<const Bridge*>(env);
  const FunctionInfo& import = bridge.import;
  std::string where = "asterai:mcp/client#" + import.name;
  if (nargs != import.params.size() || nresults != (import.result ? 1u : 0u))
    return wasmtime_error_new((where + ": unexpected number of arguments or results").c_str());
  std::vector<json> in;
  in.reserve(nargs);
  for (size_t i = 0; i < nargs; ++i) in.push_back(val_to_json(import.params[i].type, args[i]));
  if (!shapes_match(bridge.op, in))
    return wasmtime_error_new((where +
                               ": the component's WIT does not match the runtime's "
                               "(asterai:mcp@" +
                               std::string(kMcpVersion) + ")")
                                  .c_str());
  json out = run(bridge.op, in);
  if (!nresults) return nullptr;
  auto value = json_to_val(*import.result, out, "result");
  if (!value) {
    return wasmtime_error_new(
        (where + ": the component's WIT does not match the runtime's: " + value.error().to_string())
            .c_str());
  }
  results[0] = value->release();
  return nullptr;
}

void delete_bridge(void* env) {
  delete static_cast<Bridge*>(env);
}

}  // namespace

McpClientScope::McpClientScope(McpClient* client) : outer_(t_client) {
  t_client = client;
}

McpClientScope::~McpClientScope() {
  t_client = outer_;
}

McpClient* current_mcp_client() {
  return t_client;
}

std::optional<std::string> mcp_interface_for(std::string_view import_name) {
  auto name = parse_interface_name(import_name);
  if (!name || name->package != kMcpPackage) return std::nullopt;
  if (name->interface != "types" && name->interface != "client") return std::nullopt;
  auto ours = parse_interface_name(std::string(kMcpPackage) + "/" + name->interface + "@" +
                                   std::string(kMcpVersion));
  if (!satisfies(*ours, *name)) return std::nullopt;
  return ours->unversioned() + "@" + std::string(kMcpVersion);
}

Result<void> define_mcp_imports(wasmtime_component_linker_t* linker,
                                const std::vector<ImportedItem>& items) {
  // The root (and each instance under it) holds the linker exclusively until deleted.
  LinkerInstancePtr root(wasmtime_component_linker_root(linker));
  for (const auto& item : items) {
    wasmtime_component_linker_instance_t* raw = nullptr;
    if (auto* err = wasmtime_component_linker_instance_add_instance(root.get(), item.name.data(),
                                                                    item.name.size(), &raw)) {
      return make_error(ErrorKind::internal,
                        "defining " + item.name + ": " + wt::take_message(err));
    }
    LinkerInstancePtr instance(raw);
    for (const auto& f : item.functions) {
      auto op = op_named(f.name);
      if (!op) {
        return make_error(ErrorKind::link, "the component imports " + f.qualified_name() +
                                               ", which asterai:mcp@" + std::string(kMcpVersion) +
                                               " does not have");
      }
      // Ownership passes to the linker, which calls delete_bridge when it is dropped.
      auto bridge = std::make_unique<Bridge>(Bridge{*op, f});
      if (auto* err = wasmtime_component_linker_instance_add_func(instance.get(), f.name.data(),
                                                                  f.name.size(), &call_bridge,
                                                                  bridge.get(), &delete_bridge)) {
        return make_error(ErrorKind::internal,
                          "defining " + f.qualified_name() + ": " + wt::take_message(err));
      }
      bridge.release();
    }
  }
  return {};
}

}  // namespace asterai::runtime
