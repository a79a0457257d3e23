//! What one `<outline>` means: a feed subscription, or something else (a folder, a link, a
//! note), read from its attributes.
//!
//! Policy: attribute names in any case; the feed URL is `xmlUrl`, else `url` when `type`
//! is absent or a feed type; `feed:` URLs become http(s); the title is `text`, else `title`,
//! whitespace collapsed. The tree around the outline (folders, duplicates, lines) is the
//! caller's.

use std::borrow::Cow;

use quick_xml::events::BytesStart;

use super::Subscription;
use crate::model::{replace_references, resolve_html_reference};

/// An outline read on its own.
pub(super) enum Outline {
    /// It names a feed.
    Feed(Subscription),
    /// It names no feed: a folder if it holds outlines, else skipped for `reason`.
    Other {
        /// Its title, which the outlines inside a folder get as a category.
        title: Option<String>,
        /// The warning to give if it is skipped.
        reason: String,
    },
}

/// Reads the outline `start` inside the folders titled `folders`, outermost first.
pub(super) fn read(start: &BytesStart<'_>, folders: &[&str]) -> Outline {
    let attributes = Attributes::read(start);
    let title = attributes
        .get("text")
        .and_then(collapse_whitespace)
        .or_else(|| attributes.get("title").and_then(collapse_whitespace));
    let kind = attributes
        .get("type")
        .map(|kind| kind.trim().to_ascii_lowercase());
    let url = attributes.get("url").filter(|url| !url.trim().is_empty());
    let feed_url = match attributes
        .get("xmlurl")
        .filter(|url| !url.trim().is_empty())
    {
        Some(xml_url) => Some(xml_url),
        None => url.filter(|_| kind.as_deref().is_none_or(is_feed_type)),
    };
    let Some(feed_url) = feed_url else {
        let shown = title.as_deref().unwrap_or("(untitled)");
        let reason = match (kind.as_deref(), url) {
            (Some(kind), Some(url)) => format!(
                "outline {shown:?} is a `{kind}` outline pointing to `{}`, not a feed; skipped",
                url.trim()
            ),
            _ => format!("outline {shown:?} has no feed URL (`xmlUrl`); skipped"),
        };
        return Outline::Other { title, reason };
    };
    let mut categories = Vec::new();
    for folder in folders {
        push_category(&mut categories, folder);
    }
    if let Some(category) = attributes.get("category") {
        for segment in category.split([',', '/']) {
            push_category(&mut categories, segment);
        }
    }
    Outline::Feed(Subscription {
        title,
        xml_url: without_feed_scheme(feed_url.trim()).into_owned(),
        html_url: attributes
            .get("htmlurl")
            .map(str::trim)
            .filter(|url| !url.is_empty())
            .map(str::to_owned),
        categories,
    })
}

/// An element's attributes by lowercased local name (the first of repeats), entities
/// resolved (XML's, numeric and HTML's named ones; unknown ones stay as written).
pub(super) struct Attributes(Vec<(String, String)>);

impl Attributes {
    pub(super) fn read(start: &BytesStart<'_>) -> Self {
        let mut pairs: Vec<(String, String)> = Vec::new();
        for attribute in start.html_attributes().with_checks(false).flatten() {
            let key = local_name(attribute.key.0).to_ascii_lowercase();
            if pairs.iter().any(|(existing, _)| *existing == key) {
                continue;
            }
            let raw = attribute.value;
            let value = if raw.contains('&') {
                replace_references(&raw, resolve_html_reference)
            } else {
                raw.into_owned()
            };
            pairs.push((key, value));
        }
        Attributes(pairs)
    }

    pub(super) fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.as_str())
    }
}

/// The name after a namespace prefix, if any.
pub(super) fn local_name(name: &str) -> &str {
    name.rsplit_once(':').map_or(name, |(_, local)| local)
}

/// The words of `text` joined by single spaces; `None` when there are none.
pub(super) fn collapse_whitespace(text: &str) -> Option<String> {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!collapsed.is_empty()).then_some(collapsed)
}

/// Appends `category` (whitespace collapsed) unless it is empty or already there, ignoring
/// case.
pub(super) fn push_category(categories: &mut Vec<String>, category: &str) {
    let Some(category) = collapse_whitespace(category) else {
        return;
    };
    let lower = category.to_lowercase();
    if !categories.iter().any(|known| known.to_lowercase() == lower) {
        categories.push(category);
    }
}

/// `type` values that say an outline's `url` is a feed.
fn is_feed_type(kind: &str) -> bool {
    matches!(
        kind,
        "rss" | "atom" | "feed" | "rdf" | "xml" | "json" | "jsonfeed"
    )
}

/// `feed://host/x` → `http://host/x`, `feed:https://host/x` → `https://host/x`.
fn without_feed_scheme(url: &str) -> Cow<'_, str> {
    let Some(scheme) = url.get(..5).filter(|s| s.eq_ignore_ascii_case("feed:")) else {
        return url.into();
    };
    let rest = &url[scheme.len()..];
    match rest.strip_prefix("//") {
        Some(authority) => format!("http://{authority}").into(),
        None => rest.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `<outline {attributes}/>` outside any folder.
    fn outline(attributes: &str) -> Outline {
        let content = format!("outline {attributes}");
        read(&BytesStart::from_content(content.as_str(), 7), &[])
    }

    fn feed_url(attributes: &str) -> Option<String> {
        match outline(attributes) {
            Outline::Feed(subscription) => Some(subscription.xml_url),
            Outline::Other { .. } => None,
        }
    }

    fn reason(attributes: &str) -> String {
        match outline(attributes) {
            Outline::Feed(subscription) => panic!("a feed: {subscription:?}"),
            Outline::Other { reason, .. } => reason,
        }
    }

    #[test]
    fn attribute_names_are_read_in_any_case() {
        let Outline::Feed(subscription) =
            outline(r#"TEXT="A" xmlurl="https://a.example/feed" HTMLURL=" https://a.example/ ""#)
        else {
            panic!("a feed");
        };
        assert_eq!(subscription.title.as_deref(), Some("A"));
        assert_eq!(subscription.xml_url, "https://a.example/feed");
        assert_eq!(subscription.html_url.as_deref(), Some("https://a.example/"));
    }

    #[test]
    fn url_is_the_feed_url_only_without_a_type_or_with_a_feed_type() {
        assert_eq!(
            feed_url(r#"text="B" type="RSS" url="https://b.example/feed""#).as_deref(),
            Some("https://b.example/feed")
        );
        assert_eq!(
            feed_url(r#"text="C" url="https://c.example/feed""#).as_deref(),
            Some("https://c.example/feed")
        );
        assert_eq!(
            reason(r#"text="D" type="link" url="https://d.example/""#),
            "outline \"D\" is a `link` outline pointing to `https://d.example/`, not a feed; skipped"
        );
        assert!(
            reason(r#"text="E" type="include" url="https://e.example/x.opml""#)
                .contains("`include`")
        );
        assert_eq!(
            reason(r#"title="F" xmlUrl="  ""#),
            "outline \"F\" has no feed URL (`xmlUrl`); skipped"
        );
    }

    #[test]
    fn feed_scheme_urls_become_http_urls() {
        assert_eq!(
            feed_url(r#"xmlUrl="feed://a.example/rss""#).as_deref(),
            Some("http://a.example/rss")
        );
        assert_eq!(
            feed_url(r#"xmlUrl="FEED:https://b.example/rss""#).as_deref(),
            Some("https://b.example/rss")
        );
        assert_eq!(
            feed_url(r#"xmlUrl="feeds/c.xml""#).as_deref(),
            Some("feeds/c.xml")
        );
    }

    #[test]
    fn folders_then_category_segments_are_the_categories_once_each() {
        let start = BytesStart::from_content(
            r#"outline text="A" xmlUrl="https://a.example/" category="/Tech/Rust, news,/TECH""#,
            7,
        );
        let Outline::Feed(subscription) = read(&start, &["Tech", "Daily  Reads"]) else {
            panic!("a feed");
        };
        assert_eq!(
            subscription.categories,
            ["Tech", "Daily Reads", "Rust", "news"]
        );
    }

    #[test]
    fn the_title_is_text_else_title_and_entities_are_resolved() {
        let Outline::Feed(subscription) = outline(
            r#"text="  " title="Caf&eacute; &amp;&#x20;Co &bogus;" xmlUrl="https://x.example/""#,
        ) else {
            panic!("a feed");
        };
        assert_eq!(subscription.title.as_deref(), Some("Café & Co &bogus;"));
    }
}
