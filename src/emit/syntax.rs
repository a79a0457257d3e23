//! What a value must look like before a writer may emit it.
//!
//! Policy: shape checks as the specs state them, no lookups in registries.
//! [`super::prepare`] repairs or drops values that fail, so no writer has to check again.

use url::Url;

use crate::model::Timestamp;

/// An absolute URI in ASCII (RFC 3986), as RSS 2.0 and JSON Feed consumers need it:
/// a scheme, no character a URI may not hold, every `%` a two-digit escape and at most
/// one `#`.
pub(super) fn is_uri(value: &str) -> bool {
    value.is_ascii() && is_absolute_iri(value)
}

/// An absolute IRI (RFC 3987), as an Atom `id` must be.
pub(super) fn is_absolute_iri(value: &str) -> bool {
    has_scheme(value)
        && !value.chars().any(is_forbidden_in_iri)
        && has_sound_escapes(value)
        && Url::parse(value).is_ok()
}

fn is_forbidden_in_iri(ch: char) -> bool {
    ch.is_whitespace()
        || ch.is_control()
        || matches!(ch, '<' | '>' | '"' | '{' | '}' | '|' | '\\' | '^' | '`')
        || matches!(ch, '\u{fff0}'..='\u{ffff}')
}

fn has_scheme(value: &str) -> bool {
    let Some((scheme, _)) = value.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic())
        && chars.all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '+' | '-' | '.'))
}

fn has_sound_escapes(value: &str) -> bool {
    let bytes = value.as_bytes();
    let escapes_ok = bytes.iter().enumerate().all(|(idx, &byte)| {
        byte != b'%'
            || (bytes.get(idx + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(idx + 2).is_some_and(u8::is_ascii_hexdigit))
    });
    escapes_ok && value.matches('#').count() <= 1
}

/// True when RFC 822 and RFC 3339 can both write `at`: its year, as written and in
/// UTC, has four digits (1 to 9999).
pub(super) fn is_writable_date(at: &Timestamp) -> bool {
    use chrono::Datelike;
    let writable = |year: i32| (1..=9999).contains(&year);
    writable(at.year()) && writable(at.naive_utc().year())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, TimeZone, Utc};

    #[test]
    fn uris_need_a_scheme_ascii_and_sound_escapes() {
        assert!(is_uri("https://example.com/a%20b?q=1#top"));
        assert!(is_uri("urn:uuid:4e1f0e7a-0000-4000-8000-000000000001"));
        assert!(is_uri("mailto:kim@example.com"));
        for bad in [
            "/relative",
            "example.com/a",
            "https://example.com/a b",
            "https://example.com/%zz",
            "https://example.com/a#b#c",
            "https://example.com/한국",
        ] {
            assert!(!is_uri(bad), "{bad}");
        }
        assert!(is_absolute_iri("https://example.com/한국"));
        assert!(!is_absolute_iri("harbor-times-2025-0909-0042"));
    }

    #[test]
    fn dates_outside_four_digit_years_are_not_writable() {
        let far = Utc.with_ymd_and_hms(12_345, 1, 1, 0, 0, 0).unwrap();
        assert!(!is_writable_date(&far.fixed_offset()));
        let year_zero_in_utc = DateTime::parse_from_rfc3339("0001-01-01T00:00:00+14:00").unwrap();
        assert!(!is_writable_date(&year_zero_in_utc));
        let fine = DateTime::parse_from_rfc3339("2025-09-09T18:21:00+09:00").unwrap();
        assert!(is_writable_date(&fine));
    }
}
