//! Reads HTML pages into articles: any page by auto-extraction (`auto`: JSON-LD, OpenGraph
//! and `article:*` meta, microdata, `<time>`, canonical links, and a guessed listing when a
//! page has no article metadata), after decoding it with the page's charset (`charset`).
//! Listing pages read by configured CSS selectors are `selectors`.
//!
//! Policy: like the feed reader, never fail on content. A date that cannot be read, a
//! contradicted charset, a guess about which links form the listing: each is a [`Warning`]
//! beside the result. Only bytes that are not an HTML page are a [`PageError`].
//! Entry point: [`read_page`]; `document::Page` is the parsed page other readers share.

mod adblock;
mod auto;
mod charset;
pub mod discover;
mod document;
pub mod enrich;
pub mod fulltext;
mod jsonld;
mod listing;
mod meta;
pub mod selectors;
mod taglinks;
mod visible;

use std::fmt;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::model::Feed;

pub use crate::source::feed::{Warning, WarningKind};

/// What the caller knows about the page besides its bytes.
#[derive(Debug, Clone, Default)]
pub struct PageOptions {
    /// The URL the page was read from: the base for relative links and its id's fallback.
    pub url: Option<String>,
    /// The HTTP `Content-Type` header the page was served with, if any.
    pub content_type: Option<String>,
    /// Read the page as this kind instead of deciding from its content; `None` decides.
    pub expect: Option<PageKind>,
    /// The zone dates written without one are read in (`2025-09-09T18:21:00`, a visible
    /// `Published: 09 Sep. 2025, 18:21`); `None` reads them as UTC, with a warning.
    pub time_zone: Option<Tz>,
    /// The instant relative dates on the page (`3 hours ago`) count back from; the library
    /// never reads the clock, so without it relative and year-less dates are not read.
    pub now: Option<DateTime<Utc>>,
}

/// What a page was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PageKind {
    /// One article: the feed holds exactly one.
    Article,
    /// A page linking to many articles: the feed holds one per link.
    Listing,
}

impl fmt::Display for PageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PageKind::Article => "article",
            PageKind::Listing => "listing",
        })
    }
}

/// A page read into a feed, with everything that had to be recovered or guessed.
#[derive(Debug, Clone)]
pub struct PageOutcome {
    /// The feed: one article for an article page, one per item for a listing.
    pub feed: Feed,
    /// What the page was read as.
    pub kind: PageKind,
    /// The name of the charset the bytes were decoded with, lowercase (`euc-kr`).
    pub encoding: String,
    /// Problems recovered from and guesses made. Empty for a page with clean metadata.
    pub warnings: Vec<Warning>,
}

/// Bytes that are not an HTML page.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PageError {
    /// The input was empty or only whitespace.
    #[error("the page is empty")]
    Empty,
    /// The input is something other than HTML (a feed, JSON, plain text).
    #[error("not an HTML page: {reason}")]
    NotHtml {
        /// What was found instead, e.g. "the document is an RSS or Atom feed".
        reason: String,
    },
}

/// Reads an HTML page into a feed: one article for an article page, one per item for a
/// listing page.
///
/// Decodes the bytes (BOM, `options.content_type`, `<meta>` charset, else detection),
/// then extracts JSON-LD, OpenGraph and `article:*` meta, microdata and `<time>`; a page
/// without article metadata is read as a listing of its largest group of headline links.
/// Fails only when the bytes are not an HTML page.
///
/// ```
/// use feedmill::source::page::{read_page, PageKind, PageOptions};
///
/// let html = br#"<html><head><title>Hello - Example</title>
///   <meta property="og:type" content="article">
///   <meta property="og:title" content="Hello">
///   <link rel="canonical" href="/news/hello"></head><body></body></html>"#;
/// let options = PageOptions { url: Some("https://example.com/x".into()), ..Default::default() };
/// let outcome = read_page(html, &options).unwrap();
/// assert_eq!(outcome.kind, PageKind::Article);
/// assert_eq!(outcome.feed.articles[0].id, "https://example.com/news/hello");
/// ```
pub fn read_page(bytes: &[u8], options: &PageOptions) -> Result<PageOutcome, PageError> {
    let page = document::Page::parse(bytes, options)?;
    let mut warnings = page.warnings.clone();
    // Configured selectors (`selectors`, planned) will read `page` here before, or
    // instead of, auto-extraction; they share `document::Page` and `listing::Item`.
    let (feed, kind) = auto::extract(&page, options.expect, &mut warnings);
    Ok(PageOutcome {
        feed,
        kind,
        encoding: page.encoding.clone(),
        warnings,
    })
}
