//! Cron expressions in a time zone, for environment schedules: `asterai_cron_parse`,
//! `asterai_cron_next`, `asterai_cron_delete`. croner walks the expression on the wall
//! clock (a time without zone); this file turns each wall clock time into the instants it
//! runs at, with Vixie cron's daylight saving rules, so croner's own rules (which treat
//! `0,30 2 * * *` unlike `30 2 * * *`) never apply. chrono-tz embeds the IANA database, so
//! no tzdata needs to be installed. The semantics are stated in
//! include/asterai/schedule/cron.h; the syntax checks live in cron_syntax.rs.
use crate::cron_syntax::{self, quoted};
use chrono::{DateTime, LocalResult, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use std::ffi::c_char;
use std::panic::{AssertUnwindSafe, catch_unwind};

#[allow(non_camel_case_types)]
pub struct asterai_cron_t {
    cron: croner::Cron,
    zone: Tz,
    fixed_time: bool,
}

// Shared by every thread that asks for a next run: nothing in it changes after parsing.
const _: fn() = || {
    fn shared<T: Send + Sync>() {}
    shared::<asterai_cron_t>();
};

/// Wall clock times examined at most per search: a repeated hour holds 60 per-minute runs,
/// and the longest repeated range in the database is far below this.
const MAX_WALL_TIMES: usize = 100_000;

impl asterai_cron_t {
    fn parse(expression: &str, zone: &str) -> Result<Self, String> {
        let parsed = cron_syntax::parse(expression)?;
        let name = if zone.is_empty() { "UTC" } else { zone };
        let zone = name.parse::<Tz>().map_err(|_| unknown_zone(name))?;
        Ok(Self {
            cron: parsed.cron,
            zone,
            fixed_time: parsed.fixed_time,
        })
    }

    fn wall(&self, unix: i64) -> Option<NaiveDateTime> {
        Some(
            DateTime::from_timestamp(unix, 0)?
                .with_timezone(&self.zone)
                .naive_local(),
        )
    }

    /// The first run strictly after `after` (Unix seconds).
    ///
    /// Runs are ordered like the wall clock times they come from, except for the second pass
    /// through a repeated range (the clock set back), which only matters when `after` itself
    /// lies in such a range. So the walk starts at `after`'s wall clock time (in a repeated
    /// range, one repetition length earlier, so that the whole range is walked) and stops at
    /// the first wall clock time that cannot run before the best run found.
    fn next_after(&self, after: i64) -> Option<i64> {
        let wall = self.wall(after)?;
        let mut cursor = match self.zone.from_local_datetime(&wall) {
            LocalResult::Ambiguous(earlier, later) => wall - (later - earlier),
            _ => wall,
        };
        let mut best: Option<i64> = None;
        for _ in 0..MAX_WALL_TIMES {
            let Ok(time) = self.cron.find_next_occurrence(&cursor, false) else {
                break;
            };
            let (earliest, runs) = self.runs_at(time)?;
            if best.is_some_and(|b| earliest >= b) {
                break;
            }
            for run in runs.into_iter().flatten().filter(|run| *run > after) {
                best = Some(best.map_or(run, |b| b.min(run)));
            }
            cursor = time;
        }
        best
    }

    /// When the wall clock shows `time` (or, in a gap, first passes it), and the runs it
    /// gives: a time that happens twice runs once for a fixed-time job and twice otherwise;
    /// a time that never happens runs at the end of the gap for a fixed-time job and not at
    /// all otherwise.
    fn runs_at(&self, time: NaiveDateTime) -> Option<(i64, [Option<i64>; 2])> {
        Some(match self.zone.from_local_datetime(&time) {
            LocalResult::Single(at) => (at.timestamp(), [Some(at.timestamp()), None]),
            LocalResult::Ambiguous(earlier, later) => {
                let second = (!self.fixed_time).then_some(later.timestamp());
                (earlier.timestamp(), [Some(earlier.timestamp()), second])
            }
            LocalResult::None => {
                let end = self.gap_end(time)?;
                (end, [self.fixed_time.then_some(end), None])
            }
        })
    }

    /// The first instant whose wall clock is at or past `time`, a time the clock skips.
    fn gap_end(&self, time: NaiveDateTime) -> Option<i64> {
        // UTC offsets stay within a day, so the wall clock is before `time` a day earlier
        // than `time` read as UTC and past it a day later; bisect between.
        let guess = time.and_utc().timestamp();
        let (mut before, mut after) = (guess - 86_400, guess + 86_400);
        while after - before > 1 {
            let middle = before + (after - before) / 2;
            if self.wall(middle)? >= time {
                after = middle;
            } else {
                before = middle;
            }
        }
        Some(after)
    }
}

fn unknown_zone(name: &str) -> String {
    // chrono-tz matches names exactly; a name that differs only in case gets a hint.
    match chrono_tz::TZ_VARIANTS
        .iter()
        .find(|zone| zone.name().eq_ignore_ascii_case(name))
    {
        Some(zone) => format!(
            "unknown time zone {}: did you mean \"{}\"?",
            quoted(name),
            zone.name()
        ),
        None => format!(
            "unknown time zone {}: use an IANA name such as \"Europe/Berlin\" or \"UTC\"",
            quoted(name)
        ),
    }
}

unsafe fn bytes<'a>(data: *const u8, len: usize) -> &'a [u8] {
    if data.is_null() || len == 0 {
        &[]
    } else {
        unsafe { std::slice::from_raw_parts(data, len) }
    }
}

/// Writes `message` NUL-terminated into `buf`, cut at a character boundary to fit `cap`.
unsafe fn write_message(buf: *mut c_char, cap: usize, message: &str) {
    if buf.is_null() || cap == 0 {
        return;
    }
    let mut len = message.len().min(cap - 1);
    while !message.is_char_boundary(len) {
        len -= 1;
    }
    unsafe {
        std::ptr::copy_nonoverlapping(message.as_ptr(), buf.cast::<u8>(), len);
        *buf.add(len) = 0;
    }
}

/// Parses `expression` in the IANA time zone `zone` (empty: UTC). On success stores a new
/// handle in `out` (free it with `asterai_cron_delete`) and returns true; otherwise writes
/// a one-line message into `err` (at most `err_cap` bytes with the NUL) and returns false.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn asterai_cron_parse(
    expression: *const u8,
    expression_len: usize,
    zone: *const u8,
    zone_len: usize,
    out: *mut *mut asterai_cron_t,
    err: *mut c_char,
    err_cap: usize,
) -> bool {
    let (expression, zone) = unsafe { (bytes(expression, expression_len), bytes(zone, zone_len)) };
    let parsed = catch_unwind(|| {
        let expression =
            std::str::from_utf8(expression).map_err(|_| "cron expression is not UTF-8".to_string())?;
        let zone = std::str::from_utf8(zone).map_err(|_| "time zone is not UTF-8".to_string())?;
        asterai_cron_t::parse(expression, zone)
    })
    .unwrap_or_else(|_| Err("internal error while parsing the cron expression".to_string()));
    match parsed {
        Ok(cron) if !out.is_null() => {
            unsafe { *out = Box::into_raw(Box::new(cron)) };
            true
        }
        Ok(_) => true,
        Err(message) => {
            unsafe { write_message(err, err_cap, &message) };
            false
        }
    }
}

/// Stores in `out` the first run strictly after `after` (both Unix seconds) and returns
/// true, or returns false when the expression never runs again (before the year 5000).
/// Safe to call from several threads at once on one handle.
#[unsafe(no_mangle)]
pub extern "C" fn asterai_cron_next(cron: &asterai_cron_t, after: i64, out: &mut i64) -> bool {
    match catch_unwind(AssertUnwindSafe(|| cron.next_after(after))) {
        Ok(Some(next)) => {
            *out = next;
            true
        }
        _ => false,
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn asterai_cron_delete(cron: Option<Box<asterai_cron_t>>) {
    drop(cron);
}
