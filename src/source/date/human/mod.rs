//! Reads the dates pages show people (`Published: 09 Sep. 2025, 18:21`, `3시간 전`), which
//! carry no zone, in the page's time zone.
//!
//! Policy: a caller's strftime format first, then the feed parsers of [`super::parse`] when
//! the text wrote a zone, then common numeric, named-month and CJK forms, then zone-less feed
//! forms, then dates relative to the caller's `now`; text around the date is skipped, and
//! nothing reads the clock or panics. Entry point: [`parse_human`].

mod absolute;
mod clock;
mod locale;
mod relative;
mod relative_words;
mod tokens;

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::model::Timestamp;

/// What a human date needs besides its text.
#[derive(Debug, Clone, PartialEq)]
pub struct HumanDateContext {
    /// A chrono strftime format the source writes its dates in (`%d %b. %Y, %H:%M`), tried
    /// first; month and weekday names in any supported language match `%b`/`%B`/`%a`/`%A`.
    pub format: Option<String>,
    /// The zone zone-less dates are read in; `None` means UTC. It also decides the day/month
    /// order of ambiguous numeric dates: month first in US zones, day first elsewhere.
    pub zone: Option<Tz>,
    /// The instant relative dates (`3 hours ago`, `yesterday`) count back from.
    pub now: DateTime<Utc>,
}

impl HumanDateContext {
    /// A context with no format, in `zone`, counting relative dates back from `now`.
    pub fn new(zone: Option<Tz>, now: DateTime<Utc>) -> Self {
        HumanDateContext {
            format: None,
            zone,
            now,
        }
    }
}

/// Parses a date as pages show it; `None` when no date can be found in `input`.
///
/// Zone-less dates are read in `context.zone` with the offset in force then, so the result
/// carries a DST-correct offset. A local time that happens twice (clocks going back) is the
/// earlier instant; one that never happens (clocks going forward) is the first instant after
/// the gap, so `02:30` on a spring-forward night in Berlin is `03:00+02:00`.
///
/// Numeric dates: a four-digit first field is the year (`2025.09.09`, `2025/09/09`); dotted
/// dates are day first (`09.09.2025`); with `/` or `-`, a field over 12 decides, otherwise
/// the order is day first, except month first in US zones (`America/New_York`, `US/*`…).
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use feedmill::source::date::{HumanDateContext, parse_human};
///
/// let now = Utc.with_ymd_and_hms(2025, 9, 10, 0, 0, 0).unwrap();
/// let context = HumanDateContext::new(Some(chrono_tz::Asia::Seoul), now);
/// let date = parse_human("Published: 09 Sep. 2025, 18:21", &context).unwrap();
/// assert_eq!(date.to_rfc3339(), "2025-09-09T18:21:00+09:00");
/// let date = parse_human("3시간 전", &context).unwrap();
/// assert_eq!(date.to_rfc3339(), "2025-09-10T06:00:00+09:00");
/// ```
pub fn parse_human(input: &str, context: &HumanDateContext) -> Option<Timestamp> {
    let input = input.trim();
    if input.is_empty() || input.chars().count() > tokens::MAX_INPUT_CHARS {
        return None;
    }
    let zone = context.zone.unwrap_or(Tz::UTC);
    if let Some(format) = context.format.as_deref()
        && let Some(found) = with_format(input, format, zone)
    {
        return Some(found);
    }
    let feed_date = super::parse(input);
    if let Some(found) = feed_date
        && zone_written(input, found)
    {
        return Some(found);
    }
    let tokens = tokens::tokenize(input);
    let today = context.now.with_timezone(&zone).date_naive();
    if let Some(found) = absolute::parse(&tokens, zone, today) {
        return Some(found);
    }
    if let Some(found) = feed_date {
        // The feed parsers read this zone-less date as UTC (or KST); it is local to the page.
        return in_zone(found.naive_local(), zone).map(|found| found.fixed_offset());
    }
    relative::parse(&tokens, context.now.with_timezone(&zone)).map(|found| found.fixed_offset())
}

/// Parses a machine-readable date (`2025-09-09T18:21:00`, `Tue, 09 Sep 2025 18:21 GMT`) with
/// the feed parsers of [`super::parse`], placing it in `zone` when the text wrote no zone;
/// with no `zone`, the parsers' own assumption stands (UTC, or KST for Korean forms). The
/// flag is true when the zone was assumed rather than written.
pub(crate) fn parse_in_zone(input: &str, zone: Option<Tz>) -> Option<(Timestamp, bool)> {
    let found = super::parse(input)?;
    if zone_written(input, found) {
        return Some((found, false));
    }
    let Some(zone) = zone else {
        return Some((found, true));
    };
    let placed = in_zone(found.naive_local(), zone)?;
    Some((placed.fixed_offset(), true))
}

/// Reads `input` with a strftime `format`, starting at each character in turn so text around
/// the date is skipped; a format without a time gives local midnight.
fn with_format(input: &str, format: &str, zone: Tz) -> Option<Timestamp> {
    let translated = english_names(input);
    let input = translated.as_str();
    for (start, _) in input.char_indices() {
        let rest = &input[start..];
        if let Ok((found, _)) = DateTime::parse_and_remainder(rest, format) {
            return Some(found);
        }
        if let Ok((found, _)) = NaiveDateTime::parse_and_remainder(rest, format) {
            return in_zone(found, zone).map(|found| found.fixed_offset());
        }
        if let Ok((found, _)) = NaiveDate::parse_and_remainder(rest, format) {
            return in_zone(found.and_time(NaiveTime::MIN), zone).map(|found| found.fixed_offset());
        }
    }
    None
}

/// Replaces month and weekday names in any supported language by the English names chrono
/// reads, keeping every other character.
fn english_names(input: &str) -> String {
    let mut output = String::with_capacity(input.len());
    let mut word = String::new();
    let flush = |word: &mut String, output: &mut String| {
        if word.is_empty() {
            return;
        }
        let key = tokens::normalize(word);
        let english = locale::month_number(&key)
            .and_then(|month| locale::ENGLISH_MONTHS.get(usize::try_from(month).ok()? - 1))
            .or_else(|| {
                locale::weekday_index(&key).and_then(|day| locale::ENGLISH_WEEKDAYS.get(day))
            });
        match english {
            Some(english) => output.push_str(english),
            None => output.push_str(word),
        }
        word.clear();
    };
    for c in input.chars() {
        if c.is_alphabetic() && !tokens::is_cjk(c) {
            word.push(c);
        } else {
            flush(&mut word, &mut output);
            output.push(c);
        }
    }
    flush(&mut word, &mut output);
    output
}

/// Whether the feed parsers' reading `found` of `input` has a zone the text wrote, rather
/// than the UTC they assume for zone-less text or the KST they assume for Korean forms.
fn zone_written(input: &str, found: Timestamp) -> bool {
    let korean = input.chars().any(tokens::is_cjk);
    !korean && (found.offset().local_minus_utc() != 0 || names_utc(input))
}

/// Whether text the feed parsers read at `+00:00` said so (`Z`, `GMT`, `UTC`, `+00:00`).
fn names_utc(input: &str) -> bool {
    let upper = input.to_ascii_uppercase();
    upper.contains("+00")
        || upper.contains("-00:00")
        || upper.contains("-0000")
        || upper
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|word| {
                matches!(word, "GMT" | "UTC" | "UT" | "Z")
                    || word.ends_with('Z')
                        && word.len() > 1
                        && word.bytes().next().is_some_and(|b| b.is_ascii_digit())
            })
}

/// Places a wall-clock time in `zone`: the earlier instant when it happens twice, the first
/// instant after the gap when it never happens.
fn in_zone(local: NaiveDateTime, zone: Tz) -> Option<DateTime<Tz>> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(found) => Some(found),
        LocalResult::Ambiguous(first, second) => Some(first.min(second)),
        LocalResult::None => after_gap(local, zone),
    }
}

/// The first instant whose wall time in `zone` is at or after `local`, found by bisection
/// over the 36 hours either side (wider than any offset or gap).
fn after_gap(local: NaiveDateTime, zone: Tz) -> Option<DateTime<Tz>> {
    let reach = chrono::Duration::try_hours(36)?;
    let mut low = local.checked_sub_signed(reach)?.and_utc().timestamp();
    let mut high = local.checked_add_signed(reach)?.and_utc().timestamp();
    while high - low > 1 {
        let middle = low + (high - low) / 2;
        let wall = zone.timestamp_opt(middle, 0).single()?.naive_local();
        if wall >= local {
            high = middle;
        } else {
            low = middle;
        }
    }
    zone.timestamp_opt(high, 0).single()
}

#[cfg(test)]
mod tests;
