#include "env_common.h"

#include <iostream>

#include "asterai/env/local.h"
#include "output.h"

namespace asterai::cli {

void EnvRegistryFlags::add_to(CLI::App& cmd) {
  cmd.add_option("--registry", registry,
                 "Registry host for NS/NAME@VERSION and push (default: $ASTERAI_REGISTRY)");
  oci.add_to(cmd);
}

host::LoadOptions load_options(const EnvRegistryFlags& registry, bool offline,
                               const EngineFlags& engine, oci::Progress* progress) {
  return {.registry = registry.options(),
          .offline = offline,
          .engine = engine.to_options(false),
          .progress = progress};
}

int finish_edit(Result<void> r, const std::string& done) {
  if (!r) return report(r.error());
  std::cout << done << "\n";
  return 0;
}

int edit_draft_command(const std::string& env_arg,
                       const std::function<Result<void>(env::Document&)>& change,
                       const std::string& done) {
  auto n = require_draft(env_arg);
  if (!n) return report(n.error());
  return finish_edit(edit_draft(*n, change), done);
}

Result<std::string> require_draft(const std::string& text) {
  if (auto name = draft_name(text)) return *name;
  return make_error(ErrorKind::usage,
                    "\"" + text +
                        "\" is not a draft name: write NS/NAME (lower-case; pushed versions "
                        "cannot be edited)");
}

bool is_file_argument(const std::string& text) {
  std::error_code ec;
  if (std::filesystem::exists(text, ec)) return true;
  return !oci::looks_like_reference(text) && !oci::is_local_ref(text) &&
         (text.ends_with(".wasm") || text.starts_with(".") || text.starts_with("/") ||
          text.starts_with("~"));
}

Result<env::LocalComponent> import_component_file(const std::string& file) {
  EngineFlags engine;  // the compile cache of `asterai call`, so the first call is warm
  engine.many_calls = false;
  auto runtime = ASTERAI_TRY(runtime::Runtime::create(engine.to_options(false)));
  auto store = ASTERAI_TRY(open_store());
  return env::import_local_component(file, *runtime, store);
}

}  // namespace asterai::cli
