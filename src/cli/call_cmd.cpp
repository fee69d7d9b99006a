// `asterai call FILE FUNCTION [ARGS...]`: one sandboxed call, result as JSON on stdout.
#include <cstdio>
#include <iostream>

#include "asterai/host/resolve.h"
#include "call_arguments.h"
#include "commands.h"
#include "oci_common.h"
#include "output.h"
#include "sandbox_flags.h"
#include "verbatim_values.h"

namespace asterai::cli {
namespace {

struct CallArgs {
  std::string file;
  std::string function;
  std::vector<std::string> values;
  bool json = false;
  bool stats = false;
  bool offline = false;
  SandboxFlags sandbox;
  EngineFlags engine;
};

nlohmann::json stats_json(const runtime::CallStats& s, const runtime::Component& c) {
  nlohmann::json j = {{"wall_ms", s.wall_ms},
                      {"instantiate_ms", s.instantiate_ms},
                      {"run_ms", s.run_ms},
                      {"load_ms", c.load_ms()},
                      {"compile_cache_hit", c.from_cache()},
                      {"stdout_bytes", s.stdout_bytes},
                      {"stderr_bytes", s.stderr_bytes},
                      {"peak_memory_bytes", s.peak_memory_bytes},
                      {"http_requests", s.http_requests},
                      {"http_bytes_sent", s.http_bytes_sent},
                      {"http_bytes_received", s.http_bytes_received}};
  if (s.fuel_used) j["fuel_used"] = *s.fuel_used;
  return j;
}

int call(const CallArgs& a) {
  auto emit_error = [&](const Error& e) {
    if (a.json) std::cout << nlohmann::json{{"ok", false}, {"error", error_json(e)}}.dump() << "\n";
    return report(e);
  };
  auto policy = a.sandbox.effective_policy();
  if (!policy) return emit_error(policy.error());

  auto rt = runtime::Runtime::create(a.engine.to_options(policy->limits.fuel.has_value()));
  if (!rt) return emit_error(rt.error());
  auto progress = make_progress(a.json);
  auto file = host::resolve_component(a.file, {.offline = a.offline, .progress = progress.get()});
  if (!file) return emit_error(file.error());
  auto component = (*rt)->load_file(*file);
  if (!component) return emit_error(component.error());
  auto function = (*component)->find_function(a.function);
  if (!function) return emit_error(function.error());
  auto args = parse_call_arguments(**function, a.values);
  if (!args) return emit_error(args.error());

  auto outcome = (*rt)->call(**component, **function, *args, policy->limits, policy->grants);
  for (const auto& denied : outcome.denied_requests) {
    std::fprintf(stderr,
                 "asterai: denied outgoing HTTP request to %s (not granted; see --allow-host)\n",
                 denied.c_str());
  }
  if (a.json) {
    nlohmann::json env = {{"ok", outcome.ok()},
                          {"function", (*function)->qualified_name()},
                          {"stdout", outcome.out.data},
                          {"stderr", outcome.err.data},
                          {"stdout_truncated", outcome.out.truncated},
                          {"stderr_truncated", outcome.err.truncated},
                          {"denied_requests", outcome.denied_requests},
                          {"stats", stats_json(outcome.stats, **component)}};
    if (outcome.ok())
      env["result"] = outcome.result;
    else
      env["error"] = error_json(*outcome.error);
    std::cout << env.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return outcome.ok() ? 0 : error_exit_code(outcome.error->kind);
  }
  // The guest's own output goes to stderr so stdout carries only the result.
  std::fwrite(outcome.out.data.data(), 1, outcome.out.data.size(), stderr);
  std::fwrite(outcome.err.data.data(), 1, outcome.err.data.size(), stderr);
  if (outcome.out.truncated || outcome.err.truncated)
    std::fputs("[guest output truncated]\n", stderr);
  if (a.stats)
    std::fprintf(stderr, "stats: %s\n", stats_json(outcome.stats, **component).dump().c_str());
  if (!outcome.ok()) return report(*outcome.error);
  std::cout << outcome.result.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
            << "\n";
  return 0;
}

}  // namespace

void add_call_command(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<CallArgs>();
  auto* cmd =
      app.add_subcommand("call", "Call one exported function of a component with JSON arguments");
  cmd->add_option("component", a->file, "Component file (.wasm) or REGISTRY/NS/NAME:VERSION")
      ->required();
  cmd->add_option("function", a->function,
                  "Function: iface/func, ns:pkg/iface@ver#func, /func (world level) or a bare name")
      ->required();
  cmd->add_option(
      "args", a->values,
      "Arguments: one JSON object of named parameters, or one JSON value per parameter; every "
      "word after FUNCTION is passed as typed (only this command's --flags are taken out)");
  take_values_verbatim(cmd, 2, &a->values);
  cmd->add_flag("--json", a->json,
                "Print a JSON envelope: ok, result or error{kind,message}, output, stats");
  cmd->add_flag("--stats", a->stats, "Print timings and metering to stderr");
  a->sandbox.add_to(*cmd);
  cmd->add_flag("--offline", a->offline, "Use the local store only; never pull");
  a->engine.add_to(*cmd, /*many_calls=*/false);
  cmd->callback([a, &exit_code] { exit_code = call(*a); });
}

}  // namespace asterai::cli
