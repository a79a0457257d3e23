//! Remembers what earlier runs saw, in one SQLite file: per source the HTTP validators
//! and the failure streak; per article of a source its value, when it was first and last
//! seen and its content hash; cached enrichment results; which articles
//! each output has emitted; how each output was last built.
//!
//! Policy: the store depends only on [`crate::model`]. Every call is one transaction, so
//! a crash leaves each call's writes all there or all absent. A row that cannot be read
//! back (damaged JSON, an impossible time) is left out of the result and counted in
//! [`Store::take_skipped`], never an error for the whole read. Times are kept as unix
//! milliseconds in UTC, so they come back truncated to the millisecond. Sources are
//! named by a caller-chosen key (`world/joongang-rss`); articles by their
//! [`Article::id`](crate::model::Article::id) within a source.
//! Entry point: [`Store::open`]. One `Store` is one connection: use it from one thread
//! at a time (it is `Send`; wrap it in a `Mutex` to share it).

mod articles;
mod built;
mod enrichment;
mod error;
mod hash;
mod outputs;

pub use outputs::EmittedArticle;
mod schema;
mod sources;

pub use articles::{ArticleKey, EncodedArticles, Seen, StoredArticle};
pub use built::BuiltOutput;
pub use error::StoreError;
pub use hash::article_hash;
pub use sources::SourceRecord;

use std::cell::RefCell;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use error::Failure;

/// How long a call waits for another process's write lock before failing.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The page size of a new store, in bytes.
const PAGE_SIZE: i64 = 16_384;

/// The path an in-memory store reports in its errors.
const MEMORY_PATH: &str = ":memory:";

/// An open store: one SQLite connection in WAL mode with `synchronous=NORMAL`.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
    skipped: RefCell<Vec<SkippedRow>>,
}

/// A stored row that could not be read back and was left out of a result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedRow {
    /// What the row holds.
    pub kind: RowKind,
    /// The source the row belongs to.
    pub source_key: String,
    /// The article the row is about, for article and enrichment rows.
    pub article_id: Option<String>,
    /// Why it could not be read.
    pub reason: String,
}

/// The kinds of rows a read can skip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// An article remembered by [`Store::remember_articles`].
    Article,
    /// An enrichment result saved by [`Store::save_enrichment`].
    Enrichment,
    /// How an output was built, kept by [`Store::remember_built`].
    Built,
}

impl fmt::Display for SkippedRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            RowKind::Article => "article",
            RowKind::Enrichment => "enrichment of article",
            RowKind::Built => "build record",
        };
        write!(f, "skipped unreadable {what}")?;
        if let Some(id) = &self.article_id {
            write!(f, " `{id}`")?;
        }
        write!(f, " of source `{}`: {}", self.source_key, self.reason)
    }
}

impl Store {
    /// Opens the store at `path`, creating the file and its parent directories when
    /// missing, and upgrades an older schema.
    ///
    /// A file that is not SQLite, or another program's database, is
    /// [`StoreError::NotAStore`]; a schema from a newer feedmill is
    /// [`StoreError::TooNew`]; both name the path.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::CreateDir {
                path: path.to_owned(),
                source,
            })?;
        }
        let conn = Connection::open(path).map_err(|source| StoreError::Open {
            path: path.to_owned(),
            step: "opening the file".to_owned(),
            source,
        })?;
        Store::set_up(conn, path.to_owned())
    }

    /// Opens a new empty store in memory, gone when dropped (for tests and dry runs).
    pub fn open_in_memory() -> Result<Store, StoreError> {
        let conn = Connection::open_in_memory().map_err(|source| StoreError::Open {
            path: PathBuf::from(MEMORY_PATH),
            step: "opening an in-memory database".to_owned(),
            source,
        })?;
        Store::set_up(conn, PathBuf::from(MEMORY_PATH))
    }

    /// The store's file (`:memory:` for an in-memory store).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How many unreadable rows reads have skipped since the last [`Store::take_skipped`].
    pub fn skipped_count(&self) -> usize {
        self.skipped.borrow().len()
    }

    /// The unreadable rows reads have skipped since the last call, oldest first; the list
    /// starts empty again.
    pub fn take_skipped(&self) -> Vec<SkippedRow> {
        self.skipped.take()
    }

    /// Forgets, in one transaction, articles not seen since `older_than`, enrichment
    /// results saved before it for articles no longer remembered, and emitted marks not
    /// renewed since it. Sources are kept. Returns how many articles were forgotten.
    pub fn prune(&mut self, older_than: DateTime<Utc>) -> Result<usize, StoreError> {
        let cutoff = older_than.timestamp_millis();
        let result = (|| -> Result<usize, Failure> {
            let tx = self.write_transaction()?;
            let n_articles = tx
                .prepare_cached("DELETE FROM article WHERE last_seen < ?1")?
                .execute([cutoff])?;
            tx.prepare_cached(
                "DELETE FROM enrichment AS e WHERE e.saved_at < ?1 AND NOT EXISTS (
                    SELECT 1 FROM article AS a
                    WHERE a.source_key = e.source_key AND a.article_id = e.article_id)",
            )?
            .execute([cutoff])?;
            tx.prepare_cached("DELETE FROM emitted WHERE last_emitted < ?1")?
                .execute([cutoff])?;
            tx.prepare_cached(
                "DELETE FROM emitted_article AS a WHERE NOT EXISTS (
                    SELECT 1 FROM emitted AS e
                    WHERE e.output = a.output AND e.article_id = a.article_id)",
            )?
            .execute([])?;
            tx.commit()?;
            Ok(n_articles)
        })();
        self.context(result, || format!("pruning rows older than {older_than}"))
    }

    fn set_up(mut conn: Connection, path: PathBuf) -> Result<Store, StoreError> {
        let step = |step: &str| {
            let step = step.to_owned();
            let path = &path;
            move |source| schema::classify(path, step, source)
        };
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(step("setting the busy timeout"))?;
        // Takes effect only while the file is empty (a new store): article rows are
        // kilobytes, and a 4 KiB page holds one or two of them.
        conn.pragma_update(None, "page_size", PAGE_SIZE)
            .map_err(step("setting the page size"))?;
        // The first statement that reads the file: a non-SQLite file fails here.
        conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
            .map_err(step("setting the WAL journal mode"))?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(step("setting synchronous=NORMAL"))?;
        conn.set_prepared_statement_cache_capacity(32);
        schema::migrate(&mut conn, &path)?;
        Ok(Store {
            conn,
            path,
            skipped: RefCell::new(Vec::new()),
        })
    }

    /// A transaction that writes: it takes the write lock at once, so that when another
    /// process holds it, the call waits up to [`BUSY_TIMEOUT`] (a transaction that read
    /// first and then tried to write would fail at once instead: SQLite cannot wait
    /// there without risking a deadlock).
    fn write_transaction(&mut self) -> rusqlite::Result<rusqlite::Transaction<'_>> {
        self.conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
    }

    /// Adds the store path and `action` to a failure.
    fn context<T>(
        &self,
        result: Result<T, Failure>,
        action: impl FnOnce() -> String,
    ) -> Result<T, StoreError> {
        result.map_err(|failure| failure.into_error(self.path.clone(), action()))
    }

    /// Counts a row a read left out.
    fn skip(&self, kind: RowKind, source_key: &str, article_id: Option<&str>, reason: String) {
        self.skipped.borrow_mut().push(SkippedRow {
            kind,
            source_key: source_key.to_owned(),
            article_id: article_id.map(str::to_owned),
            reason,
        });
    }
}

/// A time as stored: unix milliseconds.
fn to_millis(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis()
}

/// A stored time, `None` when out of chrono's range.
fn from_millis(millis: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp_millis(millis)
}

#[cfg(test)]
mod tests;
