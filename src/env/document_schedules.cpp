#include "document_schedules.h"

#include "asterai/schedule/cron.h"

namespace asterai::env {
namespace {

// Arguments are written in TOML and handed to the function as JSON (as `env call` would).
Result<nlohmann::json> to_json(const TomlReader& cx, const toml::node& node) {
  if (const auto* a = node.as_array()) {
    auto out = nlohmann::json::array();
    for (const auto& item : *a) out.push_back(ASTERAI_TRY(to_json(cx, item)));
    return out;
  }
  if (const auto* t = node.as_table()) {
    auto out = nlohmann::json::object();
    for (auto&& [key, value] : *t) out[std::string(key.str())] = ASTERAI_TRY(to_json(cx, value));
    return out;
  }
  if (auto s = node.value_exact<std::string>()) return *s;
  if (auto b = node.value_exact<bool>()) return *b;
  if (auto i = node.value_exact<int64_t>()) return *i;
  if (auto d = node.value_exact<double>()) return *d;
  return cx.error(node,
                  "schedule arguments are strings, numbers, booleans, arrays and tables "
                  "(write a date as a string)");
}

}  // namespace

bool is_valid_schedule_name(std::string_view name) {
  return is_valid_component_name(name);
}

Result<void> parse_schedules(const TomlReader& cx, const toml::node& node, Document& doc) {
  const auto* array = node.as_array();
  if (!array) return cx.error(node, "schedules must be an array of tables ([[schedules]])");
  for (const auto& item : *array) {
    const auto* t = item.as_table();
    if (!t) return cx.error(item, "each schedules entry must be a table ([[schedules]])");
    ASTERAI_TRY(cx.only_keys(
        *t, {"name", "member", "function", "args", "cron", "timezone", "missed", "overlap"},
        "[[schedules]]"));
    ScheduleSpec s;
    for (auto [key, out, example] : {std::tuple{"name", &s.name, "\"nightly-digest\""},
                                     std::tuple{"member", &s.member, "\"COMPONENT\""},
                                     std::tuple{"cron", &s.cron, "\"0 3 * * *\""}}) {
      const auto* v = t->get(key);
      if (!v) return cx.error(item, std::string("[[schedules]] needs ") + key + " = " + example);
      *out = ASTERAI_TRY(cx.string(*v, std::string("schedules.") + key));
    }
    std::string where = "schedule \"" + s.name + "\"";
    if (!is_valid_schedule_name(s.name))
      return cx.error(*t->get("name"), "bad schedule name \"" + s.name +
                                           "\" (use [a-z0-9][a-z0-9_-]*, at most 63 characters)");
    for (const auto& other : doc.schedules)
      if (other.name == s.name)
        return cx.error(*t->get("name"), "two schedules are named \"" + s.name + "\"");
    if (!doc.components.contains(s.member))
      return cx.error(*t->get("member"), where + " names component \"" + s.member +
                                             "\", which is not in [components]");
    if (const auto* f = t->get("function")) {
      s.function = ASTERAI_TRY(cx.string(*f, where + ".function"));
      if (s.function.empty())
        return cx.error(*f, where + ".function is empty (leave it out to run wasi:cli/run)");
    }
    if (const auto* a = t->get("args")) {
      if (!a->is_array() && !a->is_table())
        return cx.error(*a, where + ".args must be an array (positional) or a table (named)");
      s.args = ASTERAI_TRY(to_json(cx, *a));
    }
    if (const auto* z = t->get("timezone"))
      s.timezone = ASTERAI_TRY(cx.string(*z, where + ".timezone"));
    if (auto cron = schedule::Cron::parse(s.cron, s.timezone); !cron) {
      // The message says whether the expression or the time zone is wrong; point there.
      bool zone = cron.error().message.find("time zone") != std::string::npos && t->get("timezone");
      return cx.error(zone ? *t->get("timezone") : *t->get("cron"),
                      where + ": " + cron.error().message);
    }
    if (const auto* m = t->get("missed")) {
      auto text = ASTERAI_TRY(cx.string(*m, where + ".missed"));
      if (text == "skip")
        s.missed = MissedPolicy::skip;
      else if (text == "run-once")
        s.missed = MissedPolicy::run_once;
      else
        return cx.error(*m,
                        where + ".missed must be \"skip\" or \"run-once\", not \"" + text + "\"");
    }
    if (const auto* o = t->get("overlap")) {
      auto text = ASTERAI_TRY(cx.string(*o, where + ".overlap"));
      if (text == "skip")
        s.overlap = OverlapPolicy::skip;
      else if (text == "queue")
        s.overlap = OverlapPolicy::queue;
      else
        return cx.error(*o, where + ".overlap must be \"skip\" or \"queue\", not \"" + text + "\"");
    }
    doc.schedules.push_back(std::move(s));
  }
  return {};
}

}  // namespace asterai::env
