//! Writes a [`Feed`] as RSS 2.0, Atom 1.0 or JSON Feed 1.1.
//!
//! Policy: output is always valid for its spec. Required elements get fallbacks, HTML is
//! sanitized (no script, event handlers or `javascript:` URLs) with relative URLs made
//! absolute, URL fields hold absolute URIs or nothing, and characters XML cannot carry
//! never reach the output.
//! Entry point: [`write()`]. Subscription lists are written as OPML by [`opml::write_opml`].

mod atom;
mod clean;
mod json;
pub mod opml;
mod prepare;
mod rss;
mod sanitize;
mod syntax;

use std::borrow::Cow;
use std::fmt;

use crate::model::{Feed, Timestamp};
use prepare::Prepared;
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
    let prepared = Prepared::new(feed, options);
    match format {
        OutputFormat::Rss => rss::write(&prepared),
        OutputFormat::Atom => atom::write(&prepared),
        OutputFormat::Json => json::write(&prepared),
    }
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
    let prepared = Prepared::new(feed, options);
    formats
        .iter()
        .map(|format| match format {
            OutputFormat::Rss => rss::write(&prepared),
            OutputFormat::Atom => atom::write(&prepared),
            OutputFormat::Json => json::write(&prepared),
        })
        .collect()
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
/// Every string was already cleaned by [`Prepared::new`]; this last pass guarantees it for
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
mod tests;
