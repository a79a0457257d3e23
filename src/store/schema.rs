//! The schema and its migrations, in one place.
//!
//! A store is recognized by `PRAGMA application_id` ([`APPLICATION_ID`]) and versioned
//! by `PRAGMA user_version`: migration `i` of [`MIGRATIONS`] takes the schema from
//! version `i` to `i + 1`. To change the schema, append a migration; never edit one that
//! shipped. Times are unix milliseconds (UTC) in `INTEGER` columns; parsed values are
//! JSON text.

use std::path::Path;

use rusqlite::{Connection, ErrorCode, TransactionBehavior};

use super::StoreError;

/// `PRAGMA application_id` of a feedmill store: the bytes `FdMl`.
pub(super) const APPLICATION_ID: i32 = 0x4664_4d6c;

/// The migrations, oldest first; the schema version is how many have run.
///
/// `article` and `enrichment` rows carry whole articles (kilobytes with full text), so
/// they are rowid tables with a unique index; `WITHOUT ROWID` suits only small rows.
pub(super) const MIGRATIONS: &[&str] = &[
    // Version 1.
    "CREATE TABLE source (
        key                  TEXT PRIMARY KEY NOT NULL,
        etag                 TEXT,
        last_modified        TEXT,
        last_attempt         INTEGER,
        last_success         INTEGER,
        last_error           TEXT,
        failing_since        INTEGER,
        consecutive_failures INTEGER NOT NULL DEFAULT 0,
        retry_at             INTEGER,
        last_good            TEXT,
        last_good_at         INTEGER
    );
    CREATE TABLE article (
        source_key   TEXT NOT NULL,
        article_id   TEXT NOT NULL,
        first_seen   INTEGER NOT NULL,
        last_seen    INTEGER NOT NULL,
        position     INTEGER NOT NULL,
        content_hash TEXT NOT NULL,
        article      TEXT NOT NULL,
        UNIQUE (source_key, article_id)
    );
    CREATE INDEX article_by_last_seen ON article (source_key, last_seen);
    CREATE TABLE enrichment (
        source_key TEXT NOT NULL,
        article_id TEXT NOT NULL,
        input_hash TEXT NOT NULL,
        enriched   TEXT NOT NULL,
        saved_at   INTEGER NOT NULL,
        UNIQUE (source_key, article_id)
    );
    CREATE TABLE emitted (
        output        TEXT NOT NULL,
        article_id    TEXT NOT NULL,
        first_emitted INTEGER NOT NULL,
        last_emitted  INTEGER NOT NULL,
        PRIMARY KEY (output, article_id)
    ) WITHOUT ROWID;",
    // Version 2: the articles each output emitted, as emitted, for archive pages.
    "CREATE TABLE emitted_article (
        output        TEXT NOT NULL,
        article_id    TEXT NOT NULL,
        first_emitted INTEGER NOT NULL,
        article       TEXT NOT NULL,
        UNIQUE (output, article_id)
    );
    CREATE INDEX emitted_article_order ON emitted_article (output, first_emitted);",
    // Version 3: how each output was last built, so an unchanged one is reused; the
    // keys of a source's articles read from an index alone (an article row is
    // kilobytes), and pruning by `last_seen` without reading every row.
    "DROP INDEX article_by_last_seen;
    CREATE INDEX article_keys ON article (
        source_key, last_seen, position, article_id, first_seen, content_hash
    );
    CREATE INDEX article_by_last_seen ON article (last_seen);
    CREATE TABLE built (
        output      TEXT PRIMARY KEY NOT NULL,
        fingerprint TEXT NOT NULL,
        articles    TEXT NOT NULL,
        files       TEXT NOT NULL,
        built_at    INTEGER NOT NULL
    );",
    // Version 4: no copy of each source's last parsed feed. Nothing read it back, and it
    // held every article a second time (the `article` rows hold them). The freed pages
    // are reused by later writes; `VACUUM` gives them back to the file system.
    "ALTER TABLE source DROP COLUMN last_good;
    ALTER TABLE source DROP COLUMN last_good_at;",
];

/// The schema version this build reads and writes.
pub(super) const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Checks that `conn` is a feedmill store (or an empty database, which becomes one) and
/// brings its schema up to [`SCHEMA_VERSION`].
pub(super) fn migrate(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    let open_error = |step: &str| {
        let step = step.to_owned();
        move |source: rusqlite::Error| classify(path, step, source)
    };
    // Take the write lock before looking, so two processes opening a new file do not
    // both create the tables.
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(open_error("starting the schema check"))?;
    let application_id: i32 = tx
        .query_row("PRAGMA application_id", [], |row| row.get(0))
        .map_err(open_error("reading the application id"))?;
    let version: i64 = tx
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(open_error("reading the schema version"))?;
    if application_id != APPLICATION_ID {
        let n_tables: i64 = tx
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE type = 'table'",
                [],
                |row| row.get(0),
            )
            .map_err(open_error("listing tables"))?;
        if application_id != 0 || version != 0 || n_tables != 0 {
            return Err(StoreError::NotAStore {
                path: path.to_owned(),
                reason: format!(
                    "it is another program's SQLite database (application id {application_id}, \
                     {n_tables} tables)"
                ),
            });
        }
        tx.pragma_update(None, "application_id", APPLICATION_ID)
            .map_err(open_error("setting the application id"))?;
    }
    if version > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            path: path.to_owned(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    let first_pending = usize::try_from(version).unwrap_or(0);
    for (target, sql) in (1_i64..).zip(MIGRATIONS).skip(first_pending) {
        tx.execute_batch(sql)
            .map_err(open_error(&format!("migrating to schema version {target}")))?;
        tx.pragma_update(None, "user_version", target)
            .map_err(open_error(&format!("migrating to schema version {target}")))?;
    }
    tx.commit().map_err(open_error("committing the schema"))
}

/// Turns "file is not a database" into [`StoreError::NotAStore`]; any other failure is
/// [`StoreError::Open`] at `step`.
pub(super) fn classify(path: &Path, step: String, source: rusqlite::Error) -> StoreError {
    if source.sqlite_error_code() == Some(ErrorCode::NotADatabase) {
        return StoreError::NotAStore {
            path: path.to_owned(),
            reason: "the file is not an SQLite database".to_owned(),
        };
    }
    StoreError::Open {
        path: path.to_owned(),
        step,
        source,
    }
}
