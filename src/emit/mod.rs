//! Writes a [`Feed`] as RSS 2.0, Atom 1.0 or JSON Feed 1.1.
//!
//! Policy: output is always valid for its spec. Required elements get fallbacks, HTML is
//! sanitized (no script, event handlers or `javascript:` URLs) with relative URLs made
//! absolute, URL fields hold absolute URIs or nothing, and characters XML cannot carry
//! never reach the output.
//! Entry point: [`write()`]; [`CleanFeed`] cleans a feed once to write it, and parts of
//! its articles (per-tag feeds), in several formats. Subscription lists are written as
//! OPML by [`opml::write_opml`].

mod atom;
mod clean;
mod json;
pub mod opml;
mod prepare;
mod rss;
mod sanitize;
mod splice;
mod syntax;

pub use splice::FeedPieces;

use std::borrow::Cow;
use std::fmt;

use crate::model::{Feed, Text, Timestamp};
use prepare::{Cleaned, Prepared};
use sanitize::strip_invalid_xml_chars;

/// The formats [`write()`] produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutputFormat {
    /// RSS 2.0.
    Rss,
    /// Atom 1.0.
    Atom,
    /// JSON Feed 1.1.
    Json,
}

impl fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            OutputFormat::Rss => "RSS 2.0",
            OutputFormat::Atom => "Atom 1.0",
            OutputFormat::Json => "JSON Feed 1.1",
        })
    }
}

/// Settings for writing a feed.
#[derive(Debug, Clone, Default)]
pub struct EmitOptions {
    /// Base URL for relative links that the feed itself could not resolve.
    pub base_url: Option<String>,
    /// The URL the output will be published at (`atom:link rel="self"`, `feed_url`).
    pub self_url: Option<String>,
    /// The time to use where a required date is missing. Default: the Unix epoch, so that
    /// output is reproducible.
    pub now: Option<Timestamp>,
}

/// Something that prevented writing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmitError {
    /// Serializing failed.
    #[error("writing {format}: {message}")]
    Serialize {
        /// The format being written.
        format: OutputFormat,
        /// What went wrong.
        message: String,
    },
}

/// Writes `feed` in `format` as UTF-8 bytes.
///
/// The feed is cleaned first (see the module docs); the same feed and options always
/// give the same bytes.
///
/// # Errors
///
/// [`EmitError::Serialize`] if the underlying writer fails, which writing to memory
/// should never do.
pub fn write(
    feed: &Feed,
    format: OutputFormat,
    options: &EmitOptions,
) -> Result<Vec<u8>, EmitError> {
    write_prepared(&Cleaned::new(feed, options).whole(), format)
}

/// Writes `feed` in each of `formats`, in that order: the same bytes as [`write()`]
/// for each, but the feed is cleaned once for all of them.
///
/// # Errors
///
/// As [`write()`].
pub fn write_formats(
    feed: &Feed,
    formats: &[OutputFormat],
    options: &EmitOptions,
) -> Result<Vec<Vec<u8>>, EmitError> {
    CleanFeed::new(feed, options).write_formats(formats)
}

/// A feed cleaned once (see the module docs), to be written whole and in parts, in any
/// format, without cleaning again: cleaning (sanitizing every article's HTML, parsing
/// every URL) costs far more than writing.
///
/// ```
/// use feedmill::emit::{CleanFeed, EmitOptions, FeedPart, OutputFormat};
/// use feedmill::model::{Article, Feed, Text};
///
/// let feed = Feed {
///     title: Some(Text::plain("News")),
///     link: Some("https://news.example/".into()),
///     articles: vec![
///         Article { id: "https://news.example/a".into(), ..Article::default() },
///         Article { id: "https://news.example/b".into(), ..Article::default() },
///     ],
///     ..Feed::default()
/// };
/// let clean = CleanFeed::new(&feed, &EmitOptions::default());
/// let whole = clean.write_formats(&[OutputFormat::Json])?;
/// let part = FeedPart { title: Some(Text::plain("News — b")), updated: None, positions: &[1] };
/// let only_b = clean.write_part(&part, &[OutputFormat::Json])?;
/// let only_b = String::from_utf8(only_b[0].clone()).unwrap();
/// assert!(only_b.contains("News — b") && !only_b.contains("news.example/a"));
/// # assert_ne!(whole, vec![only_b.into_bytes()]);
/// # Ok::<(), feedmill::emit::EmitError>(())
/// ```
#[derive(Debug, Clone)]
pub struct CleanFeed {
    cleaned: Cleaned,
}

/// Some of a [`CleanFeed`]'s articles, written as a feed of their own: the feed with
/// this title, this `updated` and only these articles. [`CleanFeed::write_part`] gives
/// the bytes [`write_formats`] gives for that feed.
#[derive(Debug, Clone)]
pub struct FeedPart<'a> {
    /// The part's title, in place of the feed's.
    pub title: Option<Text>,
    /// When the part last changed, in place of the feed's `updated` (`None`: its newest
    /// article's date, else [`EmitOptions::now`]).
    pub updated: Option<Timestamp>,
    /// The positions of its articles in the feed's `articles`, in the order to write
    /// them; a position past the end is skipped.
    pub positions: &'a [usize],
}

impl CleanFeed {
    /// Cleans `feed` for writing with `options`.
    pub fn new(feed: &Feed, options: &EmitOptions) -> Self {
        CleanFeed {
            cleaned: Cleaned::new(feed, options),
        }
    }

    /// Writes the whole feed in each of `formats`, in that order: the bytes
    /// [`write_formats`] gives.
    ///
    /// # Errors
    ///
    /// As [`write()`].
    pub fn write_formats(&self, formats: &[OutputFormat]) -> Result<Vec<Vec<u8>>, EmitError> {
        let prepared = self.cleaned.whole();
        formats
            .iter()
            .map(|&format| write_prepared(&prepared, format))
            .collect()
    }

    /// Writes the whole feed in each of `formats` (in that order) once, cut so that its
    /// parts can be written from it ([`CleanFeed::write_part_from`]).
    ///
    /// # Errors
    ///
    /// As [`write()`].
    pub fn pieces(&self, formats: &[OutputFormat]) -> Result<FeedPieces, EmitError> {
        splice::cut(&self.cleaned.whole(), formats)
    }

    /// Writes `part` in each format of `pieces` (cut from this feed): the bytes
    /// [`CleanFeed::write_part`] gives, mostly joined from the pieces rather than written
    /// again.
    ///
    /// # Errors
    ///
    /// As [`write()`].
    pub fn write_part_from(
        &self,
        pieces: &FeedPieces,
        part: &FeedPart<'_>,
    ) -> Result<Vec<Vec<u8>>, EmitError> {
        let prepared = self
            .cleaned
            .part(part.title.clone(), part.updated, part.positions);
        splice::write_part(pieces, &prepared)
    }

    /// Which formats of `pieces` `part` is joined in, for tests.
    #[cfg(test)]
    fn joined_for_tests(&self, pieces: &FeedPieces, part: &FeedPart<'_>) -> Vec<bool> {
        let prepared = self
            .cleaned
            .part(part.title.clone(), part.updated, part.positions);
        splice::joined_for_tests(pieces, &prepared)
    }

    /// Writes `part` in each of `formats`, in that order.
    ///
    /// # Errors
    ///
    /// As [`write()`].
    pub fn write_part(
        &self,
        part: &FeedPart<'_>,
        formats: &[OutputFormat],
    ) -> Result<Vec<Vec<u8>>, EmitError> {
        let prepared = self
            .cleaned
            .part(part.title.clone(), part.updated, part.positions);
        formats
            .iter()
            .map(|&format| write_prepared(&prepared, format))
            .collect()
    }
}

fn write_prepared(prepared: &Prepared<'_>, format: OutputFormat) -> Result<Vec<u8>, EmitError> {
    match format {
        OutputFormat::Rss => rss::write(prepared),
        OutputFormat::Atom => atom::write(prepared),
        OutputFormat::Json => json::write(prepared),
    }
}

impl EmitError {
    fn serialize(format: OutputFormat, error: impl fmt::Display) -> Self {
        EmitError::Serialize {
            format,
            message: error.to_string(),
        }
    }
}

/// Finishes a serialized XML document: removes any character XML cannot carry.
///
/// Every string was already cleaned by [`Cleaned::new`]; this last pass guarantees it for
/// the whole document, including fields added to the model later. The serializers never
/// write such characters as markup, so removing them here equals removing them from
/// each string.
fn finish_xml(bytes: Vec<u8>, format: OutputFormat) -> Result<Vec<u8>, EmitError> {
    let document = String::from_utf8(bytes).map_err(|err| EmitError::serialize(format, err))?;
    Ok(match strip_invalid_xml_chars(&document) {
        Cow::Borrowed(_) => document.into_bytes(),
        Cow::Owned(stripped) => stripped.into_bytes(),
    })
}

#[cfg(test)]
mod part_tests;
#[cfg(test)]
mod splice_tests;
#[cfg(test)]
mod tests;
