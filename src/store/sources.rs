//! Per-source state: HTTP validators and the outcome of the last attempts. A source's
//! articles are in `articles.rs`; the parsed feed itself is not kept (stores before
//! schema version 4 kept a copy nothing read back, twice the size of its articles).

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row};

use super::error::Failure;
use super::{Store, StoreError, from_millis, to_millis};

/// What the store knows about one source.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceRecord {
    /// `ETag` of the last good response, to send as `If-None-Match`.
    pub etag: Option<String>,
    /// `Last-Modified` of the last good response, to send as `If-Modified-Since`.
    pub last_modified: Option<String>,
    /// When the source was last tried, whatever the outcome.
    pub last_attempt: Option<DateTime<Utc>>,
    /// When the source last answered with a feed or "not modified".
    pub last_success: Option<DateTime<Utc>>,
    /// The error of the last attempt, when it failed; cleared by a success.
    pub last_error: Option<String>,
    /// When the current failure streak began; `None` when the last attempt succeeded.
    pub failing_since: Option<DateTime<Utc>>,
    /// How many attempts in a row have failed; 0 after a success.
    pub consecutive_failures: u32,
    /// When the caller asked not to try again before; cleared by a success.
    pub retry_at: Option<DateTime<Utc>>,
}

/// The `source` columns a [`SourceRecord`] is read from, in [`read_record`]'s order.
const RECORD_COLUMNS: &str = "etag, last_modified, last_attempt, last_success, last_error, \
                              failing_since, consecutive_failures, retry_at";

impl Store {
    /// What the store knows about source `key`; `None` when it was never recorded.
    pub fn source(&self, key: &str) -> Result<Option<SourceRecord>, StoreError> {
        let result = (|| -> Result<Option<SourceRecord>, Failure> {
            let sql = format!("SELECT {RECORD_COLUMNS} FROM source WHERE key = ?1");
            Ok(self
                .conn
                .prepare_cached(&sql)?
                .query_row([key], read_record)
                .optional()?)
        })();
        self.context(result, || format!("reading source `{key}`"))
    }

    /// Records a successful fetch of `key` at `at`: keeps the response's validators (a
    /// missing one is forgotten) and ends any failure streak. Remember the response's
    /// articles first ([`Store::remember_articles`]): validators describe the copy the
    /// store holds, and the next `304 Not Modified` stands for it.
    pub fn record_success(
        &mut self,
        key: &str,
        etag: Option<&str>,
        last_modified: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let result = record_success(&self.conn, key, etag, last_modified, at);
        self.context(result, || format!("recording a success of source `{key}`"))
    }

    /// Records that `key` answered "not modified" (HTTP 304) at `at`: a success that
    /// keeps the validators, and ends any failure streak.
    pub fn record_unchanged(&mut self, key: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
        let result = (|| -> Result<(), Failure> {
            self.conn
                .prepare_cached(
                    "INSERT INTO source (key, last_attempt, last_success, consecutive_failures)
                     VALUES (?1, ?2, ?2, 0)
                     ON CONFLICT (key) DO UPDATE SET
                        last_attempt = excluded.last_attempt,
                        last_success = excluded.last_success,
                        last_error = NULL, failing_since = NULL, consecutive_failures = 0,
                        retry_at = NULL",
                )?
                .execute(rusqlite::params![key, to_millis(at)])?;
            Ok(())
        })();
        self.context(result, || {
            format!("recording `not modified` of source `{key}`")
        })
    }

    /// Records a failed attempt on `key` at `at`: the streak grows by one, `failing_since`
    /// is set on its first failure, `retry_at` replaces the previous one, and the
    /// validators are kept. Returns the record as it now is.
    pub fn record_failure(
        &mut self,
        key: &str,
        error: &str,
        at: DateTime<Utc>,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<SourceRecord, StoreError> {
        let result = (|| -> Result<SourceRecord, Failure> {
            let sql = format!(
                "INSERT INTO source (key, last_attempt, last_error, failing_since,
                    consecutive_failures, retry_at)
                 VALUES (?1, ?2, ?3, ?2, 1, ?4)
                 ON CONFLICT (key) DO UPDATE SET
                    last_attempt = excluded.last_attempt, last_error = excluded.last_error,
                    failing_since = coalesce(failing_since, excluded.failing_since),
                    consecutive_failures = consecutive_failures + 1,
                    retry_at = excluded.retry_at
                 RETURNING {RECORD_COLUMNS}"
            );
            Ok(self.conn.prepare_cached(&sql)?.query_row(
                rusqlite::params![key, to_millis(at), error, retry_at.map(to_millis)],
                read_record,
            )?)
        })();
        self.context(result, || format!("recording a failure of source `{key}`"))
    }
}

/// Reads the [`RECORD_COLUMNS`] of a row; a time out of range reads as `None`.
fn read_record(row: &Row<'_>) -> rusqlite::Result<SourceRecord> {
    let time = |idx: usize| -> rusqlite::Result<Option<DateTime<Utc>>> {
        Ok(row.get::<_, Option<i64>>(idx)?.and_then(from_millis))
    };
    let failures: i64 = row.get(6)?;
    Ok(SourceRecord {
        etag: row.get(0)?,
        last_modified: row.get(1)?,
        last_attempt: time(2)?,
        last_success: time(3)?,
        last_error: row.get(4)?,
        failing_since: time(5)?,
        consecutive_failures: u32::try_from(failures.max(0)).unwrap_or(u32::MAX),
        retry_at: time(7)?,
    })
}

/// [`Store::record_success`] on `conn` (a connection or a transaction).
pub(super) fn record_success(
    conn: &rusqlite::Connection,
    key: &str,
    etag: Option<&str>,
    last_modified: Option<&str>,
    at: DateTime<Utc>,
) -> Result<(), Failure> {
    conn.prepare_cached(
        "INSERT INTO source (key, etag, last_modified, last_attempt, last_success,
            consecutive_failures)
         VALUES (?1, ?2, ?3, ?4, ?4, 0)
         ON CONFLICT (key) DO UPDATE SET
            etag = excluded.etag, last_modified = excluded.last_modified,
            last_attempt = excluded.last_attempt,
            last_success = excluded.last_success,
            last_error = NULL, failing_since = NULL, consecutive_failures = 0,
            retry_at = NULL",
    )?
    .execute(rusqlite::params![key, etag, last_modified, to_millis(at)])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, hour, 0, 0).unwrap()
    }

    #[test]
    fn an_unknown_source_has_no_record() {
        let store = Store::open_in_memory().unwrap();
        assert_eq!(store.source("nope").unwrap(), None);
    }

    #[test]
    fn a_success_keeps_validators() {
        let mut store = Store::open_in_memory().unwrap();
        store
            .record_success(
                "k",
                Some("\"abc\""),
                Some("Sun, 01 Mar 2026 08:00:00 GMT"),
                at(8),
            )
            .unwrap();
        let record = store.source("k").unwrap().unwrap();
        assert_eq!(
            record,
            SourceRecord {
                etag: Some("\"abc\"".into()),
                last_modified: Some("Sun, 01 Mar 2026 08:00:00 GMT".into()),
                last_attempt: Some(at(8)),
                last_success: Some(at(8)),
                ..SourceRecord::default()
            }
        );
    }

    #[test]
    fn failures_build_a_streak_that_keeps_validators_and_a_success_ends_it() {
        let mut store = Store::open_in_memory().unwrap();
        store.record_success("k", Some("e1"), None, at(1)).unwrap();
        let first = store
            .record_failure("k", "server answered 503", at(2), Some(at(3)))
            .unwrap();
        assert_eq!(first.consecutive_failures, 1);
        assert_eq!(first.failing_since, Some(at(2)));
        assert_eq!(first.retry_at, Some(at(3)));
        let second = store.record_failure("k", "timed out", at(4), None).unwrap();
        assert_eq!(second.consecutive_failures, 2);
        assert_eq!(second.failing_since, Some(at(2)), "streak start is kept");
        assert_eq!(second.last_error.as_deref(), Some("timed out"));
        assert_eq!(second.retry_at, None);
        assert_eq!(second.etag.as_deref(), Some("e1"));
        assert_eq!(second.last_success, Some(at(1)));
        assert_eq!(second.last_attempt, Some(at(4)));
        assert_eq!(store.source("k").unwrap(), Some(second));

        store.record_success("k", None, Some("lm"), at(5)).unwrap();
        let record = store.source("k").unwrap().unwrap();
        assert_eq!(record.consecutive_failures, 0);
        assert_eq!(record.failing_since, None);
        assert_eq!(record.last_error, None);
        assert_eq!(record.retry_at, None);
        assert_eq!(
            record.etag, None,
            "a response without an ETag drops the old one"
        );
        assert_eq!(record.last_modified.as_deref(), Some("lm"));
    }

    #[test]
    fn a_first_failure_creates_the_record() {
        let mut store = Store::open_in_memory().unwrap();
        let record = store.record_failure("k", "dns", at(1), None).unwrap();
        assert_eq!(record.consecutive_failures, 1);
        assert_eq!(record.failing_since, Some(at(1)));
        assert_eq!(record.last_success, None);
    }

    #[test]
    fn not_modified_is_a_success_that_keeps_validators() {
        let mut store = Store::open_in_memory().unwrap();
        store
            .record_success("k", Some("e1"), Some("lm"), at(1))
            .unwrap();
        store
            .record_failure("k", "503", at(2), Some(at(3)))
            .unwrap();
        store.record_unchanged("k", at(4)).unwrap();
        let record = store.source("k").unwrap().unwrap();
        assert_eq!(record.etag.as_deref(), Some("e1"));
        assert_eq!(record.last_modified.as_deref(), Some("lm"));
        assert_eq!(record.last_success, Some(at(4)));
        assert_eq!(record.consecutive_failures, 0);
        assert_eq!(record.failing_since, None);
        assert_eq!(record.retry_at, None);
    }
}
