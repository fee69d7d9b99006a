#include "asterai/cli/run.h"

#include <algorithm>
#include <cstdio>

#include "asterai/runtime/runtime.h"
#include "commands.h"
#include "verbatim_values.h"
#ifdef ASTERAI_HAVE_REGISTRY
#include "asterai/cli/registry_cmd.h"
#endif

#ifndef ASTERAI_VERSION
#define ASTERAI_VERSION "0.0.0"
#endif

namespace asterai::cli {

int run(int argc, char** argv) {
  CLI::App app{"asterai: run sandboxed WebAssembly component tools for AI agents", "asterai"};
  app.set_version_flag("--version", std::string("asterai ") + ASTERAI_VERSION + " (wasmtime " +
                                        runtime::wasmtime_version() + ")");
  app.require_subcommand(1);
  app.footer("Exit codes and the value encoding are documented in docs/cli.md and docs/values.md.");
  int exit_code = 0;
  add_inspect_command(app, exit_code);
  add_call_command(app, exit_code);
  add_push_pull_commands(app, exit_code);
  add_signing_commands(app, exit_code);
  add_login_commands(app, exit_code);
  add_search_commands(app, exit_code);
  add_store_commands(app, exit_code);
  add_serve_command(app, exit_code);
  add_project_commands(app, exit_code);
  add_env_commands(app, exit_code);
  add_cloud_commands(app, exit_code);
#ifdef ASTERAI_HAVE_REGISTRY
  add_registry_commands(app, exit_code);
#endif
  struct Forget {
    ~Forget() { clear_verbatim_values(); }
  } forget;
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
