//! What a page offers as feeds: the feeds it advertises (`<link rel="alternate">`), the
//! feed-looking links it shows, and what auto-extraction reads from it; and, given a way to
//! fetch, the feeds found at common paths beside it.
//!
//! Policy: no IO here (probing takes the caller's fetch as a closure); every URL reported is
//! absolute where the page URL is known. Entry points: [`discover`], [`probe`].

use serde::Serialize;
use url::Url;

use super::document::{Page, collapsed_text, select};
use super::{PageError, PageKind, PageOptions, Warning, auto, jsonld, listing};
use crate::model::{Feed, Timestamp};
use crate::source::feed::{self, ReadOptions};

/// The paths [`probe`] tries, relative to the site root and to the page's directory.
pub const PROBE_PATHS: [&str; 7] = [
    "/feed",
    "/rss",
    "/rss.xml",
    "/atom.xml",
    "/feed.xml",
    "/index.xml",
    "/feeds/posts/default",
];

/// The `<link type>`s that advertise a feed, lowercase.
const FEED_TYPES: [&str; 5] = [
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
];

/// How a page's URL path ends when it links to a feed (compared lowercase, without query).
const FEED_LINK_ENDINGS: [&str; 10] = [
    ".rss", ".xml", ".atom", ".rdf", "/feed", "/feed/", "/rss", "/rss/", "/atom", "/atom/",
];

/// What [`discover`] found on a page.
#[derive(Debug, Clone, Serialize)]
pub struct Discovery {
    /// The page's URL, when the caller gave one.
    pub url: Option<String>,
    /// Feeds, advertised ones first, then linked ones, each URL once.
    pub feeds: Vec<FoundFeed>,
    /// What auto-extraction reads from the page.
    pub page: PageSummary,
    /// Problems recovered from while reading the page (not serialized).
    #[serde(skip)]
    pub warnings: Vec<Warning>,
}

/// One feed a page leads to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FoundFeed {
    /// The feed's URL, absolute where the page URL is known.
    pub url: String,
    /// Its title: the `<link title>`, the link text, or the probed feed's title.
    pub title: Option<String>,
    /// The media type advertised (`application/atom+xml`), or the format a probe read
    /// (`Atom 1.0`).
    pub format: Option<String>,
    /// How it was found, which is also how sure it is.
    pub found_by: FoundBy,
}

/// How a feed was found, from surest to least sure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FoundBy {
    /// Fetched at a common path and read as a feed.
    Probed,
    /// Advertised by `<link rel="alternate" type="…">`.
    Advertised,
    /// An `<a>` whose URL looks like a feed's (`.rss`, `/feed`…): lower confidence.
    Linked,
}

impl FoundBy {
    /// The word messages use (`advertised`).
    pub fn as_str(self) -> &'static str {
        match self {
            FoundBy::Probed => "probed",
            FoundBy::Advertised => "advertised",
            FoundBy::Linked => "linked",
        }
    }
}

/// What auto-extraction reads from the page, in short.
#[derive(Debug, Clone, Serialize)]
pub struct PageSummary {
    /// Article or listing.
    #[serde(serialize_with = "kind_name")]
    pub kind: PageKind,
    /// The article's headline, or the listing's (site) title.
    pub title: Option<String>,
    /// When the article was published (article pages).
    pub published: Option<Timestamp>,
    /// When it last changed (article pages).
    pub updated: Option<Timestamp>,
    /// The article's tag terms.
    pub tags: Vec<String>,
    /// How many articles the page was read into: 1 for an article page.
    pub articles: usize,
    /// The CSS path of a guessed listing's repeated blocks.
    pub listing_path: Option<String>,
}

fn kind_name<S: serde::Serializer>(kind: &PageKind, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(kind)
}

/// Lists the feeds a page advertises or links to, and summarizes what auto-extraction
/// reads from it. Fails only when the bytes are not an HTML page.
///
/// ```
/// use feedmill::source::page::{PageOptions, discover::{discover, FoundBy}};
///
/// let html = br#"<html><head><title>Blog</title>
///   <link rel="alternate" type="application/atom+xml" title="Posts" href="/atom.xml">
///   </head><body><p>Hello</p></body></html>"#;
/// let options = PageOptions { url: Some("https://example.com/blog/".into()), ..Default::default() };
/// let found = discover(html, &options).unwrap();
/// assert_eq!(found.feeds[0].url, "https://example.com/atom.xml");
/// assert_eq!(found.feeds[0].found_by, FoundBy::Advertised);
/// ```
pub fn discover(bytes: &[u8], options: &PageOptions) -> Result<Discovery, PageError> {
    let page = Page::parse(bytes, options)?;
    let mut warnings = page.warnings.clone();
    let mut feeds = advertised(&page);
    for found in linked(&page) {
        if !feeds.iter().any(|known| known.url == found.url) {
            feeds.push(found);
        }
    }
    let (feed, kind) = auto::extract(&page, options.expect, &mut warnings);
    let listing_path = (kind == PageKind::Listing)
        .then(|| guessed_listing_path(&page))
        .flatten();
    Ok(Discovery {
        url: page.url.as_ref().map(|u| u.as_str().to_owned()),
        feeds,
        page: summary(&feed, kind, listing_path),
        warnings,
    })
}

/// The URLs [`probe`] tries for a page: each of [`PROBE_PATHS`] at the site root, then in
/// the page's directory when that is not the root.
pub fn probe_urls(page_url: &Url) -> Vec<Url> {
    let mut urls: Vec<Url> = PROBE_PATHS
        .iter()
        .filter_map(|path| page_url.join(path).ok())
        .collect();
    for path in PROBE_PATHS {
        let Ok(url) = page_url.join(path.trim_start_matches('/')) else {
            continue;
        };
        if !urls.contains(&url) {
            urls.push(url);
        }
    }
    urls
}

/// Tries each of [`probe_urls`] with the caller's `get` (which fetches a URL into bytes and
/// the [`ReadOptions`] its response gives, or `None` when the fetch failed) and returns the
/// ones that read as a feed with [`feed::read`].
pub fn probe<F>(page_url: &Url, mut get: F) -> Vec<FoundFeed>
where
    F: FnMut(&Url) -> Option<(Vec<u8>, ReadOptions)>,
{
    let mut found: Vec<FoundFeed> = Vec::new();
    for url in probe_urls(page_url) {
        let Some((bytes, options)) = get(&url) else {
            continue;
        };
        let Ok(outcome) = feed::read(&bytes, &options) else {
            continue;
        };
        let url = options.url.unwrap_or_else(|| url.to_string());
        if found.iter().any(|known| known.url == url) {
            continue;
        }
        found.push(FoundFeed {
            url,
            title: outcome.feed.title.map(|t| t.value),
            format: Some(outcome.format.to_string()),
            found_by: FoundBy::Probed,
        });
    }
    found
}

/// `<link rel="alternate">`s with a feed media type.
fn advertised(page: &Page) -> Vec<FoundFeed> {
    let mut feeds: Vec<FoundFeed> = Vec::new();
    for link in select(page.root(), "link[href][type]") {
        let is_alternate = link.attr("rel").is_some_and(|rel| {
            rel.split_ascii_whitespace()
                .any(|token| token.eq_ignore_ascii_case("alternate"))
        });
        let media_type = link
            .attr("type")
            .and_then(|t| t.split(';').next())
            .map(|t| t.trim().to_ascii_lowercase())
            .filter(|t| FEED_TYPES.contains(&t.as_str()));
        let (true, Some(media_type)) = (is_alternate, media_type) else {
            continue;
        };
        let Some(url) = link.attr("href").and_then(|href| page.resolve(href)) else {
            continue;
        };
        // WordPress advertises its REST API as `application/json` alternates; not feeds.
        if url.contains("/wp-json/") || feeds.iter().any(|known| known.url == url) {
            continue;
        }
        feeds.push(FoundFeed {
            url,
            title: link
                .attr("title")
                .map(super::document::collapse)
                .filter(|t| !t.is_empty()),
            format: Some(media_type),
            found_by: FoundBy::Advertised,
        });
    }
    feeds
}

/// `<a>`s whose URL looks like a feed's.
fn linked(page: &Page) -> Vec<FoundFeed> {
    let mut feeds: Vec<FoundFeed> = Vec::new();
    for anchor in select(page.root(), "a[href]") {
        let Some(url) = anchor.attr("href").and_then(|href| page.resolve(href)) else {
            continue;
        };
        if !looks_like_feed(&url) || feeds.iter().any(|known| known.url == url) {
            continue;
        }
        let text = collapsed_text(anchor);
        let title = if text.is_empty() {
            anchor.attr("title").map(super::document::collapse)
        } else {
            Some(text)
        };
        feeds.push(FoundFeed {
            url,
            title: title.filter(|t| !t.is_empty()),
            format: None,
            found_by: FoundBy::Linked,
        });
    }
    feeds
}

/// Whether a URL's path ends like a feed's, and is not a sitemap.
fn looks_like_feed(url: &str) -> bool {
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or(url)
        .to_ascii_lowercase();
    let file = path.rsplit('/').next().unwrap_or(&path);
    if file.starts_with("sitemap") {
        return false;
    }
    FEED_LINK_ENDINGS
        .iter()
        .any(|ending| path.ends_with(ending))
        || path.ends_with("/feeds/posts/default")
}

/// The CSS path of a listing guessed from repeated blocks; `None` when the listing came
/// from a JSON-LD `ItemList`.
fn guessed_listing_path(page: &Page) -> Option<String> {
    let mut scratch = Vec::new();
    if !jsonld::extract(page, &mut scratch).listing.is_empty() {
        return None;
    }
    listing::find(page, false, &mut scratch).map(|found| found.css_path)
}

/// The summary of what auto-extraction read.
fn summary(feed: &Feed, kind: PageKind, listing_path: Option<String>) -> PageSummary {
    let article = feed.articles.first().filter(|_| kind == PageKind::Article);
    let title = article
        .and_then(|a| a.title.as_ref())
        .or(feed.title.as_ref())
        .map(|t| t.value.clone());
    PageSummary {
        kind,
        title,
        published: article.and_then(|a| a.published),
        updated: article.and_then(|a| a.updated),
        tags: article
            .map(|a| a.tags.iter().map(|t| t.term.clone()).collect())
            .unwrap_or_default(),
        articles: feed.articles.len(),
        listing_path,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(url: &str) -> PageOptions {
        PageOptions {
            url: Some(url.to_owned()),
            ..PageOptions::default()
        }
    }

    const PAGE: &str = r#"<!DOCTYPE html><html><head><title>Ward notes</title>
        <link rel="alternate" type="application/rss+xml" title="All posts" href="/rss.xml">
        <link rel="Alternate Home" type="application/atom+xml; charset=utf-8" href="atom">
        <link rel="alternate" type="text/html" hreflang="de" href="/de/">
        <link rel="stylesheet" type="text/css" href="/style.css">
        <link rel="alternate" type="application/feed+json" href="/rss.xml">
        <link rel="alternate" type="application/json" href="/wp-json/wp/v2/posts/7">
        </head><body><p>Hello</p>
        <a href="/rss.xml">RSS</a> <a href="/comments/feed/">Comments feed</a>
        <a href="/sitemap.xml">Sitemap</a> <a href="/about">About</a>
        <a href="https://elsewhere.example/feeds/posts/default?alt=rss" title="Friend"></a>
        </body></html>"#;

    #[test]
    fn advertised_feeds_come_first_with_titles_and_absolute_urls() {
        let found = discover(PAGE.as_bytes(), &options("https://ward.example/blog/")).unwrap();
        let feeds: Vec<_> = found
            .feeds
            .iter()
            .map(|f| (f.url.as_str(), f.title.as_deref(), f.found_by))
            .collect();
        assert_eq!(
            feeds,
            [
                (
                    "https://ward.example/rss.xml",
                    Some("All posts"),
                    FoundBy::Advertised
                ),
                ("https://ward.example/blog/atom", None, FoundBy::Advertised),
                (
                    "https://ward.example/comments/feed/",
                    Some("Comments feed"),
                    FoundBy::Linked
                ),
                (
                    "https://elsewhere.example/feeds/posts/default?alt=rss",
                    Some("Friend"),
                    FoundBy::Linked
                ),
            ]
        );
        assert_eq!(
            found.feeds[1].format.as_deref(),
            Some("application/atom+xml")
        );
    }

    #[test]
    fn the_summary_says_what_auto_extraction_reads() {
        let html = r#"<html><head><title>Hi</title><meta property="og:type" content="article">
            <meta property="og:title" content="Tram line extended">
            <meta property="article:tag" content="Transport">
            <meta property="article:published_time" content="2025-09-09T18:21:00+09:00">
            </head><body></body></html>"#;
        let found = discover(html.as_bytes(), &options("https://ward.example/a")).unwrap();
        assert_eq!(found.page.kind, PageKind::Article);
        assert_eq!(found.page.title.as_deref(), Some("Tram line extended"));
        assert_eq!(found.page.tags, ["Transport"]);
        assert_eq!(
            found.page.published.map(|d| d.to_rfc3339()).as_deref(),
            Some("2025-09-09T18:21:00+09:00")
        );
        assert_eq!(found.page.articles, 1);
        assert!(found.feeds.is_empty());
        let json = serde_json::to_value(&found).unwrap();
        assert_eq!(json["page"]["kind"], "article");
    }

    #[test]
    fn probe_urls_cover_the_site_root_and_the_page_directory() {
        let page = Url::parse("https://ward.example/blog/post-1").unwrap();
        let urls: Vec<String> = probe_urls(&page).iter().map(Url::to_string).collect();
        assert_eq!(urls[0], "https://ward.example/feed");
        assert!(urls.contains(&"https://ward.example/feeds/posts/default".to_owned()));
        assert!(urls.contains(&"https://ward.example/blog/feed.xml".to_owned()));
        assert_eq!(urls.len(), 2 * PROBE_PATHS.len());
    }

    #[test]
    fn a_probe_reports_only_responses_that_read_as_feeds() {
        let page = Url::parse("https://ward.example/").unwrap();
        let atom = br#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">
            <title>Ward</title><id>urn:x</id><updated>2025-09-09T00:00:00Z</updated></feed>"#;
        let found = probe(&page, |url| match url.path() {
            "/atom.xml" => Some((atom.to_vec(), ReadOptions::default())),
            "/feed" => Some((
                b"<html><body>not a feed</body></html>".to_vec(),
                ReadOptions::default(),
            )),
            _ => None,
        });
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].url, "https://ward.example/atom.xml");
        assert_eq!(found[0].title.as_deref(), Some("Ward"));
        assert_eq!(found[0].format.as_deref(), Some("Atom 1.0"));
        assert_eq!(found[0].found_by, FoundBy::Probed);
    }
}
