//! Reads the two Korean blog date forms: onblog's `2004년 05월 28일 01:31:15` and nate's
//! `2004-05-25 오후 11:23:17` (`오전` is AM, `오후` is PM).
//!
//! Policy: neither form carries a zone, and the services that write them are Korean, so both
//! are read as KST (`+09:00`). Entry point: [`parse`].

use chrono::{FixedOffset, NaiveDate, NaiveTime};

use super::{Meridiem, iso8601};
use crate::model::Timestamp;

/// Korea Standard Time, nine hours east of UTC.
const KST_SECONDS: i32 = 9 * 60 * 60;

/// Reads an onblog or nate date.
pub(super) fn parse(input: &str) -> Option<Timestamp> {
    let tokens: Vec<&str> = input.split_whitespace().collect();
    let (date, time) = match tokens.as_slice() {
        [year, month, day] if year.ends_with('년') => {
            (onblog_date(year, month, day)?, NaiveTime::MIN)
        }
        [year, month, day, clock] => (onblog_date(year, month, day)?, super::parse_clock(clock)?),
        [date, meridiem, clock] => {
            let clock = super::parse_clock(clock)?;
            (
                iso8601::parse_date(date)?,
                super::on_24_hour_dial(clock, meridiem_word(meridiem)?)?,
            )
        }
        _ => return None,
    };
    super::at_offset(date, time, FixedOffset::east_opt(KST_SECONDS)?)
}

/// Reads `2004년`, `05월`, `28일` (year, month, day).
fn onblog_date(year: &str, month: &str, day: &str) -> Option<NaiveDate> {
    let year = super::fixed_number(year.strip_suffix('년')?, 4)?;
    let month = super::ascii_number(month.strip_suffix('월')?)?;
    let day = super::ascii_number(day.strip_suffix('일')?)?;
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

fn meridiem_word(word: &str) -> Option<Meridiem> {
    match word {
        "오전" => Some(Meridiem::Am),
        "오후" => Some(Meridiem::Pm),
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
    fn onblog_dates_are_read_as_korea_standard_time() {
        check(
            "2004년 05월 28일  01:31:15",
            Some("2004-05-28T01:31:15+09:00"),
        );
        check("2004년 5월 8일", Some("2004-05-08T00:00:00+09:00"));
    }

    #[test]
    fn nate_dates_move_the_afternoon_onto_the_24_hour_dial() {
        check(
            "2004-05-25 오후 11:23:17",
            Some("2004-05-25T23:23:17+09:00"),
        );
        check(
            "2004-05-25 오전 12:05:00",
            Some("2004-05-25T00:05:00+09:00"),
        );
    }

    #[test]
    fn malformed_korean_dates_are_refused() {
        check("2004년 13월 28일 01:31:15", None);
        check("2004년 05월 28 01:31:15", None);
        check("2004-05-25 오후 13:23:17", None);
        check("2004-05-25 저녁 11:23:17", None);
    }
}
