// `asterai env runs ENV`: the schedules' state and their recent runs, from the state store
// `serve --environment` writes ($ASTERAI_HOME/schedules.db).
#include <cstdio>
#include <iostream>

#include "asterai/host/schedules.h"
#include "asterai/schedule/report.h"
#include "env_cmd.h"
#include "env_common.h"
#include "output.h"
#include "runs_table.h"

namespace asterai::cli {
namespace {

struct RunsArgs {
  std::string env;
  std::string schedule;
  size_t limit = 20;
  bool json = false;
  EnvRegistryFlags registry;
};

int runs(const RunsArgs& a) {
  auto label = host::env_label(a.env, a.registry.options());
  if (!label) return report(label.error(), a.json);
  auto store = schedule::StateStore::open(host::default_schedule_store());
  if (!store) return report(store.error(), a.json);
  auto states = (*store)->schedules(*label);
  if (!states) return report(states.error(), a.json);
  auto rows = (*store)->runs(*label, a.schedule, a.limit);
  if (!rows) return report(rows.error(), a.json);
  auto j = schedule::runs_report(*label, *states, *rows, a.schedule);
  if (a.json) {
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  print_runs(j, *label + " has no schedule state yet (serve it with `asterai serve --environment " +
                    a.env + "`)");
  return 0;
}

}  // namespace

void add_env_runs_command(CLI::App& env, int& exit_code) {
  auto a = std::make_shared<RunsArgs>();
  auto* cmd = env.add_subcommand(
      "runs",
      "Show an environment's schedules (next run, last result) and their recent runs, newest "
      "first, with outcome and stats (written by `asterai serve --environment`)");
  cmd->add_option("env", a->env, "NS/NAME (draft), NS/NAME@VERSION or REGISTRY/NS/NAME:VERSION")
      ->required();
  cmd->add_option("--schedule", a->schedule, "Only this schedule");
  cmd->add_option("--limit", a->limit, "How many runs (default 20)")->check(CLI::Range(1, 100000));
  cmd->add_flag("--json", a->json, "Print JSON");
  a->registry.add_to(*cmd);
  cmd->callback([a, &exit_code] { exit_code = runs(*a); });
}

}  // namespace asterai::cli
