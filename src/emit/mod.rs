//! Writes a [`Feed`] as RSS 2.0, Atom 1.0 or JSON Feed 1.1.
//!
//! Policy: output is always valid for its spec. Required elements get fallbacks, HTML is
//! sanitized (no script, event handlers or `javascript:` URLs) with relative URLs made
//! absolute, and characters XML cannot carry never reach the output.
//! Entry point: [`write()`].

mod prepare;
mod sanitize;

use crate::model::{Feed, Timestamp};

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
    #[error("writing {format:?}: {message}")]
    Serialize {
        /// The format being written.
        format: OutputFormat,
        /// What went wrong.
        message: String,
    },
}

/// Writes `feed` in `format`.
pub fn write(
    feed: &Feed,
    format: OutputFormat,
    options: &EmitOptions,
) -> Result<Vec<u8>, EmitError> {
    let _ = (feed, format, options);
    todo!("emit writers")
}
