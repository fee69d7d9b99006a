// `asterai env schedule add | rm` and `asterai env route`: the draft edits for the document's
// `[[schedules]]` and for a member's HTTP route (`http`, `http-max-body`), so neither needs
// a hand-edited draft.
#include "asterai/common/http_route.h"
#include "asterai/common/units.h"
#include "asterai/schedule/cron.h"
#include "env_cmd.h"
#include "env_common.h"
#include "output.h"

namespace asterai::cli {
namespace {

struct ScheduleArgs {
  std::string env, name, member, function, args = "[]", cron, timezone;
  std::string missed = "skip", overlap = "skip";
};

Result<env::ScheduleSpec> schedule_spec(const ScheduleArgs& a) {
  env::ScheduleSpec s;
  s.name = a.name;
  s.member = a.member;
  s.function = a.function;
  s.cron = a.cron;
  s.timezone = a.timezone;
  if (!env::is_valid_schedule_name(a.name))
    return make_error(ErrorKind::usage, "bad schedule name \"" + a.name +
                                            "\" (use [a-z0-9][a-z0-9_-]*, at most 63 characters)");
  s.args = nlohmann::json::parse(a.args, nullptr, false);
  if (s.args.is_discarded() || !(s.args.is_array() || s.args.is_object()))
    return make_error(ErrorKind::usage,
                      "--args takes a JSON array (positional) or object "
                      "(named), e.g. '[\"full\", 3]' or '{\"mode\": \"full\"}'");
  if (auto cron = schedule::Cron::parse(a.cron, a.timezone); !cron)
    return make_error(ErrorKind::usage, "--cron/--timezone: " + cron.error().message);
  s.missed = a.missed == "run-once" ? env::MissedPolicy::run_once : env::MissedPolicy::skip;
  s.overlap = a.overlap == "queue" ? env::OverlapPolicy::queue : env::OverlapPolicy::skip;
  return s;
}

void add_schedule_commands(CLI::App& env, int& exit_code) {
  auto* group = env.add_subcommand(
      "schedule", "Add or remove a draft's [[schedules]] (run by `asterai serve --environment`)");
  group->require_subcommand(1);
  {
    auto a = std::make_shared<ScheduleArgs>();
    auto* cmd = group->add_subcommand(
        "add", "Run a member's function (or its wasi:cli/run) at the times of a cron expression");
    cmd->add_option("env", a->env, "NS/NAME (a draft)")->required();
    cmd->add_option("name", a->name, "The schedule's name ([a-z0-9][a-z0-9_-]*): its state's key")
        ->required();
    cmd->add_option("--member", a->member, "The component it runs")->required();
    cmd->add_option("--function", a->function,
                    "The function, as `env call` names it (default: the member's wasi:cli/run)");
    cmd->add_option("--args", a->args,
                    "Arguments as JSON: an array (positional) or an object (named); default []");
    cmd->add_option("--cron", a->cron,
                    "Minute hour day-of-month month day-of-week, e.g. \"30 2 * * *\", or @daily")
        ->required();
    cmd->add_option("--timezone", a->timezone, "IANA time zone, e.g. Europe/Berlin (default UTC)");
    cmd->add_option("--missed", a->missed,
                    "Runs due while nothing served it: skip (default) or run-once at start")
        ->check(CLI::IsMember({"skip", "run-once"}));
    cmd->add_option("--overlap", a->overlap,
                    "A run due while the previous one runs: skip (default) or queue (one)")
        ->check(CLI::IsMember({"skip", "queue"}));
    cmd->callback([a, &exit_code] {
      auto n = require_draft(a->env);
      if (!n) {
        exit_code = report(n.error());
        return;
      }
      auto spec = schedule_spec(*a);
      if (!spec) {
        exit_code = report(spec.error());
        return;
      }
      exit_code = finish_edit(
          edit_draft(*n,
                     [&](env::Document& d) -> Result<void> {
                       if (!d.components.contains(a->member))
                         return make_error(ErrorKind::not_found,
                                           "no component " + a->member + " in the environment");
                       for (const auto& s : d.schedules)
                         if (s.name == a->name)
                           return make_error(ErrorKind::conflict,
                                             "a schedule " + a->name +
                                                 " exists (remove it with `asterai env schedule "
                                                 "rm " +
                                                 *n + " " + a->name + "`)");
                       d.schedules.push_back(*spec);
                       return {};
                     }),
          "added schedule " + a->name + " to " + *n);
    });
  }
  {
    auto a = std::make_shared<std::pair<std::string, std::string>>();
    auto* cmd = group->add_subcommand("rm", "Remove a schedule (its recorded runs stay)");
    cmd->add_option("env", a->first, "NS/NAME (a draft)")->required();
    cmd->add_option("name", a->second, "The schedule's name")->required();
    cmd->callback([a, &exit_code] {
      exit_code = edit_draft_command(
          a->first,
          [&](env::Document& d) -> Result<void> {
            if (!std::erase_if(d.schedules,
                               [&](const env::ScheduleSpec& s) { return s.name == a->second; }))
              return make_error(ErrorKind::not_found,
                                "no schedule " + a->second + " in the environment");
            return {};
          },
          "removed schedule " + a->second + " from " + a->first);
    });
  }
}

struct RouteArgs {
  std::string env, member, path, max_body;
  bool clear = false;
};

void add_route_command(CLI::App& env, int& exit_code) {
  auto a = std::make_shared<RouteArgs>();
  auto* cmd = env.add_subcommand(
      "route",
      "Set where `serve --listen` mounts an HTTP handler member (wasi:http/incoming-handler) "
      "and its request-body limit");
  cmd->add_option("env", a->env, "NS/NAME (a draft)")->required();
  cmd->add_option("member", a->member, "The component")->required();
  cmd->add_option("path", a->path, "Its route, / or /seg/… (default /MEMBER)");
  cmd->add_option("--max-body", a->max_body, "Its largest request body, e.g. 1MiB");
  cmd->add_flag("--clear", a->clear, "Back to the defaults (route /MEMBER, serve's body limit)");
  cmd->callback([a, &exit_code] {
    auto n = require_draft(a->env);
    if (!n) {
      exit_code = report(n.error());
      return;
    }
    auto check = [&]() -> Result<void> {
      if (a->clear && (!a->path.empty() || !a->max_body.empty()))
        return make_error(ErrorKind::usage, "--clear takes no route or --max-body");
      if (!a->clear && a->path.empty() && a->max_body.empty())
        return make_error(ErrorKind::usage, "give a route, --max-body, or --clear");
      if (!a->path.empty())
        if (auto ok = check_http_route(a->path); !ok)
          return make_error(ErrorKind::usage, ok.error().message);
      if (!a->max_body.empty()) ASTERAI_TRY(parse_size(a->max_body, "--max-body"));
      return {};
    }();
    if (!check) {
      exit_code = report(check.error());
      return;
    }
    exit_code = finish_edit(edit_draft(*n,
                                       [&](env::Document& d) -> Result<void> {
                                         auto it = d.components.find(a->member);
                                         if (it == d.components.end())
                                           return make_error(
                                               ErrorKind::not_found,
                                               "no component " + a->member + " in the environment");
                                         auto& c = it->second;
                                         if (a->clear) {
                                           c.http.clear();
                                           c.http_max_body.reset();
                                         }
                                         if (!a->path.empty()) c.http = a->path;
                                         if (!a->max_body.empty()) c.http_max_body = a->max_body;
                                         return {};
                                       }),
                            a->clear ? "cleared the route of " + a->member
                                     : "set the route of " + a->member + " in " + *n);
  });
}

}  // namespace

void add_env_schedule_commands(CLI::App& env, int& exit_code) {
  add_schedule_commands(env, exit_code);
  add_route_command(env, exit_code);
}

}  // namespace asterai::cli
