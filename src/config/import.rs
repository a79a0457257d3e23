//! Turns a subscription list read from OPML into the text of a feed definition file:
//! a `[feed]` table and one `[[source]]` per subscription (`feedmill import`).
//!
//! Policy: the text passes [`super::validate`] whenever one subscription has an absolute
//! http(s) feed URL ([`is_importable`]). Each source gets a unique, readable `name`: the
//! slug of its title (transliterated to ASCII), else of its URL's host, with `-2`, `-3`…
//! for repeats. A `# title — categories` comment stands above each. A subscription whose
//! URL is not absolute http(s) (relative, `file:`…) is written commented out, with the
//! reason, so nothing in the list is silently lost. Values are written by the `toml`
//! crate, so quotes, backslashes and control characters are escaped as TOML requires.
//! Entry point: [`definition_from_subscriptions`].

use std::collections::HashSet;
use std::fmt::Write as _;

use url::Url;

use crate::source::opml::{Subscription, Subscriptions};

/// The `[feed]` title used when the caller gives an empty one.
pub const DEFAULT_TITLE: &str = "Imported subscriptions";

/// Longest `name` made from a title, in bytes (the slug is ASCII).
const MAX_NAME_LEN: usize = 48;

/// The text of a feed definition file titled `title` (or [`DEFAULT_TITLE`] when it is
/// blank) with one `kind = "feed"` source per subscription, in list order.
///
/// ```
/// use feedmill::config::import::definition_from_subscriptions;
/// use feedmill::source::opml::read_opml;
///
/// let list = read_opml(br#"<opml version="2.0"><body>
///   <outline text="Harbour news" xmlUrl="https://news.example.org/harbour.xml"/>
/// </body></opml>"#).unwrap();
/// let text = definition_from_subscriptions("Harbour", &list);
/// assert!(text.contains("name = \"harbour-news\"\nurl = \"https://news.example.org/harbour.xml\""));
/// ```
pub fn definition_from_subscriptions(title: &str, subscriptions: &Subscriptions) -> String {
    let title = match title.trim() {
        "" => DEFAULT_TITLE,
        trimmed => trimmed,
    };
    let mut text = String::from(
        "# Imported from an OPML subscription list by `feedmill import`.\n\
         # Check every source with `feedmill check THIS-FILE`.\n\n[feed]\n",
    );
    let _ = writeln!(text, "title = {}", toml_string(title));
    let mut names = HashSet::new();
    for subscription in &subscriptions.subscriptions {
        let name = unique_name(&mut names, &base_name(subscription));
        text.push('\n');
        let _ = writeln!(text, "# {}", comment_text(&describe(subscription)));
        let table = format!(
            "[[source]]\nname = {}\nurl = {}\nkind = \"feed\"\n",
            toml_string(&name),
            toml_string(&subscription.xml_url),
        );
        if is_importable(subscription) {
            text.push_str(&table);
        } else {
            let _ = writeln!(
                text,
                "# Not imported: {} is not an absolute http(s) URL.",
                comment_text(&format!("`{}`", subscription.xml_url))
            );
            for line in table.lines() {
                let _ = writeln!(text, "# {line}");
            }
        }
    }
    text
}

/// True when the subscription's feed URL is an absolute http(s) URL, which a definition
/// file accepts.
pub fn is_importable(subscription: &Subscription) -> bool {
    Url::parse(subscription.xml_url.trim())
        .is_ok_and(|url| matches!(url.scheme(), "http" | "https"))
}

/// `title — category, category`, or the URL when there is no title.
fn describe(subscription: &Subscription) -> String {
    let mut text = subscription
        .title
        .clone()
        .unwrap_or_else(|| subscription.xml_url.clone());
    if !subscription.categories.is_empty() {
        text.push_str(" — ");
        text.push_str(&subscription.categories.join(", "));
    }
    text
}

/// The slug of the title, else of the URL's host (without `www.`), else `source`.
fn base_name(subscription: &Subscription) -> String {
    let from_title = subscription.title.as_deref().map(slug::slugify);
    let from_host = || {
        let url = Url::parse(subscription.xml_url.trim()).ok()?;
        let host = url.host_str()?;
        Some(slug::slugify(host.strip_prefix("www.").unwrap_or(host)))
    };
    let name = from_title
        .filter(|slug| !slug.is_empty())
        .or_else(from_host)
        .filter(|slug| !slug.is_empty())
        .unwrap_or_else(|| "source".to_owned());
    shorten(name)
}

/// Cuts a long slug at the last `-` within [`MAX_NAME_LEN`].
fn shorten(mut slug: String) -> String {
    if slug.len() > MAX_NAME_LEN {
        // The slug is ASCII, so every byte index is a char boundary.
        let cut = slug[..MAX_NAME_LEN].rfind('-').unwrap_or(MAX_NAME_LEN);
        slug.truncate(cut);
    }
    slug
}

/// `base`, or `base-2`, `base-3`… whichever is free first; marks it taken.
fn unique_name(taken: &mut HashSet<String>, base: &str) -> String {
    let mut name = base.to_owned();
    let mut n = 1;
    while taken.contains(&name) {
        n += 1;
        name = format!("{base}-{n}");
    }
    taken.insert(name.clone());
    name
}

/// A basic or literal TOML string holding `value`, escaped by the `toml` crate.
fn toml_string(value: &str) -> String {
    toml::Value::String(value.to_owned()).to_string()
}

/// `text` made safe for a one-line TOML comment: control characters (which a comment may
/// not hold, and a line break would end it) become spaces.
fn comment_text(text: &str) -> String {
    text.chars()
        .map(|ch| if ch.is_control() { ' ' } else { ch })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::config::{SourceKind, SourceLocation, validate};
    use crate::source::opml::read_opml;

    const TRICKY: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/opml/tricky.opml"
    ));

    fn subscription(title: Option<&str>, xml_url: &str) -> Subscription {
        Subscription {
            title: title.map(str::to_owned),
            xml_url: xml_url.to_owned(),
            html_url: None,
            categories: Vec::new(),
        }
    }

    #[test]
    fn a_tricky_list_becomes_a_valid_definition_with_one_source_per_subscription() {
        let list = read_opml(TRICKY).expect("an OPML list");
        let title = list.title.clone().unwrap_or_default();
        let text = definition_from_subscriptions(&title, &list);
        let definition = validate(Path::new("imported.toml"), &text)
            .unwrap_or_else(|invalid| panic!("{invalid}\n{text}"));

        assert_eq!(definition.feed.title, r#"Lantern "Reading" List \ 2026"#);
        let urls: Vec<String> = definition
            .sources
            .iter()
            .map(|source| source.location.to_string())
            .collect();
        let expected: Vec<String> = list
            .subscriptions
            .iter()
            .map(|s| Url::parse(&s.xml_url).expect("absolute").to_string())
            .collect();
        assert_eq!(urls, expected);
        assert!(
            definition
                .sources
                .iter()
                .all(|source| matches!(source.kind, SourceKind::Feed)
                    && matches!(source.location, SourceLocation::Url(_)))
        );
        let names: Vec<&str> = definition.sources.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "the-tide-table",
                "back-slash-c-feeds",
                "cafe-unicode-bughan-nyuseu",
                "daily-notes",
                "daily-notes-2",
                "daily-notes-3",
                "no-title-example-org",
                "multi-line-title",
            ]
        );
        assert!(
            text.contains("# The \"Tide\" Table — Harbour & Sea, Tides\n[[source]]\n"),
            "{text}"
        );
    }

    #[test]
    fn urls_that_are_not_absolute_http_are_written_commented_out() {
        let list = Subscriptions {
            title: None,
            subscriptions: vec![
                subscription(Some("Local"), "feeds/local.xml"),
                subscription(Some("Remote"), "https://remote.example/feed"),
                subscription(Some("File"), "file:///tmp/feed.xml"),
            ],
            warnings: Vec::new(),
        };
        let text = definition_from_subscriptions("  ", &list);
        let definition = validate(Path::new("imported.toml"), &text)
            .unwrap_or_else(|invalid| panic!("{invalid}\n{text}"));
        assert_eq!(definition.feed.title, DEFAULT_TITLE);
        assert_eq!(definition.sources.len(), 1);
        assert_eq!(definition.sources[0].name, "remote");
        assert!(
            text.contains(
                "# Not imported: `feeds/local.xml` is not an absolute http(s) URL.\n# [[source]]\n# name = \"local\"\n"
            ),
            "{text}"
        );
        assert!(!is_importable(&list.subscriptions[2]));
    }

    #[test]
    fn names_stay_unique_when_a_title_looks_like_a_suffixed_name() {
        let mut taken = HashSet::new();
        let names: Vec<String> = ["news", "news-2", "news", "news"]
            .iter()
            .map(|base| unique_name(&mut taken, base))
            .collect();
        assert_eq!(names, ["news", "news-2", "news-3", "news-4"]);
    }

    #[test]
    fn long_titles_are_cut_at_a_word_and_line_breaks_stay_out_of_comments() {
        let long = "word ".repeat(30);
        assert!(base_name(&subscription(Some(&long), "https://x.example/")).len() <= MAX_NAME_LEN);
        assert_eq!(
            base_name(&subscription(Some("!!!"), "https://www.host.example/feed")),
            "host-example"
        );
        assert_eq!(base_name(&subscription(None, "not a url")), "source");
        assert_eq!(comment_text("a\nb\u{7}c"), "a b c");
    }
}
