// `asterai env init | add | remove | set-var | unset-var | grant | limit | inspect | ls`:
// editing drafts and looking at environments (`env update` is in env_cmd_update.cpp). Registry
// commands are in env_cmd_registry.cpp, secrets in env_cmd_secret.cpp, call/run in env_cmd_run.cpp.
#include <iostream>
#include <map>
#include <optional>

#include "asterai/common/units.h"
#include "asterai/host/composition.h"
#include "asterai/runtime/sandbox.h"
#include "commands.h"
#include "env_cmd.h"
#include "env_common.h"
#include "output.h"

namespace asterai::cli {
namespace {

template <class T>
void remove_all(std::vector<T>& v, const T& item) {
  std::erase(v, item);
}

void add_unique(std::vector<std::string>& v, const std::string& item) {
  if (std::find(v.begin(), v.end(), item) == v.end()) v.push_back(item);
}

Result<env::ComponentEntry*> component_of(env::Document& doc, const std::string& name) {
  auto it = doc.components.find(name);
  if (it == doc.components.end())
    return make_error(ErrorKind::not_found, "no component " + name + " in the environment");
  return &it->second;
}

// "HOST[:GUEST][:ro|rw]"
Result<env::DirSpec> parse_dir_flag(const std::string& spec) {
  env::DirSpec d;
  std::string rest = spec;
  if (rest.size() > 3 && (rest.ends_with(":ro") || rest.ends_with(":rw"))) {
    d.mode = rest.substr(rest.size() - 2);
    rest.resize(rest.size() - 3);
  }
  auto colon = rest.find(':');
  d.host = rest.substr(0, colon);
  d.guest = colon == std::string::npos ? d.host : rest.substr(colon + 1);
  if (auto ok = env::validate_dir(d); !ok)
    return make_error(ErrorKind::usage, "--dir " + spec + ": " + ok.error().message);
  return d;
}

struct GrantArgs {
  std::string env, component;
  std::vector<std::string> env_specs, dirs, hosts, vars, secrets;
  bool revoke = false;
};

Result<void> apply_grant(const GrantArgs& a, env::Document& doc) {
  auto* c = ASTERAI_TRY(component_of(doc, a.component));
  auto& p = c->policy;
  for (const auto& spec : a.env_specs) {
    if (auto ok = env::validate_env_grant(spec); !ok)
      return make_error(ErrorKind::usage, "--env: " + ok.error().message);
    a.revoke ? remove_all(p.env, spec) : add_unique(p.env, spec);
  }
  for (const auto& host : a.hosts) {
    if (auto ok = runtime::validate_host_pattern(host); !ok)
      return make_error(ErrorKind::usage, "--allow-host: " + ok.error().message);
    a.revoke ? remove_all(p.allow_hosts, host) : add_unique(p.allow_hosts, host);
  }
  for (const auto& spec : a.dirs) {
    auto d = ASTERAI_TRY(parse_dir_flag(spec));
    if (a.revoke)
      std::erase_if(p.dirs, [&](const env::DirSpec& x) { return x.guest == d.guest; });
    else if (std::find(p.dirs.begin(), p.dirs.end(), d) == p.dirs.end())
      p.dirs.push_back(d);
  }
  for (const auto& v : a.vars) {
    if (!a.revoke && !doc.vars.contains(v))
      return make_error(ErrorKind::not_found,
                        "no var " + v + " in the environment (set it first: `asterai env set-var " +
                            a.env + " " + v + " VALUE`)");
    a.revoke ? remove_all(c->vars, v) : add_unique(c->vars, v);
  }
  for (const auto& s : a.secrets) {
    if (!env::is_valid_var_name(s))
      return make_error(ErrorKind::usage,
                        "bad secret name \"" + s + "\" (use [A-Za-z_][A-Za-z0-9_]*)");
    if (a.revoke) {
      remove_all(c->secrets, s);
    } else {
      add_unique(doc.secrets, s);  // granting a secret declares the reference
      add_unique(c->secrets, s);
    }
  }
  return {};
}

struct LimitArgs {
  std::string env, component, timeout, max_memory, max_output;
  std::optional<uint64_t> fuel;
  bool clear = false;
};

Result<void> apply_limit(const LimitArgs& a, env::Document& doc) {
  auto* c = ASTERAI_TRY(component_of(doc, a.component));
  auto& p = c->policy;
  if (a.clear) {
    p.timeout.reset();
    p.max_memory.reset();
    p.max_output.reset();
    p.fuel.reset();
  }
  if (!a.timeout.empty()) {
    ASTERAI_TRY(parse_duration(a.timeout, "--timeout"));
    p.timeout = a.timeout;
  }
  if (!a.max_memory.empty()) {
    ASTERAI_TRY(parse_size(a.max_memory, "--max-memory"));
    p.max_memory = a.max_memory;
  }
  if (!a.max_output.empty()) {
    ASTERAI_TRY(parse_size(a.max_output, "--max-output"));
    p.max_output = a.max_output;
  }
  if (a.fuel) {
    if (*a.fuel == 0) return make_error(ErrorKind::usage, "--fuel must be a positive integer");
    p.fuel = a.fuel;
  }
  return {};
}

nlohmann::json component_json(const env::ComponentEntry& c) {
  nlohmann::json dirs = nlohmann::json::array();
  for (const auto& d : c.policy.dirs)
    dirs.push_back({{"host", d.host}, {"guest", d.guest}, {"mode", d.mode}});
  nlohmann::json limits = nlohmann::json::object();
  if (c.policy.timeout) limits["timeout"] = *c.policy.timeout;
  if (c.policy.max_memory) limits["max_memory"] = *c.policy.max_memory;
  if (c.policy.max_output) limits["max_output"] = *c.policy.max_output;
  if (c.policy.fuel) limits["fuel"] = *c.policy.fuel;
  nlohmann::json j = {
      {"ref", c.ref},
      {"local", !c.path.empty()},
      {"vars", c.vars},
      {"secrets", c.secrets},
      {"grants", {{"env", c.policy.env}, {"dirs", dirs}, {"allow_hosts", c.policy.allow_hosts}}},
      {"limits", limits}};
  if (!c.path.empty()) j["path"] = c.path;
  if (!c.http.empty()) j["http"] = c.http;
  if (c.http_max_body) j["http_max_body"] = *c.http_max_body;
  return j;
}

nlohmann::json schedule_json(const env::ScheduleSpec& s) {
  return {{"name", s.name},
          {"member", s.member},
          {"function", s.function.empty() ? nlohmann::json() : nlohmann::json(s.function)},
          {"args", s.args},
          {"cron", s.cron},
          {"timezone", s.timezone.empty() ? "UTC" : s.timezone},
          {"missed", schedule::missed_policy_name(s.missed)},
          {"overlap", schedule::overlap_policy_name(s.overlap)}};
}

// Each member's imports and who provides them (the host, another member, nobody): the
// environment is loaded and linked as `env call` would.
using MemberImports = std::map<std::string, std::vector<runtime::ItemInfo>>;

Result<MemberImports> member_imports(const std::string& env_arg, const EnvRegistryFlags& flags,
                                     bool offline) {
  EngineFlags engine;
  auto loaded = ASTERAI_TRY(host::load_composition(env_arg, load_options(flags, offline, engine)));
  MemberImports out;
  for (const auto& m : loaded.composition->members())
    if (const auto* imports = loaded.composition->imports(m.name)) out[m.name] = *imports;
  return out;
}

int inspect(const LoadedEnv& e, bool json, const MemberImports* imports) {
  const auto& d = e.doc;
  auto imports_of = [&](const std::string& name) -> const std::vector<runtime::ItemInfo>* {
    if (!imports) return nullptr;
    auto it = imports->find(name);
    return it == imports->end() ? nullptr : &it->second;
  };
  if (json) {
    nlohmann::json j = {{"env", e.label},
                        {"source", e.source},
                        {"draft", !e.ref.has_value()},
                        {"vars", d.vars},
                        {"secrets", d.secrets},
                        {"components", nlohmann::json::object()},
                        {"wires", nlohmann::json::array()},
                        {"schedules", nlohmann::json::array()}};
    if (!e.layer_digest.empty()) j["digest"] = e.layer_digest;
    for (const auto& s : d.schedules) j["schedules"].push_back(schedule_json(s));
    for (const auto& [name, c] : d.components) {
      j["components"][name] = component_json(c);
      if (const auto* list = imports_of(name)) {
        auto& out = j["components"][name]["imports"] = nlohmann::json::array();
        for (const auto& i : *list) out.push_back(import_json(i));
      }
    }
    for (const auto& w : d.wires)
      j["wires"].push_back(
          {{"importer", w.importer}, {"interface", w.interface}, {"provider", w.provider}});
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::cout << e.label << (e.ref ? "" : " (draft)") << "\n";
  if (!e.layer_digest.empty()) std::cout << "digest: " << e.layer_digest << "\n";
  std::cout << "source: " << e.source << "\n";
  if (!d.vars.empty()) {
    std::cout << "vars:\n";
    for (const auto& [k, v] : d.vars) std::cout << "  " << k << " = " << v << "\n";
  }
  if (!d.secrets.empty()) {
    std::cout << "secrets (names only):";
    for (const auto& s : d.secrets) std::cout << " " << s;
    std::cout << "\n";
  }
  std::cout << "components:" << (d.components.empty() ? " none" : "") << "\n";
  for (const auto& [name, c] : d.components) {
    if (c.path.empty())
      std::cout << "  " << name << ": " << c.ref << "\n";
    else
      std::cout << "  " << name << ": local " << c.ref.substr(oci::kLocalRefPrefix.size())
                << " (from " << c.path << "; `asterai env update` reads it again)\n";
    auto line = [](const char* what, const std::vector<std::string>& v) {
      if (v.empty()) return;
      std::cout << "    " << what << ":";
      for (const auto& x : v) std::cout << " " << x;
      std::cout << "\n";
    };
    line("vars", c.vars);
    line("secrets", c.secrets);
    line("env", c.policy.env);
    line("allow hosts", c.policy.allow_hosts);
    for (const auto& dir : c.policy.dirs)
      std::cout << "    dir: " << dir.host << " -> " << dir.guest << " (" << dir.mode << ")\n";
    auto limits = component_json(c)["limits"];
    if (!limits.empty()) std::cout << "    limits: " << limits.dump() << "\n";
    if (!c.http.empty()) std::cout << "    http route: " << c.http << "\n";
    if (c.http_max_body) std::cout << "    http max body: " << *c.http_max_body << "\n";
    if (const auto* list = imports_of(name)) {
      std::cout << "    imports:" << (list->empty() ? " none" : "") << "\n";
      for (const auto& i : *list) std::cout << "      " << i.name << ": " << import_text(i) << "\n";
    }
  }
  for (const auto& w : d.wires)
    std::cout << "wire: " << w.importer << " gets " << w.interface << " from " << w.provider
              << "\n";
  for (const auto& s : d.schedules)
    std::cout << "schedule " << s.name << ": " << s.member << " "
              << (s.function.empty() ? "wasi:cli/run" : s.function) << " " << s.args.dump()
              << " at \"" << s.cron << "\" (" << (s.timezone.empty() ? "UTC" : s.timezone)
              << "; missed: " << schedule::missed_policy_name(s.missed)
              << ", overlap: " << schedule::overlap_policy_name(s.overlap) << ")\n";
  return 0;
}

int list(bool json) {
  auto local = env::LocalEnvs::open_default();
  auto drafts = local.drafts();
  auto pulled = local.pulled();
  if (json) {
    nlohmann::json j = {{"drafts", drafts}, {"versions", nlohmann::json::array()}};
    for (const auto& p : pulled)
      j["versions"].push_back(
          {{"ref", p.ref}, {"digest", p.layer_digest}, {"manifest", p.manifest_digest}});
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  for (const auto& d : drafts) std::cout << d << "  (draft)\n";
  for (const auto& p : pulled) std::cout << p.ref << "  " << p.layer_digest << "\n";
  return 0;
}

}  // namespace

void add_env_commands(CLI::App& app, int& exit_code) {
  auto* env = app.add_subcommand(
      "env", "Environments: components + vars + secret references + grants and limits, versioned");
  env->require_subcommand(1);

  {
    auto name = std::make_shared<std::string>();
    auto* cmd = env->add_subcommand("init", "Create an empty draft environment NS/NAME");
    cmd->add_option("env", *name, "NS/NAME")->required();
    cmd->callback([name, &exit_code] {
      auto n = require_draft(*name);
      if (!n) {
        exit_code = report(n.error());
        return;
      }
      auto local = env::LocalEnvs::open_default();
      if (local.has_draft(*n)) {
        exit_code = report(make_error(ErrorKind::conflict, "draft " + *n + " exists already (" +
                                                               local.draft_path(*n).string() + ")")
                               .value());
        return;
      }
      exit_code = finish_edit(local.write_draft(*n, env::serialize_document({})),
                              "created draft " + *n + " at " + local.draft_path(*n).string());
    });
  }
  {
    struct A {
      std::string env, name, ref;
    };
    auto a = std::make_shared<A>();
    auto* cmd = env->add_subcommand(
        "add",
        "Add a component to a draft under a name: a registry reference, or a .wasm file (copied "
        "into the local store and pinned by digest; adding it again takes the new build)");
    cmd->add_option("env", a->env, "NS/NAME (a draft)")->required();
    cmd->add_option("name", a->name, "The component's name in the environment")->required();
    cmd->add_option("ref", a->ref,
                    "REGISTRY/NS/NAME:VERSION, REGISTRY/NS/NAME@sha256:…, or FILE.wasm")
        ->required();
    cmd->callback([a, &exit_code] {
      exit_code = [&]() -> int {
        auto n = require_draft(a->env);
        if (!n) return report(n.error());
        if (!env::is_valid_component_name(a->name))
          return report(
              make_error(ErrorKind::usage, "bad component name \"" + a->name +
                                               "\" (use lower-case letters, digits, '-' and '_')")
                  .value());
        bool is_file = is_file_argument(a->ref);
        // Only a local component is added again (to take its new build); checked before
        // anything is copied into the store.
        auto taken = [&](const env::Document& d) -> Result<void> {
          auto it = d.components.find(a->name);
          if (it != d.components.end() && (!is_file || it->second.path.empty()))
            return make_error(ErrorKind::conflict, "component " + a->name + " is already in " + *n);
          return {};
        };
        auto draft = host::load_env(*n, {}, true);
        if (!draft) return report(draft.error());
        if (auto ok = taken(draft->doc); !ok) return report(ok.error());
        std::optional<env::LocalComponent> local;
        if (is_file) {
          auto imported = import_component_file(a->ref);
          if (!imported) return report(imported.error());
          local = std::move(*imported);
        } else if (oci::is_local_ref(a->ref) || !env::validate_component_ref(a->ref)) {
          return report(make_error(ErrorKind::usage,
                                   "bad component reference \"" + a->ref +
                                       "\" (write REGISTRY/NS/NAME:VERSION, "
                                       "REGISTRY/NS/NAME@sha256:… or the path of a .wasm file)")
                            .value());
        }
        bool replaced = false;
        std::string added = local ? local->ref + " from " + local->path : a->ref;
        auto edited = edit_draft(*n, [&](env::Document& d) -> Result<void> {
          ASTERAI_TRY(taken(d));
          // Adding a local component again takes its new build, keeping its grants and limits.
          auto& c = d.components[a->name];
          replaced = !c.ref.empty();
          c.ref = local ? local->ref : a->ref;
          c.path = local ? local->path : "";
          return {};
        });
        return finish_edit(edited, std::string(replaced ? "updated " : "added ") + a->name + " (" +
                                       added + ") " + (replaced ? "in " : "to ") + *n);
      }();
    });
  }
  {
    auto a = std::make_shared<std::pair<std::string, std::string>>();
    auto* cmd = env->add_subcommand("remove", "Remove a component (and its wires) from a draft");
    cmd->add_option("env", a->first, "NS/NAME (a draft)")->required();
    cmd->add_option("name", a->second, "The component's name")->required();
    cmd->callback([a, &exit_code] {
      auto n = require_draft(a->first);
      if (!n) {
        exit_code = report(n.error());
        return;
      }
      exit_code =
          finish_edit(edit_draft(*n,
                                 [&](env::Document& d) -> Result<void> {
                                   ASTERAI_TRY(component_of(d, a->second));
                                   d.components.erase(a->second);
                                   std::erase_if(d.wires, [&](const env::WireSpec& w) {
                                     return w.importer == a->second || w.provider == a->second;
                                   });
                                   return {};
                                 }),
                      "removed " + a->second + " from " + *n);
    });
  }
  {
    struct A {
      std::string env, name, value;
    };
    auto a = std::make_shared<A>();
    auto* cmd = env->add_subcommand("set-var", "Set a plain configuration value (never a secret)");
    cmd->add_option("env", a->env, "NS/NAME (a draft)")->required();
    cmd->add_option("name", a->name, "Variable name ([A-Za-z_][A-Za-z0-9_]*)")->required();
    cmd->add_option("value", a->value, "Its value")->required();
    cmd->callback([a, &exit_code] {
      auto n = require_draft(a->env);
      if (!n) {
        exit_code = report(n.error());
        return;
      }
      if (!env::is_valid_var_name(a->name)) {
        exit_code = report(make_error(ErrorKind::usage, "bad var name \"" + a->name +
                                                            "\" (use [A-Za-z_][A-Za-z0-9_]*)")
                               .value());
        return;
      }
      exit_code = finish_edit(edit_draft(*n,
                                         [&](env::Document& d) -> Result<void> {
                                           d.vars[a->name] = a->value;
                                           return {};
                                         }),
                              "set " + a->name + " in " + *n);
    });
  }
  {
    auto a = std::make_shared<std::pair<std::string, std::string>>();
    auto* cmd =
        env->add_subcommand("unset-var", "Remove a var (refused while a component receives it)");
    cmd->add_option("env", a->first, "NS/NAME (a draft)")->required();
    cmd->add_option("name", a->second, "Variable name")->required();
    cmd->callback([a, &exit_code] {
      const std::string& n = a->first;
      exit_code = edit_draft_command(
          n,
          [&](env::Document& d) -> Result<void> {
            if (!d.vars.erase(a->second))
              return make_error(ErrorKind::not_found, "no var " + a->second + " in " + n);
            for (const auto& [cname, c] : d.components)
              if (std::find(c.vars.begin(), c.vars.end(), a->second) != c.vars.end())
                return make_error(ErrorKind::conflict,
                                  "component " + cname + " receives " + a->second +
                                      "; revoke it first (`asterai env grant --revoke " + n + " " +
                                      cname + " --var " + a->second + "`)");
            return {};
          },
          "unset " + a->second + " in " + n);
    });
  }
  {
    auto a = std::make_shared<GrantArgs>();
    auto* cmd = env->add_subcommand("grant",
                                    "Grant a component env vars, directories, hosts, vars or "
                                    "secrets (--revoke takes them away)");
    cmd->add_option("env", a->env, "NS/NAME (a draft)")->required();
    cmd->add_option("component", a->component, "The component's name")->required();
    cmd->add_option("--env", a->env_specs, "KEY=VALUE, or KEY for the host's value at call time");
    cmd->add_option("--dir", a->dirs,
                    "HOST[:GUEST][:ro|rw] (relative hosts: the working folder at call time)");
    cmd->add_option("--allow-host", a->hosts, "Outgoing HTTP host pattern (docs/policy.md)");
    cmd->add_option("--var", a->vars,
                    "A var of the environment, received as an environment variable");
    cmd->add_option("--secret", a->secrets,
                    "A secret by name, received as an environment variable");
    cmd->add_flag("--revoke", a->revoke, "Take the listed grants away instead");
    cmd->callback([a, &exit_code] {
      auto n = require_draft(a->env);
      if (!n) {
        exit_code = report(n.error());
        return;
      }
      if (a->env_specs.empty() && a->dirs.empty() && a->hosts.empty() && a->vars.empty() &&
          a->secrets.empty()) {
        exit_code = report(
            make_error(ErrorKind::usage,
                       "nothing to grant: pass --env, --dir, --allow-host, --var or --secret")
                .value());
        return;
      }
      exit_code = finish_edit(
          edit_draft(*n, [&](env::Document& d) { return apply_grant(*a, d); }),
          std::string(a->revoke ? "revoked" : "granted") + " for " + a->component + " in " + *n);
    });
  }
  {
    auto a = std::make_shared<LimitArgs>();
    auto* cmd =
        env->add_subcommand("limit", "Set a component's limits: timeout, memory, output, fuel");
    cmd->add_option("env", a->env, "NS/NAME (a draft)")->required();
    cmd->add_option("component", a->component, "The component's name")->required();
    cmd->add_option("--timeout", a->timeout, "Wall-clock limit per call, e.g. 5s");
    cmd->add_option("--max-memory", a->max_memory, "Linear memory limit, e.g. 64MiB");
    cmd->add_option("--max-output", a->max_output, "Captured stdout/stderr per call, e.g. 1MiB");
    cmd->add_option("--fuel", a->fuel, "CPU budget in fuel units");
    cmd->add_flag("--clear", a->clear, "Drop every limit first (back to the defaults)");
    cmd->callback([a, &exit_code] {
      auto n = require_draft(a->env);
      if (!n) {
        exit_code = report(n.error());
        return;
      }
      if (!a->clear && a->timeout.empty() && a->max_memory.empty() && a->max_output.empty() &&
          !a->fuel) {
        exit_code = report(
            make_error(
                ErrorKind::usage,
                "nothing to set: pass --timeout, --max-memory, --max-output, --fuel or --clear")
                .value());
        return;
      }
      exit_code = finish_edit(edit_draft(*n, [&](env::Document& d) { return apply_limit(*a, d); }),
                              "limits set for " + a->component + " in " + *n);
    });
  }
  {
    struct A {
      std::string env;
      bool json = false, offline = false, imports = false;
      EnvRegistryFlags registry;
    };
    auto a = std::make_shared<A>();
    auto* cmd = env->add_subcommand(
        "inspect", "Show an environment: components, vars, secret names, grants, limits");
    cmd->add_flag("--imports", a->imports,
                  "Also load and link the components and show who provides each import (the "
                  "host, another component, or nobody)");
    cmd->add_option("env", a->env, "NS/NAME (draft), NS/NAME@VERSION or REGISTRY/NS/NAME:VERSION")
        ->required();
    cmd->add_flag("--json", a->json, "Print JSON");
    cmd->add_flag("--offline", a->offline, "Use local copies only; never pull");
    a->registry.add_to(*cmd);
    cmd->callback([a, &exit_code] {
      auto e = host::load_env(a->env, a->registry.options(), a->offline);
      if (!e) {
        exit_code = report(e.error());
        return;
      }
      std::optional<MemberImports> imports;
      if (a->imports) {
        auto found = member_imports(a->env, a->registry, a->offline);
        if (!found) {
          exit_code = report(found.error());
          return;
        }
        imports = std::move(*found);
      }
      exit_code = inspect(*e, a->json, imports ? &*imports : nullptr);
    });
  }
  {
    auto json = std::make_shared<bool>(false);
    auto* cmd = env->add_subcommand("ls", "List local drafts and pulled versions");
    cmd->add_flag("--json", *json, "Print JSON");
    cmd->callback([json, &exit_code] { exit_code = list(*json); });
  }
  add_env_update_command(*env, exit_code);
  add_env_secret_commands(*env, exit_code);
  add_env_registry_commands(*env, exit_code);
  add_env_run_commands(*env, exit_code);
  add_env_runs_command(*env, exit_code);
  add_env_schedule_commands(*env, exit_code);
}

}  // namespace asterai::cli
