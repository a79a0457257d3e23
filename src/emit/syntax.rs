//! What a value must look like before a writer may emit it: URIs and IRIs, language
//! tags, media types, link relations, e-mail addresses and dates.
//!
//! Policy: shape checks as the specs state them (RFC 3986/3987, BCP 47, RFC 2045,
//! RFC 4287, RFC 2822), no lookups in registries. [`super::prepare`] repairs or drops
//! values that fail, so no writer has to check again.

use url::Url;

use crate::model::Timestamp;

/// An absolute URI in ASCII (RFC 3986), as RSS 2.0 and JSON Feed consumers need it:
/// a scheme, no character a URI may not hold, every `%` a two-digit escape and at most
/// one `#`.
pub(super) fn is_uri(value: &str) -> bool {
    is_uri_shaped(value) && Url::parse(value).is_ok()
}

/// [`is_uri`] without its last check, that the `url` crate parses the value: for a
/// caller that parsed it already.
pub(super) fn is_uri_shaped(value: &str) -> bool {
    value.is_ascii() && is_absolute_iri_shaped(value)
}

/// An absolute `http` or `https` URI with a host, as an RSS enclosure or image needs.
pub(super) fn is_web_uri(value: &str) -> bool {
    is_uri_shaped(value)
        && Url::parse(value).is_ok_and(|url| {
            matches!(url.scheme(), "http" | "https")
                && url.host_str().is_some_and(|host| !host.is_empty())
        })
}

/// An absolute IRI (RFC 3987), as an Atom `id` must be.
pub(super) fn is_absolute_iri(value: &str) -> bool {
    is_absolute_iri_shaped(value) && Url::parse(value).is_ok()
}

/// [`is_absolute_iri`] without the parse: a scheme, no forbidden character, sound
/// escapes.
fn is_absolute_iri_shaped(value: &str) -> bool {
    has_scheme(value) && !value.chars().any(is_forbidden_in_iri) && has_sound_escapes(value)
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

/// `raw` as a BCP 47-shaped language tag: trimmed, `_` written as `-` (`en_US` is a
/// common slip for `en-US`); `None` when it still is not one (`English`, `en US`). The
/// primary language has two or three letters (or is `x`/`i`, for private and
/// grandfathered tags); other subtags have one to eight letters and digits.
pub(super) fn language_tag(raw: &str) -> Option<String> {
    let tag = raw.trim().replace('_', "-");
    let mut subtags = tag.split('-');
    let primary_ok = subtags.next().is_some_and(|primary| {
        let is_language =
            (2..=3).contains(&primary.len()) && primary.chars().all(|ch| ch.is_ascii_alphabetic());
        is_language || primary.eq_ignore_ascii_case("x") || primary.eq_ignore_ascii_case("i")
    });
    let rest_ok = subtags.all(|subtag| {
        (1..=8).contains(&subtag.len()) && subtag.chars().all(|ch| ch.is_ascii_alphanumeric())
    });
    (primary_ok && rest_ok).then_some(tag)
}

/// A media type (RFC 2045): `type/subtype`, optionally with parameters.
pub(super) fn is_media_type(value: &str) -> bool {
    let essence = value.split(';').next().unwrap_or_default().trim();
    let is_token = |part: &str| {
        !part.is_empty()
            && part
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || "!#$&^_.+-".contains(ch))
    };
    essence
        .split_once('/')
        .is_some_and(|(kind, subtype)| is_token(kind) && is_token(subtype))
}

/// An Atom link relation (RFC 4287 §4.2.7.2): a registered name or an absolute IRI.
pub(super) fn is_link_relation(value: &str) -> bool {
    let is_name = !value.is_empty()
        && value
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '.' | '_' | '~'));
    is_name || is_absolute_iri(value)
}

/// An everyday e-mail address (`local@domain.tld`), also fit for a `mailto:` URI: the
/// RFC 2822 `addr-spec` without quoting and without the characters a URI would have
/// to escape.
pub(super) fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.rsplit_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || "!#$&'*+/=?_~.-".contains(ch))
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..");
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '-')
        });
    local_ok && domain_ok
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
        assert!(is_web_uri("http://example.com/a.mp3"));
        assert!(!is_web_uri("ftp://example.com/a.mp3"));
        assert!(is_absolute_iri("https://example.com/한국"));
        assert!(!is_absolute_iri("harbor-times-2025-0909-0042"));
    }

    #[test]
    fn language_tags_are_repaired_or_refused() {
        assert_eq!(language_tag(" en_US ").as_deref(), Some("en-US"));
        assert_eq!(language_tag("zh-Hant-TW").as_deref(), Some("zh-Hant-TW"));
        assert_eq!(language_tag("x-klingon").as_deref(), Some("x-klingon"));
        assert_eq!(language_tag("English (UK)"), None);
        assert_eq!(language_tag("English"), None);
        assert_eq!(language_tag(""), None);
    }

    #[test]
    fn media_types_relations_and_emails_are_checked_by_shape() {
        assert!(is_media_type("audio/mpeg"));
        assert!(is_media_type("text/html; charset=utf-8"));
        assert!(!is_media_type("mp3"));
        assert!(is_link_relation("alternate"));
        assert!(is_link_relation("http://example.com/rel/x"));
        assert!(!is_link_relation("two words"));
        assert!(is_email("kim.lee+news@mail.example.com"));
        assert!(!is_email("kim@example"));
        assert!(!is_email("not an email"));
        assert!(!is_email("{kim}@example.com"));
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
