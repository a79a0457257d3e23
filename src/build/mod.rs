//! One build run: refresh every source of some feed definitions, merge and filter their
//! articles, and write every output — the job `feedmill build` runs from cron.
//!
//! Policy: a run never loses data. A source that fails (or backs off after failing)
//! contributes the articles the store kept from its last good copies; an article stays
//! for its feed's retention after it left its source; an undated article is dated when it
//! was first seen; a source answering `304 Not Modified` is not parsed again. Only a
//! store that cannot be read or written stops a run; everything else is reported per
//! source and per output in the [`BuildReport`]. An output whose inputs did not change
//! since its last build (same definition, same stored articles, its files untouched, no
//! filter counting back from the clock) is reused, not merged and written again.
//! Entry point: [`run`].

mod articles;
mod assemble;
mod atomic;
mod fingerprint;
mod guard;
mod output;
mod plan;
mod read;
mod redact;
mod refresh;
mod report;
mod schedule;

pub use atomic::{write_atomically, write_atomically_new, write_if_changed};
pub use guard::{LOCK_FILE, OutputLock, lock_output_dir};
pub use output::{compose_feed, extension, media_type, tag_title};
pub use plan::{PlanError, plan};
pub use read::{Body, SourceRead, read_source};
pub use redact::{REDACTED, is_secret_parameter, redact_url, redact_urls_in};
pub use report::{BuildReport, BuiltFeed, OutputReport, SourceReport, SourceStatus};

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::config::FeedDefinition;
use crate::fetch::Fetcher;
use crate::store::{Store, StoreError};
use refresh::SharedStore;
use schedule::Run;

/// How much longer than the longest retention the store keeps articles.
const PRUNE_MARGIN: Duration = Duration::from_secs(7 * 24 * 3600);

/// What a run needs besides the definitions.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The run's clock: fetch time, relative dates, retention and `since` filters.
    pub now: DateTime<Utc>,
    /// Where outputs are written; `None` builds them in memory only (the feeds are in
    /// [`BuildReport::feeds`]).
    pub output_dir: Option<PathBuf>,
    /// How many sources are fetched at once.
    pub max_concurrent: usize,
    /// Retention for feeds that do not set their own.
    pub default_retention: Duration,
}

/// Why a run stopped before writing its outputs.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The definitions refer to each other in a way that cannot be built.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The output directory could not be created or locked.
    #[error("locking the output directory `{dir}`")]
    Lock {
        /// The output directory.
        dir: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// Refreshes every source of `definitions` and builds and writes every output.
///
/// With an output directory, holds its lock ([`lock_output_dir`]) for the whole run:
/// one build at a time writes there, and a killed build's temporary files are removed
/// first. Outputs are merged and written on one worker per core, each as soon as its
/// sources are refreshed and the outputs it reads are built, while other sources are
/// still being fetched; the store is shared behind a lock by the fetch workers and the
/// calling thread.
///
/// `on_source` is called once per source as it finishes (for a progress bar), in the
/// order they finish; it runs on the calling thread.
pub fn run(
    definitions: &[FeedDefinition],
    store: &mut Store,
    fetcher: &Fetcher,
    options: &BuildOptions,
    on_source: &mut dyn FnMut(&SourceReport),
) -> Result<BuildReport, BuildError> {
    let order = plan(definitions)?;
    let _lock = match &options.output_dir {
        Some(dir) => Some(lock_output_dir(dir).map_err(|source| BuildError::Lock {
            dir: dir.clone(),
            source,
        })?),
        None => None,
    };
    let mut run = Run::new(definitions, options);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    {
        let store: SharedStore<'_> = Mutex::new(&mut *store);
        std::thread::scope(|scope| {
            run.refresh_and_build(&order, &store, fetcher, on_source, scope, workers)
        })?;
    }
    // Forget what no feed keeps any more: articles (and cached enrichment) unseen for
    // longer than the longest retention, and a little more.
    let longest = definitions
        .iter()
        .map(|definition| retention(definition, options))
        .max()
        .unwrap_or(options.default_retention);
    if let Some(cutoff) = chrono::Duration::from_std(longest + PRUNE_MARGIN)
        .ok()
        .and_then(|keep| options.now.checked_sub_signed(keep))
    {
        let pruned = store.prune(cutoff)?;
        tracing::debug!(pruned, "pruned the store");
    }
    let mut report = BuildReport::default();
    for index in 0..definitions.len() {
        report.sources.append(&mut run.sources[index]);
        if let Some(output) = run.outputs[index].take() {
            report.outputs.push(output);
        }
        if let Some(feed) = run.feeds[index].take() {
            report.feeds.push(feed);
        }
    }
    Ok(report)
}

/// How long `definition`'s articles stay after they left their source.
fn retention(definition: &FeedDefinition, options: &BuildOptions) -> Duration {
    definition
        .feed
        .retention
        .unwrap_or(options.default_retention)
}

/// The output of `definition` as its last build left it, when that build had the same
/// `fingerprint` (so merging again would give the same articles) and every file it
/// wrote still has the length and modification time it was written with; `None` when
/// it has to be built.
fn reuse_output(
    definition: &FeedDefinition,
    fingerprint: &str,
    store: &mut Store,
    options: &BuildOptions,
) -> Result<Option<(BuiltFeed, OutputReport)>, StoreError> {
    let meta = &definition.feed;
    let Some(record) = store.built(&meta.name)? else {
        return Ok(None);
    };
    // A feed without a dated article is dated `now`: its bytes change every run.
    let dated =
        (record.articles.iter()).any(|article| article.updated.max(article.published).is_some());
    if record.fingerprint != fingerprint || !dated {
        return Ok(None);
    }
    if options.output_dir.is_some() && !output::unchanged_on_disk(&record.files) {
        return Ok(None);
    }
    let new_articles = store.remember_emitted(&meta.name, &record.articles, options.now)?;
    let built = assemble::compose(definition, record.articles, options);
    let mut report = OutputReport {
        feed: meta.name.clone(),
        articles: built.feed.articles.len(),
        new_articles,
        files: record.files.into_iter().map(|(path, _)| path).collect(),
        tags: built.tags.len(),
        error: None,
    };
    if let Some(dir) = &options.output_dir
        && meta.per_tag
        && let Err(error) = output::remove_stale_tag_feeds(meta, dir, &report.files)
    {
        report.error = Some(format!(
            "writing the per-tag feeds of `{}`: {error}",
            meta.name
        ));
    }
    Ok(Some((built, report)))
}
