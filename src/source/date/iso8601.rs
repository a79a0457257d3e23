//! Reads ISO 8601 dates: RFC 3339, W3C-DTF, and the compact, ordinal and truncated forms.
//!
//! Policy: the date may stop at the month or year (the rest is the first), the time at the
//! hour or minute; `T` or a space separates them; no zone means UTC. Two-digit years use the
//! feedparser pivot, a month may be a name (`2004-július-13`), and trailing text is refused.
//! Forms that need today's date to complete (`--12-31`, `-031`) are refused. Entry: [`parse`].

use chrono::{FixedOffset, NaiveDate, NaiveTime};

use super::{names, zone};
use crate::model::Timestamp;

/// Reads an ISO 8601 date, optionally with a time and a zone.
pub(super) fn parse(input: &str) -> Option<Timestamp> {
    let (date_text, time_text) = split_date_time(input);
    let date = parse_date(date_text)?;
    let (time, offset) = match time_text {
        Some(time_text) => parse_time_and_zone(time_text)?,
        None => (NaiveTime::MIN, super::utc()),
    };
    super::at_offset(date, time, offset)
}

/// Reads the date part alone: `2003-12-31`, `20031231`, `2003-365`, `03-12-31`, `-0312`, ….
pub(super) fn parse_date(text: &str) -> Option<NaiveDate> {
    if let Some(rest) = text.strip_prefix('-') {
        return year_and_month_without_century(rest);
    }
    if text.contains('-') {
        let parts: Vec<&str> = text.split('-').collect();
        return match parts.as_slice() {
            [year, ordinal] if year.len() == 4 && is_digits(ordinal, 3) => {
                ordinal_date(four_digit_year(year)?, ordinal)
            }
            [year, month] if year.len() == 4 => {
                calendar_date(four_digit_year(year)?, month_field(month)?, "01")
            }
            [year, ordinal] => ordinal_date(two_digit_year(year)?, ordinal),
            [year, month, day] if year.len() == 2 => {
                calendar_date(two_digit_year(year)?, super::fixed_number(month, 2)?, day)
            }
            [year, month, day] => calendar_date(four_digit_year(year)?, month_field(month)?, day),
            _ => None,
        };
    }
    match text.len() {
        4 => calendar_date(four_digit_year(text)?, 1, "01"),
        5 => {
            let (year, ordinal) = text.split_at_checked(2)?;
            ordinal_date(two_digit_year(year)?, ordinal)
        }
        6 => {
            let (year, month_day) = text.split_at_checked(2)?;
            let (month, day) = month_day.split_at_checked(2)?;
            calendar_date(two_digit_year(year)?, super::fixed_number(month, 2)?, day)
        }
        7 => {
            let (year, ordinal) = text.split_at_checked(4)?;
            ordinal_date(four_digit_year(year)?, ordinal)
        }
        8 => {
            let (year, month_day) = text.split_at_checked(4)?;
            let (month, day) = month_day.split_at_checked(2)?;
            calendar_date(four_digit_year(year)?, super::fixed_number(month, 2)?, day)
        }
        _ => None,
    }
}

/// Splits at a `T` between digits or at the first whitespace; the time part may be absent.
fn split_date_time(input: &str) -> (&str, Option<&str>) {
    let mut previous = None;
    for (index, letter) in input.char_indices() {
        if letter.is_whitespace() {
            let (date, rest) = input.split_at(index);
            return (date, Some(rest.trim_start()));
        }
        let after = index + letter.len_utf8();
        let next_is_digit = input
            .get(after..)
            .is_some_and(|rest| rest.starts_with(|next: char| next.is_ascii_digit()));
        let previous_is_digit = previous.is_some_and(|earlier: char| earlier.is_ascii_digit());
        if matches!(letter, 'T' | 't') && previous_is_digit && next_is_digit {
            let (date, _) = input.split_at(index);
            return (date, input.get(after..));
        }
        previous = Some(letter);
    }
    (input, None)
}

/// `-YYMM` or `-YY-MM`: feedparser's truncated form, read as the first of that month.
fn year_and_month_without_century(text: &str) -> Option<NaiveDate> {
    let (year, month) = match text.split_once('-') {
        Some(pair) => pair,
        None => text.split_at_checked(2)?,
    };
    calendar_date(two_digit_year(year)?, super::fixed_number(month, 2)?, "01")
}

/// A month written as `12`, as `012` (seen in the wild), or as a name (`július`, `Dec`).
fn month_field(text: &str) -> Option<u32> {
    match text.len() {
        2 => super::fixed_number(text, 2),
        3 if text.starts_with('0') => super::fixed_number(text, 3),
        _ => names::month_number(text),
    }
}

fn is_digits(text: &str, width: usize) -> bool {
    super::fixed_number(text, width).is_some()
}

fn four_digit_year(text: &str) -> Option<i32> {
    i32::try_from(super::fixed_number(text, 4)?).ok()
}

fn two_digit_year(text: &str) -> Option<i32> {
    Some(super::widen_two_digit_year(super::fixed_number(text, 2)?))
}

fn calendar_date(year: i32, month: u32, day: &str) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, super::fixed_number(day, 2)?)
}

fn ordinal_date(year: i32, ordinal: &str) -> Option<NaiveDate> {
    NaiveDate::from_yo_opt(year, super::fixed_number(ordinal, 3)?)
}

/// Reads `10:14:55.123-08:00`, `101455Z`, `9:15-05:00`, `23:56:58 -00:20` and the like.
fn parse_time_and_zone(text: &str) -> Option<(NaiveTime, FixedOffset)> {
    let clock_end = text
        .find(|letter: char| !(letter.is_ascii_digit() || matches!(letter, ':' | '.' | ',')))
        .unwrap_or(text.len());
    let (clock, zone_text) = text.split_at(clock_end);
    let time = if clock.contains(':') {
        super::parse_clock(clock)?
    } else {
        compact_clock(clock)?
    };
    let zone_text = zone_text.trim();
    let offset = if zone_text.is_empty() {
        super::utc()
    } else {
        zone::parse(zone_text)?
    };
    Some((time, offset))
}

/// Reads the basic format: `10`, `1014`, `101455` or `101455.5`.
fn compact_clock(text: &str) -> Option<NaiveTime> {
    let (digits, nanos) = super::split_fraction(text)?;
    let field = |range: std::ops::Range<usize>| super::fixed_number(digits.get(range)?, 2);
    match digits.len() {
        2 if nanos == 0 => super::clock(field(0..2)?, 0, 0, 0),
        4 if nanos == 0 => super::clock(field(0..2)?, field(2..4)?, 0, 0),
        6 => super::clock(field(0..2)?, field(2..4)?, field(4..6)?, nanos),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::parse;
    use crate::source::date::check_with;

    #[track_caller]
    fn check(input: &str, expected: Option<&str>) {
        check_with(parse, input, expected);
    }

    #[test]
    fn rfc3339_with_zulu_or_offset_reads_exactly() {
        check("2003-12-31T10:14:55Z", Some("2003-12-31T10:14:55+00:00"));
        check(
            "2003-12-31T18:14:55+08:00",
            Some("2003-12-31T18:14:55+08:00"),
        );
        check(
            "2007-04-23T23:25:47.538+10:00",
            Some("2007-04-23T23:25:47.538+10:00"),
        );
    }

    #[test]
    fn truncated_dates_fill_in_the_first_day_and_month() {
        check("2003-12-31", Some("2003-12-31T00:00:00+00:00"));
        check("2003-12", Some("2003-12-01T00:00:00+00:00"));
        check("2003", Some("2003-01-01T00:00:00+00:00"));
    }

    #[test]
    fn compact_basic_format_reads_like_the_extended_one() {
        check("20031231T101455Z", Some("2003-12-31T10:14:55+00:00"));
        check("20031231T1014+0800", Some("2003-12-31T10:14:00+08:00"));
        check("20031231", Some("2003-12-31T00:00:00+00:00"));
    }

    #[test]
    fn ordinal_dates_count_days_from_january_first() {
        check("2003-335", Some("2003-12-01T00:00:00+00:00"));
        check("2003335", Some("2003-12-01T00:00:00+00:00"));
        check("03335", Some("2003-12-01T00:00:00+00:00"));
        check("03-335", Some("2003-12-01T00:00:00+00:00"));
        check("2003-366", None);
    }

    #[test]
    fn two_digit_year_forms_use_the_feedparser_pivot() {
        check("031231", Some("2003-12-31T00:00:00+00:00"));
        check("03-12-31", Some("2003-12-31T00:00:00+00:00"));
        check("-0312", Some("2003-12-01T00:00:00+00:00"));
        check("-03-12", Some("2003-12-01T00:00:00+00:00"));
    }

    #[test]
    fn space_separator_missing_seconds_and_spaced_offsets_are_tolerated() {
        check(
            "2004-07-08 23:56:58 -00:20",
            Some("2004-07-08T23:56:58-00:20"),
        );
        check("2004-07-08 23:56", Some("2004-07-08T23:56:00+00:00"));
        check("2004-07-08 23:56:58.0", Some("2004-07-08T23:56:58+00:00"));
        check(
            "2003-12-31T10:14:55+0800",
            Some("2003-12-31T10:14:55+08:00"),
        );
    }

    #[test]
    fn three_digit_month_with_leading_zero_is_read_as_a_month() {
        check(
            "2003-012-31T10:14:55+00:00",
            Some("2003-12-31T10:14:55+00:00"),
        );
    }

    #[test]
    fn hungarian_month_names_and_one_digit_hours_are_read() {
        check(
            "2004-július-13T9:15-05:00",
            Some("2004-07-13T09:15:00-05:00"),
        );
        check(
            "2004-augusztus-13T09:15Z",
            Some("2004-08-13T09:15:00+00:00"),
        );
    }

    #[test]
    fn trailing_text_or_extra_fields_are_refused() {
        check("2013-01-28T11:30:00-06:00Textra", None);
        check("2013-01-27-01", None);
        check("2013-xx-27", None);
        check("2013-01-28T09:xx:00Z", None);
        check("2013-01-28T09:00:00+00:xx", None);
        check("9999-12-31T23:59:59-99:99", None);
        check("2003-12-31T", None);
        check("2003-12-31T10:14.5Z", None);
    }

    #[test]
    fn forms_that_need_todays_date_are_refused() {
        check("013", None);
        check("--12-31", None);
        check("-335", None);
    }
}
