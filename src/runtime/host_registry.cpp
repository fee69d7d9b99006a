// The host API asterai:host/registry (wit/asterai-host/registry.wit): the environment's
// components and functions with their schemas, and calls by name with JSON arguments. Values
// are built as JSON and converted with the importer's own view of the WIT types.
#include "arguments.h"
#include "asterai/runtime/schema.h"
#include "composition_impl.h"

namespace asterai::runtime {
namespace {

nlohmann::json list_components(const Composition& composition) {
  auto components = nlohmann::json::array();
  for (const auto& m : composition.members()) {
    auto functions = nlohmann::json::array();
    for (const auto& f : m.component->functions()) {
      if (!f.unsupported.empty()) continue;  // not callable with JSON, so not offered
      auto schema = input_schema(f);
      // A JSON Schema annotation: what the function does, for an agent choosing tools.
      if (auto it = m.descriptions.find(f.qualified_name()); it != m.descriptions.end())
        schema["description"] = it->second;
      functions.push_back({{"name", f.qualified_name()},
                           {"signature", f.signature()},
                           {"input-schema", schema.dump()},
                           {"output-schema", output_schema(f).dump()}});
    }
    components.push_back({{"name", m.name}, {"functions", std::move(functions)}});
  }
  return components;
}

nlohmann::json call_error(const Error& e) {
  return {{"err", {{"kind", std::string(error_kind_name(e.kind))}, {"message", e.to_string()}}}};
}

// call(component, function, args-json) -> result<string, call-error>
nlohmann::json call_by_name(const Composition::Impl& impl, const nlohmann::json& component,
                            const nlohmann::json& function, const nlohmann::json& args_text) {
  const auto& members = impl.self->members();
  size_t index = impl.index_of(component.get<std::string>());
  if (index == members.size()) {
    return call_error(
        Error{ErrorKind::not_found,
              "the environment has no component named `" + component.get<std::string>() + "`",
              {}});
  }
  const Component& callee = *members[index].component;
  auto found = callee.find_function(function.get<std::string>());
  if (!found) return call_error(found.error());
  const FunctionInfo& fn = **found;
  if (!fn.unsupported.empty()) {
    return call_error(Error{ErrorKind::unsupported_type,
                            fn.name + " cannot be called with JSON: " + fn.unsupported,
                            {}});
  }
  auto args = nlohmann::json::parse(args_text.get<std::string>(), nullptr, false);
  if (args.is_discarded()) {
    return call_error(Error{ErrorKind::bad_arguments, "args-json is not valid JSON", {}});
  }
  auto bound = bind_arguments(fn, args);
  if (!bound) return call_error(bound.error());
  std::vector<wasmtime_component_val_t> raw;
  raw.reserve(bound->size());
  for (auto& v : *bound) raw.push_back(v.raw);  // borrowed: the call copies them
  OwnedVal result;
  size_t fn_index = static_cast<size_t>(&fn - callee.functions().data());
  CallOutcome outcome = impl.run(index, fn_index, raw, &result);
  if (!outcome.ok()) return call_error(*outcome.error);
  nlohmann::json value = fn.result ? val_to_json(*fn.result, result.raw) : nlohmann::json();
  return {{"ok", value.dump()}};
}

}  // namespace

wasmtime_error_t* call_host_registry(void* env, wasmtime_context_t*,
                                     const wasmtime_component_func_type_t*,
                                     wasmtime_component_val_t* args, size_t nargs,
                                     wasmtime_component_val_t* results, size_t nresults) {
  const auto& binding = *static_cast<const Binding*>(env);
  const FunctionInfo& import = binding.import;
  if (nargs != import.params.size() || nresults != (import.result ? 1u : 0u)) {
    return wasmtime_error_new("asterai:host/registry: unexpected number of arguments or results");
  }
  std::vector<nlohmann::json> in;
  for (size_t i = 0; i < nargs; ++i) in.push_back(val_to_json(import.params[i].type, args[i]));

  nlohmann::json out;
  if (binding.host == HostFunction::list_components) {
    out = list_components(*binding.impl->self);
  } else {
    if (in.size() != 3 || !in[0].is_string() || !in[1].is_string() || !in[2].is_string()) {
      return wasmtime_error_new("asterai:host/registry#call: expected three strings");
    }
    out = call_by_name(*binding.impl, in[0], in[1], in[2]);
  }
  if (!nresults) return nullptr;
  auto value = json_to_val(*import.result, out, "result");
  if (!value) {
    // The importer's WIT differs from the runtime's: link checks names, this checks shapes.
    std::string text =
        "asterai:host/registry#" + import.name +
        ": the component's WIT does not match the runtime's: " + value.error().to_string();
    return wasmtime_error_new(text.c_str());
  }
  results[0] = value->release();
  return nullptr;
}

}  // namespace asterai::runtime
