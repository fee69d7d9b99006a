// The `asterai env` subcommand groups, registered by add_env_commands (commands.h).
#pragma once

#include <CLI/CLI.hpp>

namespace asterai::cli {

void add_env_update_command(CLI::App& env, int& exit_code);
void add_env_secret_commands(CLI::App& env, int& exit_code);
void add_env_registry_commands(CLI::App& env, int& exit_code);
void add_env_run_commands(CLI::App& env, int& exit_code);
void add_env_runs_command(CLI::App& env, int& exit_code);
// `env schedule add | rm`, `env route`.
void add_env_schedule_commands(CLI::App& env, int& exit_code);

}  // namespace asterai::cli
