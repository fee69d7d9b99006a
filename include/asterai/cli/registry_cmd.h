// `asterai registry …`: serve, gc and the admin commands (users, API keys, visibility).
#pragma once

#include <CLI/CLI.hpp>

namespace asterai::cli {

void add_registry_commands(CLI::App& app, int& exit_code);

}  // namespace asterai::cli
