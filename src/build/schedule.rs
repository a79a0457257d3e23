//! The run's thread: while a thread of its own refreshes the sources, it takes each
//! definition in build order as soon as all its sources are refreshed, reuses its
//! output when nothing changed, or hands its articles to a worker (one per core) that
//! merges and writes it, and records what finished outputs emitted. Merging the first
//! definitions overlaps fetching the last ones.
//!
//! Every thread reports to the run's thread on one channel ([`Event`]); the store is
//! shared behind a lock by the fetch workers recording sources and the run's thread.

use std::collections::{HashMap, HashSet};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex};

use super::articles;
use super::fingerprint::Fingerprint;
use super::refresh::{self, SharedStore, lock};
use super::report::{BuiltFeed, OutputReport, SourceReport, SourceStatus};
use super::{BuildOptions, assemble, retention, reuse_output};
use crate::config::{FeedDefinition, SourceDefinition, SourceLocation};
use crate::fetch::Fetcher;
use crate::model::{Article, SourceRef};
use crate::pipeline::{MergePool, SourceArticles};
use crate::store::{BuiltOutput, StoreError};

/// The outputs of one run as they are built.
pub(super) struct Run<'a> {
    pub definitions: &'a [FeedDefinition],
    pub options: &'a BuildOptions,
    /// Each refreshed source not yet merged, by (definition, source) position.
    refreshed: HashMap<(usize, usize), refresh::Refreshed>,
    /// How many sources of each definition are still being refreshed.
    refreshing: Vec<usize>,
    /// Whether the refresh ended (every source handed over, or a store error).
    refresh_ended: bool,
    /// Built feeds' articles by name, for sources that read another generated feed.
    built: HashMap<String, Vec<Article>>,
    /// The names of the feeds some definition reads: only theirs are kept in `built`.
    read_by_others: HashSet<String>,
    /// Built feeds' fingerprints by name.
    fingerprints: HashMap<String, Option<String>>,
    pub outputs: Vec<Option<OutputReport>>,
    pub feeds: Vec<Option<BuiltFeed>>,
    pub sources: Vec<Vec<SourceReport>>,
}

/// A definition handed to a worker: its position, fingerprint and its sources' articles.
struct Job {
    index: usize,
    fingerprint: Option<String>,
    pool: MergePool,
}

/// What the other threads tell the run's thread.
enum Event {
    /// A source is refreshed.
    Refreshed(refresh::Refreshed),
    /// The refresh is over: every source was handed over (`Ok`), the store failed
    /// (`Err`), or the refresh panicked (`None`; the scope reports the panic).
    RefreshEnded(Option<Result<(), StoreError>>),
    /// A worker assembled a definition's output.
    Assembled(Box<(Job, assemble::Assembled)>),
}

/// Sends [`Event::RefreshEnded`] when dropped, so the run's thread never waits for a
/// refresh that panicked.
struct RefreshEnd {
    events: Sender<Event>,
    result: Option<Result<(), StoreError>>,
}

impl Drop for RefreshEnd {
    fn drop(&mut self) {
        // The run's thread may have stopped listening after an error of its own.
        let _ = self.events.send(Event::RefreshEnded(self.result.take()));
    }
}

/// One source's articles for a merge: ready (a generated feed's), or its refresh's
/// (fresh, or still in the store, read only when the definition has to be merged).
enum Input<'a> {
    Ready(SourceArticles),
    Refreshed(&'a SourceDefinition, SourceRef, Option<Vec<Article>>),
}

impl<'a> Run<'a> {
    pub fn new(definitions: &'a [FeedDefinition], options: &'a BuildOptions) -> Self {
        Run {
            definitions,
            options,
            refreshed: HashMap::new(),
            // `refresh::refresh_all` refreshes every source but those reading generated
            // feeds, and hands over each one once.
            refreshing: (definitions.iter())
                .map(|definition| {
                    (definition.sources.iter())
                        .filter(|source| !matches!(source.location, SourceLocation::Feed(_)))
                        .count()
                })
                .collect(),
            refresh_ended: false,
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
        }
    }

    /// Refreshes every source on a thread of `scope` and builds every output in
    /// `order`: reused ones on this thread, the others merged and written by `workers`
    /// threads of `scope`, each definition as soon as its sources are refreshed.
    pub fn refresh_and_build<'scope>(
        &mut self,
        order: &[usize],
        store: &'scope SharedStore<'_>,
        fetcher: &'scope Fetcher,
        on_source: &mut dyn FnMut(&SourceReport),
        scope: &'scope std::thread::Scope<'scope, '_>,
        workers: usize,
    ) -> Result<(), StoreError>
    where
        'a: 'scope,
    {
        let (events, inbox) = mpsc::channel::<Event>();
        let (definitions, options) = (self.definitions, self.options);
        let refresh_events = events.clone();
        scope.spawn(move || {
            let mut end = RefreshEnd {
                events: refresh_events.clone(),
                result: None,
            };
            let deliver = |item| {
                let _ = refresh_events.send(Event::Refreshed(item));
            };
            let result = refresh::refresh_all(definitions, store, fetcher, options, &deliver);
            end.result = Some(result);
        });
        let workers = workers.max(1);
        let (jobs, job_queue) = mpsc::channel::<Job>();
        let job_queue = Arc::new(Mutex::new(job_queue));
        for _ in 0..workers {
            let job_queue = Arc::clone(&job_queue);
            let events = events.clone();
            scope.spawn(move || {
                loop {
                    let next = job_queue.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    let Ok(mut job) = next else { return };
                    let pool = std::mem::take(&mut job.pool);
                    let assembled = assemble::assemble(&definitions[job.index], pool, options);
                    let event = Event::Assembled(Box::new((job, assembled)));
                    if events.send(event).is_err() {
                        return;
                    }
                }
            });
        }
        drop(events);
        // Names of the outputs handed to a worker and not yet recorded.
        let mut in_flight: HashSet<String> = HashSet::new();
        let next_event = |run: &mut Self,
                          in_flight: &mut HashSet<String>,
                          on_source: &mut dyn FnMut(&SourceReport)| {
            run.handle(inbox.recv().ok(), store, in_flight, on_source)
        };
        for &index in order {
            let definition = &self.definitions[index];
            while self.refreshing[index] > 0 && !self.refresh_ended {
                next_event(self, &mut in_flight, on_source)?;
            }
            // A definition reading a generated feed waits for that feed.
            while (definition.sources.iter()).any(|source| {
                matches!(&source.location, SourceLocation::Feed(name) if in_flight.contains(name))
            }) {
                next_event(self, &mut in_flight, on_source)?;
            }
            // A definition's articles are gathered only when a worker is free to take
            // them, so at most `workers` definitions are held at once.
            while in_flight.len() >= workers {
                next_event(self, &mut in_flight, on_source)?;
            }
            if let Some(job) = self.prepare(index, store, on_source)? {
                in_flight.insert(definition.feed.name.clone());
                if jobs.send(job).is_err() {
                    break;
                }
            }
        }
        drop(jobs);
        while !in_flight.is_empty() || !self.refresh_ended {
            next_event(self, &mut in_flight, on_source)?;
        }
        Ok(())
    }

    /// Takes in one event (`None`: every other thread is gone).
    fn handle(
        &mut self,
        event: Option<Event>,
        store: &SharedStore<'_>,
        in_flight: &mut HashSet<String>,
        on_source: &mut dyn FnMut(&SourceReport),
    ) -> Result<(), StoreError> {
        match event {
            Some(Event::Refreshed(mut item)) => {
                if let Some(fresh) = &mut item.fresh {
                    // Copied into this thread's heap, exactly sized: the fetch worker's
                    // heap, where they lay between freed bodies and encodings, then
                    // empties and goes back to the system instead of holding those holes
                    // until the merge.
                    *fresh = fresh.to_vec();
                }
                tracing::debug!(
                    source = %item.report.source,
                    feed = %item.report.feed,
                    status = ?item.report.status,
                    articles = item.report.articles,
                    "source refreshed"
                );
                on_source(&item.report);
                let counter = &mut self.refreshing[item.definition];
                *counter = counter.saturating_sub(1);
                self.refreshed.insert((item.definition, item.source), item);
            }
            Some(Event::RefreshEnded(result)) => {
                self.refresh_ended = true;
                if let Some(result) = result {
                    result?;
                }
            }
            Some(Event::Assembled(finished)) => {
                let (job, assembled) = *finished;
                in_flight.remove(&self.definitions[job.index].feed.name);
                self.record(job, assembled, store)?;
            }
            None => {
                // A worker panicked: the scope reports it.
                self.refresh_ended = true;
                in_flight.clear();
            }
        }
        Ok(())
    }

    /// Gathers definition `index`'s inputs: its output reused when nothing changed
    /// (recorded at once, `None`), else a job with every source's articles.
    fn prepare(
        &mut self,
        index: usize,
        store: &SharedStore<'_>,
        on_source: &mut dyn FnMut(&SourceReport),
    ) -> Result<Option<Job>, StoreError> {
        let (definition, options) = (&self.definitions[index], self.options);
        let retention = retention(definition, options);
        let now = options.now.fixed_offset();
        let mut print = Fingerprint::start(definition, retention, options.output_dir.as_deref());
        let mut inputs = Vec::new();
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
                inputs.push(Input::Refreshed(source, item.source_ref, item.fresh));
            }
        }
        let fingerprint = print.map(Fingerprint::finish);
        if let Some(fingerprint) = &fingerprint {
            let reused = reuse_output(definition, fingerprint, &mut lock(store), options)?;
            if let Some((feed, report)) = reused {
                self.done(index, feed, report, Some(fingerprint.clone()));
                return Ok(None);
            }
        }
        // Only now, when a worker is free to merge them, are the stored articles read.
        let mut pool = MergePool::with_capacity(inputs.len());
        for input in inputs {
            pool.add(match input {
                Input::Ready(articles) => articles,
                Input::Refreshed(source, source_ref, fresh) => SourceArticles {
                    source: source_ref,
                    articles: articles::source_articles(
                        definition, source, fresh, retention, store, options,
                    )?,
                },
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
        store: &SharedStore<'_>,
    ) -> Result<(), StoreError> {
        let definition = &self.definitions[job.index];
        let meta = &definition.feed;
        let built = assembled.built;
        let mut store = lock(store);
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
        drop(store);
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
