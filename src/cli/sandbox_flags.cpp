#include "sandbox_flags.h"

#include "asterai/common/units.h"

namespace asterai::cli {

void SandboxFlags::add_to(CLI::App& cmd) {
  cmd_ = &cmd;
  cmd.add_option("--timeout", timeout, "Wall-clock limit, e.g. 500ms, 5s, 1m (default 30s)");
  cmd.add_option("--max-memory", max_memory, "Linear memory limit, e.g. 64MiB (default: none)");
  cmd.add_option("--fuel", fuel, "CPU budget in fuel units (enables fuel metering)");
  cmd.add_option("--env", env, "Grant an environment variable: KEY (the host's value) or KEY=VALUE")
      ->expected(1)
      ->allow_extra_args(false)
      ->take_all();
  cmd.add_option("--dir", dirs, "Grant a directory: HOST[:GUEST][:ro|rw] (read-only by default)")
      ->expected(1)
      ->allow_extra_args(false)
      ->take_all();
  cmd.add_option(
         "--allow-host", allow_hosts,
         "Allow outgoing HTTP to HOST[:PORT] (*.example.com for subdomains, HOST:* any port)")
      ->expected(1)
      ->allow_extra_args(false)
      ->take_all();
  cmd.add_option("--policy", policy,
                 "TOML policy file with grants and limits (docs/policy.md); flags add to it");
}

Result<runtime::Policy> SandboxFlags::effective_policy() const {
  runtime::Policy p;
  if (!policy.empty()) p = ASTERAI_TRY(runtime::load_policy(policy));
  if (cmd_ && cmd_->count("--timeout"))
    p.limits.timeout = ASTERAI_TRY(parse_duration(timeout, "--timeout"));
  if (!max_memory.empty())
    p.limits.max_memory = ASTERAI_TRY(parse_size(max_memory, "--max-memory"));
  if (fuel) p.limits.fuel = fuel;
  for (const auto& e : env) p.grants.env.push_back(ASTERAI_TRY(runtime::parse_env_grant(e)));
  for (const auto& d : dirs) p.grants.dirs.push_back(ASTERAI_TRY(runtime::parse_dir_grant(d)));
  for (const auto& h : allow_hosts) {
    ASTERAI_TRY(runtime::validate_host_pattern(h));
    p.grants.allow_hosts.push_back(h);
  }
  return p;
}

std::string SandboxFlags::first_given() const {
  if (!cmd_) return "";
  for (const char* flag :
       {"--timeout", "--max-memory", "--fuel", "--env", "--dir", "--allow-host", "--policy"})
    if (cmd_->count(flag)) return flag;
  return "";
}

}  // namespace asterai::cli
