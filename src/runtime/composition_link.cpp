// Linking a composition: every member's import the host does not provide resolved to one
// provider (another member's export or the host API) or, where the member allows it, left
// missing; checked (versions, signatures, resources, cycles), then one linker per importing
// member whose imported functions call into the providers.
#include <algorithm>
#include <functional>
#include <set>

#include "asterai/runtime/composition.h"
#include "component_impl.h"
#include "composition_impl.h"
#include "host_interfaces.h"
#include "interface_name.h"
#include "mcp_client_imports.h"
#include "missing_imports.h"
#include "reflect.h"
#include "runtime_impl.h"

namespace asterai::runtime {
namespace {

using LinkerInstancePtr =
    wt::Owned<wasmtime_component_linker_instance_t, wasmtime_component_linker_instance_delete>;

constexpr std::string_view kHostRegistryVersion = "0.1.0";

bool same_type(const ValType& a, const ValType& b);

bool same_boxed(const std::shared_ptr<const ValType>& a, const std::shared_ptr<const ValType>& b) {
  if (!a || !b) return !a && !b;
  return same_type(*a, *b);
}

// Structural equality, the way the component model compares value types across components.
bool same_type(const ValType& a, const ValType& b) {
  if (a.kind != b.kind || a.items.size() != b.items.size() || a.cases.size() != b.cases.size()) {
    return false;
  }
  for (size_t i = 0; i < a.items.size(); ++i) {
    if (!same_type(a.items[i], b.items[i])) return false;
  }
  for (size_t i = 0; i < a.cases.size(); ++i) {
    if (a.cases[i].name != b.cases[i].name || !same_boxed(a.cases[i].type, b.cases[i].type)) {
      return false;
    }
  }
  return same_boxed(a.ok, b.ok) && same_boxed(a.err, b.err);
}

bool same_signature(const FunctionInfo& a, const FunctionInfo& b) {
  if (a.params.size() != b.params.size() || a.result.has_value() != b.result.has_value()) {
    return false;
  }
  for (size_t i = 0; i < a.params.size(); ++i) {
    if (!same_type(a.params[i].type, b.params[i].type)) return false;
  }
  return !a.result || same_type(*a.result, *b.result);
}

std::string quoted(const std::string& name) {
  return "`" + name + "`";
}

// A provider found for one import: which member, under which export name.
struct Candidate {
  size_t member;
  std::string export_name;
};

class Linking {
 public:
  // `components[i]` is member i's compiled component.
  Linking(const wasm_engine_t* engine, std::vector<const wasmtime_component_t*> components,
          const std::vector<Member>& members, const std::vector<Wire>& wires,
          Composition::Impl& impl)
      : engine_(engine),
        components_(std::move(components)),
        members_(members),
        wires_(wires),
        impl_(impl) {}

  Result<void> resolve_all() {
    edges_.assign(members_.size(), {});
    wire_used_.assign(wires_.size(), false);
    imports_.resize(members_.size());
    missing_.resize(members_.size());
    mcp_.resize(members_.size());
    impl_.imports.resize(members_.size());
    for (size_t i = 0; i < members_.size(); ++i) {
      impl_.imports[i] = members_[i].component->imports();
      imports_[i] = reflect_imports(engine_, components_[i]);
      for (const auto& item : imports_[i]) ASTERAI_TRY(resolve(i, item));
    }
    for (size_t w = 0; w < wires_.size(); ++w) {
      if (!wire_used_[w]) {
        const Wire& wire = wires_[w];
        return make_error(ErrorKind::link, "the wire " + quoted(wire.importer) + " -> " +
                                               quoted(wire.provider) + " for " + wire.interface +
                                               " matches no import of " + quoted(wire.importer));
      }
    }
    return find_cycle();
  }

  Result<void> build_linkers() {
    impl_.linkers.resize(members_.size());
    groups_.resize(members_.size());
    for (size_t i = 0; i < members_.size(); ++i) {
      if (groups_[i].empty() && missing_[i].empty() && mcp_[i].empty()) continue;
      wt::LinkerPtr linker = ASTERAI_TRY(new_host_linker(engine_));
      {
        // The root (and each instance under it) holds the linker exclusively until deleted.
        LinkerInstancePtr root(wasmtime_component_linker_root(linker.get()));
        for (const auto& [name, bindings] : groups_[i]) {
          wasmtime_component_linker_instance_t* raw = nullptr;
          if (auto* err = wasmtime_component_linker_instance_add_instance(root.get(), name.data(),
                                                                          name.size(), &raw)) {
            return make_error(ErrorKind::internal,
                              "defining " + name + ": " + wt::take_message(err));
          }
          LinkerInstancePtr instance(raw);
          for (Binding* b : bindings) {
            auto callback = b->host == HostFunction::none ? &call_provider : &call_host_registry;
            const std::string& fname = b->import.name;
            if (auto* err = wasmtime_component_linker_instance_add_func(
                    instance.get(), fname.data(), fname.size(), callback, b, nullptr)) {
              return make_error(ErrorKind::internal,
                                "defining " + name + "#" + fname + ": " + wt::take_message(err));
            }
          }
        }
      }
      ASTERAI_TRY(define_missing_imports(linker.get(), missing_[i]));
      ASTERAI_TRY(define_mcp_imports(linker.get(), mcp_[i]));
      impl_.linkers[i] = std::move(linker);
    }
    return {};
  }

 private:
  std::string who(size_t i) const { return "component " + quoted(members_[i].name); }

  // Records who provides the import `name` of member `importer` (Composition::imports).
  void record_provider(size_t importer, const std::string& name, ImportSource source,
                       std::string provider) {
    for (auto& info : impl_.imports[importer]) {
      if (info.name != name) continue;
      info.source = source;
      info.provider = std::move(provider);
    }
  }

  // True when a member other than `importer`, or the host API, exports an interface that
  // satisfies the import `name`.
  bool anyone_exports(size_t importer, const std::string& name) const {
    auto wanted = parse_interface_name(name);
    if (!wanted) return false;
    if (wanted->unversioned() == kHostRegistryInterface) return true;
    for (size_t p = 0; p < members_.size(); ++p) {
      if (p == importer) continue;
      for (const auto& e : members_[p].component->exports()) {
        auto provided = parse_interface_name(e.name);
        if (e.kind == "instance" && provided && satisfies(*provided, *wanted)) return true;
      }
    }
    return false;
  }

  Result<void> resolve(size_t importer, const ImportedItem& item) {
    if (auto host = host_interface_for(item.name)) {  // the runtime's own WASI, sandboxed
      record_provider(importer, item.name, ImportSource::host, std::move(*host));
      return {};
    }
    if (auto bridged = mcp_interface_for(item.name)) {  // the MCP client of the running call
      record_provider(importer, item.name, ImportSource::host, std::move(*bridged));
      mcp_[importer].push_back(item);
      return {};
    }
    if (members_[importer].allow_missing_imports && !anyone_exports(importer, item.name)) {
      missing_[importer].push_back(item);  // defined to fail when called (build_linkers)
      return {};
    }
    const std::string allow_hint = " (or set allow-missing-imports = true on " +
                                   quoted(members_[importer].name) +
                                   " to run it anyway, calls into the import failing)";
    if (!item.is_instance) {
      return make_error(ErrorKind::link, who(importer) + " imports " + item.name +
                                             ", which is not an interface; an environment links "
                                             "only interfaces" +
                                             allow_hint);
    }
    auto wanted = parse_interface_name(item.name);
    if (!wanted) {
      return make_error(ErrorKind::link, who(importer) + " imports " + item.name +
                                             ", which no component provides" + allow_hint);
    }
    if (!item.resources.empty()) {
      return make_error(ErrorKind::link,
                        who(importer) + " imports " + item.name + ", which uses the resource `" +
                            item.resources.front() +
                            "`: resources cannot be passed between sandboxes, so this interface "
                            "cannot be linked in an environment");
    }
    for (const auto& f : item.functions) {
      if (!f.unsupported.empty()) {
        return make_error(ErrorKind::link, who(importer) + " imports " + f.qualified_name() +
                                               ", which cannot be linked: " + f.unsupported);
      }
    }
    if (wanted->unversioned() == kHostRegistryInterface) return bind_host(importer, item, *wanted);

    auto provider = ASTERAI_TRY(choose_provider(importer, item, *wanted));
    edges_[importer].insert(provider.member);
    record_provider(importer, item.name, ImportSource::member, members_[provider.member].name);
    const Component& component = *members_[provider.member].component;
    for (const auto& f : item.functions) {
      auto it = std::find_if(component.functions().begin(), component.functions().end(),
                             [&](const FunctionInfo& g) {
                               return g.interface == provider.export_name && g.name == f.name;
                             });
      if (it == component.functions().end()) {
        return make_error(ErrorKind::link, who(importer) + " imports " + f.qualified_name() +
                                               ", but " + who(provider.member) + "'s " +
                                               provider.export_name + " has no function `" +
                                               f.name + "`");
      }
      if (!same_signature(f, *it)) {
        return make_error(ErrorKind::link, who(importer) + " imports " + f.qualified_name() +
                                               " as " + f.signature() + ", but " +
                                               who(provider.member) + " exports it as " +
                                               it->signature());
      }
      add_binding(importer, item.name, f, HostFunction::none, provider.member,
                  static_cast<size_t>(it - component.functions().begin()));
    }
    if (item.functions.empty()) group(importer, item.name);  // types only: nothing to call
    return {};
  }

  Result<Candidate> choose_provider(size_t importer, const ImportedItem& item,
                                    const InterfaceName& wanted) {
    std::vector<Candidate> candidates;
    std::vector<std::string> incompatible;
    for (size_t p = 0; p < members_.size(); ++p) {
      if (p == importer) continue;
      for (const auto& e : members_[p].component->exports()) {
        if (e.kind != "instance") continue;
        auto provided = parse_interface_name(e.name);
        if (!provided) continue;
        if (satisfies(*provided, wanted)) {
          candidates.push_back({p, e.name});
        } else if (provided->unversioned() == wanted.unversioned()) {
          incompatible.push_back(quoted(members_[p].name) + " exports " + e.name);
        }
      }
    }
    for (size_t w = 0; w < wires_.size(); ++w) {
      const Wire& wire = wires_[w];
      if (wire.importer != members_[importer].name) continue;
      auto named = parse_interface_name(wire.interface);
      if (!named || named->unversioned() != wanted.unversioned()) continue;
      if (named->version && !satisfies(*named, wanted)) continue;
      wire_used_[w] = true;
      for (const auto& c : candidates) {
        if (members_[c.member].name == wire.provider) return c;
      }
      return make_error(ErrorKind::link,
                        "the wire " + quoted(wire.importer) + " -> " + quoted(wire.provider) +
                            " for " + wire.interface + " is wrong: " + quoted(wire.provider) +
                            " does not export an interface compatible with " + item.name);
    }
    if (candidates.empty()) {
      std::string hint;
      if (!incompatible.empty()) hint = " (" + incompatible.front() + ", an incompatible version)";
      return make_error(ErrorKind::link, who(importer) + " imports " + item.name +
                                             ", which no component of the environment exports" +
                                             hint +
                                             "; add a component that exports it, or set "
                                             "allow-missing-imports = true on " +
                                             quoted(members_[importer].name) +
                                             " to run it anyway, calls into the import failing");
    }
    if (candidates.size() > 1) {
      std::string names;
      for (const auto& c : candidates) {
        names += (names.empty() ? "" : ", ") + quoted(members_[c.member].name);
      }
      return make_error(ErrorKind::link, who(importer) + " imports " + item.name +
                                             ", which several components export (" + names +
                                             "); wire the import to one of them");
    }
    return candidates.front();
  }

  Result<void> bind_host(size_t importer, const ImportedItem& item, const InterfaceName& wanted) {
    auto provided = parse_interface_name(std::string(kHostRegistryInterface) + "@" +
                                         std::string(kHostRegistryVersion));
    if (!satisfies(*provided, wanted)) {
      return make_error(ErrorKind::link, who(importer) + " imports " + item.name +
                                             ", but this runtime provides " +
                                             std::string(kHostRegistryInterface) + "@" +
                                             std::string(kHostRegistryVersion));
    }
    record_provider(importer, item.name, ImportSource::host,
                    std::string(kHostRegistryInterface) + "@" + std::string(kHostRegistryVersion));
    for (const auto& f : item.functions) {
      HostFunction host = HostFunction::none;
      if (f.name == "list-components" && f.params.empty() && f.result) {
        host = HostFunction::list_components;
      } else if (f.name == "call" && f.params.size() == 3 && f.result) {
        host = HostFunction::call;
      } else {
        return make_error(ErrorKind::link,
                          who(importer) + " imports " + f.qualified_name() + " " + f.signature() +
                              ", which " + std::string(kHostRegistryInterface) + "@" +
                              std::string(kHostRegistryVersion) + " does not have");
      }
      add_binding(importer, item.name, f, host, 0, 0);
    }
    return {};
  }

  std::vector<Binding*>& group(size_t importer, const std::string& name) {
    if (groups_.size() < members_.size()) groups_.resize(members_.size());
    auto& g = groups_[importer];
    auto it = std::find_if(g.begin(), g.end(), [&](const auto& e) { return e.first == name; });
    if (it != g.end()) return it->second;
    g.emplace_back(name, std::vector<Binding*>{});
    return g.back().second;
  }

  void add_binding(size_t importer, const std::string& instance, const FunctionInfo& f,
                   HostFunction host, size_t provider, size_t function) {
    auto b = std::make_unique<Binding>();
    b->impl = &impl_;
    b->importer = importer;
    b->provider = provider;
    b->function = function;
    b->host = host;
    b->import = f;
    group(importer, instance).push_back(b.get());
    impl_.bindings.push_back(std::move(b));
  }

  // Depth-first search; a back edge is a cycle, reported as `a` -> `b` -> `a`.
  Result<void> find_cycle() const {
    enum Color { white, grey, black };
    std::vector<Color> color(members_.size(), white);
    std::vector<size_t> path;
    std::function<std::optional<std::string>(size_t)> visit =
        [&](size_t i) -> std::optional<std::string> {
      color[i] = grey;
      path.push_back(i);
      for (size_t next : edges_[i]) {
        if (color[next] == grey) {
          std::string text;
          auto start = std::find(path.begin(), path.end(), next);
          for (auto it = start; it != path.end(); ++it) text += quoted(members_[*it].name) + " -> ";
          return text + quoted(members_[next].name);
        }
        if (color[next] == white) {
          if (auto found = visit(next)) return found;
        }
      }
      path.pop_back();
      color[i] = black;
      return std::nullopt;
    };
    for (size_t i = 0; i < members_.size(); ++i) {
      if (color[i] != white) continue;
      if (auto cycle = visit(i)) {
        return make_error(ErrorKind::link, "the components import from each other in a cycle (" +
                                               *cycle + "); an environment must link acyclically");
      }
    }
    return {};
  }

  const wasm_engine_t* engine_;
  std::vector<const wasmtime_component_t*> components_;
  const std::vector<Member>& members_;
  const std::vector<Wire>& wires_;
  Composition::Impl& impl_;
  std::vector<std::vector<ImportedItem>> imports_;
  std::vector<std::vector<ImportedItem>> missing_;  // per member: imports nothing provides
  std::vector<std::vector<ImportedItem>> mcp_;      // per member: asterai:mcp imports
  std::vector<std::set<size_t>> edges_;             // importer -> providers
  std::vector<bool> wire_used_;
  // Per member: (imported instance name, its bindings), in import order.
  std::vector<std::vector<std::pair<std::string, std::vector<Binding*>>>> groups_;
};

}  // namespace

Result<std::shared_ptr<const Composition>> Composition::link(std::shared_ptr<const Runtime> runtime,
                                                             std::vector<Member> members,
                                                             std::vector<Wire> wires) {
  if (!runtime) return make_error(ErrorKind::internal, "Composition::link needs a runtime");
  std::set<std::string, std::less<>> names;
  for (const auto& m : members) {
    if (m.name.empty()) {
      return make_error(ErrorKind::invalid_input, "a component of the environment has no name");
    }
    if (!m.component) {
      return make_error(ErrorKind::invalid_input, "component `" + m.name + "` was not loaded");
    }
    if (!names.insert(m.name).second) {
      return make_error(ErrorKind::invalid_input,
                        "two components of the environment are named `" + m.name + "`");
    }
    if (m.limits.fuel && !runtime->options().fuel) {
      return make_error(ErrorKind::usage, "component `" + m.name +
                                              "` has a fuel budget, which needs an engine "
                                              "created with fuel enabled");
    }
  }
  std::shared_ptr<Composition> c(new Composition());
  c->runtime_ = std::move(runtime);
  c->members_ = std::move(members);
  std::vector<const wasmtime_component_t*> components;
  for (const auto& m : c->members_) components.push_back(m.component->impl_->component.get());
  Linking linking(c->runtime_->impl_->engine.get(), std::move(components), c->members_, wires,
                  *c->impl_);
  ASTERAI_TRY(linking.resolve_all());
  ASTERAI_TRY(linking.build_linkers());
  return std::shared_ptr<const Composition>(std::move(c));
}

}  // namespace asterai::runtime
