#include "asterai/cli/run.h"

#include <algorithm>
#include <cstdio>
#include <initializer_list>
#include <string_view>

#include "asterai/runtime/runtime.h"
#include "commands.h"
#include "output.h"
#include "verbatim_values.h"
#ifdef ASTERAI_HAVE_REGISTRY
#include "asterai/cli/registry_cmd.h"
#endif

#ifndef ASTERAI_VERSION
#define ASTERAI_VERSION "0.0.0"
#endif

namespace asterai::cli {

namespace {

// Each group of subcommands with the names it registers. Registering every command's options
// took a quarter of a one-shot `asterai call`'s instructions, so a command line that names a
// subcommand registers only its group; anything else (help, a typo) registers them all. A name
// missing here only costs that: tests/cli checks that every name in `--help` works alone.
struct CommandGroup {
  std::initializer_list<std::string_view> names;
  void (*add)(CLI::App&, int&);
};

const CommandGroup kGroups[] = {
    {{"inspect"}, add_inspect_command},
    {{"call"}, add_call_command},
    {{"push", "pull"}, add_push_pull_commands},
    {{"key", "sign", "verify", "trust"}, add_signing_commands},
    {{"login", "whoami", "logout"}, add_login_commands},
    {{"search", "show"}, add_search_commands},
    {{"ls", "rm", "tags"}, add_store_commands},
    {{"serve"}, add_serve_command},
    {{"init", "build"}, add_project_commands},
    {{"env"}, add_env_commands},
    {{"cloud", "deploy", "usage"}, add_cloud_commands},
#ifdef ASTERAI_HAVE_REGISTRY
    {{"registry"}, add_registry_commands},
#endif
};

void add_commands(CLI::App& app, int& exit_code, std::string_view first_word) {
  for (const auto& group : kGroups) {
    for (auto name : group.names) {
      if (name == first_word) return group.add(app, exit_code);
    }
  }
  for (const auto& group : kGroups) group.add(app, exit_code);
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{"asterai: run sandboxed WebAssembly component tools for AI agents", "asterai"};
  app.set_version_flag("--version", std::string("asterai ") + ASTERAI_VERSION + " (wasmtime " +
                                        runtime::wasmtime_version() + ")");
  app.require_subcommand(1);
  app.footer("Exit codes and the value encoding are documented in docs/cli.md and docs/values.md.");
  int exit_code = 0;
  add_commands(app, exit_code, argc > 1 ? std::string_view(argv[1]) : std::string_view());
  struct Forget {
    ~Forget() { clear_verbatim_values(); }
  } forget;
  if (auto env = check_environment(); !env) return report(env.error());
  std::vector<std::string> words(argv + std::min(argc, 1), argv + argc);
  words = extract_verbatim_values(app, words);
  std::reverse(words.begin(), words.end());  // CLI11 parses a reversed vector
  try {
    app.parse(words);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "error: %s (see `asterai --help`)\n", e.what());
    return 2;
  }
  return exit_code;
}

}  // namespace asterai::cli
