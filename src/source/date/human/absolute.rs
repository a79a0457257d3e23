//! Finds a calendar date inside human text: numeric (`2025.09.09`, `09.09.2025`, `9/9/2025`),
//! named-month (`09 Sep. 2025`, `Sep 9, 2025`, `9 de septiembre de 2025`, `9 сентября 2025 г.`)
//! and CJK (`2025년 9월 9일`, `2025年9月9日`), then the time of day around it and a zone
//! written after that time.
//!
//! Policy: the first date found wins; a date without a year is the latest such day not after
//! tomorrow. Day/month order is documented on [`parse_human`](super::parse_human).
//! Entry point: [`parse`].

use std::ops::Range;

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, TimeZone};
use chrono_tz::Tz;

use super::tokens::Token;
use super::{clock, locale};
use crate::model::Timestamp;

/// Words read past between the parts of a named date (`9 de septiembre de 2025`, `2025 г.`).
const FILLERS: &[&str] = &["de", "del", "of", "the", "le", "el", "di", "do", "da"];

/// Reads the first date in `tokens` and the time around it, in `zone`.
pub(super) fn parse(tokens: &[Token], zone: Tz, today: NaiveDate) -> Option<Timestamp> {
    let month_first = prefers_month_first(zone);
    let (date, span) = (0..tokens.len()).find_map(|start| {
        numeric(tokens, start, month_first)
            .or_else(|| cjk(tokens, start, today))
            .or_else(|| named(tokens, start, today))
    })?;
    let Some((time, end)) = clock::find_time(tokens, span) else {
        let found = super::in_zone(date.and_time(NaiveTime::MIN), zone)?;
        return Some(found.fixed_offset());
    };
    match clock::zone_after(tokens, end) {
        // A zone written after the time (`18:21 KST`) beats the page's.
        Some(offset) => offset.from_local_datetime(&date.and_time(time)).single(),
        None => Some(super::in_zone(date.and_time(time), zone)?.fixed_offset()),
    }
}

/// Whether `zone` is one where `9/10/2025` means September 10th.
fn prefers_month_first(zone: Tz) -> bool {
    let name = zone.name();
    name.starts_with("US/")
        || matches!(
            name,
            "America/New_York"
                | "America/Chicago"
                | "America/Denver"
                | "America/Los_Angeles"
                | "America/Phoenix"
                | "America/Anchorage"
                | "America/Detroit"
                | "America/Boise"
                | "Pacific/Honolulu"
                | "EST5EDT"
                | "CST6CDT"
                | "MST7MDT"
                | "PST8PDT"
        )
        || name.starts_with("America/Indiana/")
        || name.starts_with("America/Kentucky/")
}

/// A number at `index`: value and digit count.
fn number_at(tokens: &[Token], index: usize) -> Option<(u32, usize)> {
    tokens.get(index)?.number()
}

/// `Y-M-D`, `D.M.Y`, `D/M/Y` or `M/D/Y` with one separator throughout; only the Korean
/// `2025. 9. 9.` puts spaces after its dots.
fn numeric(tokens: &[Token], start: usize, month_first: bool) -> Option<(NaiveDate, Range<usize>)> {
    let (first, first_digits) = number_at(tokens, start)?;
    let Some(Token::Mark(separator)) = tokens.get(start + 1) else {
        return None;
    };
    let separator = *separator;
    if !matches!(separator, '-' | '/' | '.') {
        return None;
    }
    // `1.2.3.4` is a version or an address, not a date.
    if start > 0 && matches!(tokens.get(start - 1), Some(Token::Mark('.' | '/' | '-'))) {
        return None;
    }
    let spaced = separator == '.' && first_digits == 4;
    let after_separator = |at: usize| {
        if spaced && tokens.get(at) == Some(&Token::Mark(' ')) {
            at + 1
        } else {
            at
        }
    };
    let second_at = after_separator(start + 2);
    let (second, second_digits) = number_at(tokens, second_at)?;
    if tokens.get(second_at + 1) != Some(&Token::Mark(separator)) {
        return None;
    }
    let third_at = after_separator(second_at + 2);
    let (third, third_digits) = number_at(tokens, third_at)?;
    let end = third_at + 1;
    if second_digits > 2 {
        return None;
    }
    let date = if first_digits == 4 {
        if third_digits > 2 {
            return None;
        }
        ymd(first, second, third)?
    } else {
        if first_digits > 2 || !matches!(third_digits, 2 | 4) {
            return None;
        }
        let year = if third_digits == 2 {
            u32::try_from(crate::source::date::widen_two_digit_year(third)).ok()?
        } else {
            third
        };
        let day_first = if first > 12 {
            true
        } else if second > 12 {
            false
        } else {
            separator == '.' || !month_first
        };
        if day_first {
            ymd(year, second, first)?
        } else {
            ymd(year, first, second)?
        }
    };
    Some((date, start..end))
}

fn ymd(year: u32, month: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

/// `2025년 9월 9일`, `2025年9月9日`, `9月9日` (the year of today, or the year before).
fn cjk(tokens: &[Token], start: usize, today: NaiveDate) -> Option<(NaiveDate, Range<usize>)> {
    let mut at = start;
    let mut year = None;
    if let Some((value, 4)) = number_at(tokens, at) {
        if !is_word(tokens, at + 1, &["년", "年"]) {
            return None;
        }
        year = Some(value);
        at = skip_spaces(tokens, at + 2);
    }
    let (month, 1 | 2) = number_at(tokens, at)? else {
        return None;
    };
    if !is_word(tokens, at + 1, &["월", "月"]) {
        return None;
    }
    at = skip_spaces(tokens, at + 2);
    let (day, 1 | 2) = number_at(tokens, at)? else {
        return None;
    };
    if !is_word(tokens, at + 1, &["일", "日", "号", "號"]) {
        return None;
    }
    let date = match year {
        Some(year) => ymd(year, month, day)?,
        None => without_year(month, day, today)?,
    };
    Some((date, start..at + 2))
}

/// `09 Sep. 2025`, `9. September 2025`, `Sep 9, 2025`, `9th of September 2025`,
/// `9 de septiembre de 2025`, `9 сентября 2025 г.`, `2025 Sep 9`; the year may be missing.
fn named(tokens: &[Token], start: usize, today: NaiveDate) -> Option<(NaiveDate, Range<usize>)> {
    let first = tokens.get(start)?;
    let month_word = |at: usize| tokens.get(at)?.word().and_then(locale::month_number);
    if let Some(month) = first.word().and_then(locale::month_number) {
        // Month first: `Sep 9, 2025`.
        let (day, day_end) = day_at(tokens, next_part(tokens, start + 1))?;
        let year_at = next_part(tokens, day_end);
        return finish(tokens, start, month, day, day_end, year_at, today);
    }
    if let Some((year, 4)) = first.number() {
        // Year first: `2025 Sep 9`, `2025-Sep-09`.
        let month_at = next_part(tokens, start + 1);
        let month = month_word(month_at)?;
        let (day, day_end) = day_at(tokens, next_part(tokens, month_at + 1))?;
        return Some((ymd(year, month, day)?, start..day_end));
    }
    // Day first: `09 Sep. 2025`.
    let (day, day_end) = day_at(tokens, start)?;
    let month_at = next_part(tokens, day_end);
    let month = month_word(month_at)?;
    let year_at = next_part(tokens, month_at + 1);
    finish(tokens, start, month, day, month_at + 1, year_at, today)
}

/// Completes a named date with the four-digit year at `year_at`, or infers the year.
fn finish(
    tokens: &[Token],
    start: usize,
    month: u32,
    day: u32,
    end: usize,
    year_at: usize,
    today: NaiveDate,
) -> Option<(NaiveDate, Range<usize>)> {
    match number_at(tokens, year_at) {
        // A year is four digits and is not the hour of `18:21`.
        Some((year, 4)) if tokens.get(year_at + 1) != Some(&Token::Mark(':')) => {
            Some((ymd(year, month, day)?, start..year_at + 1))
        }
        _ => Some((without_year(month, day, today)?, start..end)),
    }
}

/// A day of the month at `index`, with an ordinal suffix (`9th`, `1er`) or a dot (`9.`);
/// returns it and the index after it.
fn day_at(tokens: &[Token], index: usize) -> Option<(u32, usize)> {
    let (day, digits) = number_at(tokens, index)?;
    if digits > 2 || !(1..=31).contains(&day) {
        return None;
    }
    // `18:21` is a clock, not a day.
    if tokens.get(index + 1) == Some(&Token::Mark(':')) {
        return None;
    }
    let suffix = tokens
        .get(index + 1)
        .and_then(Token::word)
        .is_some_and(|word| matches!(word, "st" | "nd" | "rd" | "th" | "er" | "o" | "a"));
    Some((day, if suffix { index + 2 } else { index + 1 }))
}

/// The next index from `index` past spaces, `.`, `,` and filler words.
fn next_part(tokens: &[Token], index: usize) -> usize {
    let mut at = index;
    while let Some(token) = tokens.get(at) {
        let skip = match token {
            Token::Mark(' ' | '.' | ',' | '-' | '/') => true,
            Token::Word(word) => FILLERS.contains(&word.as_str()),
            _ => false,
        };
        if !skip {
            break;
        }
        at += 1;
    }
    at
}

fn skip_spaces(tokens: &[Token], index: usize) -> usize {
    let mut at = index;
    while tokens.get(at) == Some(&Token::Mark(' ')) {
        at += 1;
    }
    at
}

fn is_word(tokens: &[Token], index: usize, words: &[&str]) -> bool {
    tokens
        .get(index)
        .and_then(Token::word)
        .is_some_and(|word| words.contains(&word))
}

/// The latest `month`/`day` not after tomorrow (pages show recent dates without a year).
fn without_year(month: u32, day: u32, today: NaiveDate) -> Option<NaiveDate> {
    let limit = today.checked_add_signed(Duration::try_days(1)?)?;
    (0..=8).find_map(|back| {
        let date = NaiveDate::from_ymd_opt(today.year().checked_sub(back)?, month, day)?;
        (date <= limit).then_some(date)
    })
}
