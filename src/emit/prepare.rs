//! Turns a model [`Feed`] into the form every writer starts from: cleaned by `clean`
//! (sanitized HTML, safe absolute URLs, XML-safe text), plus the fallbacks the formats
//! share for values they require and the feed lacks (ids, titles, dates), which are
//! deterministic and never read the wall clock.
//!
//! A feed is cleaned once ([`Cleaned::new`]); each document written from it is a
//! [`Prepared`] view: the whole feed, or a part of its articles under a title and date
//! of its own ([`Cleaned::part`]), so per-tag feeds never clean an article again.
//! Entry points: [`Cleaned::new`], then [`Cleaned::whole`] or [`Cleaned::part`].

use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use url::Url;

use super::EmitOptions;
use super::clean::{clean_date, clean_feed, clean_text, safe_url, web_url};
use super::syntax::{is_absolute_iri, is_writable_date};
use crate::model::{Article, Feed, Text, Timestamp};

/// Title used when a feed states none.
const UNTITLED_FEED: &str = "Untitled feed";
/// Title used when an article has neither title nor any text to take one from.
const UNTITLED_ARTICLE: &str = "Untitled";
/// How many characters of an article's text become its title when it has none.
const TITLE_EXCERPT_CHARS: usize = 80;

/// A feed cleaned for writing with some options: what every [`Prepared`] borrows.
#[derive(Debug, Clone)]
pub(super) struct Cleaned {
    /// The feed with HTML sanitized, URLs absolute and safe, strings XML-clean and an id
    /// on every article. Content equal to the summary is removed.
    feed: Feed,
    /// The base relative URLs in the feed's texts were resolved against (for a part's
    /// title).
    base: Option<Url>,
    /// [`EmitOptions::self_url`], if given and safe.
    self_url: Option<String>,
    /// [`EmitOptions::base_url`], if given and safe.
    base_url: Option<String>,
    /// [`EmitOptions::now`], if a date every format can write.
    now: Option<Timestamp>,
    /// Each article's Atom id ([`iri_id`]), worked out on first use: the same in every
    /// document written from the feed.
    atom_ids: OnceLock<Vec<String>>,
    /// Each article's summary as plain text, `None` when it has none or it is blank;
    /// worked out on first use.
    plain_summaries: OnceLock<Vec<Option<String>>>,
}

impl Cleaned {
    /// Cleans `feed` for writing with `options`.
    pub(super) fn new(feed: &Feed, options: &EmitOptions) -> Self {
        let base_url = options.base_url.as_deref().and_then(|u| safe_url(u, None));
        let mut feed = feed.clone();
        let base = clean_feed(&mut feed, base_url.as_deref().and_then(web_url));
        Cleaned {
            feed,
            base,
            self_url: options.self_url.as_deref().and_then(|u| safe_url(u, None)),
            base_url,
            now: options.now.filter(is_writable_date),
            atom_ids: OnceLock::new(),
            plain_summaries: OnceLock::new(),
        }
    }

    /// The whole feed, ready to write.
    pub(super) fn whole(&self) -> Prepared<'_> {
        let positions = (0..self.feed.articles.len()).collect();
        self.view(self.feed.title.clone(), self.feed.updated, positions)
    }

    /// The feed with `title` and `updated` in place of its own and only the articles at
    /// `positions` (in that order; positions past the end are skipped): what cleaning
    /// that feed would give, since the feed-level fields that decide how an article
    /// cleans (its links, the base URL) are the same.
    pub(super) fn part(
        &self,
        title: Option<Text>,
        updated: Option<Timestamp>,
        positions: &[usize],
    ) -> Prepared<'_> {
        let mut title = title;
        clean_text(&mut title, self.base.as_ref());
        let mut updated = updated;
        clean_date(&mut updated);
        let count = self.feed.articles.len();
        let positions = positions
            .iter()
            .copied()
            .filter(|&position| position < count)
            .collect();
        self.view(title, updated, positions)
    }

    /// A document of the articles at `positions`, each less than the number of articles.
    fn view(
        &self,
        title: Option<Text>,
        updated: Option<Timestamp>,
        positions: Vec<usize>,
    ) -> Prepared<'_> {
        let articles: Vec<&Article> = positions
            .iter()
            .map(|&position| &self.feed.articles[position])
            .collect();
        let known_updated = updated
            .or_else(|| newest_article_date(&articles))
            .or(self.now);
        Prepared {
            feed: &self.feed,
            cleaned: self,
            title,
            positions,
            articles,
            self_url: self.self_url.as_deref(),
            base_url: self.base_url.as_deref(),
            known_updated,
        }
    }

    fn atom_ids(&self) -> &[String] {
        self.atom_ids.get_or_init(|| {
            (self.feed.articles.iter())
                .map(|article| iri_id(&article.id))
                .collect()
        })
    }

    fn plain_summaries(&self) -> &[Option<String>] {
        self.plain_summaries.get_or_init(|| {
            (self.feed.articles.iter())
                .map(|article| {
                    (article.summary.as_ref())
                        .map(Text::to_plain)
                        .filter(|summary| !summary.is_empty())
                })
                .collect()
        })
    }
}

/// One document to write, cleaned, plus the fallbacks the writers share.
#[derive(Debug)]
pub(super) struct Prepared<'a> {
    /// The cleaned feed, for its feed-level fields other than the title and `updated`
    /// (see [`Prepared::title`], [`Prepared::known_updated`]); the document's articles
    /// are [`Prepared::articles`], not this feed's.
    pub(super) feed: &'a Feed,
    /// What the document is cut from, for what its articles share with other documents.
    cleaned: &'a Cleaned,
    /// The document's title, cleaned.
    title: Option<Text>,
    /// The positions of the document's articles in the feed, each in range.
    positions: Vec<usize>,
    /// The document's articles, cleaned: the feed's at `positions`.
    articles: Vec<&'a Article>,
    /// The URL the output will be published at, if given and safe.
    pub(super) self_url: Option<&'a str>,
    /// [`EmitOptions::base_url`], if given and safe.
    base_url: Option<&'a str>,
    /// See [`Prepared::known_updated`].
    known_updated: Option<Timestamp>,
}

impl<'a> Prepared<'a> {
    /// The same document without its articles, for writing their bytes into (see
    /// `splice.rs`); its title and `updated` stay as they are, also when they came from
    /// the articles.
    pub(super) fn shell(&self) -> Prepared<'a> {
        Prepared {
            feed: self.feed,
            cleaned: self.cleaned,
            title: self.title.clone(),
            positions: Vec::new(),
            articles: Vec::new(),
            self_url: self.self_url,
            base_url: self.base_url,
            known_updated: self.known_updated,
        }
    }

    /// The positions of the document's articles in the feed, in order.
    pub(super) fn positions(&self) -> &[usize] {
        &self.positions
    }

    /// The document's articles, in order.
    pub(super) fn articles(&self) -> &[&'a Article] {
        &self.articles
    }

    /// The Atom id ([`iri_id`]) of each of [`Prepared::articles`], in order; worked out
    /// once for every document of the feed.
    pub(super) fn atom_ids(&self) -> impl Iterator<Item = &'a str> {
        let ids = self.cleaned.atom_ids();
        self.positions
            .iter()
            .map(|&position| ids[position].as_str())
    }

    /// The summary of each of [`Prepared::articles`] as plain text, `None` when it has
    /// none or it is blank; worked out once for every document of the feed.
    pub(super) fn plain_summaries(&self) -> impl Iterator<Item = Option<&'a str>> {
        let summaries = self.cleaned.plain_summaries();
        (self.positions.iter()).map(|&position| summaries[position].as_deref())
    }

    /// The feed's title, or [`UNTITLED_FEED`].
    pub(super) fn title(&self) -> Text {
        self.title
            .clone()
            .unwrap_or_else(|| Text::plain(UNTITLED_FEED))
    }

    /// The feed's title as plain text, or [`UNTITLED_FEED`] when it has none or it is
    /// markup without text (an HTML title holding only an image).
    pub(super) fn plain_title(&self) -> String {
        self.title
            .as_ref()
            .map(Text::to_plain)
            .filter(|title| !title.trim().is_empty())
            .unwrap_or_else(|| UNTITLED_FEED.to_owned())
    }

    /// A link for the feed as a whole: its home page, else the output's or the source's
    /// own URL, else the base URL, else the site of its first linked article.
    pub(super) fn any_link(&self) -> Option<String> {
        let feed = self.feed;
        feed.link
            .clone()
            .or_else(|| self.self_url.map(str::to_owned))
            .or_else(|| feed.self_link.clone())
            .or_else(|| self.base_url.map(str::to_owned))
            .or_else(|| {
                self.articles
                    .iter()
                    .filter_map(|article| article.link.as_deref().and_then(web_url))
                    .map(|url| url.join("/").map_or_else(|_| url.to_string(), String::from))
                    .next()
            })
    }

    /// The feed's stable id, always an absolute IRI: the stated one (see [`iri_id`]),
    /// else the output URL, else the home page, else a `urn:uuid:` derived from title and
    /// description.
    pub(super) fn feed_id(&self) -> String {
        let feed = self.feed;
        feed.id
            .as_deref()
            .map(iri_id)
            .or_else(|| self.self_url.map(str::to_owned))
            .or_else(|| feed.link.clone())
            .unwrap_or_else(|| {
                let title = self.title.as_ref().map_or("", |t| t.value.as_str());
                let description = feed.description.as_ref().map_or("", |t| t.value.as_str());
                crate::model::derived_urn(&["feed", title, description])
            })
    }

    /// When the feed last changed: as stated, else its newest article, else
    /// [`EmitOptions::now`]; `None` when none of those is known.
    pub(super) fn known_updated(&self) -> Option<Timestamp> {
        self.known_updated
    }

    /// [`Prepared::known_updated`], falling back to the Unix epoch so output is
    /// reproducible.
    pub(super) fn updated(&self) -> Timestamp {
        self.known_updated()
            .unwrap_or_else(|| DateTime::<Utc>::UNIX_EPOCH.fixed_offset())
    }

    /// When `article` last changed: as stated, else when published, else the feed's
    /// [`Prepared::updated`] (the article existed by then).
    pub(super) fn article_updated(&self, article: &Article) -> Timestamp {
        article
            .updated
            .or(article.published)
            .unwrap_or_else(|| self.updated())
    }
}

/// The latest date any article carries (its updated, else its published date).
fn newest_article_date(articles: &[&Article]) -> Option<Timestamp> {
    articles
        .iter()
        .filter_map(|article| article.updated.or(article.published))
        .max()
}

/// `id` as an absolute IRI, as Atom requires of every id: trimmed and as stated when it
/// is one, else a `urn:uuid:` derived from it, so the same id always maps to the same IRI.
pub(super) fn iri_id(id: &str) -> String {
    let trimmed = id.trim();
    if is_absolute_iri(trimmed) {
        trimmed.to_owned()
    } else {
        crate::model::derived_urn(&["id", id])
    }
}

/// The title to use for an article that has none: the start of its summary or content,
/// else [`UNTITLED_ARTICLE`].
pub(super) fn fallback_article_title(article: &Article) -> String {
    [&article.summary, &article.content]
        .into_iter()
        .flatten()
        .map(|text| excerpt(&text.to_plain(), TITLE_EXCERPT_CHARS))
        .find(|excerpt| !excerpt.is_empty())
        .unwrap_or_else(|| UNTITLED_ARTICLE.to_owned())
}

/// The first `max_chars` characters of `text`, whitespace collapsed, cut at a word
/// boundary and marked with an ellipsis when shortened.
fn excerpt(text: &str, max_chars: usize) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() <= max_chars {
        return collapsed;
    }
    let cut: String = collapsed.chars().take(max_chars).collect();
    let at_word = cut.rfind(' ').map_or(cut.as_str(), |space| &cut[..space]);
    format!("{}…", at_word.trim_end())
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_that_are_not_iris_map_to_stable_urns() {
        assert_eq!(iri_id(" tag:example.com,2024:1 "), "tag:example.com,2024:1");
        assert_eq!(
            iri_id("https://example.com/한국"),
            "https://example.com/한국"
        );
        let derived = iri_id("harbor-times-2025-0909-0042");
        assert!(derived.starts_with("urn:uuid:"), "{derived}");
        assert_eq!(derived, iri_id("harbor-times-2025-0909-0042"));
        assert_ne!(derived, iri_id("harbor-times-2025-0909-0043"));
        assert!(iri_id("https://example.com/a b").starts_with("urn:uuid:"));
    }

    #[test]
    fn long_text_is_cut_at_a_word_boundary_with_an_ellipsis() {
        assert_eq!(excerpt("one two  three", 80), "one two three");
        assert_eq!(excerpt("one two three", 9), "one two…");
    }

    #[test]
    fn articles_without_ids_take_their_link_or_a_content_hash() {
        let feed = Feed {
            articles: vec![
                Article {
                    link: Some("/a".into()),
                    ..Article::default()
                },
                Article {
                    title: Some(Text::plain("no link")),
                    ..Article::default()
                },
            ],
            ..Feed::default()
        };
        let options = EmitOptions {
            base_url: Some("https://example.com/".into()),
            ..EmitOptions::default()
        };
        let cleaned = Cleaned::new(&feed, &options);
        let prepared = cleaned.whole();
        let [with_link, without] = &prepared.feed.articles[..] else {
            panic!("two articles expected");
        };
        assert_eq!(with_link.id, "https://example.com/a");
        assert_eq!(with_link.id_origin, crate::model::IdOrigin::FromLink);
        assert!(without.id.starts_with("urn:uuid:"));
        assert_eq!(without.id_origin, crate::model::IdOrigin::FromHash);
    }

    #[test]
    fn updated_prefers_the_feed_then_the_newest_article_then_now_then_the_epoch() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap();
        let mut feed = Feed {
            articles: vec![
                Article {
                    published: Some(at("2024-01-01T00:00:00+09:00")),
                    ..Article::default()
                },
                Article {
                    updated: Some(at("2024-02-01T00:00:00+09:00")),
                    ..Article::default()
                },
            ],
            ..Feed::default()
        };
        let options = EmitOptions {
            now: Some(at("2030-01-01T00:00:00Z")),
            ..EmitOptions::default()
        };
        let newest = Cleaned::new(&feed, &options).whole().updated();
        assert_eq!(newest.to_rfc3339(), "2024-02-01T00:00:00+09:00");

        feed.updated = Some(at("2023-05-05T05:05:05-04:00"));
        assert_eq!(
            Cleaned::new(&feed, &options).whole().updated(),
            feed.updated.unwrap()
        );

        feed.updated = None;
        feed.articles.clear();
        assert_eq!(
            Cleaned::new(&feed, &options).whole().updated(),
            options.now.unwrap()
        );
        let epoch = Cleaned::new(&feed, &EmitOptions::default())
            .whole()
            .updated();
        assert_eq!(epoch.timestamp(), 0);
    }

    #[test]
    fn dates_no_format_can_write_are_dropped_so_fallbacks_apply() {
        use chrono::TimeZone;
        let far_future = Utc
            .with_ymd_and_hms(12_345, 1, 1, 0, 0, 0)
            .unwrap()
            .fixed_offset();
        let feed = Feed {
            updated: Some(far_future),
            articles: vec![Article {
                id: "x".into(),
                published: Some(far_future),
                updated: Some(far_future),
                ..Article::default()
            }],
            ..Feed::default()
        };
        let cleaned = Cleaned::new(&feed, &EmitOptions::default());
        let prepared = cleaned.whole();
        assert_eq!(prepared.feed.updated, None);
        assert_eq!(prepared.feed.articles[0].published, None);
        assert_eq!(prepared.feed.articles[0].updated, None);
        assert_eq!(prepared.updated().timestamp(), 0);
    }

    #[test]
    fn content_equal_to_the_summary_is_dropped() {
        let feed = Feed {
            articles: vec![Article {
                id: "x".into(),
                summary: Some(Text::html("<p>same</p>")),
                content: Some(Text::html("<p>same</p>")),
                ..Article::default()
            }],
            ..Feed::default()
        };
        let cleaned = Cleaned::new(&feed, &EmitOptions::default());
        let prepared = cleaned.whole();
        assert_eq!(prepared.feed.articles[0].content, None);
        assert!(prepared.feed.articles[0].summary.is_some());
    }
}
