//! Reads RFC 822/2822 dates and the shapes feeds bend them into: asctime, JavaScript's
//! `Date.toString`, Perforce's `2004/06/04`, `01-Jan-2004`, Greek names, AM/PM clocks.
//!
//! Policy: commas and `(comments)` are ignored, the weekday is skipped unchecked, the day may
//! come before or after the month, seconds and zone may be missing (zone → UTC), and two-digit
//! years use the feedparser pivot. Every token must be understood, or the date is refused.
//! Entry point: [`parse`].

use chrono::{FixedOffset, NaiveDate, NaiveTime};

use super::{Meridiem, names, zone};
use crate::model::Timestamp;

/// Reads an RFC 822-like date made of day, month, year, and optional clock and zone.
pub(super) fn parse(input: &str) -> Option<Timestamp> {
    let text = without_comments(input);
    let mut fields = Fields::default();
    for token in text.split(|letter: char| letter.is_whitespace() || letter == ',') {
        if token.is_empty() {
            continue;
        }
        // `01-Jan-2004` (RFC 850 and cookies) is a day, a month and a year joined by dashes.
        let is_dashed_date = token.starts_with(|first: char| first.is_ascii_digit())
            && token.contains('-')
            && token.contains(char::is_alphabetic);
        if is_dashed_date {
            for part in token.split('-') {
                fields.read(part)?;
            }
        } else {
            fields.read(token)?;
        }
    }
    fields.finish()
}

/// Reads the one shape most RSS dates have, `Sat, 30 Mar 2024 18:04:11 +0000` (English
/// names, a four-digit year, a numeric offset or `GMT`/`UT`/`UTC`/`Z`), without the
/// general tokenizer. `None` for anything else, which [`parse`] then reads: whatever this
/// accepts, `parse` reads the same way.
pub(super) fn parse_common(input: &str) -> Option<Timestamp> {
    const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    // Exactly six fields between single spaces, cut at byte offsets (a space is ASCII).
    let mut fields = [""; 6];
    let (mut n_fields, mut field_start) = (0, 0);
    for (idx, byte) in input.bytes().enumerate() {
        if byte == b' ' {
            *fields.get_mut(n_fields)? = &input[field_start..idx];
            n_fields += 1;
            field_start = idx + 1;
        }
    }
    *fields.get_mut(n_fields)? = &input[field_start..];
    let [weekday, day, month, year, clock, zone] = fields;
    let weekday = weekday.strip_suffix(',')?;
    if n_fields != 5 || !WEEKDAYS.iter().any(|w| w.eq_ignore_ascii_case(weekday)) {
        return None;
    }
    let month = MONTHS.iter().position(|m| m.eq_ignore_ascii_case(month))?;
    let is_clock = clock.len() == 8
        && clock.bytes().enumerate().all(|(idx, b)| {
            if idx % 3 == 2 {
                b == b':'
            } else {
                b.is_ascii_digit()
            }
        });
    let is_zone = zone.starts_with(['+', '-'])
        || ["GMT", "UT", "UTC", "Z"]
            .iter()
            .any(|name| name.eq_ignore_ascii_case(zone));
    if !(1..=2).contains(&day.len()) || year.len() != 4 || !is_clock || !is_zone {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(
        super::year_from_digits(year)?,
        u32::try_from(month + 1).ok()?,
        super::ascii_number(day)?,
    )?;
    // `HH:MM:SS`, checked above: what `parse_clock` reads it as, without its splitting.
    let digits = clock.as_bytes();
    let two_digits =
        |at: usize| u32::from(digits[at] - b'0') * 10 + u32::from(digits[at + 1] - b'0');
    let time = super::clock(two_digits(0), two_digits(3), two_digits(6), 0)?;
    super::at_offset(date, time, zone::parse(zone)?)
}

/// What the tokens of one date said, each at most once.
#[derive(Debug, Default)]
struct Fields<'a> {
    month: Option<u32>,
    /// Bare numbers in the order met: the day and the year, which `finish` tells apart.
    numbers: Vec<&'a str>,
    /// A Perforce `YYYY/MM/DD` date, which stands in for day, month and year.
    slashed: Option<NaiveDate>,
    clock: Option<NaiveTime>,
    meridiem: Option<Meridiem>,
    offset: Option<FixedOffset>,
}

impl<'a> Fields<'a> {
    /// Files one token under the field it names; `None` for a token that is not understood
    /// or that repeats a field already set.
    fn read(&mut self, token: &'a str) -> Option<()> {
        // Numbers first: most tokens are, and no name starts with a digit.
        let starts_with_digit = token.starts_with(|first: char| first.is_ascii_digit());
        if !starts_with_digit && !token.starts_with(['+', '-']) {
            if names::is_weekday(token) {
                return Some(());
            }
            if let Some(month) = names::month_number(token) {
                return set_once(&mut self.month, month);
            }
            if let Some(meridiem) = meridiem(token) {
                return set_once(&mut self.meridiem, meridiem);
            }
        }
        if starts_with_digit {
            if token.contains(':') {
                return set_once(&mut self.clock, super::parse_clock(token)?);
            }
            if token.contains('/') {
                return set_once(&mut self.slashed, slashed_date(token)?);
            }
            super::ascii_number(token)?;
            if self.numbers.len() >= 2 {
                return None;
            }
            self.numbers.push(token);
            return Some(());
        }
        let offset = zone::parse(token)?;
        match self.offset {
            // `GMT +0100`: the number says more than the name.
            Some(named) if named.local_minus_utc() == 0 && token.starts_with(['+', '-']) => {
                self.offset = Some(offset);
                Some(())
            }
            Some(_) => None,
            None => {
                self.offset = Some(offset);
                Some(())
            }
        }
    }

    /// Checks that a whole date was given and builds it.
    fn finish(self) -> Option<Timestamp> {
        let date = match (self.slashed, self.month, self.numbers.as_slice()) {
            (Some(date), None, []) => date,
            (None, Some(month), [first, second]) => {
                // The day comes first except in `2004 Jan 01`-like orders with a long year.
                let (day, year) = if first.len() > 2 {
                    (second, first)
                } else {
                    (first, second)
                };
                if day.len() > 2 {
                    return None;
                }
                NaiveDate::from_ymd_opt(
                    super::year_from_digits(year)?,
                    month,
                    super::ascii_number(day)?,
                )?
            }
            _ => return None,
        };
        let time = match (self.clock, self.meridiem) {
            (Some(clock), Some(meridiem)) => super::on_24_hour_dial(clock, meridiem)?,
            (Some(clock), None) => clock,
            (None, None) => NaiveTime::MIN,
            (None, Some(_)) => return None,
        };
        super::at_offset(date, time, self.offset.unwrap_or_else(super::utc))
    }
}

/// Stores `value` in an empty slot; `None` if the slot was already filled.
fn set_once<T>(slot: &mut Option<T>, value: T) -> Option<()> {
    if slot.is_some() {
        return None;
    }
    *slot = Some(value);
    Some(())
}

fn meridiem(token: &str) -> Option<Meridiem> {
    let is = |names: [&str; 2]| names.iter().any(|name| name.eq_ignore_ascii_case(token));
    if is(["am", "a.m."]) {
        Some(Meridiem::Am)
    } else if is(["pm", "p.m."]) {
        Some(Meridiem::Pm)
    } else {
        None
    }
}

/// Reads Perforce's `YYYY/MM/DD`; other slash orders are too ambiguous to guess.
fn slashed_date(token: &str) -> Option<NaiveDate> {
    let mut parts = token.split('/');
    let year = i32::try_from(super::fixed_number(parts.next()?, 4)?).ok()?;
    let month = super::fixed_number(parts.next()?, 2)?;
    let day = super::fixed_number(parts.next()?, 2)?;
    if parts.next().is_some() {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month, day)
}

/// Blanks out `(comments)` such as the `(PDT)` mail clients append; an unclosed `(` ends the text.
fn without_comments(input: &str) -> String {
    let mut depth = 0_usize;
    let mut text = String::with_capacity(input.len());
    for letter in input.chars() {
        match letter {
            '(' => {
                depth += 1;
                text.push(' ');
            }
            ')' if depth > 0 => {
                depth -= 1;
                text.push(' ');
            }
            _ if depth == 0 => text.push(letter),
            _ => {}
        }
    }
    text
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
    fn plain_rfc2822_reads_exactly() {
        check(
            "Thu, 01 Jan 2004 19:48:21 GMT",
            Some("2004-01-01T19:48:21+00:00"),
        );
        check(
            "Thu, 01 Jan 2004 19:48:21 +0200",
            Some("2004-01-01T19:48:21+02:00"),
        );
    }

    #[test]
    fn named_zones_map_to_their_fixed_offsets() {
        check(
            "Thu, 30 Apr 2015 08:57:00 MET",
            Some("2015-04-30T08:57:00+01:00"),
        );
        check(
            "Mon, 26 January 2004 16:31:00 PT",
            Some("2004-01-26T16:31:00-08:00"),
        );
        check(
            "Wed, 19 Aug 2009 18:28:00 Etc/GMT",
            Some("2009-08-19T18:28:00+00:00"),
        );
        check(
            "Wed, 19 Feb 2012 22:40:00 GMT-01:01",
            Some("2012-02-19T22:40:00-01:01"),
        );
    }

    #[test]
    fn extra_spaces_commas_and_missing_spaces_are_tolerated() {
        check(
            "Thu,  5 Apr 2012 10:00:00 GMT",
            Some("2012-04-05T10:00:00+00:00"),
        );
        check(
            "Mon, 13 Feb, 2012 06:28:00 UTC",
            Some("2012-02-13T06:28:00+00:00"),
        );
        check(
            "Fri,24 Nov 2023 18:28:36 -0000",
            Some("2023-11-24T18:28:36+00:00"),
        );
    }

    #[test]
    fn lowercase_and_full_month_names_are_read() {
        check(
            "thu, 01 jan 2004 19:48:21 gmt",
            Some("2004-01-01T19:48:21+00:00"),
        );
        check(
            "01 September 2004 19:48 EST",
            Some("2004-09-01T19:48:00-05:00"),
        );
    }

    #[test]
    fn asctime_and_javascript_orders_are_read() {
        check(
            "Sun Jan  4 16:29:06 2004",
            Some("2004-01-04T16:29:06+00:00"),
        );
        check(
            "Sun Jul 15 01:16:00 +0000 2012",
            Some("2012-07-15T01:16:00+00:00"),
        );
        check(
            "Thu Aug 30 2012 17:26:16 +0200",
            Some("2012-08-30T17:26:16+02:00"),
        );
        check(
            "Thu Aug 30 2012 17:26:16 GMT+0200 (Central European Summer Time)",
            Some("2012-08-30T17:26:16+02:00"),
        );
    }

    #[test]
    fn perforce_slashed_dates_are_read() {
        check("2004/06/04 18:50:32 PDT", Some("2004-06-04T18:50:32-07:00"));
        check(
            "Fri, 2006/09/15 08:19:53 EDT",
            Some("2006-09-15T08:19:53-04:00"),
        );
        check("06/04/2004 18:50:32 PDT", None);
    }

    #[test]
    fn dashed_day_month_year_is_read() {
        check(
            "Thursday, 01-Jan-04 19:48:21 GMT",
            Some("2004-01-01T19:48:21+00:00"),
        );
    }

    #[test]
    fn greek_names_are_read() {
        check(
            "Κυρ, 11 Ιούλ 2004 12:00:00 EST",
            Some("2004-07-11T12:00:00-05:00"),
        );
    }

    #[test]
    fn twelve_hour_clocks_are_moved_onto_the_24_hour_dial() {
        check(
            "Mon, 05 Jan 2004 3:45 PM GMT",
            Some("2004-01-05T15:45:00+00:00"),
        );
        check(
            "Mon, 05 Jan 2004 12:10 am GMT",
            Some("2004-01-05T00:10:00+00:00"),
        );
        check("Mon, 05 Jan 2004 13:10 pm GMT", None);
    }

    #[test]
    fn mail_style_zone_comment_is_ignored() {
        check(
            "Tue, 10 Jun 2003 09:41:01 -0700 (PDT)",
            Some("2003-06-10T09:41:01-07:00"),
        );
    }

    #[test]
    fn unknown_or_repeated_tokens_are_refused() {
        check("Sun, 16 Dec 2012 1:2:3:4 GMT", None);
        check("Sun, 16 zzz 2012 11:47:32 GMT", None);
        check("Sun, Dec x 2012 11:47:32 GMT", None);
        check("Sun, 16 Dec zz 11:47:32 GMT", None);
        check("Sun, 16 Dec 2012 11:47:32 +zz:00", None);
        check("Sun, 16 Dec 2012 11:47:32 +00:zz", None);
        check("Sun, 16 Dec Jan 2012 11:47:32 GMT", None);
        check("Sun, 16 Dec 2012 11:47:32 EST PST", None);
        check("16 Dec 2012 2013", None);
        check("Dec 2012", None);
    }
}
