//! Turns a zone token (`+0900`, `-05:00`, `KST`, `GMT-01:01`, `Etc/GMT`, `Z`) into a fixed offset.
//!
//! Policy: names map to the one offset they most often mean in feeds (`IST` is India,
//! `BST` is British Summer Time, `CST` is US Central); military letters other than `Z`
//! read as `+00:00`, as RFC 2822 §4.3 advises, because RFC 822 gave them the wrong sign.
//! Offsets beyond ±23:59 or with minutes over 59 are refused. Entry point: [`parse`].

use chrono::FixedOffset;

/// Zone abbreviations seen in feeds, with their offset east of UTC in minutes.
const NAMED_ZONES: &[(&str, i32)] = &[
    // Universal time.
    ("UT", 0),
    ("UTC", 0),
    ("GMT", 0),
    ("Z", 0),
    // North America; the bare two-letter names are read as standard time.
    ("AST", -4 * 60),
    ("ADT", -3 * 60),
    ("AT", -4 * 60),
    ("EST", -5 * 60),
    ("EDT", -4 * 60),
    ("ET", -5 * 60),
    ("CST", -6 * 60),
    ("CDT", -5 * 60),
    ("CT", -6 * 60),
    ("MST", -7 * 60),
    ("MDT", -6 * 60),
    ("MT", -7 * 60),
    ("PST", -8 * 60),
    ("PDT", -7 * 60),
    ("PT", -8 * 60),
    ("AKST", -9 * 60),
    ("AKDT", -8 * 60),
    ("HST", -10 * 60),
    ("NST", -(3 * 60 + 30)),
    ("NDT", -(2 * 60 + 30)),
    // Europe.
    ("WET", 0),
    ("WEST", 60),
    ("BST", 60),
    ("IST", 5 * 60 + 30),
    ("CET", 60),
    ("CEST", 2 * 60),
    ("MET", 60),
    ("MEST", 2 * 60),
    ("MEZ", 60),
    ("MESZ", 2 * 60),
    ("EET", 2 * 60),
    ("EEST", 3 * 60),
    ("MSK", 3 * 60),
    // Asia and Oceania.
    ("HKT", 8 * 60),
    ("SGT", 8 * 60),
    ("AWST", 8 * 60),
    ("JST", 9 * 60),
    ("KST", 9 * 60),
    ("ACST", 9 * 60 + 30),
    ("ACDT", 10 * 60 + 30),
    ("AEST", 10 * 60),
    ("AEDT", 11 * 60),
    ("NZST", 12 * 60),
    ("NZDT", 13 * 60),
];

/// Reads a zone token; `None` when it is neither a known name nor a valid numeric offset.
pub(super) fn parse(token: &str) -> Option<FixedOffset> {
    // `Etc/GMT+5` follows the POSIX sign convention: it means five hours *west* of UTC.
    if let Some(rest) = strip_prefix_ignore_case(token, "Etc/") {
        let is_universal = ["UTC", "GMT", "UT"]
            .iter()
            .any(|base| strip_prefix_ignore_case(rest, base).is_some());
        if !is_universal {
            return None;
        }
        return FixedOffset::east_opt(-minutes_east(rest)? * 60);
    }
    FixedOffset::east_opt(minutes_east(token)? * 60)
}

/// Offset east of UTC in minutes for a name, a numeric offset, or `GMT`/`UTC` plus an offset.
fn minutes_east(token: &str) -> Option<i32> {
    if token.starts_with(['+', '-']) {
        return numeric_minutes(token);
    }
    for base in ["UTC", "GMT", "UT"] {
        if let Some(rest) = strip_prefix_ignore_case(token, base)
            && rest.starts_with(['+', '-'])
        {
            return numeric_minutes(rest);
        }
    }
    if let Some((_, minutes)) = NAMED_ZONES
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(token))
    {
        return Some(*minutes);
    }
    military_minutes(token)
}

/// Single military letters other than `Z` (and the unused `J`) carry no trustworthy offset.
fn military_minutes(token: &str) -> Option<i32> {
    let mut chars = token.chars();
    match (chars.next(), chars.next()) {
        (Some(letter), None)
            if letter.is_ascii_alphabetic() && !letter.eq_ignore_ascii_case(&'j') =>
        {
            Some(0)
        }
        _ => None,
    }
}

/// Reads `±H`, `±HH`, `±HHMM`, `±H:MM` or `±HH:MM`.
fn numeric_minutes(token: &str) -> Option<i32> {
    let (sign, digits) = match token.split_at_checked(1)? {
        ("+", rest) => (1, rest),
        ("-", rest) => (-1, rest),
        _ => return None,
    };
    let (hours, minutes) = match digits.split_once(':') {
        Some((hours, minutes)) if minutes.len() == 2 => (hours, minutes),
        Some(_) => return None,
        None if digits.len() == 4 => digits.split_at_checked(2)?,
        None => (digits, "00"),
    };
    if !(1..=2).contains(&hours.len()) {
        return None;
    }
    let hours = super::ascii_number(hours)?;
    let minutes = super::ascii_number(minutes)?;
    if hours > 23 || minutes > 59 {
        return None;
    }
    let total = i32::try_from(hours * 60 + minutes).ok()?;
    Some(sign * total)
}

/// `str::strip_prefix`, ignoring ASCII case; never splits inside a character.
fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let (head, rest) = text.split_at_checked(prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then_some(rest)
}

#[cfg(test)]
mod tests {
    use super::parse;

    fn minutes(token: &str) -> Option<i32> {
        parse(token).map(|offset| offset.local_minus_utc() / 60)
    }

    #[test]
    fn numeric_offsets_read_with_or_without_colon() {
        assert_eq!(minutes("+0900"), Some(540));
        assert_eq!(minutes("+09:00"), Some(540));
        assert_eq!(minutes("-01:01"), Some(-61));
        assert_eq!(minutes("+08"), Some(480));
        assert_eq!(minutes("-0000"), Some(0));
    }

    #[test]
    fn out_of_range_or_malformed_offsets_are_refused() {
        assert_eq!(minutes("-99:99"), None);
        assert_eq!(minutes("+24:00"), None);
        assert_eq!(minutes("+09:60"), None);
        assert_eq!(minutes("+zz:00"), None);
        assert_eq!(minutes("+00:zz"), None);
        assert_eq!(minutes("-06:00Textra"), None);
        assert_eq!(minutes("+"), None);
        assert_eq!(minutes("+123"), None);
    }

    #[test]
    fn names_are_matched_without_regard_to_case() {
        assert_eq!(minutes("KST"), Some(540));
        assert_eq!(minutes("pdt"), Some(-420));
        assert_eq!(minutes("Cest"), Some(120));
        assert_eq!(minutes("AEST"), Some(600));
        assert_eq!(minutes("IST"), Some(330));
    }

    #[test]
    fn gmt_or_utc_followed_by_an_offset_uses_the_offset() {
        assert_eq!(minutes("GMT-01:01"), Some(-61));
        assert_eq!(minutes("UTC+2"), Some(120));
        assert_eq!(minutes("GMT+0200"), Some(120));
    }

    #[test]
    fn etc_zones_follow_the_posix_sign_convention() {
        assert_eq!(minutes("Etc/GMT"), Some(0));
        assert_eq!(minutes("Etc/UTC"), Some(0));
        assert_eq!(minutes("Etc/GMT+5"), Some(-300));
        assert_eq!(minutes("Etc/GMT-9"), Some(540));
    }

    #[test]
    fn military_letters_other_than_z_read_as_utc() {
        assert_eq!(minutes("Z"), Some(0));
        assert_eq!(minutes("a"), Some(0));
        assert_eq!(minutes("J"), None);
    }

    #[test]
    fn unknown_names_are_refused() {
        assert_eq!(minutes("XYZ"), None);
        assert_eq!(minutes(""), None);
        assert_eq!(minutes("Εστ"), None);
    }
}
