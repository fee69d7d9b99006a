// Each command group registers itself on the root CLI11 app; its callback stores the exit
// code in `exit_code`.
#pragma once

#include <CLI/CLI.hpp>

namespace asterai::cli {

void add_inspect_command(CLI::App& app, int& exit_code);
void add_call_command(CLI::App& app, int& exit_code);
// Publishing and the local store (oci): push, pull, login, logout, ls, rm, tags.
void add_push_pull_commands(CLI::App& app, int& exit_code);
void add_login_commands(CLI::App& app, int& exit_code);
// Finding components in a registry (oci): search, show.
void add_search_commands(CLI::App& app, int& exit_code);
void add_store_commands(CLI::App& app, int& exit_code);
void add_serve_command(CLI::App& app, int& exit_code);
// Component projects (project): init, build.
void add_project_commands(CLI::App& app, int& exit_code);
// Environments (env): init, add, remove, vars, secrets, grants, limits, push, pull, call, run,
// diff.
void add_env_commands(CLI::App& app, int& exit_code);
// Signing (signing): key generate, sign, verify, trust add | policy | rm | ls.
void add_signing_commands(CLI::App& app, int& exit_code);
// The cloud (cloud): cloud node, deploy [ls | rm | rollback], usage.
void add_cloud_commands(CLI::App& app, int& exit_code);

}  // namespace asterai::cli
