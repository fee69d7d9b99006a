// The grant and limit flags shared by every command that runs components (`call`, `serve`):
// --timeout, --max-memory, --fuel, --env, --dir, --allow-host and --policy.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "asterai/common/error.h"
#include "asterai/runtime/policy.h"

namespace asterai::cli {

struct SandboxFlags {
  std::string timeout = "30s";
  std::string max_memory;
  std::optional<uint64_t> fuel;
  std::vector<std::string> env;
  std::vector<std::string> dirs;
  std::vector<std::string> allow_hosts;
  std::string policy;

  // Registers the flags on `cmd`; `cmd` must outlive this object's use (it tells flags given
  // on the command line from defaults).
  void add_to(CLI::App& cmd);
  // The policy file (if any) first, then the command-line grants and limits on top of it.
  Result<runtime::Policy> effective_policy() const;
  // The first grant or limit flag given on the command line ("--timeout"), or "" when none.
  std::string first_given() const;

 private:
  CLI::App* cmd_ = nullptr;
};

}  // namespace asterai::cli
