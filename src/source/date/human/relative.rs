//! Reads dates written relative to now: `3 hours ago`, `vor 3 Stunden`, `il y a 2 jours`,
//! `3시간 전`, `3時間前`, `yesterday 14:00`, `today`, `Tuesday 14:00`, `just now`.
//!
//! Policy: `now` comes from the caller, never the clock. Counts of seconds to weeks are taken
//! off the instant; months and years off the local calendar. A day word without a time means
//! that day's local midnight. Entry point: [`parse`].

use chrono::{DateTime, Datelike, Duration, Months, NaiveTime};
use chrono_tz::Tz;

use super::relative_words::{self, Unit};
use super::tokens::Token;
use super::{clock, locale};

/// Reads a relative date from `tokens`, counting back from `now` (already in the page's zone).
pub(super) fn parse(tokens: &[Token], now: DateTime<Tz>) -> Option<DateTime<Tz>> {
    counted(tokens, now)
        .or_else(|| day_word(tokens, now))
        .or_else(|| weekday(tokens, now))
        .or_else(|| just_now(tokens).then_some(now))
}

/// `<count> <unit> ago`, `vor <count> <unit>`, `il y a <count> <unit>` and friends.
fn counted(tokens: &[Token], now: DateTime<Tz>) -> Option<DateTime<Tz>> {
    for (index, token) in tokens.iter().enumerate() {
        let Some(unit) = token.word().and_then(relative_words::unit) else {
            continue;
        };
        let before = previous_significant(tokens, index);
        let (amount, count_index) = match before.map(|at| (at, &tokens[at])) {
            // `1.5 hours ago` has no whole count to go back by.
            Some((at, Token::Number { .. })) if is_fraction(tokens, at) => continue,
            Some((at, Token::Number { value, .. })) => (i64::from(*value), Some(at)),
            Some((at, Token::Word(word))) if relative_words::ONE.contains(&word.as_str()) => {
                (1, Some(at))
            }
            _ => (1, None),
        };
        let after_is_ago = next_significant(tokens, index)
            .and_then(|at| tokens[at].word())
            .is_some_and(|word| relative_words::AGO_AFTER.contains(&word));
        let start = count_index.unwrap_or(index);
        let before_is_ago = ago_before(tokens, start);
        // A bare unit (`час назад`) counts one, like `a`/`ein`/`un` before it.
        if after_is_ago || before_is_ago {
            let mut found = back(now, amount, unit)?;
            // `1 hour, 5 minutes ago`, `vor 1 Stunde und 5 Minuten`, `1시간 5분 전`.
            let mut cursor = start;
            while let Some((value, unit, at)) = joined_pair_before(tokens, cursor) {
                found = back(found, value, unit)?;
                cursor = at;
            }
            let mut cursor = index;
            while let Some((value, unit, at)) = joined_pair_after(tokens, cursor) {
                found = back(found, value, unit)?;
                cursor = at;
            }
            return Some(found);
        }
    }
    None
}

/// Words that join the parts of a compound count (`1 hour and 5 minutes`).
const JOINERS: &[&str] = &["and", "und", "et", "y", "e", "и"];

/// Whether the token at `at` only joins two parts of a compound count.
fn is_joiner(tokens: &[Token], at: usize) -> bool {
    match tokens.get(at) {
        Some(Token::Mark(' ' | ',')) => true,
        Some(Token::Word(word)) => JOINERS.contains(&word.as_str()),
        _ => false,
    }
}

/// The `<number> <unit>` pair joined before the count at `start`, and where its number is.
fn joined_pair_before(tokens: &[Token], start: usize) -> Option<(i64, Unit, usize)> {
    let unit_at = (0..start).rev().find(|&at| !is_joiner(tokens, at))?;
    let unit = tokens[unit_at].word().and_then(relative_words::unit)?;
    let number_at = previous_significant(tokens, unit_at)?;
    let (value, _) = tokens[number_at].number()?;
    Some((i64::from(value), unit, number_at))
}

/// The `<number> <unit>` pair joined after the unit at `end`, and where its unit is.
fn joined_pair_after(tokens: &[Token], end: usize) -> Option<(i64, Unit, usize)> {
    let number_at = (end + 1..tokens.len()).find(|&at| !is_joiner(tokens, at))?;
    let (value, _) = tokens[number_at].number()?;
    let unit_at = next_significant(tokens, number_at)?;
    let unit = tokens[unit_at].word().and_then(relative_words::unit)?;
    Some((i64::from(value), unit, unit_at))
}

/// Whether the number at `index` is the fractional part of `1.5` or `1,5`.
fn is_fraction(tokens: &[Token], index: usize) -> bool {
    index >= 2
        && matches!(tokens.get(index - 1), Some(Token::Mark('.' | ',')))
        && matches!(tokens.get(index - 2), Some(Token::Number { .. }))
}

/// Whether the words just before `start` say "ago" (`vor`, `hace`, `há`, `il y a`).
fn ago_before(tokens: &[Token], start: usize) -> bool {
    let Some(at) = previous_significant(tokens, start) else {
        return false;
    };
    match tokens[at].word() {
        Some(word) if relative_words::AGO_BEFORE.contains(&word) => true,
        Some("a") => previous_significant(tokens, at)
            .and_then(|at| tokens[at].word())
            .is_some_and(|word| word == "y"),
        _ => false,
    }
}

/// The index of the nearest token before `index` that is not whitespace.
fn previous_significant(tokens: &[Token], index: usize) -> Option<usize> {
    (0..index)
        .rev()
        .find(|&at| tokens.get(at) != Some(&Token::Mark(' ')))
}

/// The index of the nearest token after `index` that is not whitespace or an abbreviation's
/// dot (`5 мин. назад`).
fn next_significant(tokens: &[Token], index: usize) -> Option<usize> {
    (index + 1..tokens.len()).find(|&at| !matches!(tokens.get(at), Some(Token::Mark(' ' | '.'))))
}

/// `now` moved `amount` units into the past; `None` when that leaves chrono's range.
fn back(now: DateTime<Tz>, amount: i64, unit: Unit) -> Option<DateTime<Tz>> {
    let span = match unit {
        Unit::Second => Duration::try_seconds(amount)?,
        Unit::Minute => Duration::try_minutes(amount)?,
        Unit::Hour => Duration::try_hours(amount)?,
        Unit::Day => Duration::try_days(amount)?,
        Unit::Week => Duration::try_weeks(amount)?,
        Unit::Month | Unit::Year => {
            let months = if unit == Unit::Year {
                amount.checked_mul(12)?
            } else {
                amount
            };
            let months = Months::new(u32::try_from(months).ok()?);
            let local = now.naive_local().checked_sub_months(months)?;
            return super::in_zone(local, now.timezone());
        }
    };
    now.checked_sub_signed(span)
}

/// `yesterday`, `today 14:00`, `gestern um 14:00`, `어제 14:00`, `昨天 下午2点`.
fn day_word(tokens: &[Token], now: DateTime<Tz>) -> Option<DateTime<Tz>> {
    let days = tokens
        .iter()
        .find_map(|token| token.word().and_then(relative_words::day_offset))?;
    let date = now
        .date_naive()
        .checked_sub_signed(Duration::try_days(days)?)?;
    let time = clock::find_time(tokens, 0..0).map_or(NaiveTime::MIN, |(time, _)| time);
    super::in_zone(date.and_time(time), now.timezone())
}

/// `Tuesday 14:00`, `Di. 14:00`, `화요일 오후 2시`: the latest such weekday, today included.
/// A time is required, so a stray weekday word alone is not a date.
fn weekday(tokens: &[Token], now: DateTime<Tz>) -> Option<DateTime<Tz>> {
    let target = tokens
        .iter()
        .find_map(|token| token.word().and_then(locale::weekday_index))?;
    let (time, _) = clock::find_time(tokens, 0..0)?;
    let today = now.date_naive();
    let today_index = i64::from(today.weekday().num_days_from_monday());
    let back_days = (today_index - i64::try_from(target).ok()?).rem_euclid(7);
    let date = today.checked_sub_signed(Duration::try_days(back_days)?)?;
    super::in_zone(date.and_time(time), now.timezone())
}

/// Whether the text says "just now" in some language.
fn just_now(tokens: &[Token]) -> bool {
    let words: Vec<&str> = tokens.iter().filter_map(Token::word).collect();
    relative_words::JUST_NOW
        .iter()
        .any(|phrase| words.windows(phrase.len()).any(|window| window == *phrase))
}
