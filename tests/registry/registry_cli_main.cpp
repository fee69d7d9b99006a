// `asterai-registry`: the `asterai registry …` commands alone, built from the same
// src/cli/registry_cmd.cpp, so the scripted interop tests run without the runtime.
#include <CLI/CLI.hpp>

#include "asterai/cli/registry_cmd.h"

int main(int argc, char** argv) {
  CLI::App app{"asterai registry commands (test harness)"};
  app.require_subcommand(1);
  int exit_code = 0;
  asterai::cli::add_registry_commands(app, exit_code);
  CLI11_PARSE(app, argc, argv);
  return exit_code;
}
