//! Reads RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and JSON Feed 1.0/1.1 bytes into [`Feed`].
//!
//! Policy: never fail on content, as Python's feedparser does not. Broken markup, a wrong
//! charset, unknown entities, truncation and unparsable dates become [`Warning`]s next to
//! the feed; only input with nothing usable ("this is not a feed") is a [`ReadError`].
//! Entry point: [`read`]. Charset handling lives in `charset`, format detection in `sniff`.

pub(crate) mod charset;
mod json;
mod sniff;
pub(crate) mod xml;

use std::fmt;

use crate::model::Feed;

pub use sniff::InputKind;

/// What the caller knows about the bytes besides the bytes themselves.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// The HTTP `Content-Type` header the document was served with, if any.
    pub content_type: Option<String>,
    /// The URL the document was read from; the base for relative links.
    pub url: Option<String>,
    /// The HTTP `Content-Location` header, which overrides `url` as the base.
    pub content_location: Option<String>,
    /// The HTTP `Content-Language` header; the language when the document states none.
    pub content_language: Option<String>,
}

/// A feed read from bytes, with everything that had to be recovered on the way.
#[derive(Debug, Clone)]
pub struct ReadOutcome {
    /// The feed.
    pub feed: Feed,
    /// The format and version the document declared or was recognised as.
    pub format: FeedFormat,
    /// The charset the bytes were decoded with: the label as declared when it was
    /// honoured (`us-ascii`, `iso-8859-1`), else the name of the one chosen (`UTF-8`).
    pub encoding: String,
    /// Problems that were recovered from. Empty for a well-formed document.
    pub warnings: Vec<Warning>,
}

impl ReadOutcome {
    /// True when the document was not well-formed (feedparser's `bozo`).
    pub fn is_bozo(&self) -> bool {
        !self.warnings.is_empty()
    }
}

/// Syndication formats and the versions we tell apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FeedFormat {
    /// RSS 0.90 (RDF-based, Netscape).
    Rss090,
    /// RSS 0.91 (Netscape or Userland).
    Rss091,
    /// RSS 0.92.
    Rss092,
    /// RSS 0.93.
    Rss093,
    /// RSS 0.94.
    Rss094,
    /// RSS 1.0 (RDF).
    Rss10,
    /// RSS 2.0.
    Rss20,
    /// An `<rss>` document with a missing or unknown `version`.
    RssUnknownVersion,
    /// Atom 0.3.
    Atom03,
    /// Atom 1.0.
    Atom10,
    /// JSON Feed 1.0.
    Json10,
    /// JSON Feed 1.1.
    Json11,
}

impl fmt::Display for FeedFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            FeedFormat::Rss090 => "RSS 0.90",
            FeedFormat::Rss091 => "RSS 0.91",
            FeedFormat::Rss092 => "RSS 0.92",
            FeedFormat::Rss093 => "RSS 0.93",
            FeedFormat::Rss094 => "RSS 0.94",
            FeedFormat::Rss10 => "RSS 1.0",
            FeedFormat::Rss20 => "RSS 2.0",
            FeedFormat::RssUnknownVersion => "RSS (unknown version)",
            FeedFormat::Atom03 => "Atom 0.3",
            FeedFormat::Atom10 => "Atom 1.0",
            FeedFormat::Json10 => "JSON Feed 1.0",
            FeedFormat::Json11 => "JSON Feed 1.1",
        };
        f.write_str(name)
    }
}

/// A problem the reader recovered from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// What kind of problem it was.
    pub kind: WarningKind,
    /// What happened, in words, naming the element or value involved.
    pub message: String,
    /// 1-based line in the decoded document, where known.
    pub line: Option<usize>,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// Categories of recovered problems.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WarningKind {
    /// The declared charset was missing, unknown or contradicted by the bytes.
    Encoding,
    /// The markup was not well-formed (bad entity, bare `&`, mismatched or unclosed tags).
    Syntax,
    /// The document ended before its root element was closed.
    Truncated,
    /// Bytes before the root element or after its end were skipped.
    Junk,
    /// A date could not be understood and was dropped.
    Date,
    /// A value could not be understood (a bad number, bad base64, a bad URL).
    Value,
}

/// Input in which nothing usable could be found.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The input was empty or only whitespace.
    #[error("the document is empty")]
    Empty,
    /// The input is markup or JSON, but not a feed.
    #[error("not a feed: {reason}")]
    NotAFeed {
        /// What was found instead, e.g. "root element is `<html>`".
        reason: String,
    },
    /// The input is an HTML page: read it with `source::page` instead.
    #[error("not a feed: the document is an HTML page")]
    HtmlPage,
}

/// Reads a feed document of any supported format.
///
/// Detects the format from the content (not the file name), decodes the bytes with the
/// charset from the BOM, `options.content_type`, the XML declaration or detection, and
/// recovers from broken markup with warnings. Fails only when nothing usable is found.
pub fn read(bytes: &[u8], options: &ReadOptions) -> Result<ReadOutcome, ReadError> {
    let decoded = charset::decode(bytes, options.content_type.as_deref());
    let text = decoded.text.trim_start_matches('\u{feff}');
    if text.trim().is_empty() {
        return Err(ReadError::Empty);
    }
    let mut outcome = match sniff::input_kind(text) {
        InputKind::Json => json::read(text, options)?,
        InputKind::Xml => xml::read(text, options)?,
        InputKind::Html => return Err(ReadError::HtmlPage),
        InputKind::Unknown => {
            return Err(ReadError::NotAFeed {
                reason: "the document is neither XML nor JSON".into(),
            });
        }
    };
    outcome.encoding = decoded.label;
    let mut warnings = decoded.warnings;
    warnings.append(&mut outcome.warnings);
    outcome.warnings = warnings;
    for article in &mut outcome.feed.articles {
        article.ensure_id();
    }
    Ok(outcome)
}

/// Tells what kind of document `bytes` hold without reading it as a feed.
pub fn detect(bytes: &[u8], content_type: Option<&str>) -> InputKind {
    let decoded = charset::decode(bytes, content_type);
    sniff::input_kind(decoded.text.trim_start_matches('\u{feff}'))
}
