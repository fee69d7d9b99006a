#include "asterai/cloud/plans.h"

#include "asterai/common/files.h"
#include "asterai/common/toml_reader.h"
#include "asterai/common/units.h"

namespace asterai::cloud {
namespace {

// A parse of a duration or size whose error names the line.
template <typename T>
Result<T> at_line(const TomlReader& cx, const toml::node& node, Result<T> parsed) {
  if (parsed) return parsed;
  return cx.error(node, parsed.error().message);
}

Result<Plan> read_plan(const TomlReader& cx, const std::string& name, const toml::table& t,
                       const Plan& base) {
  Plan p = base;
  p.name = name;
  std::string where = "plan " + name + ": ";
  ASTERAI_TRY(cx.only_keys(t,
                           {"max-timeout", "max-memory", "max-fuel", "max-concurrent",
                            "max-calls-per-month", "max-instance-time-per-month"},
                           "plans." + name));
  for (auto&& [key, value] : t) {
    std::string k(key.str());
    auto count = [&]() -> Result<uint64_t> {
      auto n = value.value_exact<int64_t>();
      if (n && *n > 0) return static_cast<uint64_t>(*n);
      return cx.error(value, where + k + " must be a whole number above 0");
    };
    if (k == "max-timeout") {
      auto text = ASTERAI_TRY(cx.unit_text(value, where + k));
      p.ceiling.timeout = ASTERAI_TRY(at_line(cx, value, parse_duration(text, where + k)));
    } else if (k == "max-memory") {
      auto text = ASTERAI_TRY(cx.unit_text(value, where + k));
      p.ceiling.max_memory = ASTERAI_TRY(at_line(cx, value, parse_size(text, where + k)));
    } else if (k == "max-fuel") {
      p.ceiling.fuel = ASTERAI_TRY(count());
    } else if (k == "max-concurrent") {
      p.max_concurrent = ASTERAI_TRY(count());
    } else if (k == "max-calls-per-month") {
      p.monthly.calls = ASTERAI_TRY(count());
    } else {  // max-instance-time-per-month
      auto text = ASTERAI_TRY(cx.unit_text(value, where + k));
      auto d = ASTERAI_TRY(at_line(cx, value, parse_duration(text, where + k)));
      if (d < std::chrono::seconds(1)) return cx.error(value, where + k + " must be at least 1s");
      p.monthly.instance_seconds = std::chrono::duration_cast<std::chrono::seconds>(d).count();
    }
  }
  return p;
}

}  // namespace

Result<Plans> load_plans(const std::filesystem::path& file, const Plan& base) {
  auto bytes = read_file(file);
  if (!bytes)
    return make_error(bytes.error().kind,
                      "cannot read the plans file " + file.string() + ": " + bytes.error().message);
  TomlReader cx{file.string()};
  toml::table root;
  try {
    root =
        toml::parse(std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()),
                    file.string());
  } catch (const toml::parse_error& e) {
    return cx.parse_error(e);
  }
  ASTERAI_TRY(cx.only_keys(root, {"plans", "tenants"}, "the plans file"));
  Plans out;
  out.base = base;
  std::map<std::string, Plan> named;
  if (const auto* plans = root.get("plans")) {
    for (auto&& [key, value] : *ASTERAI_TRY(cx.table(*plans, "plans"))) {
      std::string name(key.str());
      const auto* t = ASTERAI_TRY(cx.table(value, "plans." + name));
      named.emplace(name, ASTERAI_TRY(read_plan(cx, name, *t, base)));
    }
  }
  if (const auto* tenants = root.get("tenants")) {
    for (auto&& [key, value] : *ASTERAI_TRY(cx.table(*tenants, "tenants"))) {
      std::string tenant(key.str());
      auto plan = ASTERAI_TRY(cx.string(value, "tenants." + tenant));
      auto it = named.find(plan);
      if (it == named.end())
        return cx.error(value, "tenant " + tenant + ": no plan named \"" + plan + "\"");
      out.tenants.emplace(tenant, it->second);
    }
  }
  return out;
}

}  // namespace asterai::cloud
