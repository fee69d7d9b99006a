// Shared helpers of the CLI commands: engine options from flags, error printing, paths.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "asterai/common/error.h"
#include "asterai/runtime/runtime.h"

namespace asterai::cli {

// $ASTERAI_CACHE_MAX_SIZE, else "4GiB": the compile cache's bound (the variable is checked
// once, before any command runs: check_environment).
std::string default_cache_max_size();
// Environment variables that every command reads, checked up front: an error names the first
// bad one.
Result<void> check_environment();

// Flags every command that runs components shares.
struct EngineFlags {
  std::string cache_dir;
  std::string cache_max_size = default_cache_max_size();
  bool no_cache = false;
  bool no_pooling = false;
  bool pooling = false;
  bool many_calls = true;
  size_t max_instances = runtime::EngineOptions::kDefaultMaxInstances;

  // `many_calls`: the command serves many calls (pooling on, --no-pooling turns it off);
  // otherwise one call per process (on-demand allocation, --pooling turns the pool on): the
  // pool's up-front address-space reservation costs a one-shot call more than it saves.
  void add_to(CLI::App& cmd, bool many_calls);
  runtime::EngineOptions to_options(bool fuel) const;
};

// $ASTERAI_CACHE_DIR, else $XDG_CACHE_HOME/asterai, else ~/.cache/asterai.
std::filesystem::path default_cache_root();

// Prints "error: <message>" (one line) to stderr and returns the kind's exit code.
int report(const Error& error);
// The same as a JSON envelope on stdout: {"error": {"kind", "message", "path"}}.
nlohmann::json error_json(const Error& error);
// report(), after printing error_json's envelope on stdout when `as_json` (--json commands).
int report(const Error& error, bool as_json);

// "45.2 KiB"
std::string human_size(uint64_t bytes);

// One import as `inspect` reports it. JSON: {"name", "kind", "provided_by": "host" (with
// "resolves_to": the host's interface, e.g. the WASI version an import of another 0.2.x
// resolved to) | "component" (with "component": the environment member) | "none"}.
nlohmann::json import_json(const runtime::ItemInfo& i);
// "provided by the host as …", "provided by component `…`" or "not provided: …".
std::string import_text(const runtime::ItemInfo& i);

}  // namespace asterai::cli
