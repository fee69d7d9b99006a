// `asterai env update ENV [COMPONENT…]`: copies the local components of a draft (those added
// from a file) from their files again, so the draft runs the new build. Until then, editing
// or rebuilding the file changes nothing: the draft names the copy by its digest.
#include <iostream>

#include "env_cmd.h"
#include "env_common.h"
#include "output.h"

namespace asterai::cli {
namespace {

struct UpdateArgs {
  std::string env;
  std::vector<std::string> components;
};

int update(const UpdateArgs& a) {
  auto name = require_draft(a.env);
  if (!name) return report(name.error());
  auto draft = host::load_env(*name, {}, true);
  if (!draft) return report(draft.error());
  const auto& doc = draft->doc;
  for (const auto& c : a.components) {
    auto it = doc.components.find(c);
    if (it == doc.components.end())
      return report(
          make_error(ErrorKind::not_found, "no component " + c + " in the environment").value());
    if (it->second.path.empty())
      return report(make_error(ErrorKind::usage,
                               "component " + c + " comes from a registry (" + it->second.ref +
                                   "); `env update` reads local components (added from a file)")
                        .value());
  }
  // Every file is read and checked before the draft changes: one bad file updates nothing.
  std::map<std::string, env::LocalComponent> fresh;
  for (const auto& [member, c] : doc.components) {
    bool wanted = a.components.empty() ||
                  std::find(a.components.begin(), a.components.end(), member) != a.components.end();
    if (!wanted || c.path.empty()) continue;
    auto imported = import_component_file(c.path);
    if (!imported) {
      Error e = imported.error();
      e.message = "component " + member + ": " + e.message;
      return report(e);
    }
    fresh.emplace(member, std::move(*imported));
  }
  if (fresh.empty()) {
    std::cout << *name << " has no local components; nothing to update\n";
    return 0;
  }
  auto edited = edit_draft(*name, [&](env::Document& d) -> Result<void> {
    for (const auto& [member, local] : fresh) d.components.at(member).ref = local.ref;
    return {};
  });
  if (!edited) return report(edited.error());
  for (const auto& [member, local] : fresh) {
    const auto& before = doc.components.at(member).ref;
    if (before == local.ref)
      std::cout << member << ": unchanged (" << local.path << ")\n";
    else
      std::cout << member << ": " << before << " -> " << local.ref << " (" << local.path << ")\n";
  }
  return 0;
}

}  // namespace

void add_env_update_command(CLI::App& env, int& exit_code) {
  auto a = std::make_shared<UpdateArgs>();
  auto* cmd = env.add_subcommand(
      "update", "Copy a draft's local components (added from a .wasm file) from their files again");
  cmd->add_option("env", a->env, "NS/NAME (a draft)")->required();
  cmd->add_option("components", a->components, "Only these components (default: every local one)");
  cmd->callback([a, &exit_code] { exit_code = update(*a); });
}

}  // namespace asterai::cli
