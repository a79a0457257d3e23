//! Parses the dates feeds and pages carry into [`Timestamp`]s, as leniently as real feeds need.
//!
//! Policy: read every form feeds are known to use (ISO 8601 in `iso8601`, RFC 822 and its
//! breakage in `rfc822`, Korean blog forms in `korean`), keep the offset the date was written
//! with (no zone means UTC), refuse impossible values with `None`, and never panic.
//! Entry points: [`parse`]; [`parse_human`] (in `human`) for the zone-less, localized and
//! relative dates pages show, read in a [`HumanDateContext`].

mod human;
mod iso8601;
mod korean;
mod names;
mod rfc822;
mod zone;

use chrono::{FixedOffset, NaiveDate, NaiveTime, Offset, TimeZone, Timelike, Utc};

use crate::model::Timestamp;

pub(crate) use self::human::parse_in_zone;
pub use self::human::{HumanDateContext, parse_human};

/// Parses a date in any format feeds use; `None` when it cannot be understood.
///
/// The result keeps the offset the date was written with: `Tue, 09 Sep 2025 18:21:00 KST`
/// comes back at `+09:00`, a date without a zone at `+00:00`. Weekdays are never checked,
/// and two-digit years below 90 are read as 20xx, the others as 19xx.
///
/// ```
/// use feedmill::source::date;
///
/// let written = date::parse("Tue, 09 Sep 2025 18:21:00 KST").unwrap();
/// assert_eq!(written.to_rfc3339(), "2025-09-09T18:21:00+09:00");
/// assert!(date::parse("yesterday-ish").is_none());
/// ```
pub fn parse(input: &str) -> Option<Timestamp> {
    let input = input.trim();
    if input.is_empty() {
        return None;
    }
    // Most feed dates are plain RFC 3339; chrono's strict parser reads those fastest.
    if let Ok(timestamp) = chrono::DateTime::parse_from_rfc3339(input) {
        return Some(timestamp);
    }
    // Then the usual RSS form, which starts with a letter, so ISO 8601 never reads it.
    if input.starts_with(|c: char| c.is_ascii_alphabetic())
        && let Some(timestamp) = rfc822::parse_common(input)
    {
        return Some(timestamp);
    }
    iso8601::parse(input)
        .or_else(|| rfc822::parse(input))
        .or_else(|| korean::parse(input))
}

/// Morning or afternoon, for clocks written on a 12-hour dial.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Meridiem {
    Am,
    Pm,
}

/// Reads a non-empty run of at most nine ASCII digits (so it always fits a `u32`).
fn ascii_number(text: &str) -> Option<u32> {
    let is_digits = !text.is_empty() && text.len() <= 9 && text.bytes().all(|b| b.is_ascii_digit());
    if !is_digits {
        return None;
    }
    text.parse().ok()
}

/// Reads exactly `width` ASCII digits.
fn fixed_number(text: &str, width: usize) -> Option<u32> {
    if text.len() != width {
        return None;
    }
    ascii_number(text)
}

/// Widens a two-digit year the way feedparser does: `00`–`89` are 20xx, `90`–`99` are 19xx.
fn widen_two_digit_year(year: u32) -> i32 {
    let year = i32::try_from(year % 100).unwrap_or_default();
    if year < 90 { 2000 + year } else { 1900 + year }
}

/// Reads a year of one to four digits; up to two digits are widened, more are taken as written.
fn year_from_digits(text: &str) -> Option<i32> {
    let year = ascii_number(text)?;
    match text.len() {
        1 | 2 => Some(widen_two_digit_year(year)),
        3 | 4 => i32::try_from(year).ok(),
        _ => None,
    }
}

/// Reads an extended clock, `H:MM`, `H:MM:SS` or `H:MM:SS.fff` (one- or two-digit fields).
fn parse_clock(text: &str) -> Option<NaiveTime> {
    let (hms, nanos) = split_fraction(text)?;
    let mut fields = hms.split(':');
    let hour = short_number(fields.next()?)?;
    let minute = short_number(fields.next()?)?;
    let second = fields.next().map(short_number);
    if fields.next().is_some() {
        return None;
    }
    let has_fraction = hms.len() != text.len();
    match (second, has_fraction) {
        (Some(second), _) => clock(hour, minute, second?, nanos),
        (None, false) => clock(hour, minute, 0, 0),
        // A fraction needs seconds to belong to.
        (None, true) => None,
    }
}

/// Reads a one- or two-digit clock field.
fn short_number(text: &str) -> Option<u32> {
    if text.len() > 2 {
        return None;
    }
    ascii_number(text)
}

/// Splits `12:30:05.25` into `12:30:05` and 250 000 000 ns; a `,` works as the decimal mark too.
fn split_fraction(text: &str) -> Option<(&str, u32)> {
    let Some((whole, fraction)) = text.split_once(['.', ',']) else {
        return Some((text, 0));
    };
    if fraction.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Digits past nanoseconds are dropped, not rounded.
    let nanos = fraction
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(9)
        .fold(0, |nanos, digit| nanos * 10 + u32::from(digit - b'0'));
    Some((whole, nanos))
}

/// Builds a time of day; second 60 becomes chrono's leap-second form, anything beyond is refused.
fn clock(hour: u32, minute: u32, second: u32, nanos: u32) -> Option<NaiveTime> {
    if second == 60 {
        return NaiveTime::from_hms_nano_opt(hour, minute, 59, 1_000_000_000 + nanos);
    }
    NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)
}

/// Turns a 12-hour clock reading (hour 1–12) into the 24-hour time it means.
fn on_24_hour_dial(time: NaiveTime, meridiem: Meridiem) -> Option<NaiveTime> {
    let hour = time.hour();
    if !(1..=12).contains(&hour) {
        return None;
    }
    let hour = match meridiem {
        Meridiem::Am => hour % 12,
        Meridiem::Pm => hour % 12 + 12,
    };
    time.with_hour(hour)
}

/// The `+00:00` offset dates without a zone are read in.
fn utc() -> FixedOffset {
    Utc.fix()
}

/// Places a wall-clock date and time at an offset.
fn at_offset(date: NaiveDate, time: NaiveTime, offset: FixedOffset) -> Option<Timestamp> {
    offset.from_local_datetime(&date.and_time(time)).single()
}

/// Asserts that `parser` reads `input` as the RFC 3339 instant `expected` (or rejects it).
#[cfg(test)]
#[track_caller]
pub(crate) fn check_with(
    parser: fn(&str) -> Option<Timestamp>,
    input: &str,
    expected: Option<&str>,
) {
    let actual = parser(input).map(|timestamp| timestamp.to_rfc3339());
    assert_eq!(actual.as_deref(), expected, "input {input:?}");
}

#[cfg(test)]
mod tests {
    use super::parse;

    /// The result as RFC 3339 text, offset included, so tests see exactly what was kept.
    fn parsed(input: &str) -> Option<String> {
        parse(input).map(|timestamp| timestamp.to_rfc3339())
    }

    #[test]
    fn named_zone_keeps_its_own_offset() {
        assert_eq!(
            parsed("Tue, 09 Sep 2025 18:21:00 KST").as_deref(),
            Some("2025-09-09T18:21:00+09:00")
        );
    }

    #[test]
    fn numeric_offset_is_kept_as_written() {
        assert_eq!(
            parsed("2003-12-31T10:14:55.123-08:00").as_deref(),
            Some("2003-12-31T10:14:55.123-08:00")
        );
    }

    #[test]
    fn date_without_zone_is_read_as_utc() {
        assert_eq!(
            parsed("2004-07-08 23:56:58").as_deref(),
            Some("2004-07-08T23:56:58+00:00")
        );
        assert_eq!(
            parsed("Thu, 01 Jan 2004").as_deref(),
            Some("2004-01-01T00:00:00+00:00")
        );
    }

    #[test]
    fn missing_seconds_default_to_zero() {
        assert_eq!(
            parsed("Thu, 01 Jan 2004 00:00 GMT").as_deref(),
            Some("2004-01-01T00:00:00+00:00")
        );
        assert_eq!(
            parsed("2003-12-31T10:14+01:00").as_deref(),
            Some("2003-12-31T10:14:00+01:00")
        );
    }

    #[test]
    fn two_digit_years_pivot_at_ninety() {
        assert_eq!(
            parsed("Thu, 01 Jan 04 19:48:21 GMT").as_deref(),
            Some("2004-01-01T19:48:21+00:00")
        );
        assert_eq!(
            parsed("Fri, 01 Jan 99 19:48:21 GMT").as_deref(),
            Some("1999-01-01T19:48:21+00:00")
        );
    }

    #[test]
    fn four_digit_years_are_taken_as_written_even_when_small() {
        assert_eq!(
            parsed("Thu, 01 Jan 0100 00:00:01 +0100").as_deref(),
            Some("0100-01-01T00:00:01+01:00")
        );
    }

    #[test]
    fn wrong_or_missing_weekday_still_parses() {
        let expected = Some("2004-01-01T19:48:21+00:00");
        assert_eq!(parsed("Mon, 01 Jan 2004 19:48:21 GMT").as_deref(), expected);
        assert_eq!(parsed("01 Jan 2004 19:48:21 GMT").as_deref(), expected);
    }

    #[test]
    fn garbage_returns_none() {
        for input in [
            "",
            "   ",
            "yesterday",
            "not a date at all",
            "12345678901",
            "::",
            "T",
            "+0900",
        ] {
            assert_eq!(parsed(input), None, "{input:?} should not parse");
        }
    }

    #[test]
    fn impossible_fields_return_none() {
        for input in [
            "2003-13-01",
            "2003-02-30",
            "2003-12-31T25:14:55Z",
            "2003-12-31T10:61:55Z",
            "2003-12-31T10:14:61Z",
            "Sun, 99 Jun 2009 12:00:00 GMT",
            "Sun, 16 Dec 2012 24:00:00 GMT",
        ] {
            assert_eq!(parsed(input), None, "{input:?} should not parse");
        }
    }

    #[test]
    fn leap_second_is_accepted() {
        let leap = parse("2016-12-31T23:59:60Z").map(|timestamp| timestamp.timestamp());
        assert_eq!(
            leap,
            parse("2016-12-31T23:59:59Z").map(|timestamp| timestamp.timestamp())
        );
    }

    #[test]
    fn surrounding_whitespace_is_ignored() {
        assert_eq!(
            parsed("  2003-12-31\n").as_deref(),
            Some("2003-12-31T00:00:00+00:00")
        );
    }

    #[test]
    fn every_prefix_of_real_dates_parses_or_refuses_without_panicking() {
        let samples = [
            "Κυρ, 11 Ιούλ 2004 12:00:00 EST",
            "2004-július-13T9:15-05:00",
            "2004-05-25 오후 11:23:17",
            "2004년 05월 28일  01:31:15",
            "Fri, 2006/09/15 08:19:53 EDT",
            "Wed, 19 Feb 2012 22:40:00 GMT-01:01",
            "2007-04-23T23:25:47.538+10:00",
            "Sun Jul 15 01:16:00 +0000 2012",
            "Tue, 10 Jun 2003 09:41:01 -0700 (PDT)",
        ];
        for sample in samples {
            for (end, _) in sample.char_indices() {
                let _ = parse(&sample[..end]);
                let _ = parse(&sample[end..]);
            }
        }
    }

    #[test]
    fn odd_bytes_and_huge_numbers_return_none_without_panicking() {
        for input in [
            "\u{0}",
            "99999999999999999999-01-01",
            "2003-12-31T10:14:55.99999999999999999999Z",
            "Thu, 01 Jan 2004 10:00:00 +99999999999",
            "((((",
            ")",
            "-",
            "--",
            "2003-",
            "2003--01",
            "T10:00",
            "오후",
            "년 월 일",
        ] {
            let _ = parse(input);
        }
    }
}
