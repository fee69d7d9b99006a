#include "asterai/cloud/quotas.h"

#include <cstdio>

namespace asterai::cloud {
namespace {

using namespace std::chrono;

int64_t system_now_us() {
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

std::string iso_day(int64_t us) {
  year_month_day d{floor<days>(sys_time<microseconds>(microseconds(us)))};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return text;
}

}  // namespace

MonthlyQuotas::MonthlyQuotas(std::shared_ptr<Store> store, LimitsOf limits, milliseconds refresh,
                             Clock clock)
    : store_(std::move(store)),
      limits_(std::move(limits)),
      refresh_(refresh),
      clock_(clock ? std::move(clock) : Clock(system_now_us)) {}

MonthlyQuotas::MonthlyQuotas(std::shared_ptr<Store> store, MonthlyLimits limits,
                             milliseconds refresh, Clock clock)
    : MonthlyQuotas(
          std::move(store), [limits](const std::string&) { return limits; }, refresh,
          std::move(clock)) {}

std::optional<MonthlyQuotas::Verdict> MonthlyQuotas::check(const std::string& tenant,
                                                           bool may_block) {
  MonthlyLimits limits = limits_(tenant);
  if (!limits.any()) return Verdict{};
  int64_t now = clock_();
  int64_t month = month_start_us(now);
  auto steady = steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    auto it = totals_.find(tenant);
    if (it != totals_.end() && it->second.month == month) {
      Totals& t = it->second;
      if (steady - t.read < refresh_) return counted(tenant, judge(tenant, limits, t, now));
      // Stale: one caller reads again (RefreshClaim), the others are judged from memory.
      if (!may_block) {
        if (!t.reread.claim(steady, refresh_))
          return counted(tenant, judge(tenant, limits, t, now));
        return std::nullopt;
      }
    }
  }
  if (!may_block) return std::nullopt;
  // The store is read outside the lock: other tenants' checks go on meanwhile. A failing
  // store refuses nobody (usage is still recorded; the quota catches up at the next read).
  auto used = store_->month_usage(tenant, month);
  std::lock_guard lock(mutex_);
  Totals& t = totals_[tenant];
  if (!used) {
    std::fprintf(stderr, "asterai cloud: reading %s's usage for its quotas failed: %s\n",
                 tenant.c_str(), used.error().message.c_str());
    return counted(tenant, judge(tenant, limits, t, now));
  }
  t = Totals{month, used->calls, used->wall_us, steady, {}};
  return counted(tenant, judge(tenant, limits, t, now));
}

MonthlyQuotas::Verdict MonthlyQuotas::counted(const std::string& tenant, Verdict v) {
  if (v.over) ++refused_[tenant];
  return v;
}

std::map<std::string, uint64_t> MonthlyQuotas::refused() const {
  std::lock_guard lock(mutex_);
  return refused_;
}

void MonthlyQuotas::add(const std::string& tenant, int64_t wall_us) {
  if (!limits_(tenant).any()) return;
  std::lock_guard lock(mutex_);
  auto it = totals_.find(tenant);
  if (it == totals_.end()) return;  // counted when its totals are first read
  ++it->second.calls;
  it->second.wall_us += wall_us;
}

MonthlyQuotas::Verdict MonthlyQuotas::judge(const std::string& tenant, const MonthlyLimits& limits,
                                            const Totals& t, int64_t now_us) const {
  Verdict v;
  std::string what;
  if (limits.calls && t.calls >= *limits.calls) {
    what = std::to_string(t.calls) + " calls of its " + std::to_string(*limits.calls);
  } else if (limits.instance_seconds && t.wall_us >= *limits.instance_seconds * 1'000'000) {
    what = std::to_string(t.wall_us / 1'000'000) + " instance-seconds of its " +
           std::to_string(*limits.instance_seconds);
  } else {
    return v;
  }
  int64_t next = next_month_start_us(now_us);
  v.retry_after_seconds = std::max<int64_t>(1, (next - now_us + 999'999) / 1'000'000);
  v.over = Error{ErrorKind::over_quota,
                 tenant + " used " + what + " this month (its plan's quota); it resets on " +
                     iso_day(next) + " 00:00 UTC",
                 {}};
  return v;
}

}  // namespace asterai::cloud
