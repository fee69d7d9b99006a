// Cron expressions in time zones (include/asterai/schedule/cron.h): syntax, day rules, time
// zones and both daylight saving changes, errors, ownership and concurrent use. Instants are
// written as UTC ISO strings so that a failure shows the run it got.
#include "asterai/schedule/cron.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

namespace asterai::schedule {
namespace {

using std::chrono::sys_seconds;

// "2026-03-29T01:00:00Z" → the instant.
sys_seconds at(const std::string& iso) {
  int y = 0;
  unsigned mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (std::sscanf(iso.c_str(), "%d-%u-%uT%u:%u:%uZ", &y, &mo, &d, &h, &mi, &s) != 6)
    throw std::invalid_argument("bad instant " + iso);
  auto day = std::chrono::sys_days(std::chrono::year(y) / std::chrono::month(mo) / d);
  return day + std::chrono::hours(h) + std::chrono::minutes(mi) + std::chrono::seconds(s);
}

std::string iso(sys_seconds t) {
  auto day = std::chrono::floor<std::chrono::days>(t);
  std::chrono::year_month_day date(day);
  std::chrono::hh_mm_ss time(t - day);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", int(date.year()),
                     unsigned(date.month()), unsigned(date.day()), time.hours().count(),
                     time.minutes().count(), time.seconds().count());
}

Cron must_parse(std::string_view expression, std::string_view zone = "UTC") {
  auto cron = Cron::parse(expression, zone);
  if (!cron) throw std::runtime_error("parse failed: " + cron.error().message);
  return std::move(*cron);
}

// The next `count` runs after `from`, each as an ISO string ("none" once there are no more).
std::vector<std::string> runs(const Cron& cron, const std::string& from, int count) {
  std::vector<std::string> out;
  sys_seconds t = at(from);
  for (int i = 0; i < count; ++i) {
    auto next = cron.next_after(t);
    if (!next) {
      out.push_back("none");
      break;
    }
    out.push_back(iso(*next));
    t = *next;
  }
  return out;
}

// How many runs fall in [from, to).
int runs_between(const Cron& cron, const std::string& from, const std::string& to) {
  int count = 0;
  for (auto t = cron.next_after(at(from) - std::chrono::seconds(1)); t && *t < at(to);
       t = cron.next_after(*t))
    ++count;
  return count;
}

std::string error_of(std::string_view expression, std::string_view zone = "UTC") {
  auto cron = Cron::parse(expression, zone);
  if (cron) return "parsed";
  EXPECT_EQ(cron.error().kind, ErrorKind::invalid_input);
  EXPECT_EQ(cron.error().message.find('\n'), std::string::npos);
  return cron.error().message;
}

using Runs = std::vector<std::string>;

TEST(Cron, EveryMinuteRunsStrictlyAfterTheGivenInstant) {
  Cron cron = must_parse("* * * * *");
  EXPECT_EQ(runs(cron, "2026-01-01T00:00:30Z", 3),
            (Runs{"2026-01-01T00:01:00Z", "2026-01-01T00:02:00Z", "2026-01-01T00:03:00Z"}));
  // Exactly on a run: the next one, not the same.
  EXPECT_EQ(runs(cron, "2026-01-01T00:01:00Z", 1), Runs{"2026-01-01T00:02:00Z"});
}

TEST(Cron, SpecificTime) {
  Cron cron = must_parse("30 9 * * *");
  EXPECT_EQ(runs(cron, "2026-01-01T09:29:59Z", 2),
            (Runs{"2026-01-01T09:30:00Z", "2026-01-02T09:30:00Z"}));
  EXPECT_EQ(runs(cron, "2026-01-01T09:30:00Z", 1), Runs{"2026-01-02T09:30:00Z"});
}

TEST(Cron, RangesStepsAndLists) {
  EXPECT_EQ(runs(must_parse("0 9-17/4 * * *"), "2026-01-01T00:00:00Z", 4),
            (Runs{"2026-01-01T09:00:00Z", "2026-01-01T13:00:00Z", "2026-01-01T17:00:00Z",
                  "2026-01-02T09:00:00Z"}));
  EXPECT_EQ(runs(must_parse("15,45 * * * *"), "2026-01-01T00:00:00Z", 3),
            (Runs{"2026-01-01T00:15:00Z", "2026-01-01T00:45:00Z", "2026-01-01T01:15:00Z"}));
  EXPECT_EQ(runs(must_parse("*/20 8 * * *"), "2026-01-01T00:00:00Z", 4),
            (Runs{"2026-01-01T08:00:00Z", "2026-01-01T08:20:00Z", "2026-01-01T08:40:00Z",
                  "2026-01-02T08:00:00Z"}));
  EXPECT_EQ(runs(must_parse("0 0 1-3,20 * *"), "2026-01-01T00:00:00Z", 3),
            (Runs{"2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z", "2026-01-20T00:00:00Z"}));
}

TEST(Cron, MonthAndWeekdayNamesInAnyCase) {
  // 2026-01-01 is a Thursday; the Mondays of January, then the first of July.
  EXPECT_EQ(runs(must_parse("0 8 * JAN,jul MON"), "2026-01-20T00:00:00Z", 3),
            (Runs{"2026-01-26T08:00:00Z", "2026-07-06T08:00:00Z", "2026-07-13T08:00:00Z"}));
  EXPECT_EQ(runs(must_parse("0 0 * * mon-FRI"), "2026-01-02T12:00:00Z", 2),
            (Runs{"2026-01-05T00:00:00Z", "2026-01-06T00:00:00Z"}));
  // SUN ends a range as 7.
  EXPECT_EQ(runs(must_parse("0 0 * * FRI-SUN"), "2026-01-01T00:00:00Z", 4),
            (Runs{"2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z",
                  "2026-01-09T00:00:00Z"}));
  // Sunday is 0, 7 and SUN.
  for (const char* sunday : {"0 0 * * 0", "0 0 * * 7", "0 0 * * SUN"})
    EXPECT_EQ(runs(must_parse(sunday), "2026-01-01T00:00:00Z", 1), Runs{"2026-01-04T00:00:00Z"})
        << sunday;
}

TEST(Cron, Aliases) {
  const std::string from = "2026-01-01T00:30:00Z";
  EXPECT_EQ(runs(must_parse("@hourly"), from, 1), Runs{"2026-01-01T01:00:00Z"});
  EXPECT_EQ(runs(must_parse("@daily"), from, 1), Runs{"2026-01-02T00:00:00Z"});
  EXPECT_EQ(runs(must_parse("@Daily"), from, 1), Runs{"2026-01-02T00:00:00Z"});
  EXPECT_EQ(runs(must_parse("@weekly"), from, 1), Runs{"2026-01-04T00:00:00Z"});  // Sunday
  EXPECT_EQ(runs(must_parse("@monthly"), from, 1), Runs{"2026-02-01T00:00:00Z"});
  EXPECT_EQ(runs(must_parse("@yearly"), from, 1), Runs{"2027-01-01T00:00:00Z"});
  EXPECT_EQ(runs(must_parse("@annually"), from, 1), Runs{"2027-01-01T00:00:00Z"});
}

TEST(Cron, RestrictedDayOfMonthAndDayOfWeekMeanEither) {
  // The 13th or any Friday.
  EXPECT_EQ(runs(must_parse("0 0 13 * FRI"), "2026-01-01T00:00:00Z", 4),
            (Runs{"2026-01-02T00:00:00Z", "2026-01-09T00:00:00Z", "2026-01-13T00:00:00Z",
                  "2026-01-16T00:00:00Z"}));
}

TEST(Cron, AStarredDayFieldMeansBoth) {
  // Vixie cron: */2 starts with `*`, so only Mondays with an odd date.
  EXPECT_EQ(runs(must_parse("0 0 */2 * MON"), "2026-01-01T00:00:00Z", 3),
            (Runs{"2026-01-05T00:00:00Z", "2026-01-19T00:00:00Z", "2026-02-09T00:00:00Z"}));
  // A plain `*` day-of-week leaves only the day of the month, and the other way round.
  EXPECT_EQ(runs(must_parse("0 0 1 * *"), "2026-01-01T00:00:00Z", 1), Runs{"2026-02-01T00:00:00Z"});
  EXPECT_EQ(runs(must_parse("0 0 * * 1"), "2026-01-01T00:00:00Z", 1), Runs{"2026-01-05T00:00:00Z"});
  // `?` is `*`.
  EXPECT_EQ(runs(must_parse("0 0 ? * 1"), "2026-01-01T00:00:00Z", 1), Runs{"2026-01-05T00:00:00Z"});
}

TEST(Cron, TwentyNinthOfFebruaryWaitsForALeapYear) {
  Cron cron = must_parse("0 0 29 2 *");
  EXPECT_EQ(runs(cron, "2026-01-01T00:00:00Z", 2),
            (Runs{"2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"}));
  // 2100 is no leap year.
  EXPECT_EQ(runs(cron, "2096-03-01T00:00:00Z", 1), Runs{"2104-02-29T00:00:00Z"});
}

TEST(Cron, DaysThatNeverExistNeverRun) {
  EXPECT_EQ(runs(must_parse("0 0 30 2 *"), "2026-01-01T00:00:00Z", 1), Runs{"none"});
  EXPECT_EQ(runs(must_parse("0 0 31 4,6,9,11 *"), "2026-01-01T00:00:00Z", 1), Runs{"none"});
  // Nor does anything past the last year searched.
  EXPECT_EQ(runs(must_parse("@daily"), "6000-01-01T00:00:00Z", 1), Runs{"none"});
}

TEST(Cron, CronerExtensions) {
  EXPECT_EQ(runs(must_parse("0 0 L * *"), "2026-02-01T00:00:00Z", 1), Runs{"2026-02-28T00:00:00Z"});
  EXPECT_EQ(runs(must_parse("0 0 * * FRI#L"), "2026-01-01T00:00:00Z", 1),
            Runs{"2026-01-30T00:00:00Z"});
  EXPECT_EQ(runs(must_parse("0 0 * * 1#2"), "2026-01-01T00:00:00Z", 1),
            Runs{"2026-01-12T00:00:00Z"});
}

TEST(Cron, TimeZones) {
  const std::string winter = "2026-01-01T00:00:00Z", summer = "2026-07-01T00:00:00Z";
  EXPECT_EQ(runs(must_parse("0 9 * * *", "UTC"), winter, 1), Runs{"2026-01-01T09:00:00Z"});
  EXPECT_EQ(runs(must_parse("0 9 * * *", "America/New_York"), winter, 1),
            Runs{"2026-01-01T14:00:00Z"});
  EXPECT_EQ(runs(must_parse("0 9 * * *", "America/New_York"), summer, 1),
            Runs{"2026-07-01T13:00:00Z"});
  // A half-hour offset, +05:30 all year.
  EXPECT_EQ(runs(must_parse("0 9 * * *", "Asia/Kolkata"), winter, 1), Runs{"2026-01-01T03:30:00Z"});
  EXPECT_EQ(runs(must_parse("*/45 * * * *", "Asia/Kolkata"), winter, 3),
            (Runs{"2026-01-01T00:15:00Z", "2026-01-01T00:30:00Z", "2026-01-01T01:15:00Z"}));
}

TEST(Cron, EmptyTimeZoneIsUtc) {
  Cron cron = must_parse(" 0 9 * * * ", "");
  EXPECT_EQ(cron.time_zone(), "UTC");
  EXPECT_EQ(cron.expression(), " 0 9 * * * ");
  EXPECT_EQ(runs(cron, "2026-01-01T00:00:00Z", 1), Runs{"2026-01-01T09:00:00Z"});
  EXPECT_EQ(must_parse("@daily", "Europe/Berlin").time_zone(), "Europe/Berlin");
}

// Europe/Berlin, 2026-03-29: at 01:00Z the clock goes from 02:00 CET to 03:00 CEST.
TEST(Cron, SpringForwardRunsAFixedTimeJobOnceAfterTheGap) {
  Cron cron = must_parse("30 2 * * *", "Europe/Berlin");
  EXPECT_EQ(runs(cron, "2026-03-27T12:00:00Z", 3),
            (Runs{"2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"}));
  // Several times in the gap become one run.
  EXPECT_EQ(runs(must_parse("0,30 2 * * *", "Europe/Berlin"), "2026-03-28T12:00:00Z", 2),
            (Runs{"2026-03-29T01:00:00Z", "2026-03-30T00:00:00Z"}));
}

TEST(Cron, SpringForwardSkipsAnIntervalJobsTimesInTheGap) {
  Cron hourly = must_parse("@hourly", "Europe/Berlin");
  EXPECT_EQ(runs(hourly, "2026-03-28T23:30:00Z", 3),
            (Runs{"2026-03-29T00:00:00Z", "2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z"}));
  // Local 2026-03-29 lasts 23 hours: one run per real hour.
  EXPECT_EQ(runs_between(hourly, "2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z"), 23);
  // Every time of this one falls in the gap on that day.
  EXPECT_EQ(runs(must_parse("*/15 2 * * *", "Europe/Berlin"), "2026-03-29T00:50:00Z", 1),
            Runs{"2026-03-30T00:00:00Z"});
}

// Europe/Berlin, 2026-10-25: at 01:00Z the clock goes from 03:00 CEST back to 02:00 CET.
TEST(Cron, FallBackRunsAFixedTimeJobOnce) {
  Cron cron = must_parse("30 2 * * *", "Europe/Berlin");
  EXPECT_EQ(runs(cron, "2026-10-23T12:00:00Z", 3),
            (Runs{"2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"}));
  // From inside either pass of the repeated hour, the next run is the next day's.
  EXPECT_EQ(runs(cron, "2026-10-25T00:45:00Z", 1), Runs{"2026-10-26T01:30:00Z"});
  EXPECT_EQ(runs(cron, "2026-10-25T01:15:00Z", 1), Runs{"2026-10-26T01:30:00Z"});
  // A list of fixed times is fixed-time too.
  EXPECT_EQ(runs(must_parse("0,30 2 * * *", "Europe/Berlin"), "2026-10-24T12:00:00Z", 3),
            (Runs{"2026-10-25T00:00:00Z", "2026-10-25T00:30:00Z", "2026-10-26T01:00:00Z"}));
}

TEST(Cron, FallBackRunsAnIntervalJobInBothPasses) {
  Cron hourly = must_parse("@hourly", "Europe/Berlin");
  // 02:00 CEST, 02:00 CET, 03:00 CET.
  EXPECT_EQ(runs(hourly, "2026-10-24T23:30:00Z", 3),
            (Runs{"2026-10-25T00:00:00Z", "2026-10-25T01:00:00Z", "2026-10-25T02:00:00Z"}));
  // Local 2026-10-25 lasts 25 hours: one run per real hour.
  EXPECT_EQ(runs_between(hourly, "2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z"), 25);
  // Searching from either pass finds the next run on the real time line.
  Cron every_20 = must_parse("*/20 * * * *", "Europe/Berlin");
  EXPECT_EQ(runs(every_20, "2026-10-25T00:50:00Z", 2),
            (Runs{"2026-10-25T01:00:00Z", "2026-10-25T01:20:00Z"}));
  EXPECT_EQ(runs(every_20, "2026-10-25T01:10:00Z", 1), Runs{"2026-10-25T01:20:00Z"});
  EXPECT_EQ(runs(every_20, "2026-10-25T01:50:00Z", 1), Runs{"2026-10-25T02:00:00Z"});
}

TEST(Cron, WrongFieldCounts) {
  const std::string expected = "expected 5 fields (minute hour day-of-month month day-of-week)";
  EXPECT_EQ(error_of(""), "cron expression is empty: " + expected + " or an alias such as @daily");
  EXPECT_EQ(error_of("   "),
            "cron expression is empty: " + expected + " or an alias such as @daily");
  EXPECT_EQ(error_of("* * * *"), "cron expression \"* * * *\": " + expected + ", got 4");
  EXPECT_EQ(error_of("0 * * * * *"), "cron expression \"0 * * * * *\": " + expected +
                                         ", got 6; seconds and year fields are not supported");
  EXPECT_EQ(error_of("every day at noon"),
            "cron expression \"every day at noon\": " + expected + ", got 4");
}

TEST(Cron, ValuesOutOfRange) {
  EXPECT_EQ(error_of("61 * * * *"),
            "cron expression \"61 * * * *\": minute 61 is out of range 0-59");
  EXPECT_EQ(error_of("0 24 * * *"), "cron expression \"0 24 * * *\": hour 24 is out of range 0-23");
  EXPECT_EQ(error_of("0 0 0 * *"),
            "cron expression \"0 0 0 * *\": day-of-month 0 is out of range 1-31");
  EXPECT_EQ(error_of("0 0 * 13 *"),
            "cron expression \"0 0 * 13 *\": month 13 is out of range 1-12 or JAN-DEC");
  EXPECT_EQ(error_of("0 0 * * 8"),
            "cron expression \"0 0 * * 8\": day-of-week 8 is out of range 0-7 or SUN-SAT (0 and 7 "
            "are Sunday)");
  EXPECT_EQ(error_of("0 0 * * 5#6"),
            "cron expression \"0 0 * * 5#6\": day-of-week \"5#6\" is not valid: nth specifier out "
            "of bounds");
}

TEST(Cron, MalformedFields) {
  EXPECT_EQ(error_of("a b c d e"),
            "cron expression \"a b c d e\": minute \"a\" is not a number in 0-59");
  EXPECT_EQ(error_of("0 0 * * MONDAY"),
            "cron expression \"0 0 * * MONDAY\": day-of-week \"MONDAY\" is not a number or name in "
            "0-7 or SUN-SAT (0 and 7 are Sunday)");
  EXPECT_EQ(error_of("0 22-2 * * *"),
            "cron expression \"0 22-2 * * *\": hour range 22-2 runs backwards; write it as "
            "22-23,0-2");
  EXPECT_EQ(error_of("0 0 * * 5-0"),
            "cron expression \"0 0 * * 5-0\": day-of-week range 5-0 runs backwards; write it as "
            "5-7");
  EXPECT_EQ(error_of("0 0 * * FRI-MON"),
            "cron expression \"0 0 * * FRI-MON\": day-of-week range FRI-MON runs backwards; write "
            "it as FRI-SAT,SUN-MON");
  EXPECT_EQ(error_of("*/0 * * * *"),
            "cron expression \"*/0 * * * *\": minute step \"*/0\": the step must be a number "
            "from 1 to 59");
  EXPECT_EQ(error_of("0 */24 * * *"),
            "cron expression \"0 */24 * * *\": hour step \"*/24\": the step must be a number "
            "from 1 to 23");
  EXPECT_EQ(error_of("5/10 * * * *"),
            "cron expression \"5/10 * * * *\": minute \"5/10\": a step needs \"*\" or a range "
            "before it, as in \"*/10\" or \"5-59/10\"");
  EXPECT_EQ(error_of("1,,2 * * * *"),
            "cron expression \"1,,2 * * * *\": minute \"1,,2\" has an empty list item");
  EXPECT_EQ(error_of("@often"),
            "cron expression \"@often\": unknown alias; use @yearly, @annually, @monthly, "
            "@weekly, @daily or @hourly");
  // A control character is escaped, so the message stays one line.
  EXPECT_EQ(error_of("0\n0 * *"),
            "cron expression \"0\\n0 * *\": expected 5 fields (minute hour day-of-month month "
            "day-of-week), got 4");
}

TEST(Cron, UnknownTimeZones) {
  EXPECT_EQ(error_of("@daily", "Mars/Base"),
            "unknown time zone \"Mars/Base\": use an IANA name such as \"Europe/Berlin\" or "
            "\"UTC\"");
  EXPECT_EQ(error_of("@daily", "europe/berlin"),
            "unknown time zone \"europe/berlin\": did you mean \"Europe/Berlin\"?");
  // The expression is checked first.
  EXPECT_EQ(error_of("61 * * * *", "Mars/Base"),
            "cron expression \"61 * * * *\": minute 61 is out of range 0-59");
}

TEST(Cron, MovesOwnership) {
  static_assert(!std::is_copy_constructible_v<Cron> && !std::is_copy_assignable_v<Cron>);
  static_assert(std::is_nothrow_move_constructible_v<Cron>);
  Cron first = must_parse("@hourly", "Asia/Kolkata");
  Cron second = std::move(first);
  EXPECT_EQ(second.expression(), "@hourly");
  EXPECT_EQ(second.time_zone(), "Asia/Kolkata");
  EXPECT_EQ(runs(second, "2026-01-01T00:00:00Z", 1), Runs{"2026-01-01T00:30:00Z"});
  // A moved-from Cron has no runs; assigning to it gives it the other's.
  EXPECT_EQ(runs(first, "2026-01-01T00:00:00Z", 1), Runs{"none"});
  first = must_parse("@daily");
  second = std::move(first);
  EXPECT_EQ(runs(second, "2026-01-01T00:00:00Z", 1), Runs{"2026-01-02T00:00:00Z"});
}

TEST(Cron, ThreadsShareOneCron) {
  const Cron cron = must_parse("*/7 * * * *", "Europe/Berlin");
  const auto expected = runs(cron, "2026-10-24T22:00:00Z", 400);
  std::vector<std::vector<std::string>> seen(4);
  std::vector<std::thread> threads;
  for (auto& out : seen)
    threads.emplace_back([&cron, &out] { out = runs(cron, "2026-10-24T22:00:00Z", 400); });
  for (auto& thread : threads) thread.join();
  for (const auto& out : seen) EXPECT_EQ(out, expected);
}

}  // namespace
}  // namespace asterai::schedule
