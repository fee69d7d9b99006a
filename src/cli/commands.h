// Each command group registers itself on the root CLI11 app; its callback stores the exit
// code in `exit_code`.
#pragma once

#include <CLI/CLI.hpp>

namespace asterai::cli {

void add_inspect_command(CLI::App& app, int& exit_code);
void add_call_command(CLI::App& app, int& exit_code);

}  // namespace asterai::cli
