#include "asterai/host/composition.h"

#include <algorithm>

#include "asterai/common/files.h"
#include "asterai/common/units.h"
#include "asterai/env/secret_store.h"
#include "asterai/host/resolve.h"
#include "asterai/host/tenant_rules.h"
#include "asterai/mcp/wit_docs.h"
#include "asterai/runtime/policy.h"

namespace asterai::host {
namespace fs = std::filesystem;
namespace {

// The sandbox a component gets: its grants, plus the vars and secrets it was given, and
// nothing else. Secrets are decrypted here, for this member only.
Result<runtime::Policy> member_policy(const std::string& name, const env::ComponentEntry& c,
                                      const env::Document& doc, const LoadOptions& options,
                                      std::optional<env::SecretStore>& secrets) {
  runtime::Policy p;
  for (const auto& spec : c.policy.env) {
    auto grant = runtime::parse_env_grant(spec);
    if (!grant)
      return make_error(grant.error().kind, "component " + name + ": " + grant.error().message);
    p.grants.env.push_back(std::move(*grant));
  }
  for (const auto& v : c.vars) p.grants.env.emplace_back(v, doc.vars.at(v));
  if (options.secret) {
    for (const auto& s : c.secrets) {
      auto value = options.secret(s);
      if (!value)
        return make_error(value.error().kind, "member " + name + ": " + value.error().message);
      p.grants.env.emplace_back(s, std::move(*value));
    }
  } else if (!c.secrets.empty()) {
    if (!secrets)
      secrets.emplace(
          ASTERAI_TRY(env::SecretStore::open(env::SecretStore::default_folder(), false)));
    for (const auto& s : c.secrets) p.grants.env.emplace_back(s, ASTERAI_TRY(secrets->get(s)));
  }
  for (const auto& d : c.policy.dirs) {
    fs::path host = fs::absolute(d.host);
    auto grant = runtime::parse_dir_grant(host.string() + ":" + d.guest + ":" + d.mode);
    if (!grant)
      return make_error(grant.error().kind, "component " + name + ": " + grant.error().message);
    p.grants.dirs.push_back(std::move(*grant));
  }
  p.grants.allow_hosts = c.policy.allow_hosts;
  if (c.policy.timeout)
    p.limits.timeout = ASTERAI_TRY(parse_duration(*c.policy.timeout, "timeout"));
  if (c.policy.max_memory)
    p.limits.max_memory = ASTERAI_TRY(parse_size(*c.policy.max_memory, "max_memory"));
  if (c.policy.max_output)
    p.limits.max_output = ASTERAI_TRY(parse_size(*c.policy.max_output, "max_output"));
  p.limits.fuel = c.policy.fuel;
  return p;
}

bool imports_host_api(const runtime::Component& component) {
  return std::any_of(component.imports().begin(), component.imports().end(),
                     [](const runtime::ItemInfo& i) {
                       return i.name.starts_with(runtime::kHostRegistryInterface);
                     });
}

// Qualified function name -> its docs, for asterai:host's list-components.
std::map<std::string, std::string> descriptions_of(const runtime::Component& component,
                                                   const mcp::WitDocs& docs) {
  std::map<std::string, std::string> out;
  for (const auto& f : component.functions())
    if (auto it = docs.functions.find(mcp::docs_key(f.interface, f.name));
        it != docs.functions.end() && !it->second.empty())
      out[f.qualified_name()] = it->second;
  return out;
}

}  // namespace

Result<LoadedComposition> load_composition(const std::string& env_arg, const LoadOptions& options) {
  LoadedComposition out;
  out.env = ASTERAI_TRY(load_env(env_arg, options.registry, options.offline));
  const auto& doc = out.env.doc;
  if (doc.components.empty())
    return make_error(ErrorKind::not_found,
                      out.env.label + " has no components (add one with `asterai env add`)");
  if (options.tenant)
    ASTERAI_TRY(check_tenant_rules(doc, ASTERAI_TRY(options.registry.registry_host()),
                                   static_cast<bool>(options.secret)));
  runtime::EngineOptions engine = options.engine;
  for (const auto& [_, c] : doc.components) engine.fuel = engine.fuel || c.policy.fuel.has_value();
  auto rt = options.runtimes ? ASTERAI_TRY(options.runtimes->get(engine))
                             : ASTERAI_TRY(runtime::Runtime::create(engine));
  std::optional<env::SecretStore> secrets;
  std::vector<runtime::Member> members;
  for (const auto& [name, c] : doc.components) {
    auto file = ASTERAI_TRY(resolve_component(c.ref, {.offline = options.offline,
                                                      .plain_http = options.registry.plain_http,
                                                      .progress = options.progress}));
    // A tenant's messages name its component by reference, not by where the host keeps it.
    auto component = rt->load_file(file, options.tenant ? c.ref : std::string{});
    if (!component)
      return make_error(component.error().kind,
                        "component " + name + ": " + component.error().message);
    auto policy = ASTERAI_TRY(member_policy(name, c, doc, options, secrets));
    policy.grants.public_addresses_only = options.tenant;
    members.push_back(
        {name, *component, std::move(policy.grants), policy.limits, c.allow_missing_imports});
    out.files.emplace(name, file);
  }
  // The components' WIT docs are read (the whole file) only when something uses them: a tool
  // catalog, or a member's asterai:host list-components, which describes the other members.
  bool host_api = std::any_of(members.begin(), members.end(), [](const runtime::Member& m) {
    return imports_host_api(*m.component);
  });
  if (host_api || options.docs) {
    for (auto& m : members) {
      auto docs = mcp::read_wit_docs(ASTERAI_TRY(read_file(out.files.at(m.name))));
      if (host_api) m.descriptions = descriptions_of(*m.component, docs);
      if (options.docs) out.docs.emplace(m.name, std::move(docs));
    }
  }
  std::vector<runtime::Wire> wires;
  for (const auto& w : doc.wires) wires.push_back({w.importer, w.interface, w.provider});
  out.composition =
      ASTERAI_TRY(runtime::Composition::link(rt, std::move(members), std::move(wires)));
  return out;
}

const runtime::FunctionInfo* command_function(const runtime::Component& component) {
  for (const auto& f : component.functions())
    if (f.interface.starts_with("wasi:cli/run@") && f.name == "run") return &f;
  return nullptr;
}

}  // namespace asterai::host
