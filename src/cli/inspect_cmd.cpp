// `asterai inspect FILE`: imports, exports, and every exported function with its WIT-like
// signature and JSON schemas.
#include <cstdio>
#include <iostream>

#include "asterai/host/resolve.h"
#include "asterai/runtime/schema.h"
#include "commands.h"
#include "oci_common.h"
#include "output.h"

namespace asterai::cli {
namespace {

struct InspectArgs {
  std::string file;
  bool json = false;
  bool schemas = false;
  bool offline = false;
  EngineFlags engine;
};

nlohmann::json function_json(const runtime::FunctionInfo& f) {
  nlohmann::json j = {{"name", f.name},
                      {"interface", f.interface},
                      {"qualified_name", f.qualified_name()},
                      {"signature", f.signature()}};
  if (f.unsupported.empty()) {
    j["input_schema"] = runtime::input_schema(f);
    j["output_schema"] = runtime::output_schema(f);
  } else {
    j["unsupported"] = f.unsupported;
  }
  return j;
}

int inspect(const InspectArgs& args) {
  auto rt = runtime::Runtime::create(args.engine.to_options(false));
  if (!rt) return report(rt.error());
  auto progress = make_progress(args.json);
  auto file =
      host::resolve_component(args.file, {.offline = args.offline, .progress = progress.get()});
  if (!file) {
    if (args.json) std::cout << nlohmann::json{{"error", error_json(file.error())}}.dump(2) << "\n";
    return report(file.error());
  }
  auto component = (*rt)->load_file(*file);
  if (!component) {
    if (args.json)
      std::cout << nlohmann::json{{"error", error_json(component.error())}}.dump(2) << "\n";
    return report(component.error());
  }
  const auto& c = **component;
  if (args.json) {
    nlohmann::json out = {
        {"component", {{"path", args.file}, {"sha256", c.sha256()}, {"size", c.size_bytes()}}}};
    out["imports"] = nlohmann::json::array();
    for (const auto& i : c.imports()) out["imports"].push_back(import_json(i));
    out["exports"] = nlohmann::json::array();
    for (const auto& e : c.exports())
      out["exports"].push_back({{"name", e.name}, {"kind", e.kind}});
    out["functions"] = nlohmann::json::array();
    for (const auto& f : c.functions()) out["functions"].push_back(function_json(f));
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::cout << "component " << args.file << "\n  sha256:" << c.sha256() << "  "
            << human_size(c.size_bytes()) << "\n\nimports:\n";
  if (c.imports().empty()) std::cout << "  (none)\n";
  for (const auto& i : c.imports())
    std::cout << "  " << i.name << " (" << i.kind << "): " << import_text(i) << "\n";
  std::cout << "\nexports:\n";
  for (const auto& e : c.exports()) std::cout << "  " << e.name << " (" << e.kind << ")\n";
  std::cout << "\nfunctions:\n";
  for (const auto& f : c.functions()) {
    std::cout << "  " << f.qualified_name() << ": " << f.signature() << "\n";
    if (!f.unsupported.empty()) {
      std::cout << "      unsupported in a tool signature: " << f.unsupported << "\n";
    } else if (args.schemas) {
      std::cout << "      input:  " << runtime::input_schema(f).dump() << "\n"
                << "      output: " << runtime::output_schema(f).dump() << "\n";
    }
  }
  if (!args.schemas)
    std::cout << "\n(--schemas shows each function's JSON Schemas; --json for machines)\n";
  return 0;
}

}  // namespace

void add_inspect_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<InspectArgs>();
  auto* cmd = app.add_subcommand(
      "inspect",
      "Show a component's imports (and who provides them), exports, functions and schemas");
  cmd->add_option("component", args->file, "Component file (.wasm) or REGISTRY/NS/NAME:VERSION")
      ->required();
  cmd->add_flag("--json", args->json, "Print machine-readable JSON (includes the JSON Schemas)");
  cmd->add_flag("--schemas", args->schemas,
                "Also print each function's input and output JSON Schema");
  cmd->add_flag("--offline", args->offline, "Use the local store only; never pull");
  args->engine.add_to(*cmd, /*many_calls=*/false);
  cmd->callback([args, &exit_code] { exit_code = inspect(*args); });
}

}  // namespace asterai::cli
