// A cron expression in a time zone: when an environment schedule runs. Parsing and stepping
// are done by the Rust crate croner, time zones by chrono-tz (the IANA database built in, so
// no tzdata is needed), both inside the Rust library the build links
// (deps/wasmtime-capi/src/cron.rs and cron_syntax.rs).
//
// Syntax: five fields separated by spaces, as in crontab(5):
//   minute 0-59 | hour 0-23 | day-of-month 1-31 | month 1-12 or JAN-DEC | day-of-week 0-7 or
//   SUN-SAT (0 and 7 are Sunday)
// Each field is `*` or a comma list of N, N-M, N-M/S and */S (S from 1 to the field's
// maximum). Names are three letters in any case; ranges run upwards (22-2 is an error: write
// 22-23,0-2), except that SUN may end one (MON-SUN); a step needs `*` or a range before it
// (5/10 is an error: write 5-59/10). There is no seconds or year field: a six- or seven-field
// expression is an error, and runs happen on whole minutes.
// Aliases (any case): @yearly and @annually = 0 0 1 1 *, @monthly = 0 0 1 * *,
// @weekly = 0 0 * * 0, @daily = 0 0 * * *, @hourly = 0 * * * *; there is no @reboot.
// croner's additions are accepted too: `?` as `*` in the two day fields; in day-of-month
// L (last day), LW (last weekday), NW (weekday nearest day N, within the month); in
// day-of-week D#N (the Nth D of the month, N 1-5), DL or D#L (the last D).
//
// Days, as Vixie cron: when day-of-month and day-of-week are both restricted (neither starts
// with `*`), a day runs if either matches (`0 0 13 * 5`: every 13th and every Friday);
// when either starts with `*`, both must match (`0 0 */2 * 1`: Mondays with an odd date).
// An expression whose days never exist (`0 0 30 2 *`) parses but never runs; 29 February
// runs in leap years only.
//
// Time zones: an IANA name ("Europe/Berlin", "America/New_York", "UTC"), matched exactly;
// "" means UTC. The expression is read on the zone's wall clock, with Vixie cron's rules at
// daylight saving changes. A job is "fixed-time" when neither its minute nor its hour field
// starts with `*` (`30 2 * * *`, `0 9,17 * * 1-5`); otherwise it is an interval job
// (`* * * * *`, `*/15 * * * *`, @hourly).
// - Clock set forward (a wall clock time that never happens, e.g. 02:30 on 2026-03-29 in
//   Europe/Berlin): a fixed-time job runs once at the first instant after the gap (03:00
//   CEST), however many of its times fell in the gap; an interval job skips the times in the
//   gap (@hourly runs at 01:00 CET, then 03:00 CEST: once per real hour, 23 runs that day).
// - Clock set back (a wall clock time that happens twice, e.g. 02:30 on 2026-10-25 in
//   Europe/Berlin): a fixed-time job runs once, at the first of the two (02:30 CEST); an
//   interval job runs at both (@hourly runs at 02:00 CEST and 02:00 CET: once per real hour,
//   25 runs that day).
//
// Runs are whole seconds; `next_after` finds the first run strictly after the given instant,
// up to the year 5000. A Cron is immutable: `next_after` may be called from several threads
// at once.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "asterai/common/error.h"

struct asterai_cron_t;

namespace asterai::schedule {

class Cron {
 public:
  // Fails with `invalid-input` and one line saying what is wrong, without a location, e.g.
  //   cron expression "61 * * * *": minute 61 is out of range 0-59
  //   unknown time zone "Mars/Base": use an IANA name such as "Europe/Berlin" or "UTC"
  static Result<Cron> parse(std::string_view expression, std::string_view time_zone);

  // The first run strictly after `t`; nullopt when the expression never runs again.
  std::optional<std::chrono::sys_seconds> next_after(std::chrono::sys_seconds t) const;

  const std::string& expression() const { return expression_; }  // as given
  const std::string& time_zone() const { return time_zone_; }    // "UTC" when given ""

 private:
  struct Delete {
    void operator()(asterai_cron_t* cron) const;
  };
  Cron(asterai_cron_t* handle, std::string expression, std::string time_zone);

  std::unique_ptr<asterai_cron_t, Delete> handle_;  // never null, except in a moved-from Cron
  std::string expression_;
  std::string time_zone_;
};

}  // namespace asterai::schedule
