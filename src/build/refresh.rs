//! Refreshes the sources of a run: fetch (conditionally, honouring backoff) or read each
//! one, parse it, enrich its articles (cached in the store), record the outcome in the
//! store (a fetched source on the worker that fetched it, as soon as it is parsed), and
//! hand each source over as soon as it is done, with the keys of the articles the store
//! holds for it within its retention, and the articles themselves when this run's are
//! all of them ([`source_articles`](super::articles::source_articles) reads the others
//! from the store, when they are merged).

use std::fs;
use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, Utc};
use url::Url;

use super::BuildOptions;
use super::articles::{as_read_back, retention_start};
use super::read::{Body, SourceRead, read_source};
use super::redact::{redact_url, redact_urls_in};
use super::report::{SourceReport, SourceStatus};
use crate::config::{FeedDefinition, SourceDefinition, SourceLocation};
use crate::fetch::{FetchError, Fetched, Fetcher, Request, Response, backoff_delay, map_bounded};
use crate::model::{Article, SourceRef};
use crate::source::page::enrich::enrich_all;
use crate::store::{ArticleKey, EncodedArticles, Store, StoreError};

/// One source after its refresh.
pub(super) struct Refreshed {
    /// Index of its definition.
    pub definition: usize,
    /// Index of the source in its definition.
    pub source: usize,
    /// What happened.
    pub report: SourceReport,
    /// The source as its merged articles name it.
    pub source_ref: SourceRef,
    /// The keys of its stored articles within the retention, in the order
    /// [`stored_articles`](super::articles::stored_articles) reads them.
    pub stored: Vec<ArticleKey>,
    /// The articles [`stored_articles`](super::articles::stored_articles) would read back
    /// (before the source's filter), when this run stored every one of them: a source
    /// read for the first time, or one whose older articles all left the retention.
    /// Merged as they are, the store is not read again.
    pub fresh: Option<Vec<Article>>,
}

/// The store key of a source: `FEED/SOURCE`.
pub(super) fn store_key(definition: &FeedDefinition, source: &SourceDefinition) -> String {
    format!("{}/{}", definition.feed.name, source.name)
}

/// What loading one source gave.
enum Loaded {
    /// New bytes, read.
    Read {
        read: Result<Box<SourceRead>, String>,
        etag: Option<String>,
        last_modified: Option<String>,
    },
    /// New bytes, read, and articles ready to store: what [`prepare`] makes of a read
    /// without enrichment, before the store is taken.
    Ready {
        articles: EncodedArticles<'static>,
        warnings: Vec<String>,
        etag: Option<String>,
        last_modified: Option<String>,
    },
    /// `304 Not Modified`.
    Unchanged,
    /// The fetch or read failed.
    Failed(String, Option<std::time::Duration>),
    /// Not fetched: backing off until then, after this error.
    BackingOff(String, DateTime<Utc>),
    /// Not fetched: its `refresh` interval runs until then.
    NotDue(DateTime<Utc>),
}

struct Job<'a> {
    definition_index: usize,
    source_index: usize,
    definition: &'a FeedDefinition,
    source: &'a SourceDefinition,
    key: String,
}

/// The store, shared by the fetch workers recording sources and the run's thread.
pub(super) type SharedStore<'s> = Mutex<&'s mut Store>;

/// Takes the shared store (a panic elsewhere while holding it leaves it usable: every
/// store call is one transaction).
pub(super) fn lock<'m, 's>(store: &'m SharedStore<'s>) -> MutexGuard<'m, &'s mut Store> {
    store.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Refreshes every source that is fetched or read (not those reading generated feeds),
/// handing each one to `deliver` as soon as it is done (on whichever thread finished
/// it): exactly once for each of these sources, unless a store error ends the refresh.
pub(super) fn refresh_all(
    definitions: &[FeedDefinition],
    shared_store: &SharedStore<'_>,
    fetcher: &Fetcher,
    options: &BuildOptions,
    deliver: &(dyn Fn(Refreshed) + Sync),
) -> Result<(), StoreError> {
    let now = options.now;
    let mut jobs = Vec::new();
    for (definition_index, definition) in definitions.iter().enumerate() {
        for (source_index, source) in definition.sources.iter().enumerate() {
            if !matches!(source.location, SourceLocation::Feed(_)) {
                jobs.push(Job {
                    definition_index,
                    source_index,
                    definition,
                    source,
                    key: store_key(definition, source),
                });
            }
        }
    }

    // Which URL sources to fetch, with the validators of their last good copy; the
    // others are backing off.
    let mut loaded: Vec<Option<Loaded>> = jobs.iter().map(|_| None).collect();
    let mut requests = Vec::new();
    let store = lock(shared_store);
    for (index, job) in jobs.iter().enumerate() {
        let SourceLocation::Url(url) = &job.source.location else {
            continue;
        };
        let record = store.source(&job.key)?;
        if let Some(record) = &record
            && let Some(retry_at) = record.retry_at
            && retry_at > now
        {
            let error = record.last_error.clone().unwrap_or_default();
            loaded[index] = Some(Loaded::BackingOff(error, retry_at));
            continue;
        }
        if let (Some(every), Some(record)) = (job.source.refresh, &record)
            && record.last_success.is_some()
            && let Some(last) = record.last_attempt
            && let Some(next) = chrono::Duration::from_std(every)
                .ok()
                .and_then(|every| last.checked_add_signed(every))
            && next > now
        {
            loaded[index] = Some(Loaded::NotDue(next));
            continue;
        }
        let mut request = Request::new(url.clone());
        request.headers = job.source.headers.clone();
        request.cookies = job.source.cookies.clone();
        // Validators only help when the store holds the copy they describe.
        if let Some(record) = record
            && record.last_success.is_some()
        {
            request.etag = record.etag;
            request.last_modified = record.last_modified;
        }
        requests.push((index, request));
    }
    drop(store);
    let started = std::time::Instant::now();
    // Read local files, then parse them (and hash and encode their articles) on a
    // bounded set of threads.
    let mut to_parse: Vec<(usize, Body)> = Vec::new();
    for (index, job) in jobs.iter().enumerate() {
        if let SourceLocation::File(path) = &job.source.location {
            match fs::read(path) {
                Ok(bytes) => {
                    let url = fs::canonicalize(path)
                        .ok()
                        .and_then(|absolute| Url::from_file_path(absolute).ok());
                    to_parse.push((
                        index,
                        Body {
                            bytes,
                            url,
                            ..Body::default()
                        },
                    ));
                }
                Err(error) => {
                    loaded[index] = Some(Loaded::Failed(
                        format!(
                            "source `{}`: reading `{}`: {error}",
                            job.source.name,
                            path.display()
                        ),
                        None,
                    ));
                }
            }
        }
    }
    let parsed = map_bounded(&to_parse, options.max_concurrent, |(index, body)| {
        let job = &jobs[*index];
        let read = Loaded::Read {
            read: parse(job.source, body, fetcher, now),
            etag: None,
            last_modified: None,
        };
        prepare(job, read)
    });
    for ((index, _), read) in to_parse.iter().zip(parsed) {
        loaded[*index] = Some(read);
    }

    tracing::debug!(parsed = to_parse.len(), elapsed = ?started.elapsed(), "parsed");

    // Record, enrich and hand over the sources that are not fetched first, one at a
    // time in definition order, so that definitions made only of them are merged while
    // the others are fetched.
    let mut fetching = vec![false; jobs.len()];
    for (index, _) in &requests {
        fetching[*index] = true;
    }
    for ((job, loaded), fetching) in jobs.iter().zip(loaded).zip(fetching) {
        if !fetching {
            deliver(finish(
                job,
                loaded,
                &mut lock(shared_store),
                fetcher,
                options,
            )?);
        }
    }

    // Fetch, parse and record on the same worker: each body and each parsed feed is
    // dropped as soon as the store has it, and parsing, hashing and encoding overlap the
    // fetches still in flight and the recording of other sources (one at a time: the
    // store is one connection, held only for its reads and writes).
    let fetched = fetcher.for_each_item_bounded(
        &requests,
        |(_, request)| request,
        options.max_concurrent,
        |(index, _), response| {
            let job = &jobs[*index];
            let loaded = prepare(job, load_response(job, response, fetcher, now));
            let item = finish(job, Some(loaded), &mut lock(shared_store), fetcher, options)?;
            deliver(item);
            Ok(())
        },
    );
    fetched.into_iter().collect::<Result<(), StoreError>>()?;
    tracing::debug!(sources = jobs.len(), requests = requests.len(), elapsed = ?started.elapsed(), "recorded");
    Ok(())
}

/// What a fetch gave, read when it brought a body.
fn load_response(
    job: &Job<'_>,
    response: Result<Response, FetchError>,
    fetcher: &Fetcher,
    now: DateTime<Utc>,
) -> Loaded {
    match response {
        Ok(Response::Modified(fetched)) => {
            let Fetched {
                body,
                final_url,
                content_type,
                content_location,
                content_language,
                etag,
                last_modified,
            } = fetched;
            let body = Body {
                bytes: body,
                url: Some(final_url),
                content_type,
                content_location,
                content_language,
            };
            Loaded::Read {
                read: parse(job.source, &body, fetcher, now),
                etag,
                last_modified,
            }
        }
        Ok(Response::NotModified { .. }) => Loaded::Unchanged,
        Err(error) => Loaded::Failed(
            format!("source `{}`: {}", job.source.name, error.chain()),
            error.retry_after(),
        ),
    }
}

/// Does a read's work that needs no store (ids, content hashes, JSON) unless the source
/// is enriched, which changes its articles with the store's help.
fn prepare(job: &Job<'_>, loaded: Loaded) -> Loaded {
    match loaded {
        Loaded::Read {
            read: Ok(read),
            etag,
            last_modified,
        } if job.source.enrich.is_none() => {
            let SourceRead { feed, warnings } = *read;
            let mut articles = feed.articles;
            for article in &mut articles {
                article.ensure_id();
            }
            Loaded::Ready {
                articles: EncodedArticles::new(articles),
                warnings: warnings.iter().map(ToString::to_string).collect(),
                etag,
                last_modified,
            }
        }
        other => other,
    }
}

/// Reads one source's bytes (following a listing's next pages through `fetcher`).
fn parse(
    source: &SourceDefinition,
    body: &Body,
    fetcher: &Fetcher,
    now: DateTime<Utc>,
) -> Result<Box<SourceRead>, String> {
    let mut fetch_next = |url: &Url| load_next(fetcher, url);
    read_source(source, body, now, &mut fetch_next)
        .map(Box::new)
        .map_err(|error| format!("source `{}`: {error}", source.name))
}

/// Records one source's outcome and gathers its articles.
fn finish(
    job: &Job<'_>,
    loaded: Option<Loaded>,
    store: &mut Store,
    fetcher: &Fetcher,
    options: &BuildOptions,
) -> Result<Refreshed, StoreError> {
    let now = options.now;
    let mut warnings = Vec::new();
    let mut stored_now = None;
    let status = match loaded {
        Some(Loaded::Read {
            read: Ok(read),
            etag,
            last_modified,
        }) => {
            let SourceRead {
                mut feed,
                warnings: read_warnings,
            } = *read;
            warnings.extend(read_warnings.iter().map(ToString::to_string));
            for article in &mut feed.articles {
                article.ensure_id();
            }
            warnings.extend(enrich(job, &mut feed.articles, store, fetcher, now)?);
            let articles = EncodedArticles::new(feed.articles);
            record_read(job, &articles, etag, last_modified, store, now)?;
            stored_now = Some(articles.into_articles());
            SourceStatus::Ok
        }
        Some(Loaded::Ready {
            articles,
            warnings: read_warnings,
            etag,
            last_modified,
        }) => {
            warnings.extend(read_warnings);
            record_read(job, &articles, etag, last_modified, store, now)?;
            stored_now = Some(articles.into_articles());
            SourceStatus::Ok
        }
        Some(Loaded::Unchanged) => {
            store.record_unchanged(&job.key, now)?;
            SourceStatus::Unchanged
        }
        Some(Loaded::NotDue(next)) => SourceStatus::NotDue {
            next: next.to_rfc3339(),
        },
        Some(Loaded::BackingOff(error, until)) => SourceStatus::BackingOff {
            error: redact_urls_in(&error).into_owned(),
            until: until.to_rfc3339(),
        },
        Some(Loaded::Read {
            read: Err(error), ..
        }) => fail(job, error, None, store, now)?,
        Some(Loaded::Failed(error, retry_after)) => fail(job, error, retry_after, store, now)?,
        None => fail(
            job,
            format!("source `{}`: not loaded", job.source.name),
            None,
            store,
            now,
        )?,
    };

    let since = retention_start(super::retention(job.definition, options), now);
    // Only the articles' keys: their values are read when the definition is merged.
    let stored = store.article_keys_seen_since(&job.key, since)?;
    let fresh = stored_now.and_then(|articles| as_read_back(articles, &stored, now));
    Ok(Refreshed {
        definition: job.definition_index,
        source: job.source_index,
        report: SourceReport {
            feed: job.definition.feed.name.clone(),
            source: job.source.name.clone(),
            status,
            // Messages may quote URLs (a page's next link, an article's page).
            warnings: warnings
                .iter()
                .map(|warning| redact_urls_in(warning).into_owned())
                .collect(),
            articles: stored.len(),
        },
        // A local file's path is nobody's business but the operator's: only web
        // addresses are published.
        source_ref: SourceRef {
            title: Some(job.source.name.clone()),
            url: match &job.source.location {
                SourceLocation::Url(url) => Some(redact_url(url).to_string()),
                _ => None,
            },
            link: None,
        },
        stored,
        fresh,
    })
}

/// Records a source's articles and its validators, together.
fn record_read(
    job: &Job<'_>,
    articles: &EncodedArticles<'_>,
    etag: Option<String>,
    last_modified: Option<String>,
    store: &mut Store,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let (etag, last_modified) = (etag.as_deref(), last_modified.as_deref());
    store.remember_response(&job.key, articles, etag, last_modified, now)?;
    Ok(())
}

/// Records a failure, with the backoff it earns (URL sources only). The error is kept
/// and shown with the secrets of the URLs it quotes redacted.
fn fail(
    job: &Job<'_>,
    error: String,
    retry_after: Option<std::time::Duration>,
    store: &mut Store,
    now: DateTime<Utc>,
) -> Result<SourceStatus, StoreError> {
    let error = redact_urls_in(&error).into_owned();
    let failures_before = store
        .source(&job.key)?
        .map_or(0, |record| record.consecutive_failures);
    let retry_at = match job.source.location {
        SourceLocation::Url(_) => {
            let delay = backoff_delay(failures_before + 1, retry_after);
            (!delay.is_zero()).then(|| {
                now + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::zero())
            })
        }
        _ => None,
    };
    let record = store.record_failure(&job.key, &error, now, retry_at)?;
    Ok(SourceStatus::Failed {
        error,
        consecutive_failures: record.consecutive_failures,
    })
}

/// Enriches the articles of a source with `[source.enrich]` from their own pages,
/// reusing the store's results for articles that did not change since.
fn enrich(
    job: &Job<'_>,
    articles: &mut [Article],
    store: &mut Store,
    fetcher: &Fetcher,
    now: DateTime<Utc>,
) -> Result<Vec<String>, StoreError> {
    let Some(options) = job.source.enrich_at(now) else {
        return Ok(Vec::new());
    };
    let mut misses = Vec::new();
    let mut inputs = Vec::new();
    for (index, article) in articles.iter_mut().enumerate() {
        match store.cached_enrichment(&job.key, article)? {
            Some(enriched) => *article = enriched,
            None => {
                misses.push(index);
                inputs.push(article.clone());
            }
        }
    }
    if misses.is_empty() {
        return Ok(Vec::new());
    }
    let mut to_enrich: Vec<Article> = inputs.clone();
    let local_root = match &job.source.location {
        SourceLocation::File(path) => path.parent().and_then(|dir| {
            fs::canonicalize(if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            })
            .ok()
        }),
        _ => None,
    };
    let fetch_page = |url: &Url| -> Result<Fetched, FetchError> {
        match &local_root {
            Some(root) if url.scheme() == "file" => read_local_page(root, url),
            _ => fetcher.fetch(url),
        }
    };
    let warnings = enrich_all(
        &mut to_enrich,
        fetch_page,
        job.source.enrich_max_concurrent,
        &options,
    );
    for ((index, enriched), original) in misses.into_iter().zip(to_enrich).zip(inputs) {
        // An article enrichment could not improve (its page failed) is tried again next
        // run rather than cached.
        if enriched != original {
            store.save_enrichment(&job.key, &original, &enriched, now)?;
        }
        articles[index] = enriched;
    }
    Ok(warnings.iter().map(ToString::to_string).collect())
}

/// Reads an article page of a local source (a `file:` link in a local feed), only from
/// the source's own directory tree; anything else is refused like a failed fetch.
fn read_local_page(root: &Path, url: &Url) -> Result<Fetched, FetchError> {
    let refused = || FetchError::UnsupportedScheme { url: url.clone() };
    let path = url.to_file_path().map_err(|()| refused())?;
    let path = fs::canonicalize(&path).map_err(|source| FetchError::Body {
        url: url.clone(),
        source,
    })?;
    if !path.starts_with(root) {
        return Err(refused());
    }
    let body = fs::read(&path).map_err(|source| FetchError::Body {
        url: url.clone(),
        source,
    })?;
    Ok(Fetched {
        body,
        final_url: url.clone(),
        content_type: None,
        content_location: None,
        content_language: None,
        etag: None,
        last_modified: None,
    })
}

/// Loads a listing's next page: fetched when http(s), read from disk when `file:`.
fn load_next(fetcher: &Fetcher, url: &Url) -> Result<Vec<u8>, String> {
    if url.scheme() == "file" {
        let path = url
            .to_file_path()
            .map_err(|()| format!("next page `{url}` is not a local path"))?;
        return fs::read(&path)
            .map_err(|error| format!("reading next page `{}`: {error}", path.display()));
    }
    fetcher
        .fetch(url)
        .map(|fetched| fetched.body)
        .map_err(|error| error.chain())
}
