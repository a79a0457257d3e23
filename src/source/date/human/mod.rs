//! Reads the dates pages show people (`Published: 09 Sep. 2025, 18:21`, `3시간 전`), which
//! carry no zone, in the page's time zone.
//!
//! Policy: a caller's strftime format first, then the feed parsers of [`super::parse`] (a zone
//! they read is kept), then common numeric, named-month and CJK forms, then dates relative to
//! the caller's `now`; text around the date is skipped. Never panics. Entry point: [`parse_human`].

mod absolute;
mod locale;
mod relative;
mod relative_words;
mod tokens;

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

use self::tokens::Token;
use crate::model::Timestamp;
use crate::source::date::Meridiem;

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
    if let Some(found) = written(input, zone) {
        return Some(found);
    }
    let tokens = tokens::tokenize(input);
    let today = context.now.with_timezone(&zone).date_naive();
    if let Some(found) = absolute::parse(&tokens, zone, today) {
        return Some(found);
    }
    relative::parse(&tokens, context.now.with_timezone(&zone)).map(|found| found.fixed_offset())
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

/// Reads `input` with the feed parsers; a zone written in the text is kept, a zone-less
/// result (read there as UTC, or as KST for Korean forms) is moved into `zone`.
fn written(input: &str, zone: Tz) -> Option<Timestamp> {
    let found = super::parse(input)?;
    let korean = input.chars().any(tokens::is_cjk);
    let zone_written = !korean && (found.offset().local_minus_utc() != 0 || names_utc(input));
    if zone_written {
        return Some(found);
    }
    in_zone(found.naive_local(), zone).map(|found| found.fixed_offset())
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

/// The time of day in `tokens` outside `skip` (the date's tokens): `18:21`, `18:21:05`,
/// `6:21 PM`, `6 pm`, `18h21`, `18時21分`, `오후 6시 21분`, `下午6点`; `None` when there is none.
fn find_time(tokens: &[Token], skip: std::ops::Range<usize>) -> Option<NaiveTime> {
    (0..tokens.len())
        .filter(|index| !skip.contains(index))
        .find_map(|index| time_at(tokens, index, &skip))
}

/// A time whose hour is the number at `index`.
fn time_at(tokens: &[Token], index: usize, skip: &std::ops::Range<usize>) -> Option<NaiveTime> {
    let (hour, hour_digits) = tokens.get(index)?.number()?;
    if hour_digits > 2
        || index.checked_sub(1).is_some_and(|before| {
            // `2025.09.09 18:21` must not read `09:…`; a number glued to `:` or `.` before is
            // part of something else.
            matches!(tokens.get(before), Some(Token::Mark(':' | '.' | '/' | '-')))
                && before > 0
                && matches!(tokens.get(before - 1), Some(Token::Number { .. }))
                && !skip.contains(&(before - 1))
        })
    {
        return None;
    }
    let token = |at: usize| tokens.get(at).filter(|_| !skip.contains(&at));
    let (minute, second, end) = match (token(index + 1), token(index + 2)) {
        (Some(Token::Mark(':')), Some(Token::Number { value, digits: 2 })) => {
            match (token(index + 3), token(index + 4)) {
                (
                    Some(Token::Mark(':')),
                    Some(Token::Number {
                        value: second,
                        digits: 2,
                    }),
                ) => (*value, *second, index + 5),
                _ => (*value, 0, index + 3),
            }
        }
        (Some(Token::Word(mark)), next) if is_hour_mark(mark) => match next {
            Some(Token::Number {
                value,
                digits: 1 | 2,
            }) => {
                let after = token(index + 3).and_then(Token::word);
                let second = match (token(index + 4), token(index + 5)) {
                    (
                        Some(Token::Number {
                            value,
                            digits: 1 | 2,
                        }),
                        Some(Token::Word(mark)),
                    ) if matches!(mark.as_str(), "秒" | "초") => Some(*value),
                    _ => None,
                };
                let end = if after.is_some() {
                    index + 4
                } else {
                    index + 3
                };
                (*value, second.unwrap_or(0), end)
            }
            Some(Token::Mark(' ')) => match (token(index + 3), token(index + 4)) {
                (
                    Some(Token::Number {
                        value,
                        digits: 1 | 2,
                    }),
                    Some(Token::Word(mark)),
                ) if matches!(mark.as_str(), "분" | "分") => (*value, 0, index + 5),
                _ => (0, 0, index + 2),
            },
            _ => (0, 0, index + 2),
        },
        (Some(Token::Word(word)), _) if locale::meridiem(word).is_some() => (0, 0, index + 1),
        (Some(Token::Mark(' ')), Some(Token::Word(word))) if locale::meridiem(word).is_some() => {
            (0, 0, index + 1)
        }
        _ => return None,
    };
    let time = NaiveTime::from_hms_opt(hour, minute, second)?;
    let meridiem = meridiem_after(tokens, end).or_else(|| meridiem_before(tokens, index));
    match meridiem {
        Some(meridiem) if (1..=12).contains(&time.hour()) => on_dial(time, meridiem),
        _ => Some(time),
    }
}

/// Words that follow an hour: `時`, `时`, `点`, `시`, French `h`.
fn is_hour_mark(word: &str) -> bool {
    matches!(word, "時" | "时" | "点" | "點" | "시" | "h")
}

fn on_dial(time: NaiveTime, meridiem: Meridiem) -> Option<NaiveTime> {
    crate::source::date::on_24_hour_dial(time, meridiem)
}

/// A meridiem word at `end`, possibly after a space (`6:21 PM`, `6pm`).
fn meridiem_after(tokens: &[Token], end: usize) -> Option<Meridiem> {
    let at = if tokens.get(end) == Some(&Token::Mark(' ')) {
        end + 1
    } else {
        end
    };
    tokens.get(at)?.word().and_then(locale::meridiem)
}

/// A meridiem word just before the hour at `index` (`오후 6:21`, `下午6点`, `午後6時`).
fn meridiem_before(tokens: &[Token], index: usize) -> Option<Meridiem> {
    let before = index.checked_sub(1)?;
    let at = if tokens.get(before) == Some(&Token::Mark(' ')) {
        before.checked_sub(1)?
    } else {
        before
    };
    tokens.get(at)?.word().and_then(locale::meridiem)
}

#[cfg(test)]
mod tests;
