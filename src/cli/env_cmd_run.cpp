// `asterai env call | run`: the environment's components linked into one
// runtime::Composition (asterai/host/composition.h) so cross-component imports resolve at load
// time.
#include <cstdio>
#include <iostream>

#include "asterai/runtime/composition.h"
#include "call_arguments.h"
#include "env_cmd.h"
#include "env_common.h"
#include "output.h"
#include "verbatim_values.h"

namespace asterai::cli {
namespace {

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
  auto progress = make_progress(a.json);
  auto loaded =
      host::load_composition(a.env, load_options(a.registry, a.offline, a.engine, progress.get()));
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

struct RunArgs {
  std::string env, component;
  bool offline = false;
  EnvRegistryFlags registry;
  EngineFlags engine;
};

int run(const RunArgs& a) {
  auto progress = make_progress(false);
  auto loaded =
      host::load_composition(a.env, load_options(a.registry, a.offline, a.engine, progress.get()));
  if (!loaded) return report(loaded.error());
  int status = 0;
  bool any = false;
  for (const auto& m : loaded->composition->members()) {
    if (!a.component.empty() && m.name != a.component) continue;
    const auto* f = host::command_function(*m.component);
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
    cmd->add_option("args", a->values, "Arguments, as for `asterai call` (passed as typed)");
    take_values_verbatim(cmd, 3, &a->values);
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
