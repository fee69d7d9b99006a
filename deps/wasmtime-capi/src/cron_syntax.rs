//! The syntax of a schedule's cron expression, checked field by field so that a mistake
//! gets one readable line (croner's own errors name neither the field nor the value), and
//! rewritten with numbers for names so that croner sees plain Vixie-cron fields. The
//! semantics are stated in include/asterai/schedule/cron.h.
use croner::Cron;
use croner::errors::CronError;
use croner::parser::{CronParser, Seconds, Year};

struct Field {
    name: &'static str,
    min: u64,
    max: u64,
    /// The highest value that is not another name for the lowest (day of week 7 is Sunday).
    last: u64,
    /// Three-letter names for min, min + 1, ... (months, weekdays).
    names: &'static [&'static str],
    /// The allowed values as the messages put them.
    range: &'static str,
}

const MINUTE: usize = 0;
const HOUR: usize = 1;
const DAY_OF_MONTH: usize = 2;
const DAY_OF_WEEK: usize = 4;

const FIELDS: [Field; 5] = [
    Field {
        name: "minute",
        min: 0,
        max: 59,
        last: 59,
        names: &[],
        range: "0-59",
    },
    Field {
        name: "hour",
        min: 0,
        max: 23,
        last: 23,
        names: &[],
        range: "0-23",
    },
    Field {
        name: "day-of-month",
        min: 1,
        max: 31,
        last: 31,
        names: &[],
        range: "1-31",
    },
    Field {
        name: "month",
        min: 1,
        max: 12,
        last: 12,
        names: &[
            "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
        ],
        range: "1-12 or JAN-DEC",
    },
    Field {
        name: "day-of-week",
        min: 0,
        max: 7,
        last: 6,
        names: &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"],
        range: "0-7 or SUN-SAT (0 and 7 are Sunday)",
    },
];

const ALIASES: [(&str, &str); 6] = [
    ("@yearly", "0 0 1 1 *"),
    ("@annually", "0 0 1 1 *"),
    ("@monthly", "0 0 1 * *"),
    ("@weekly", "0 0 * * 0"),
    ("@daily", "0 0 * * *"),
    ("@hourly", "0 * * * *"),
];

/// A parsed expression and how its runs meet daylight saving time.
pub struct Parsed {
    pub cron: Cron,
    /// Vixie cron's "fixed-time" job: neither the minute nor the hour field starts with `*`.
    pub fixed_time: bool,
}

/// Parses `expression`; the error is one line that quotes it.
pub fn parse(expression: &str) -> Result<Parsed, String> {
    let trimmed = expression.trim();
    if trimmed.is_empty() {
        return Err(
            "cron expression is empty: expected 5 fields (minute hour day-of-month month day-of-week) \
                    or an alias such as @daily"
                .into(),
        );
    }
    parse_fields(trimmed).map_err(|e| format!("cron expression {}: {e}", quoted(trimmed)))
}

/// The expression or zone as messages quote it: escaped, and shortened when long.
pub fn quoted(text: &str) -> String {
    const MAX_CHARS: usize = 80;
    if text.chars().count() <= MAX_CHARS {
        return format!("{text:?}");
    }
    let head: String = text.chars().take(MAX_CHARS - 3).collect();
    format!("{:?}", head + "...")
}

fn parse_fields(trimmed: &str) -> Result<Parsed, String> {
    let text = match trimmed.strip_prefix('@') {
        Some(_) => ALIASES
            .iter()
            .find(|(alias, _)| alias.eq_ignore_ascii_case(trimmed))
            .map(|(_, fields)| *fields)
            .ok_or("unknown alias; use @yearly, @annually, @monthly, @weekly, @daily or @hourly")?,
        None => trimmed,
    };
    let fields: Vec<&str> = text.split_whitespace().collect();
    if fields.len() != FIELDS.len() {
        let extra = if (6..=7).contains(&fields.len()) {
            "; seconds and year fields are not supported"
        } else {
            ""
        };
        return Err(format!(
            "expected 5 fields (minute hour day-of-month month day-of-week), got {}{extra}",
            fields.len()
        ));
    }
    let normalized = fields
        .iter()
        .zip(&FIELDS)
        .enumerate()
        .map(|(index, (text, field))| normalize_field(index, field, text))
        .collect::<Result<Vec<_>, _>>()?;
    let starred = |index: usize| normalized[index].starts_with('*');
    // Vixie cron: when either day field starts with `*`, a day must match both; when both are
    // restricted, either is enough.
    let cron = parser(starred(DAY_OF_MONTH) || starred(DAY_OF_WEEK))
        .parse(&normalized.join(" "))
        .map_err(|e| readable(&e))?;
    Ok(Parsed {
        cron,
        fixed_time: !starred(MINUTE) && !starred(HOUR),
    })
}

fn parser(dom_and_dow: bool) -> CronParser {
    CronParser::builder()
        .seconds(Seconds::Disallowed)
        .year(Year::Disallowed)
        .dom_and_dow(dom_and_dow)
        .build()
}

/// One field with names replaced by numbers and `?` by `*`.
fn normalize_field(index: usize, field: &Field, text: &str) -> Result<String, String> {
    let mut items = Vec::new();
    for item in text.split(',') {
        if item.is_empty() {
            return Err(format!("{} \"{text}\" has an empty list item", field.name));
        }
        if is_extension(index, item) {
            items.push(extension(index, field, item)?);
            continue;
        }
        let (base, step) = match item.split_once('/') {
            Some((base, step)) => (base, Some(step)),
            None => (item, None),
        };
        let base = match base {
            "*" => "*".to_string(),
            "?" if index == DAY_OF_MONTH || index == DAY_OF_WEEK => "*".to_string(),
            _ if base.contains('-') => range(field, base)?,
            _ if let Some(step) = step => {
                let ranged = if base.is_empty() {
                    String::new()
                } else {
                    format!(" or \"{base}-{}/{step}\"", field.max)
                };
                return Err(format!(
                    "{} \"{item}\": a step needs \"*\" or a range before it, as in \"*/{step}\"{ranged}",
                    field.name
                ));
            }
            _ => value(field, base)?.to_string(),
        };
        match step {
            None => items.push(base),
            Some(step) => {
                let digits = !step.is_empty() && step.bytes().all(|b| b.is_ascii_digit());
                let count = step
                    .parse::<u64>()
                    .ok()
                    .filter(|s| digits && (1..=field.max).contains(s));
                let count = count.ok_or_else(|| {
                    format!(
                        "{} step \"{item}\": the step must be a number from 1 to {}",
                        field.name, field.max
                    )
                })?;
                items.push(format!("{base}/{count}"));
            }
        }
    }
    Ok(items.join(","))
}

fn range(field: &Field, text: &str) -> Result<String, String> {
    let parts = text
        .split_once('-')
        .filter(|(start, end)| !start.is_empty() && !end.is_empty() && !end.contains('-'));
    let Some((start, end)) = parts else {
        return Err(format!("{} range \"{text}\" is not START-END", field.name));
    };
    let first = value(field, start)?;
    // Day of week: SUN ends a range as 7, so that MON-SUN is Monday to Sunday.
    let last = match value(field, end)? {
        0 if field.max > field.last && !end.starts_with(|c: char| c.is_ascii_digit()) => field.max,
        last => last,
    };
    if first > last {
        let hint = match (start.bytes().all(|b| b.is_ascii_digit()), field.names) {
            // Day of week 0 is 7 too.
            (true, _) if field.max > field.last && last == 0 => format!("{start}-{}", field.max),
            // Otherwise wrap around the field's end, in the notation the range was written in.
            (false, [low, .., high]) => format!("{start}-{high},{low}-{end}"),
            _ => format!("{start}-{},{}-{end}", field.last, field.min),
        };
        return Err(format!(
            "{} range {text} runs backwards; write it as {hint}",
            field.name
        ));
    }
    Ok(format!("{first}-{last}"))
}

fn value(field: &Field, text: &str) -> Result<u64, String> {
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        // Too many digits for u64 is out of range too.
        return text
            .parse::<u64>()
            .ok()
            .filter(|v| (field.min..=field.max).contains(v))
            .ok_or_else(|| format!("{} {text} is out of range {}", field.name, field.range));
    }
    if let Some(i) = field
        .names
        .iter()
        .position(|name| name.eq_ignore_ascii_case(text))
    {
        return Ok(field.min + i as u64);
    }
    Err(if field.names.is_empty() {
        format!("{} \"{text}\" is not a number in {}", field.name, field.range)
    } else {
        format!(
            "{} \"{text}\" is not a number or name in {}",
            field.name, field.range
        )
    })
}

/// croner's additions: `L`, `W`, `LW` in the day of the month; `#` and `L` in the day of
/// the week.
fn is_extension(index: usize, item: &str) -> bool {
    match index {
        DAY_OF_MONTH => item.contains(['L', 'W', 'l', 'w']),
        DAY_OF_WEEK => item.contains(['L', 'l', '#']),
        _ => false,
    }
}

/// An extension item with day names replaced, checked by croner on its own so that its
/// error can name the field.
fn extension(index: usize, field: &Field, item: &str) -> Result<String, String> {
    let mut out = item.to_ascii_uppercase();
    for (i, name) in field.names.iter().enumerate() {
        out = out.replace(name, &(field.min + i as u64).to_string());
    }
    let probe = if index == DAY_OF_MONTH {
        format!("0 0 {out} * *")
    } else {
        format!("0 0 * * {out}")
    };
    match parser(false).parse(&probe) {
        Ok(_) => Ok(out),
        Err(e) => Err(format!(
            "{} \"{item}\" is not valid: {}",
            field.name,
            readable(&e)
        )),
    }
}

/// croner's message without its prefix and final period, starting in lower case.
fn readable(e: &CronError) -> String {
    let text = match e {
        CronError::InvalidPattern(m) | CronError::IllegalCharacters(m) | CronError::ComponentError(m) => {
            m.clone()
        }
        other => other.to_string(),
    };
    let text = text.trim_end_matches('.');
    let mut chars = text.chars();
    chars
        .next()
        .map_or(String::new(), |c| c.to_lowercase().chain(chars).collect())
}
