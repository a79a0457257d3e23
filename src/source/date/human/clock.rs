//! Finds the time of day in human date text (`18:21`, `6:21 PM`, `18h21`, `18時21分`,
//! `오후 6시 21분`, `下午6点`) and a zone written just after it (`KST`, `+0900`).
//!
//! Policy: a meridiem word before or after a 12-hour clock moves it onto the 24-hour dial
//! (ignored for hours over 12); zone names shorter than three letters are not read, as they
//! are ordinary words too (`at`, `et`). Entry points: [`find_time`], [`zone_after`].

use std::ops::Range;

use chrono::{FixedOffset, NaiveTime, Timelike};

use super::locale;
use super::tokens::Token;
use crate::source::date::{Meridiem, zone};

/// The time of day in `tokens` outside `skip` (the date's tokens): `18:21`, `18:21:05`,
/// `6:21 PM`, `6 pm`, `18h21`, `18時21分`, `오후 6시 21분`, `下午6点`, with the index just past
/// it; `None` when there is none.
pub(super) fn find_time(tokens: &[Token], skip: Range<usize>) -> Option<(NaiveTime, usize)> {
    (0..tokens.len())
        .filter(|index| !skip.contains(index))
        .find_map(|index| time_at(tokens, index, &skip))
}

/// A time whose hour is the number at `index`.
fn time_at(tokens: &[Token], index: usize, skip: &Range<usize>) -> Option<(NaiveTime, usize)> {
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
    let (meridiem, end) = match meridiem_after(tokens, end) {
        Some((meridiem, end)) => (Some(meridiem), end),
        None => (meridiem_before(tokens, index), end),
    };
    let time = match meridiem {
        Some(meridiem) if (1..=12).contains(&time.hour()) => on_dial(time, meridiem)?,
        _ => time,
    };
    Some((time, end))
}

/// Words that follow an hour: `時`, `时`, `点`, `시`, French `h`.
fn is_hour_mark(word: &str) -> bool {
    matches!(word, "時" | "时" | "点" | "點" | "시" | "h")
}

fn on_dial(time: NaiveTime, meridiem: Meridiem) -> Option<NaiveTime> {
    crate::source::date::on_24_hour_dial(time, meridiem)
}

/// A meridiem word at `end`, possibly after a space (`6:21 PM`, `6pm`), and the index past it.
fn meridiem_after(tokens: &[Token], end: usize) -> Option<(Meridiem, usize)> {
    let at = if tokens.get(end) == Some(&Token::Mark(' ')) {
        end + 1
    } else {
        end
    };
    let meridiem = tokens.get(at)?.word().and_then(locale::meridiem)?;
    Some((meridiem, at + 1))
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

/// A zone written at `index`, after optional spaces or an opening parenthesis: a name of three
/// letters or more (`KST`, `CEST`), a numeric offset (`+0900`, `-05:00`) or `GMT+9`.
pub(super) fn zone_after(tokens: &[Token], index: usize) -> Option<FixedOffset> {
    let mut at = index;
    while matches!(tokens.get(at), Some(Token::Mark(' ' | '('))) {
        at += 1;
    }
    let mut text = String::new();
    while let Some(token) = tokens.get(at) {
        match token {
            Token::Word(word) if word.is_ascii() => text.push_str(word),
            Token::Number { digits, .. } if *digits <= 4 => {
                text.push_str(&token_digits(token)?);
            }
            Token::Mark(mark @ ('+' | '-' | ':')) => text.push(*mark),
            _ => break,
        }
        at += 1;
    }
    let name_length = text.chars().take_while(char::is_ascii_alphabetic).count();
    if name_length > 0 && name_length < 3 {
        return None;
    }
    zone::parse(&text)
}

/// The digits of a number token as written, leading zeros included.
fn token_digits(token: &Token) -> Option<String> {
    let (value, digits) = token.number()?;
    Some(format!("{value:0digits$}"))
}
