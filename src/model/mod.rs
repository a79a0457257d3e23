//! The one article model every source reads into and every writer reads from.
//!
//! Policy: nothing here knows a wire format. Fields a spec calls required are still
//! `Option`s, because real feeds omit them; writers supply fallbacks. Times keep the
//! offset they were written with ([`Timestamp`]); compare them as instants.
//! Entry points: [`Feed`] holding [`Article`]s.

mod id;
mod nesting;
mod text;

pub use id::derived_urn;
pub use nesting::{MAX_HTML_NESTING, limit_html_nesting};
pub use text::{
    Text, TextKind, escape_html, is_void_element, replace_references, resolve_html_reference,
};

use std::borrow::Cow;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// An instant with the UTC offset it was written in (`+09:00` stays `+09:00`).
pub type Timestamp = DateTime<FixedOffset>;

/// A parsed feed: channel-level metadata plus its articles, in document order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Feed {
    /// Title of the feed.
    pub title: Option<Text>,
    /// Home page of the site the feed belongs to (the "alternate" link).
    pub link: Option<String>,
    /// Every link the feed declared, including `link`, in document order.
    pub links: Vec<Link>,
    /// The feed's own URL (`rel="self"`), if it states one.
    pub self_link: Option<String>,
    /// Stable identifier (Atom `id`); `None` when the document has none.
    pub id: Option<String>,
    /// Description (RSS) or subtitle (Atom).
    pub description: Option<Text>,
    /// Language tag such as `en-US`.
    pub language: Option<String>,
    /// When the feed last changed.
    pub updated: Option<Timestamp>,
    /// When the feed was first published, where it says.
    pub published: Option<Timestamp>,
    /// A large logo or channel image.
    pub image: Option<Image>,
    /// A small square icon (favicon-like).
    pub icon: Option<String>,
    /// Feed-level authors.
    pub authors: Vec<Person>,
    /// Copyright or rights statement.
    pub rights: Option<Text>,
    /// The program that wrote the feed.
    pub generator: Option<Generator>,
    /// Feed-level categories.
    pub tags: Vec<Tag>,
    /// iTunes `explicit` flag, where stated.
    pub explicit: Option<bool>,
    /// The articles, in the order the document lists them.
    pub articles: Vec<Article>,
}

/// One entry of a feed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// Stable identifier: the document's guid/id, or one derived deterministically.
    pub id: String,
    /// Where [`Article::id`] came from.
    pub id_origin: IdOrigin,
    /// Title, as text or HTML.
    pub title: Option<Text>,
    /// Canonical link to the article's page.
    pub link: Option<String>,
    /// Every link the article declared (alternate, related, via …), including `link`.
    pub links: Vec<Link>,
    /// When the article was first published.
    pub published: Option<Timestamp>,
    /// When the article last changed.
    pub updated: Option<Timestamp>,
    /// Authors and contributors in document order.
    pub authors: Vec<Person>,
    /// Short description or excerpt.
    pub summary: Option<Text>,
    /// Full content, where the document carries it separately from the summary.
    pub content: Option<Text>,
    /// Tags (RSS categories, Atom categories, keywords).
    pub tags: Vec<Tag>,
    /// Attached media files.
    pub enclosures: Vec<Enclosure>,
    /// Link to the article's comments page.
    pub comments: Option<String>,
    /// A representative image (thumbnail, iTunes image, og:image).
    pub image: Option<String>,
    /// Language of the article, when it differs from or refines the feed's.
    pub language: Option<String>,
    /// Rights statement for this article.
    pub rights: Option<Text>,
    /// Running time of an episode (iTunes `duration`), in seconds.
    pub duration_seconds: Option<u64>,
    /// iTunes `explicit` flag, where stated.
    pub explicit: Option<bool>,
    /// Where the article was read from. Shared: every article of a source names the
    /// same one.
    pub source: Option<Arc<SourceRef>>,
    /// Every configured source that carried this article, in the order merged; empty
    /// until the pipeline merges sources (see `pipeline`). A de-duplicated article
    /// lists each source it was found in once.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged_from: Vec<Arc<SourceRef>>,
}

/// How an [`Article`]'s id was obtained. Derived ids are stable across runs, never random.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum IdOrigin {
    /// The document stated it (RSS `guid`, Atom `id`, JSON Feed `id`, RDF `rdf:about`).
    #[default]
    Stated,
    /// Taken from the article's link because no id was stated.
    FromLink,
    /// A hash of title, date and content because neither id nor link was stated.
    FromHash,
}

/// A typed link.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// Target URL, absolute where a base was known.
    pub href: String,
    /// Relation such as `alternate`, `self`, `related`, `enclosure`; the common ones
    /// are shared constants, not a copy per link (see [`Link::shared_rel`]).
    pub rel: Option<Cow<'static, str>>,
    /// Media type of the target; common ones shared (see [`Link::shared_media_type`]).
    pub media_type: Option<Cow<'static, str>>,
    /// Human-readable title of the link.
    pub title: Option<String>,
    /// Language of the target.
    pub hreflang: Option<String>,
    /// Size of the target in bytes.
    pub length: Option<u64>,
}

/// Link relations common enough in feeds to be shared rather than copied per link.
const COMMON_RELS: [&str; 12] = [
    "alternate",
    "self",
    "related",
    "enclosure",
    "via",
    "replies",
    "edit",
    "hub",
    "next",
    "previous",
    "first",
    "last",
];

/// Media types common enough in feeds to be shared rather than copied per link.
const COMMON_MEDIA_TYPES: [&str; 12] = [
    "text/html",
    "application/atom+xml",
    "application/rss+xml",
    "application/xhtml+xml",
    "application/feed+json",
    "application/json",
    "text/plain",
    "audio/mpeg",
    "video/mp4",
    "image/jpeg",
    "image/png",
    "image/gif",
];

impl Link {
    /// A relation in ASCII lowercase, as links keep it: one of the common ones shared,
    /// any other copied.
    pub fn shared_rel(rel: &str) -> Cow<'static, str> {
        match COMMON_RELS
            .iter()
            .find(|common| common.eq_ignore_ascii_case(rel))
        {
            Some(common) => Cow::Borrowed(common),
            None => Cow::Owned(rel.to_ascii_lowercase()),
        }
    }

    /// A media type as written: one of the common ones shared, any other copied.
    pub fn shared_media_type(media_type: &str) -> Cow<'static, str> {
        match COMMON_MEDIA_TYPES
            .iter()
            .find(|common| **common == media_type)
        {
            Some(common) => Cow::Borrowed(common),
            None => Cow::Owned(media_type.to_owned()),
        }
    }
}

/// A person: an author or contributor.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// Display name.
    pub name: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// Home page.
    pub uri: Option<String>,
}

impl Article {
    /// Gives back the spare capacity of the article's lists. A list decoded from JSON
    /// grows as it is read (room for four links where there are two), which across
    /// tens of thousands of stored articles read for one merge is tens of megabytes.
    pub fn shrink_to_fit(&mut self) {
        self.links.shrink_to_fit();
        self.authors.shrink_to_fit();
        self.tags.shrink_to_fit();
        self.enclosures.shrink_to_fit();
        self.merged_from.shrink_to_fit();
    }
}

impl Person {
    /// True when no field is set.
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.email.is_none() && self.uri.is_none()
    }
}

/// A tag or category.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    /// The tag itself, as written (`North Korea`).
    pub term: String,
    /// A human-readable label, when it differs from the term.
    pub label: Option<String>,
    /// The vocabulary the term belongs to (RSS `domain`, Atom `scheme`).
    pub scheme: Option<String>,
}

impl Tag {
    /// A tag with only a term.
    pub fn new(term: impl Into<String>) -> Self {
        Tag {
            term: term.into(),
            label: None,
            scheme: None,
        }
    }
}

/// A media file attached to an article.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enclosure {
    /// Where the file is.
    pub url: String,
    /// Its media type, such as `audio/mpeg`.
    pub media_type: Option<String>,
    /// Its size in bytes.
    pub length: Option<u64>,
}

/// A feed image or logo.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    /// Where the image is.
    pub url: String,
    /// Alternative text.
    pub title: Option<String>,
    /// Where clicking the image leads.
    pub link: Option<String>,
}

/// The program that produced a feed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Generator {
    /// Its name.
    pub name: String,
    /// Its home page.
    pub uri: Option<String>,
    /// Its version.
    pub version: Option<String>,
}

/// The feed an article was read from, kept when articles from many feeds are merged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRef {
    /// Title of the source feed.
    pub title: Option<String>,
    /// URL of the source feed document.
    pub url: Option<String>,
    /// Home page of the source feed.
    pub link: Option<String>,
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::Link;

    #[test]
    fn common_relations_are_shared_and_lowercased_others_copied() {
        assert!(matches!(
            Link::shared_rel("Alternate"),
            Cow::Borrowed("alternate")
        ));
        assert!(matches!(Link::shared_rel("self"), Cow::Borrowed("self")));
        let other = Link::shared_rel("License");
        assert!(matches!(other, Cow::Owned(_)));
        assert_eq!(other, "license");
    }

    #[test]
    fn common_media_types_are_shared_others_kept_as_written() {
        assert!(matches!(
            Link::shared_media_type("text/html"),
            Cow::Borrowed("text/html")
        ));
        let other = Link::shared_media_type("Text/HTML");
        assert!(matches!(other, Cow::Owned(_)));
        assert_eq!(other, "Text/HTML");
    }

    #[test]
    fn shared_values_survive_a_serde_round_trip() {
        let link = Link {
            href: "https://example.com/".into(),
            rel: Some(Link::shared_rel("related")),
            media_type: Some(Link::shared_media_type("audio/x-custom")),
            ..Link::default()
        };
        let json = serde_json::to_string(&link).expect("serializable");
        let back: Link = serde_json::from_str(&json).expect("deserializable");
        assert_eq!(back, link);
    }
}
