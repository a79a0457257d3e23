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

pub use atomic::{write_atomically, write_atomically_new, write_if_changed};
pub use guard::{LOCK_FILE, OutputLock, lock_output_dir};
pub use output::{compose_feed, extension, media_type, tag_title};
pub use plan::{PlanError, plan};
pub use read::{Body, SourceRead, read_source};
pub use redact::{REDACTED, is_secret_parameter, redact_url, redact_urls_in};
pub use report::{BuildReport, BuiltFeed, OutputReport, SourceReport, SourceStatus};

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::config::{FeedDefinition, SourceDefinition, SourceLocation};
use crate::fetch::Fetcher;
use crate::model::{Article, SourceRef};
use crate::pipeline::{MergePool, SourceArticles};
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
/// first. Outputs are merged and written on one worker per core, each as soon as the
/// outputs it reads are built; the store is used from the calling thread only.
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
    let mut run = Run {
        definitions,
        options,
        refreshed: refreshed
            .into_iter()
            .map(|item| ((item.definition, item.source), item))
            .collect(),
        built: HashMap::new(),
        read_by_others: definitions
            .iter()
            .flat_map(|definition| &definition.sources)
            .filter_map(|source| match &source.location {
                SourceLocation::Feed(name) => Some(name.clone()),
                _ => None,
            })
            .collect(),
        fingerprints: HashMap::new(),
        outputs: definitions.iter().map(|_| None).collect(),
        feeds: definitions.iter().map(|_| None).collect(),
        sources: definitions.iter().map(|_| Vec::new()).collect(),
    };
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::thread::scope(|scope| run.build_outputs(&order, store, on_source, scope, workers))?;
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

/// The outputs of one run as they are built.
struct Run<'a> {
    definitions: &'a [FeedDefinition],
    options: &'a BuildOptions,
    /// Each refreshed source, by (definition, source) position.
    refreshed: HashMap<(usize, usize), refresh::Refreshed>,
    /// Built feeds' articles by name, for sources that read another generated feed.
    built: HashMap<String, Vec<Article>>,
    /// The names of the feeds some definition reads: only theirs are kept in `built`.
    read_by_others: HashSet<String>,
    /// Built feeds' fingerprints by name.
    fingerprints: HashMap<String, Option<String>>,
    outputs: Vec<Option<OutputReport>>,
    feeds: Vec<Option<BuiltFeed>>,
    sources: Vec<Vec<SourceReport>>,
}

/// A definition handed to a worker: its position, fingerprint and its sources' articles.
struct Job {
    index: usize,
    fingerprint: Option<String>,
    pool: MergePool,
}

impl<'a> Run<'a> {
    /// Builds every output in `order`: reused ones on this thread, the others merged
    /// and written by `workers` threads of `scope` while this thread reads the next
    /// definition's articles and records what finished ones emitted.
    fn build_outputs<'scope>(
        &mut self,
        order: &[usize],
        store: &mut Store,
        on_source: &mut dyn FnMut(&SourceReport),
        scope: &'scope std::thread::Scope<'scope, '_>,
        workers: usize,
    ) -> Result<(), StoreError>
    where
        'a: 'scope,
    {
        let workers = workers.max(1);
        let (jobs, job_queue) = mpsc::channel::<Job>();
        let job_queue = Arc::new(Mutex::new(job_queue));
        let (done, finished) = mpsc::channel::<(Job, assemble::Assembled)>();
        for _ in 0..workers {
            let job_queue = Arc::clone(&job_queue);
            let done = done.clone();
            let (definitions, options) = (self.definitions, self.options);
            scope.spawn(move || {
                loop {
                    let next = job_queue.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    let Ok(mut job) = next else { return };
                    let pool = std::mem::take(&mut job.pool);
                    let assembled = assemble::assemble(&definitions[job.index], pool, options);
                    if done.send((job, assembled)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done);
        // Names of the outputs handed to a worker and not yet recorded.
        let mut in_flight: HashSet<String> = HashSet::new();
        let record_next = |run: &mut Self, store: &mut Store, in_flight: &mut HashSet<String>| {
            let Ok((job, assembled)) = finished.recv() else {
                // Every worker is gone (one panicked): the scope reports it.
                in_flight.clear();
                return Ok(());
            };
            in_flight.remove(&run.definitions[job.index].feed.name);
            run.record(job, assembled, store)
        };
        for &index in order {
            let definition = &self.definitions[index];
            // A definition reading a generated feed waits for that feed.
            while (definition.sources.iter()).any(|source| {
                matches!(&source.location, SourceLocation::Feed(name) if in_flight.contains(name))
            }) {
                record_next(self, store, &mut in_flight)?;
            }
            // A definition's articles are read only when a worker is free to take
            // them, so at most `workers` definitions are held at once.
            while in_flight.len() >= workers {
                record_next(self, store, &mut in_flight)?;
            }
            if let Some(job) = self.prepare(index, store, on_source)? {
                in_flight.insert(definition.feed.name.clone());
                if jobs.send(job).is_err() {
                    break;
                }
            }
        }
        drop(jobs);
        while !in_flight.is_empty() {
            record_next(self, store, &mut in_flight)?;
        }
        Ok(())
    }

    /// Gathers definition `index`'s inputs: its output reused when nothing changed
    /// (recorded at once, `None`), else a job with every source's articles read.
    fn prepare(
        &mut self,
        index: usize,
        store: &mut Store,
        on_source: &mut dyn FnMut(&SourceReport),
    ) -> Result<Option<Job>, StoreError> {
        let (definition, options) = (&self.definitions[index], self.options);
        let retention = retention(definition, options);
        let now = options.now.fixed_offset();
        let mut print = Fingerprint::start(definition, retention, options.output_dir.as_deref());
        let mut inputs = Vec::new();
        let mut stored_keys = 0;
        for (source_index, source) in definition.sources.iter().enumerate() {
            if let SourceLocation::Feed(name) = &source.location {
                let articles = self.built.get(name).cloned().unwrap_or_default();
                let source_report = SourceReport {
                    feed: definition.feed.name.clone(),
                    source: source.name.clone(),
                    status: SourceStatus::Ok,
                    warnings: Vec::new(),
                    articles: articles.len(),
                };
                on_source(&source_report);
                self.sources[index].push(source_report);
                print = match (print, self.fingerprints.get(name)) {
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
            } else if let Some(item) = self.refreshed.remove(&(index, source_index)) {
                if let Some(print) = &mut print {
                    print.stored_source(source, &item.stored);
                }
                self.sources[index].push(item.report);
                stored_keys += item.stored.len();
                inputs.push(Input::Stored(source, item.source_ref));
            }
        }
        let fingerprint = print.map(Fingerprint::finish);
        if let Some(fingerprint) = &fingerprint
            && let Some((feed, report)) = reuse_output(definition, fingerprint, store, options)?
        {
            self.done(index, feed, report, Some(fingerprint.clone()));
            return Ok(None);
        }
        // Only now, when a worker is free to merge them, are the stored articles read,
        // straight into one pool sized for all of them.
        let ready: usize = (inputs.iter())
            .map(|input| match input {
                Input::Ready(articles) => articles.articles.len(),
                Input::Stored(..) => 0,
            })
            .sum();
        let mut pool = MergePool::with_capacity(inputs.len(), ready + stored_keys);
        for input in inputs {
            pool.add(match input {
                Input::Ready(articles) => articles,
                Input::Stored(source, source_ref) => {
                    let mut articles =
                        refresh::stored_articles(definition, source, retention, store, options)?;
                    articles.iter_mut().for_each(Article::shrink_to_fit);
                    SourceArticles {
                        source: source_ref,
                        articles,
                    }
                }
            });
        }
        Ok(Some(Job {
            index,
            fingerprint,
            pool,
        }))
    }

    /// Records what a worker assembled: the articles emitted, and (with a fingerprint,
    /// every file written) how it was built, for [`reuse_output`].
    fn record(
        &mut self,
        job: Job,
        assembled: assemble::Assembled,
        store: &mut Store,
    ) -> Result<(), StoreError> {
        let definition = &self.definitions[job.index];
        let meta = &definition.feed;
        let built = assembled.built;
        let new_articles =
            store.remember_emitted(&meta.name, &built.feed.articles, self.options.now)?;
        let report = OutputReport {
            feed: meta.name.clone(),
            articles: built.feed.articles.len(),
            new_articles,
            files: assembled
                .files
                .iter()
                .map(|(path, _)| path.clone())
                .collect(),
            tags: built.tags.len(),
            error: assembled.error,
        };
        match &job.fingerprint {
            Some(fingerprint) if report.error.is_none() => {
                let record = BuiltOutput {
                    fingerprint: fingerprint.clone(),
                    articles: built.feed.articles.clone(),
                    files: assembled.files,
                };
                store.remember_built(&meta.name, &record, self.options.now)?;
            }
            _ => store.forget_built(&meta.name)?,
        }
        let fingerprint = job.fingerprint;
        self.done(job.index, built, report, fingerprint);
        Ok(())
    }

    /// Keeps a finished output for the report and for definitions reading it.
    fn done(
        &mut self,
        index: usize,
        feed: BuiltFeed,
        report: OutputReport,
        fingerprint: Option<String>,
    ) {
        let name = self.definitions[index].feed.name.clone();
        if self.read_by_others.contains(&name) {
            self.built.insert(name.clone(), feed.feed.articles.clone());
        }
        self.fingerprints.insert(name, fingerprint);
        self.feeds[index] = Some(feed);
        self.outputs[index] = Some(report);
    }
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
