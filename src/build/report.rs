//! What a run did, per source and per output: the build summary's data.

use std::path::PathBuf;

use crate::model::Feed;
use crate::pipeline::TagFeed;

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct BuildReport {
    /// Every source of every definition, in definition then file order.
    pub sources: Vec<SourceReport>,
    /// Every output, in the order the definitions were given.
    pub outputs: Vec<OutputReport>,
    /// Every output feed as built, in the same order.
    pub feeds: Vec<BuiltFeed>,
}

/// One output feed as built: the feed document, and its per-tag split when `per-tag`.
#[derive(Debug, Clone)]
pub struct BuiltFeed {
    /// The feed's name.
    pub name: String,
    /// The feed, articles newest first.
    pub feed: Feed,
    /// One group per tag, by positions in `feed.articles` (empty unless the definition
    /// asks for per-tag feeds).
    pub tags: Vec<TagFeed>,
}

impl BuildReport {
    /// The sources that failed this run (their last good articles were used).
    pub fn failed(&self) -> impl Iterator<Item = &SourceReport> {
        self.sources.iter().filter(|source| {
            matches!(
                source.status,
                SourceStatus::Failed { .. } | SourceStatus::BackingOff { .. }
            )
        })
    }

    /// The outputs that could not be written.
    pub fn unwritten(&self) -> impl Iterator<Item = &OutputReport> {
        self.outputs.iter().filter(|output| output.error.is_some())
    }

    /// Whether every source worked and every output was written.
    pub fn all_ok(&self) -> bool {
        self.failed().next().is_none() && self.unwritten().next().is_none()
    }
}

/// One source's refresh.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceReport {
    /// The output feed's name.
    pub feed: String,
    /// The source's name.
    pub source: String,
    /// What happened.
    pub status: SourceStatus,
    /// Problems recovered from while reading it.
    pub warnings: Vec<String>,
    /// How many articles it contributes (including kept ones), before filters.
    pub articles: usize,
}

/// How a source's refresh went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceStatus {
    /// Fetched (or read) and parsed.
    Ok,
    /// The server said `304 Not Modified`: nothing fetched or parsed.
    Unchanged,
    /// Not fetched: its `refresh` interval since the last fetch has not passed; the
    /// articles the store kept were used.
    NotDue {
        /// When it is due (RFC 3339).
        next: String,
    },
    /// It failed; its last good articles were used.
    Failed {
        /// The error, naming the source and the problem.
        error: String,
        /// How many runs in a row it has failed.
        consecutive_failures: u32,
    },
    /// Not fetched this run: it failed before and its backoff (or `Retry-After`) runs
    /// until `until`; its last good articles were used.
    BackingOff {
        /// The last error.
        error: String,
        /// When it will be tried again (RFC 3339).
        until: String,
    },
}

/// One output's build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputReport {
    /// The feed's name.
    pub feed: String,
    /// Articles in it.
    pub articles: usize,
    /// Articles it had never carried before.
    pub new_articles: usize,
    /// The files written.
    pub files: Vec<PathBuf>,
    /// How many per-tag feeds were written.
    pub tags: usize,
    /// Why (some of) its files could not be written.
    pub error: Option<String>,
}
