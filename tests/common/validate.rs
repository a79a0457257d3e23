//! Spec-rule validators for what feedmill writes: RSS 2.0, Atom 1.0 (RFC 4287) and
//! JSON Feed 1.1, standing in for the W3C feed validator offline.
//!
//! Policy: report every rule a document breaks as one line of text (an empty list means
//! valid); never stop at the first problem unless the document cannot be read at all.
//! Entry points: [`rss2`], [`atom1`], [`json_feed11`].

mod atom;
mod json;
mod rss;
pub mod xml;

use url::Url;

/// Errors in an RSS 2.0 document (empty: valid).
pub fn rss2(bytes: &[u8]) -> Vec<String> {
    match xml::parse(bytes) {
        Ok(root) => rss::check(&root),
        Err(errors) => errors,
    }
}

/// Errors in an Atom 1.0 document (empty: valid).
pub fn atom1(bytes: &[u8]) -> Vec<String> {
    match xml::parse(bytes) {
        Ok(root) => atom::check(&root),
        Err(errors) => errors,
    }
}

/// Errors in a JSON Feed 1.1 document (empty: valid).
pub fn json_feed11(bytes: &[u8]) -> Vec<String> {
    json::check(bytes)
}

/// Characters no URI or IRI may hold literally (RFC 3986 §2, RFC 3987 §2.2).
fn has_uri_forbidden_char(value: &str) -> bool {
    value.chars().any(|ch| {
        ch.is_whitespace()
            || ch.is_control()
            || matches!(ch, '<' | '>' | '"' | '{' | '}' | '|' | '\\' | '^' | '`')
            || matches!(ch, '\u{fff0}'..='\u{ffff}')
    })
}

/// Every `%` starts a two-digit hex escape, and there is at most one `#`.
fn has_sound_escapes(value: &str) -> bool {
    let bytes = value.as_bytes();
    let escapes_ok = bytes.iter().enumerate().all(|(idx, &byte)| {
        byte != b'%'
            || (bytes.get(idx + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(idx + 2).is_some_and(u8::is_ascii_hexdigit))
    });
    escapes_ok && value.matches('#').count() <= 1
}

/// An IRI reference (RFC 3987): relative or absolute, never with a forbidden character.
pub fn is_iri_reference(value: &str) -> bool {
    !value.is_empty() && !has_uri_forbidden_char(value) && has_sound_escapes(value) && {
        let base = Url::parse("http://base.invalid/").expect("a valid base");
        base.join(value).is_ok()
    }
}

/// An absolute IRI (RFC 3987 `IRI`): a scheme and what that scheme needs.
pub fn is_absolute_iri(value: &str) -> bool {
    is_iri_reference(value) && has_scheme(value) && Url::parse(value).is_ok()
}

/// An absolute URI (RFC 3986): an absolute IRI in ASCII only, as RSS 2.0 and JSON Feed
/// consumers expect.
pub fn is_absolute_uri(value: &str) -> bool {
    value.is_ascii() && is_absolute_iri(value)
}

/// An absolute `http` or `https` URI with a host.
pub fn is_web_uri(value: &str) -> bool {
    is_absolute_uri(value)
        && Url::parse(value).is_ok_and(|url| {
            matches!(url.scheme(), "http" | "https")
                && url.host_str().is_some_and(|h| !h.is_empty())
        })
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

/// A BCP 47-shaped language tag (`en`, `en-US`, `zh-Hant-TW`, `x-klingon`): a two- or
/// three-letter primary language (or `x`/`i` for private and grandfathered tags), then
/// subtags of one to eight letters and digits. `English` is a name, not a tag.
pub fn is_language_tag(value: &str) -> bool {
    let mut subtags = value.split('-');
    let primary_ok = subtags.next().is_some_and(|primary| {
        let is_language =
            (2..=3).contains(&primary.len()) && primary.chars().all(|ch| ch.is_ascii_alphabetic());
        is_language || primary.eq_ignore_ascii_case("x") || primary.eq_ignore_ascii_case("i")
    });
    primary_ok
        && subtags.all(|sub| {
            (1..=8).contains(&sub.len()) && sub.chars().all(|ch| ch.is_ascii_alphanumeric())
        })
}

/// An RFC 2822 `addr-spec` of the everyday kind: `local@domain.tld`.
pub fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.rsplit_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(ch))
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

/// A MIME type: `type/subtype`, optionally with parameters.
pub fn is_mime_type(value: &str) -> bool {
    let essence = value.split(';').next().unwrap_or("").trim();
    let is_token = |part: &str| {
        !part.is_empty()
            && part
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || "!#$&^_.+-".contains(ch))
    };
    match essence.split_once('/') {
        Some((kind, subtype)) => is_token(kind) && is_token(subtype),
        None => false,
    }
}

/// An RFC 3339 `date-time`, with the upper-case `T` and `Z` RFC 4287 §3.3 demands.
pub fn is_rfc3339(value: &str) -> bool {
    let shape_ok = value.len() >= 20
        && value.as_bytes()[10] == b'T'
        && !value.contains(['t', 'z'])
        && value.as_bytes()[..4].iter().all(u8::is_ascii_digit);
    shape_ok && chrono::DateTime::parse_from_rfc3339(value).is_ok()
}

/// An RFC 822 date as RSS 2.0 uses it (four-digit years allowed, as RFC 2822 has).
pub fn is_rfc822(value: &str) -> bool {
    chrono::DateTime::parse_from_rfc2822(value).is_ok()
}

/// Shortens `value` for an error message.
fn shown(value: &str) -> String {
    const MAX_CHARS: usize = 60;
    if value.chars().count() <= MAX_CHARS {
        return value.to_owned();
    }
    let cut: String = value.chars().take(MAX_CHARS).collect();
    format!("{cut}…")
}
