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

mod atomic;
mod fingerprint;
mod guard;
mod output;
mod plan;
mod read;
mod redact;
mod refresh;
mod report;

pub use atomic::{write_atomically, write_atomically_new, write_if_changed};
pub use guard::{LOCK_FILE, OutputLock, lock_output_dir};
pub use output::{compose_feed, extension, media_type, tag_title};
pub use plan::{PlanError, plan};
pub use read::{Body, SourceRead, read_source};
pub use redact::{REDACTED, is_secret_parameter, redact_url, redact_urls_in};
pub use report::{BuildReport, BuiltFeed, OutputReport, SourceReport, SourceStatus};

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::config::{FeedDefinition, SourceDefinition, SourceLocation};
use crate::fetch::Fetcher;
use crate::model::{Article, SourceRef};
use crate::pipeline::{self, SourceArticles};
use crate::store::{BuiltOutput, Store, StoreError};
use fingerprint::Fingerprint;

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

/// Refreshes every source of `definitions`, then builds and writes every output.
///
/// With an output directory, holds its lock ([`lock_output_dir`]) for the whole run:
/// one build at a time writes there, and a killed build's temporary files are removed
/// first.
///
/// `on_source` is called once per source as it finishes (for a progress bar); it runs
/// on the calling thread.
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
    let refreshed = refresh::refresh_all(definitions, store, fetcher, options, on_source)?;
    let now = options.now.fixed_offset();
    let mut report = BuildReport::default();
    let mut refreshed: HashMap<(usize, usize), refresh::Refreshed> = refreshed
        .into_iter()
        .map(|item| ((item.definition, item.source), item))
        .collect();
    // Built feeds by name, for sources that read another generated feed, and their
    // fingerprints.
    let mut built: HashMap<String, Vec<Article>> = HashMap::new();
    let mut fingerprints: HashMap<String, Option<String>> = HashMap::new();
    let mut outputs: Vec<Option<OutputReport>> = definitions.iter().map(|_| None).collect();
    let mut feeds: Vec<Option<BuiltFeed>> = definitions.iter().map(|_| None).collect();
    let mut sources: Vec<Vec<SourceReport>> = definitions.iter().map(|_| Vec::new()).collect();
    for &index in &order {
        let definition = &definitions[index];
        let retention = retention(definition, options);
        let mut print = Fingerprint::start(definition, retention, options.output_dir.as_deref());
        let mut inputs = Vec::new();
        for (source_index, source) in definition.sources.iter().enumerate() {
            if let SourceLocation::Feed(name) = &source.location {
                let articles = built.get(name).cloned().unwrap_or_default();
                let source_report = SourceReport {
                    feed: definition.feed.name.clone(),
                    source: source.name.clone(),
                    status: SourceStatus::Ok,
                    warnings: Vec::new(),
                    articles: articles.len(),
                };
                on_source(&source_report);
                sources[index].push(source_report);
                print = match (print, fingerprints.get(name)) {
                    (Some(mut print), Some(Some(upstream))) => {
                        print.generated_source(source, upstream);
                        Some(print)
                    }
                    _ => None,
                };
                inputs.push(Input::Ready(SourceArticles {
                    source: SourceRef {
                        title: Some(name.clone()),
                        url: None,
                        link: None,
                    },
                    articles: source.filter.apply(articles, now, &definition.aliases),
                }));
            } else if let Some(item) = refreshed.remove(&(index, source_index)) {
                if let Some(print) = &mut print {
                    print.stored_source(source, &item.stored);
                }
                sources[index].push(item.report);
                inputs.push(Input::Stored(source, item.source_ref));
            }
        }
        let fingerprint = print.map(Fingerprint::finish);
        let reused = match &fingerprint {
            Some(fingerprint) => reuse_output(definition, fingerprint, store, options)?,
            None => None,
        };
        let (feed, output_report) = match reused {
            Some(reused) => reused,
            None => {
                // Only now, and one definition at a time, are the stored articles read.
                let mut articles = Vec::with_capacity(inputs.len());
                for input in inputs {
                    articles.push(match input {
                        Input::Ready(articles) => articles,
                        Input::Stored(source, source_ref) => SourceArticles {
                            source: source_ref,
                            articles: refresh::stored_articles(
                                definition, source, retention, store, options,
                            )?,
                        },
                    });
                }
                build_output(definition, articles, fingerprint.clone(), store, options)?
            }
        };
        built.insert(definition.feed.name.clone(), feed.feed.articles.clone());
        fingerprints.insert(definition.feed.name.clone(), fingerprint);
        feeds[index] = Some(feed);
        outputs[index] = Some(output_report);
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
    for (index, _) in definitions.iter().enumerate() {
        report.sources.append(&mut sources[index]);
        if let Some(output) = outputs[index].take() {
            report.outputs.push(output);
        }
        if let Some(feed) = feeds[index].take() {
            report.feeds.push(feed);
        }
    }
    Ok(report)
}

/// One source's articles for a merge: ready (a generated feed's), or still in the
/// store, read only when the definition has to be merged.
enum Input<'a> {
    Ready(SourceArticles),
    Stored(&'a SourceDefinition, SourceRef),
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
    let (built, mut report) = emitted(definition, record.articles, store, options)?;
    report.files = record.files.into_iter().map(|(path, _)| path).collect();
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

/// The feed `definition` emits as `articles` (final: filtered, sorted, cut), with its
/// per-tag feeds (positions in the feed's articles) and a report without files yet; the
/// articles are kept as emitted (`serve` pages its archives from them).
fn emitted(
    definition: &FeedDefinition,
    articles: Vec<Article>,
    store: &mut Store,
    options: &BuildOptions,
) -> Result<(BuiltFeed, OutputReport), StoreError> {
    let meta = &definition.feed;
    let new_articles = store.remember_emitted(&meta.name, &articles, options.now)?;
    let tags = if meta.per_tag {
        pipeline::split_by_tag(&articles, &definition.aliases)
    } else {
        Vec::new()
    };
    let built = BuiltFeed {
        name: meta.name.clone(),
        feed: output::compose_feed(meta, &meta.title, articles, options.now),
        tags,
    };
    let report = OutputReport {
        feed: meta.name.clone(),
        articles: built.feed.articles.len(),
        new_articles,
        files: Vec::new(),
        tags: built.tags.len(),
        error: None,
    };
    Ok((built, report))
}

/// Merges, filters and (when there is an output directory) writes one definition's
/// output; with a `fingerprint`, and every file written, remembers it for
/// [`reuse_output`].
fn build_output(
    definition: &FeedDefinition,
    inputs: Vec<SourceArticles>,
    fingerprint: Option<String>,
    store: &mut Store,
    options: &BuildOptions,
) -> Result<(BuiltFeed, OutputReport), StoreError> {
    let meta = &definition.feed;
    let now = options.now.fixed_offset();
    let mut merged = pipeline::merge(inputs, &meta.dedup, &definition.aliases);
    for article in &mut merged {
        if let Some(link) = &article.link
            && let Cow::Owned(clean) = pipeline::without_tracking(link)
        {
            article.link = Some(clean);
        }
    }
    let mut articles = meta.filter.apply(merged, now, &definition.aliases);
    pipeline::sort_newest_first(&mut articles);
    articles.truncate(meta.limit);
    let (built, mut report) = emitted(definition, articles, store, options)?;
    let mut files = Vec::new();
    if let Some(dir) = &options.output_dir {
        let clean = output::clean(&built.feed);
        match output::write_formats(&clean, &meta.formats, dir, &meta.name) {
            Ok(written) => files = written,
            Err(error) => {
                report.error = Some(format!(
                    "writing `{}`: {error}",
                    dir.join(&meta.name).display()
                ));
            }
        }
        if meta.per_tag && report.error.is_none() {
            let articles = &built.feed.articles;
            match output::write_per_tag(meta, &clean, articles, &built.tags, dir, options.now) {
                Ok(written) => files.extend(written),
                Err(error) => {
                    report.error = Some(format!(
                        "writing the per-tag feeds of `{}`: {error}",
                        meta.name
                    ));
                }
            }
        }
    }
    report.files = files.iter().map(|(path, _)| path.clone()).collect();
    match fingerprint {
        Some(fingerprint) if report.error.is_none() => {
            let record = BuiltOutput {
                fingerprint,
                articles: built.feed.articles.clone(),
                files,
            };
            store.remember_built(&meta.name, &record, options.now)?;
        }
        _ => store.forget_built(&meta.name)?,
    }
    Ok((built, report))
}
