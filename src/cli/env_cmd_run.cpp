// `asterai env call | run`: the environment's components, each with its own grants and
// limits (vars and granted secrets arrive as environment variables at instantiation),
// linked into one runtime::Composition so cross-component imports resolve at load time.
#include <cstdio>
#include <iostream>

#include "asterai/common/units.h"
#include "asterai/env/secret_store.h"
#include "asterai/runtime/composition.h"
#include "asterai/runtime/policy.h"
#include "call_arguments.h"
#include "env_cmd.h"
#include "env_common.h"
#include "output.h"
#include "resolve.h"

namespace asterai::cli {
namespace fs = std::filesystem;
namespace {

// The sandbox a component gets: its grants, plus the vars and secrets it was given, and
// nothing else. Secrets are decrypted here, for this member only.
Result<runtime::Policy> member_policy(const std::string& name, const env::ComponentEntry& c,
                                      const env::Document& doc,
                                      std::optional<env::SecretStore>& secrets) {
  runtime::Policy p;
  for (const auto& spec : c.policy.env) {
    auto grant = runtime::parse_env_grant(spec);
    if (!grant)
      return make_error(grant.error().kind, "component " + name + ": " + grant.error().message);
    p.grants.env.push_back(std::move(*grant));
  }
  for (const auto& v : c.vars) p.grants.env.emplace_back(v, doc.vars.at(v));
  if (!c.secrets.empty() && !secrets)
    secrets.emplace(ASTERAI_TRY(env::SecretStore::open(env::SecretStore::default_folder(), false)));
  for (const auto& s : c.secrets) p.grants.env.emplace_back(s, ASTERAI_TRY(secrets->get(s)));
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

struct Loaded {
  LoadedEnv env;
  std::shared_ptr<const runtime::Composition> composition;
};

Result<Loaded> load_composition(const std::string& env_arg, const EnvRegistryFlags& flags,
                                bool offline, const EngineFlags& engine, bool progress) {
  Loaded out;
  out.env = ASTERAI_TRY(load_env(env_arg, flags, offline));
  const auto& doc = out.env.doc;
  if (doc.components.empty())
    return make_error(ErrorKind::not_found,
                      out.env.label + " has no components (add one with `asterai env add`)");
  bool fuel = false;
  for (const auto& [_, c] : doc.components) fuel = fuel || c.policy.fuel.has_value();
  auto rt = ASTERAI_TRY(runtime::Runtime::create(engine.to_options(fuel)));
  std::optional<env::SecretStore> secrets;
  std::vector<runtime::Member> members;
  for (const auto& [name, c] : doc.components) {
    auto file = ASTERAI_TRY(resolve_component(
        c.ref, {.offline = offline, .plain_http = flags.oci.plain_http, .progress = progress}));
    auto component = rt->load_file(file);
    if (!component)
      return make_error(component.error().kind,
                        "component " + name + ": " + component.error().message);
    auto policy = ASTERAI_TRY(member_policy(name, c, doc, secrets));
    members.push_back({name, *component, std::move(policy.grants), policy.limits});
  }
  std::vector<runtime::Wire> wires;
  for (const auto& w : doc.wires) wires.push_back({w.importer, w.interface, w.provider});
  out.composition =
      ASTERAI_TRY(runtime::Composition::link(rt, std::move(members), std::move(wires)));
  return out;
}

void print_output(const runtime::CallOutcome& o) {
  std::fwrite(o.out.data.data(), 1, o.out.data.size(), stderr);
  std::fwrite(o.err.data.data(), 1, o.err.data.size(), stderr);
  if (o.out.truncated || o.err.truncated) std::fputs("[guest output truncated]\n", stderr);
}

struct CallArgs {
  std::string env, component, function;
  std::vector<std::string> values;
  bool json = false, offline = false;
  EnvRegistryFlags registry;
  EngineFlags engine;
};

int call(const CallArgs& a) {
  auto emit = [&](const Error& e) {
    if (a.json) std::cout << nlohmann::json{{"ok", false}, {"error", error_json(e)}}.dump() << "\n";
    return report(e);
  };
  auto loaded = load_composition(a.env, a.registry, a.offline, a.engine, !a.json);
  if (!loaded) return emit(loaded.error());
  const auto* member = loaded->composition->find(a.component);
  if (!member) {
    std::string names;
    for (const auto& m : loaded->composition->members())
      names += (names.empty() ? "" : ", ") + m.name;
    return emit(make_error(ErrorKind::not_found, "no component " + a.component + " in " +
                                                     loaded->env.label + " (components: " + names +
                                                     ")")
                    .value());
  }
  auto function = member->component->find_function(a.function);
  if (!function) return emit(function.error());
  auto args = parse_call_arguments(**function, a.values);
  if (!args) return emit(args.error());
  auto outcome = loaded->composition->call(a.component, **function, *args);
  for (const auto& denied : outcome.denied_requests)
    std::fprintf(stderr,
                 "asterai: denied outgoing HTTP request to %s (not granted; see `asterai env grant "
                 "--allow-host`)\n",
                 denied.c_str());
  if (a.json) {
    nlohmann::json j = {{"ok", outcome.ok()},
                        {"env", loaded->env.label},
                        {"component", a.component},
                        {"function", (*function)->qualified_name()},
                        {"stdout", outcome.out.data},
                        {"stderr", outcome.err.data},
                        {"denied_requests", outcome.denied_requests}};
    if (outcome.ok())
      j["result"] = outcome.result;
    else
      j["error"] = error_json(*outcome.error);
    std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return outcome.ok() ? 0 : error_exit_code(outcome.error->kind);
  }
  print_output(outcome);
  if (!outcome.ok()) return report(*outcome.error);
  std::cout << outcome.result.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
            << "\n";
  return 0;
}

// A command component exports wasi:cli/run (`run: func() -> result`).
const runtime::FunctionInfo* run_function(const runtime::Component& c) {
  for (const auto& f : c.functions())
    if (f.interface.starts_with("wasi:cli/run@") && f.name == "run") return &f;
  return nullptr;
}

struct RunArgs {
  std::string env, component;
  bool offline = false;
  EnvRegistryFlags registry;
  EngineFlags engine;
};

int run(const RunArgs& a) {
  auto loaded = load_composition(a.env, a.registry, a.offline, a.engine, true);
  if (!loaded) return report(loaded.error());
  int status = 0;
  bool any = false;
  for (const auto& m : loaded->composition->members()) {
    if (!a.component.empty() && m.name != a.component) continue;
    const auto* f = run_function(*m.component);
    if (!f) {
      if (!a.component.empty())
        return report(make_error(ErrorKind::unknown_function,
                                 "component " + m.name +
                                     " is not a command (it does not export wasi:cli/run)")
                          .value());
      continue;
    }
    any = true;
    auto outcome = loaded->composition->call(m.name, *f, nlohmann::json::array());
    // A command's own output is its product: stdout stays stdout here.
    std::fwrite(outcome.out.data.data(), 1, outcome.out.data.size(), stdout);
    std::fwrite(outcome.err.data.data(), 1, outcome.err.data.size(), stderr);
    std::fflush(stdout);
    if (!outcome.ok()) {
      status = report(*outcome.error);
    } else if (outcome.result.is_object() && outcome.result.contains("err")) {
      std::fprintf(stderr, "error: command %s exited with an error\n", m.name.c_str());
      status = 1;
    }
  }
  if (!a.component.empty() && !loaded->composition->find(a.component))
    return report(
        make_error(ErrorKind::not_found, "no component " + a.component + " in " + loaded->env.label)
            .value());
  if (!any)
    return report(
        make_error(ErrorKind::not_found,
                   loaded->env.label + " has no command components (none exports wasi:cli/run)")
            .value());
  return status;
}

}  // namespace

void add_env_run_commands(CLI::App& env, int& exit_code) {
  {
    auto a = std::make_shared<CallArgs>();
    auto* cmd = env.add_subcommand(
        "call",
        "Call a function of one of the environment's components, with its grants and limits");
    cmd->add_option("env", a->env, "NS/NAME (draft), NS/NAME@VERSION or REGISTRY/NS/NAME:VERSION")
        ->required();
    cmd->add_option("component", a->component, "The component's name in the environment")
        ->required();
    cmd->add_option("function", a->function, "Function, as for `asterai call`")->required();
    cmd->add_option("args", a->values, "Arguments, as for `asterai call`");
    cmd->add_flag("--json", a->json, "Print a JSON envelope: ok, result or error, output");
    cmd->add_flag("--offline", a->offline, "Use the local store only; never pull");
    a->registry.add_to(*cmd);
    a->engine.add_to(*cmd, /*many_calls=*/false);
    cmd->callback([a, &exit_code] { exit_code = call(*a); });
  }
  {
    auto a = std::make_shared<RunArgs>();
    auto* cmd = env.add_subcommand(
        "run", "Run the environment's command components (wasi:cli/run), or one of them");
    cmd->add_option("env", a->env, "NS/NAME (draft), NS/NAME@VERSION or REGISTRY/NS/NAME:VERSION")
        ->required();
    cmd->add_option("component", a->component, "Only this component");
    cmd->add_flag("--offline", a->offline, "Use the local store only; never pull");
    a->registry.add_to(*cmd);
    a->engine.add_to(*cmd, /*many_calls=*/false);
    cmd->callback([a, &exit_code] { exit_code = run(*a); });
  }
}

}  // namespace asterai::cli
