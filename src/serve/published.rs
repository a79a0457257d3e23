//! What the server publishes: the last good build of every feed, swapped in whole when a
//! refresh finishes, and the rendered documents cached per feed, format and query.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use bytes::Bytes;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::encoding::CompressedForms;
use crate::build::{BuildReport, BuiltFeed, SourceReport};
use crate::config::FeedDefinition;
use crate::emit::OutputFormat;
use crate::model::Article;

/// One published feed: its definition and its last good build.
#[derive(Debug, Clone)]
pub struct PublishedFeed {
    /// The definition it was built from.
    pub definition: FeedDefinition,
    /// The feed as built.
    pub built: BuiltFeed,
    /// When the build that made it finished.
    pub refreshed_at: DateTime<Utc>,
    /// How each of its sources fared in that build.
    pub sources: Vec<SourceReport>,
    /// Archive pages (RFC 5005): the articles the feed carried before that are no longer
    /// in it, oldest first, [`ARCHIVE_PAGE`] to a page; page 1 is the oldest.
    pub archive: Vec<Vec<Article>>,
}

/// Articles on an archive page.
pub const ARCHIVE_PAGE: usize = 50;

/// A rendered document with its validators.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The body (shared: cloning it for a response copies no bytes).
    pub body: Bytes,
    /// The strong ETag, quoted: a hash of the body.
    pub etag: String,
    /// When its content last changed: the newest article date, else the build time.
    pub last_modified: DateTime<Utc>,
    /// Its format.
    pub format: OutputFormat,
    /// Its gzip and brotli forms, made on first ask and shared by every clone.
    pub compressed: Arc<CompressedForms>,
}

impl Rendered {
    /// A rendered body with its ETag computed.
    pub fn new(body: Vec<u8>, last_modified: DateTime<Utc>, format: OutputFormat) -> Rendered {
        let digest = Sha256::digest(&body);
        let hex: String = digest
            .iter()
            .take(16)
            .map(|byte| format!("{byte:02x}"))
            .collect();
        Rendered {
            body: Bytes::from(body),
            etag: format!("\"{hex}\""),
            last_modified,
            format,
            compressed: Arc::default(),
        }
    }
}

/// The published feeds, by name, and the render cache; both replaced on each refresh.
#[derive(Debug, Default)]
pub struct Published {
    feeds: RwLock<Arc<HashMap<String, PublishedFeed>>>,
    order: RwLock<Arc<Vec<String>>>,
    cache: Mutex<HashMap<String, Rendered>>,
    last_refresh: RwLock<Option<DateTime<Utc>>>,
}

impl Published {
    /// Publishes a finished build: every feed it built replaces the old copy; feeds it
    /// did not build keep theirs.
    pub fn publish(
        &self,
        definitions: &[FeedDefinition],
        report: &BuildReport,
        archives: &mut HashMap<String, Vec<Vec<Article>>>,
        at: DateTime<Utc>,
    ) {
        let mut feeds: HashMap<String, PublishedFeed> = self.snapshot().as_ref().clone();
        // Feeds no longer defined (after a reload) go.
        feeds.retain(|name, _| definitions.iter().any(|d| d.feed.name == *name));
        for built in &report.feeds {
            let Some(definition) = definitions.iter().find(|d| d.feed.name == built.name) else {
                continue;
            };
            let sources = report
                .sources
                .iter()
                .filter(|source| source.feed == built.name)
                .cloned()
                .collect();
            feeds.insert(
                built.name.clone(),
                PublishedFeed {
                    definition: definition.clone(),
                    built: built.clone(),
                    refreshed_at: at,
                    sources,
                    archive: archives.remove(&built.name).unwrap_or_default(),
                },
            );
        }
        let order: Vec<String> = definitions.iter().map(|d| d.feed.name.clone()).collect();
        // Swap everything, then drop the renders of the old copies.
        *self.feeds.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(feeds);
        *self.order.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(order);
        *self.last_refresh.write().unwrap_or_else(|e| e.into_inner()) = Some(at);
        self.cache.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// The feeds as published now (a cheap shared copy).
    pub fn snapshot(&self) -> Arc<HashMap<String, PublishedFeed>> {
        Arc::clone(&self.feeds.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// The feed names in definition order.
    pub fn names(&self) -> Arc<Vec<String>> {
        Arc::clone(&self.order.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// When the last refresh finished, if one has.
    pub fn last_refresh(&self) -> Option<DateTime<Utc>> {
        *self.last_refresh.read().unwrap_or_else(|e| e.into_inner())
    }

    /// The cached render for `key`, or `render()`'s, cached (at most [`CACHE_LIMIT`]
    /// renders are kept; past that the cache starts over).
    pub fn rendered(
        &self,
        key: &str,
        render: impl FnOnce() -> Option<Rendered>,
    ) -> Option<Rendered> {
        if let Some(hit) = self
            .cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(key)
        {
            return Some(hit.clone());
        }
        let fresh = render()?;
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(key.to_owned(), fresh.clone());
        Some(fresh)
    }
}

/// How many distinct renders (feed × format × query) are cached at most.
pub const CACHE_LIMIT: usize = 4096;
