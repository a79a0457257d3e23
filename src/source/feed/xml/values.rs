//! Small readers for the values RSS and Atom spell their own way: RSS persons, iTunes
//! durations and flags, relative Atom ids, and the root element's format.
//!
//! Policy: a value that cannot be read is `None`, never an error.

use url::Url;

use super::elements::Field;
use super::markup::resolve_url;
use super::names::Ns;
use crate::model::{Link, Person};
use crate::source::feed::FeedFormat;

pub(super) fn set_if_none<T>(slot: &mut Option<T>, value: T) {
    if slot.is_none() {
        *slot = Some(value);
    }
}

pub(super) fn alternate(href: String) -> Link {
    Link {
        href,
        rel: Some("alternate".into()),
        ..Link::default()
    }
}

/// Atom ids are IRIs; a relative one (`/relative/link`) is resolved against the base, as
/// feedparser does. Ids with a scheme (`tag:`, `urn:`, `http:`) are left alone.
pub(super) fn resolve_relative_id(base: Option<&Url>, id: String) -> String {
    let has_scheme = id
        .split_once(':')
        .is_some_and(|(scheme, _)| !scheme.is_empty() && !scheme.contains('/'));
    if has_scheme || !(id.starts_with('/') || id.starts_with("./") || id.starts_with("../")) {
        return id;
    }
    resolve_url(base, &id)
}

pub(super) fn looks_like_url(value: &str) -> bool {
    let lower = value
        .trim_start()
        .get(..8)
        .unwrap_or("")
        .to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

pub(super) fn field_element_name(field: Field) -> &'static str {
    match field {
        Field::Published => "pubDate/published",
        Field::Updated => "updated",
        Field::Created => "created",
        _ => "dc:date",
    }
}

/// Reads RSS's `email (Name)` convention, and the `Name <email>` one.
pub(super) fn parse_rss_person(value: &str) -> Person {
    let value = value.trim();
    if value.is_empty() {
        return Person::default();
    }
    if let (Some(open), true) = (value.find('('), value.ends_with(')')) {
        let email = value[..open].trim();
        let name = value[open + 1..value.len() - 1].trim();
        if email.contains('@') {
            return Person {
                name: Some(name.to_owned()).filter(|n| !n.is_empty()),
                email: Some(email.to_owned()),
                uri: None,
            };
        }
    }
    if let (Some(open), true) = (value.find('<'), value.ends_with('>')) {
        let name = value[..open].trim();
        let email = value[open + 1..value.len() - 1].trim();
        if email.contains('@') {
            return Person {
                name: Some(name.to_owned()).filter(|n| !n.is_empty()),
                email: Some(email.to_owned()),
                uri: None,
            };
        }
    }
    if value.contains('@') && !value.contains(' ') {
        return Person {
            email: Some(value.to_owned()),
            ..Person::default()
        };
    }
    Person {
        name: Some(value.to_owned()),
        ..Person::default()
    }
}

/// iTunes durations: `SS`, `MM:SS` or `HH:MM:SS`.
pub(super) fn parse_duration(value: &str) -> Option<u64> {
    let mut seconds: u64 = 0;
    let parts: Vec<&str> = value.trim().split(':').collect();
    if parts.len() > 3 {
        return None;
    }
    for part in parts {
        let number: u64 = part.trim().split('.').next()?.parse().ok()?;
        seconds = seconds.checked_mul(60)?.checked_add(number)?;
    }
    Some(seconds)
}

pub(super) fn parse_explicit(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "yes" | "true" | "explicit" => Some(true),
        "no" | "false" | "clean" => Some(false),
        _ => None,
    }
}

/// Used by `assign` to recognise the root element.
pub(super) fn format_for_root(ns: Ns, local: &str, version: Option<&str>) -> Option<FeedFormat> {
    let version = version.map(str::trim);
    match (ns, local) {
        (_, "rss") => Some(match version {
            Some("2.0" | "2.0.1" | "2") => FeedFormat::Rss20,
            Some("0.91") => FeedFormat::Rss091,
            Some("0.92") => FeedFormat::Rss092,
            Some("0.93") => FeedFormat::Rss093,
            Some("0.94") => FeedFormat::Rss094,
            Some("0.90" | "0.9") => FeedFormat::Rss090,
            _ => FeedFormat::RssUnknownVersion,
        }),
        (Ns::Rdf | Ns::Other | Ns::Rss, "rdf") => Some(FeedFormat::Rss10),
        (Ns::Atom03, "feed") => Some(FeedFormat::Atom03),
        (_, "feed") if version == Some("0.3") => Some(FeedFormat::Atom03),
        (_, "feed") => Some(FeedFormat::Atom10),
        (Ns::Atom10, "entry") => Some(FeedFormat::Atom10),
        (Ns::Atom03, "entry") => Some(FeedFormat::Atom03),
        (_, "channel") => Some(FeedFormat::RssUnknownVersion),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rss_author_conventions_split_into_name_and_email() {
        let person = parse_rss_person("me@example.com (Me Myself)");
        assert_eq!(person.email.as_deref(), Some("me@example.com"));
        assert_eq!(person.name.as_deref(), Some("Me Myself"));
        let person = parse_rss_person("Me Myself <me@example.com>");
        assert_eq!(person.name.as_deref(), Some("Me Myself"));
        assert_eq!(parse_rss_person("Jane").name.as_deref(), Some("Jane"));
    }

    #[test]
    fn itunes_durations_are_read_in_seconds() {
        assert_eq!(parse_duration("1:02:03"), Some(3723));
        assert_eq!(parse_duration("45"), Some(45));
        assert_eq!(parse_duration("abc"), None);
    }
}
