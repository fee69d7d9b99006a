#include "asterai/cloud/store.h"

#include <chrono>

#include "postgres_store.h"
#include "sqlite_store.h"

namespace asterai::cloud {
namespace {

using namespace std::chrono;

year_month month_of(int64_t now_us) {
  year_month_day day{floor<days>(sys_time<microseconds>(microseconds(now_us)))};
  return day.year() / day.month();
}

int64_t start_of(year_month ym) {
  return duration_cast<microseconds>(sys_days(ym / 1).time_since_epoch()).count();
}

}  // namespace

int64_t month_start_us(int64_t now_us) {
  return start_of(month_of(now_us));
}

int64_t day_start_us(int64_t now_us) {
  return duration_cast<microseconds>(floor<days>(microseconds(now_us))).count();
}

int64_t next_month_start_us(int64_t now_us) {
  return start_of(month_of(now_us) + months(1));
}

Result<std::shared_ptr<Store>> open_store(const std::string& url) {
  static constexpr std::string_view kSqlite = "sqlite:";
  if (url.starts_with(kSqlite) && url.size() > kSqlite.size()) {
    return ASTERAI_TRY(SqliteStore::open(url.substr(kSqlite.size())));
  }
  if (url.starts_with("postgres://") || url.starts_with("postgresql://"))
    return ASTERAI_TRY(PostgresStore::open(url));
  return make_error(ErrorKind::usage, "--store " + url +
                                          ": expected sqlite:PATH (the embedded store) or "
                                          "postgres://USER@HOST:PORT/DATABASE");
}

}  // namespace asterai::cloud
