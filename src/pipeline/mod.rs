//! Turns the articles of many sources into one feed's articles: filter, merge and
//! de-duplicate, sort, limit, and split by tag.
//!
//! Policy: pure, infallible functions over [`crate::model`] values; no IO and no clock
//! (the caller passes `now`). Text is compared folded: Unicode NFKC, lowercase,
//! whitespace collapsed, so full-width, decomposed and differently spaced spellings are
//! one.
//! - Filters ([`FilterRules`]) never fail: a rule that cannot judge an article (no date
//!   for `since`/`until`, no language for `languages`) keeps it, so nothing is dropped
//!   for lack of data. Keywords match whole words; regexes match as written.
//! - Tags compare by [`TagAliases::normalize`] key everywhere (rules, unions, per-tag
//!   feeds); aliases rewrite a tag to its canonical label.
//! - [`merge`] keeps one article per story (same [`canonical_url`], same stated id, or a
//!   near-identical title within a window): the first source in definition order gives
//!   the id (stable across runs) and fields, the others fill gaps; the earliest
//!   `published` wins; tags unite; `merged_from` lists the sources. Output is newest
//!   first ([`sort_newest_first`]). Linear in the articles plus the similar pairs:
//!   hash maps for URLs and ids, an inverted index of rare title words for titles.
//! - [`split_by_tag`] gives one [`TagFeed`] per tag key, with a unique [`slug()`] and the
//!   positions of its articles (not copies).
//!
//! Entry points, in the order a feed's build calls them: [`FilterRules::apply`] per
//! source, [`merge`], [`FilterRules::apply`] for the feed, [`split_by_tag`].
//!
//! ```
//! use feedmill::model::{Article, SourceRef, Tag};
//! use feedmill::pipeline::{DedupOptions, SourceArticles, TagAliases, merge, split_by_tag};
//!
//! let story = |link: &str, tag: &str| Article {
//!     id: link.to_owned(),
//!     link: Some(link.to_owned()),
//!     tags: vec![Tag::new(tag)],
//!     ..Article::default()
//! };
//! let aliases = TagAliases::from_pairs([("DPRK", "North Korea")]);
//! let merged = merge(
//!     vec![
//!         SourceArticles {
//!             source: SourceRef::default(),
//!             articles: vec![story("https://news.example/kim", "DPRK")],
//!         },
//!         SourceArticles {
//!             source: SourceRef::default(),
//!             articles: vec![story("https://www.news.example/kim/?utm_source=rss", "Seoul")],
//!         },
//!     ],
//!     &DedupOptions::default(),
//!     &aliases,
//! );
//! assert_eq!(merged.len(), 1);
//! let feeds = split_by_tag(&merged, &aliases);
//! let slugs: Vec<&str> = feeds.iter().map(|feed| feed.slug.as_str()).collect();
//! assert_eq!(slugs, ["north-korea", "seoul"]);
//! // A tag feed holds positions in `merged`, not copies.
//! assert_eq!(feeds[0].positions, [0]);
//! assert_eq!(feeds[0].articles(&merged).count(), 1);
//! ```

mod by_tag;
mod canonical;
mod dedup;
mod filter;
mod keyword;
mod order;
mod tags;
mod text;
mod title;

pub use by_tag::{MAX_SLUG, SECTION_SCHEME, TagFeed, slug, split_by_tag};
pub use canonical::{TRACKING_PARAMS, TRACKING_PREFIXES, canonical_url, without_tracking};
pub use dedup::{GLOBAL_ID_MIN_LEN, MergePool, SourceArticles, merge, merge_newest, merge_pool};
pub use filter::PreparedRules;
pub use order::{article_date, sort_newest_first};

use std::collections::BTreeMap;
use std::time::Duration;

use regex::Regex;

use crate::model::Timestamp;

/// The rules of one filter chain: `[source.filter]` or `[feed.filter]` in a definition.
///
/// Every rule that is set must pass for an article to be kept; an empty `FilterRules`
/// keeps everything. Tag rules compare tags normalized by [`TagAliases::normalize`].
#[derive(Debug, Clone, Default)]
pub struct FilterRules {
    /// Keep an article with at least one of these tags (when not empty).
    pub tags_any: Vec<String>,
    /// Keep an article only if it has every one of these tags.
    pub tags_all: Vec<String>,
    /// Drop an article with any of these tags.
    pub tags_none: Vec<String>,
    /// Keep an article only if at least one of these matches one of `fields` (when not
    /// empty).
    pub include: Vec<TextMatcher>,
    /// Drop an article when any of these matches one of `fields`.
    pub exclude: Vec<TextMatcher>,
    /// The fields `include` and `exclude` look at; empty means all of them.
    pub fields: Vec<TextField>,
    /// Drop articles published (else updated) before this.
    pub since: Option<TimeBound>,
    /// Drop articles published (else updated) after this.
    pub until: Option<TimeBound>,
    /// Keep only articles in one of these languages (primary subtag compared, `en`
    /// matches `en-GB`); articles that state no language are kept.
    pub languages: Vec<String>,
    /// Keep at most this many articles, newest first.
    pub limit: Option<usize>,
}

/// One keyword or pattern of an `include`/`exclude` rule.
#[derive(Debug, Clone)]
pub enum TextMatcher {
    /// Matches the words, ignoring case and accents' composition (Unicode-normalized),
    /// on word boundaries: `korea` matches "North Korea's" but not "Koreans".
    Keyword(String),
    /// Matches where the regular expression finds a match (as written: add `(?i)` to
    /// ignore case).
    Regex(Regex),
}

/// A field an `include`/`exclude` rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextField {
    /// The title, as plain text.
    Title,
    /// The summary, as plain text.
    Summary,
    /// The content, as plain text.
    Content,
    /// Every author's name and e-mail.
    Author,
    /// The article's link.
    Link,
    /// Every tag's label and term.
    Tags,
}

/// A `since` or `until` bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeBound {
    /// A fixed instant.
    At(Timestamp),
    /// This long before the `now` the filter is applied at (`30d`).
    Ago(Duration),
}

/// Tag aliases: written form (any case or spacing) → the tag it stands for.
///
/// ```toml
/// [aliases]
/// "DPRK" = "North Korea"
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TagAliases {
    /// Folded alias (NFKC, lowercase, whitespace collapsed, as
    /// [`TagAliases::from_pairs`] stores it; other keys are never found) → canonical
    /// label.
    pub map: BTreeMap<String, String>,
}

/// How [`merge`] decides two articles are the same story.
#[derive(Debug, Clone, PartialEq)]
pub struct DedupOptions {
    /// Same canonical URL (scheme, `www.`, trailing slash, fragment, tracking
    /// parameters and AMP variants ignored). Default: on.
    pub by_url: bool,
    /// Same id (guid) stated by the documents. Default: on.
    pub by_id: bool,
    /// Near-identical titles (see `title_similarity`) published within `title_window`.
    /// Default: on.
    pub by_title: bool,
    /// How close two normalized titles must be, 0.0 to 1.0. Default: 0.9.
    pub title_similarity: f64,
    /// How far apart two near-identical titles may be published. Default: 48 hours.
    pub title_window: Duration,
}

impl Default for DedupOptions {
    fn default() -> Self {
        DedupOptions {
            by_url: true,
            by_id: true,
            by_title: true,
            title_similarity: 0.9,
            title_window: Duration::from_secs(48 * 3600),
        }
    }
}
