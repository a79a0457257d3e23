//! Tests of the store as a whole: files, schema checks, pruning and a full-size run.

use std::time::Instant;

use chrono::{Duration, TimeZone};
use rusqlite::Connection;

use super::*;
use crate::model::{Article, Tag, Text};

fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, 12, 0, 0).unwrap()
}

fn article(id: &str) -> Article {
    Article {
        id: id.into(),
        title: Some(Text::plain(format!("Title of {id}"))),
        link: Some(format!("https://example.com/{id}")),
        summary: Some(Text::html(format!("<p>About {id}</p>"))),
        tags: vec![Tag::new("world")],
        ..Article::default()
    }
}

#[test]
fn a_reopened_file_store_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state/nested/feedmill.sqlite");
    {
        let mut store = Store::open(&path).unwrap();
        assert_eq!(store.path(), path);
        store.record_success("k", Some("e"), None, at(1)).unwrap();
        store
            .record_failure("k", "503", at(2), Some(at(3)))
            .unwrap();
        store
            .remember_articles("k", &[article("a"), article("b")], at(1))
            .unwrap();
        store
            .save_enrichment("k", &article("a"), &article("a"), at(1))
            .unwrap();
        store.mark_emitted("out", &["a".to_owned()], at(1)).unwrap();
    }
    let mut store = Store::open(&path).unwrap();
    let record = store.source("k").unwrap().unwrap();
    assert_eq!(record.etag.as_deref(), Some("e"));
    assert_eq!(record.consecutive_failures, 1);
    assert_eq!(record.retry_at, Some(at(3)));
    let seen = store
        .remember_articles("k", &[article("b")], at(2))
        .unwrap();
    assert_eq!(seen[0].first_seen, at(1));
    assert!(!seen[0].is_new && !seen[0].changed);
    assert_eq!(store.articles_seen_since("k", at(1)).unwrap().len(), 2);
    assert_eq!(
        store.cached_enrichment("k", &article("a")).unwrap(),
        Some(article("a"))
    );
    assert_eq!(
        store.mark_emitted("out", &["a".to_owned()], at(2)).unwrap(),
        0
    );
}

/// A store as feedmill wrote it at schema version 3: a source with its last good copy,
/// an article and an enrichment keyed by SHA-256 hashes.
fn write_version_3_store(path: &std::path::Path, stored: &Article, enriched: &Article) {
    let conn = Connection::open(path).unwrap();
    conn.pragma_update(None, "application_id", schema::APPLICATION_ID)
        .unwrap();
    for sql in &schema::MIGRATIONS[..3] {
        conn.execute_batch(sql).unwrap();
    }
    conn.pragma_update(None, "user_version", 3).unwrap();
    let legacy = hash::legacy_article_hash(stored);
    let stored_json = serde_json::to_string(stored).unwrap();
    conn.execute(
        "INSERT INTO source (key, etag, last_attempt, last_success, consecutive_failures,
            last_good, last_good_at)
         VALUES ('k', 'e1', ?1, ?1, 0, ?2, ?1)",
        rusqlite::params![
            to_millis(at(1)),
            format!("{{\"articles\": [{stored_json}]}}")
        ],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO article (source_key, article_id, first_seen, last_seen, position,
            content_hash, article)
         VALUES ('k', ?1, ?2, ?2, 0, ?3, ?4)",
        rusqlite::params![stored.id, to_millis(at(1)), legacy, stored_json],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO enrichment (source_key, article_id, input_hash, enriched, saved_at)
         VALUES ('k', ?1, ?2, ?3, ?4)",
        rusqlite::params![
            stored.id,
            legacy,
            serde_json::to_string(enriched).unwrap(),
            to_millis(at(1))
        ],
    )
    .unwrap();
}

#[test]
fn an_upgraded_store_keeps_its_records_and_sees_no_article_as_changed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite");
    let stored = article("a");
    let mut enriched = stored.clone();
    enriched.content = Some(Text::html("<p>Full text</p>"));
    write_version_3_store(&path, &stored, &enriched);

    let mut store = Store::open(&path).unwrap();
    let version: i64 = store
        .conn
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .unwrap();
    assert_eq!(version, schema::SCHEMA_VERSION);
    let record = store.source("k").unwrap().unwrap();
    assert_eq!(record.etag.as_deref(), Some("e1"));
    assert_eq!(record.last_success, Some(at(1)));

    // The enrichment saved under the SHA-256 hash still hits, and is re-keyed.
    assert_eq!(
        store.cached_enrichment("k", &stored).unwrap(),
        Some(enriched.clone())
    );
    let input_hash: String = store
        .conn
        .query_row("SELECT input_hash FROM enrichment", [], |row| row.get(0))
        .unwrap();
    assert_eq!(input_hash, article_hash(&stored));
    assert_eq!(
        store.cached_enrichment("k", &stored).unwrap(),
        Some(enriched)
    );

    // The same article seen again is not changed; its hash is now the current one.
    let seen = store
        .remember_articles("k", std::slice::from_ref(&stored), at(2))
        .unwrap();
    assert_eq!(
        seen,
        vec![Seen {
            first_seen: at(1),
            is_new: false,
            changed: false
        }]
    );
    let keys = store.article_keys_seen_since("k", at(1)).unwrap();
    assert_eq!(keys[0].content_hash, article_hash(&stored));

    // An edit made while the store still held the SHA-256 hash is a change.
    drop(store);
    let path = dir.path().join("old-then-edited.sqlite");
    write_version_3_store(&path, &stored, &stored);
    let mut store = Store::open(&path).unwrap();
    let mut edited = stored.clone();
    edited.title = Some(Text::plain("Edited"));
    let seen = store
        .remember_articles("k", &[edited.clone()], at(2))
        .unwrap();
    assert!(!seen[0].is_new && seen[0].changed);
    assert_eq!(store.cached_enrichment("k", &edited).unwrap(), None);
}

#[test]
fn a_file_store_uses_wal_large_pages_and_records_its_schema_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("feedmill.sqlite");
    let store = Store::open(&path).unwrap();
    let mode: String = store
        .conn
        .query_row("PRAGMA journal_mode", [], |row| row.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let synchronous: i64 = store
        .conn
        .query_row("PRAGMA synchronous", [], |row| row.get(0))
        .unwrap();
    assert_eq!(synchronous, 1, "NORMAL");
    let version: i64 = store
        .conn
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .unwrap();
    assert_eq!(version, schema::SCHEMA_VERSION);
    let page_size = |store: &Store| -> i64 {
        (store.conn)
            .query_row("PRAGMA page_size", [], |row| row.get(0))
            .unwrap()
    };
    assert_eq!(page_size(&store), PAGE_SIZE);
    // A store made with SQLite's default pages keeps them (and works) when reopened.
    drop(store);
    let older = dir.path().join("older.sqlite");
    Connection::open(&older)
        .unwrap()
        .execute_batch("PRAGMA page_size = 4096; CREATE TABLE t (x); DROP TABLE t;")
        .unwrap();
    let mut store = Store::open(&older).unwrap();
    assert_eq!(page_size(&store), 4096);
    store
        .remember_articles("k", &[article("a")], at(1))
        .unwrap();
    assert_eq!(store.articles_seen_since("k", at(1)).unwrap().len(), 1);
}

#[test]
fn a_file_that_is_not_sqlite_is_a_clear_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, "These are notes, not a database. ".repeat(40)).unwrap();
    let error = Store::open(&path).unwrap_err();
    assert!(matches!(error, StoreError::NotAStore { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.starts_with("opening store `"), "{message}");
    assert!(message.contains("notes.txt"), "{message}");
    assert!(message.contains("not an SQLite database"), "{message}");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.starts_with("These are notes"),
        "the file is left alone"
    );
}

#[test]
fn another_programs_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.sqlite");
    let other = Connection::open(&path).unwrap();
    other
        .execute_batch("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('x');")
        .unwrap();
    drop(other);
    let error = Store::open(&path).unwrap_err();
    assert!(matches!(error, StoreError::NotAStore { .. }), "{error:?}");
    assert!(error.to_string().contains("other.sqlite"), "{error}");
}

#[test]
fn a_newer_schema_is_refused_with_both_versions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("feedmill.sqlite");
    drop(Store::open(&path).unwrap());
    let newer = schema::SCHEMA_VERSION + 1;
    Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", newer)
        .unwrap();
    let error = Store::open(&path).unwrap_err();
    assert!(
        matches!(error, StoreError::TooNew { found, .. } if found == newer),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains("feedmill.sqlite"), "{message}");
    assert!(
        message.contains(&format!("schema version {newer}")),
        "{message}"
    );
}

#[test]
fn errors_name_the_store_and_the_action() {
    let mut store = Store::open_in_memory().unwrap();
    store.conn.execute_batch("DROP TABLE article").unwrap();
    let error = store
        .remember_articles("world/a", &[article("a")], at(1))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "remembering articles of source `world/a` in store `:memory:`"
    );
}

#[test]
fn prune_forgets_old_articles_enrichments_and_emitted_marks() {
    let mut store = Store::open_in_memory().unwrap();
    store
        .remember_articles("k", &[article("old"), article("kept")], at(1))
        .unwrap();
    store
        .remember_articles("k", &[article("kept")], at(10))
        .unwrap();
    store
        .save_enrichment("k", &article("old"), &article("old"), at(1))
        .unwrap();
    store
        .save_enrichment("k", &article("kept"), &article("kept"), at(1))
        .unwrap();
    store
        .mark_emitted("out", &["old".to_owned(), "kept".to_owned()], at(1))
        .unwrap();
    store
        .mark_emitted("out", &["kept".to_owned()], at(10))
        .unwrap();

    assert_eq!(store.prune(at(5)).unwrap(), 1);
    let left = store.articles_seen_since("k", at(1)).unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].article.id, "kept");
    assert_eq!(store.cached_enrichment("k", &article("old")).unwrap(), None);
    assert!(
        store
            .cached_enrichment("k", &article("kept"))
            .unwrap()
            .is_some(),
        "an old result for an article still seen stays cached"
    );
    let n_new = store
        .mark_emitted("out", &["old".to_owned(), "kept".to_owned()], at(11))
        .unwrap();
    assert_eq!(n_new, 1, "only the pruned mark is new");
    assert_eq!(store.prune(at(5)).unwrap(), 0);
}

/// A small run of [`run_many_sources`], in every `cargo test`.
#[test]
fn forty_sources_of_fifty_articles_remember_and_read_back() {
    run_many_sources(40, 50);
}

/// The full-size run the build benchmark uses: 1,000 sources of 50 articles. Slow in a
/// debug build (about half a minute), so it runs on request:
/// `cargo test --release --lib store::tests::thousand -- --ignored --nocapture`.
#[test]
#[ignore = "full size: run in release with --ignored --nocapture to see the times"]
fn thousand_sources_of_fifty_articles_remember_and_read_back() {
    run_many_sources(1_000, 50);
}

/// A cold run, a warm run where a tenth of the articles changed, and reading everything
/// back, from a file store. Checks results only; prints the times.
fn run_many_sources(n_sources: usize, n_articles: usize) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("feedmill.sqlite")).unwrap();
    let listing = |source_idx: usize, edition: &str| -> Vec<Article> {
        (0..n_articles)
            .map(|article_idx| {
                let mut article = article(&format!("s{source_idx}-a{article_idx}"));
                if article_idx % 10 == 0 {
                    article.content = Some(Text::html(format!("<p>{edition}</p>")));
                }
                article
            })
            .collect()
    };
    let keys: Vec<String> = (0..n_sources)
        .map(|idx| format!("group/source-{idx}"))
        .collect();

    let cold = Instant::now();
    for (source_idx, key) in keys.iter().enumerate() {
        let seen = store
            .remember_articles(key, &listing(source_idx, "first"), at(1))
            .unwrap();
        assert!(seen.iter().all(|s| s.is_new));
    }
    let cold = cold.elapsed();

    let warm = Instant::now();
    let mut n_changed = 0;
    for (source_idx, key) in keys.iter().enumerate() {
        let seen = store
            .remember_articles(key, &listing(source_idx, "second"), at(2))
            .unwrap();
        assert!(seen.iter().all(|s| !s.is_new && s.first_seen == at(1)));
        n_changed += seen.iter().filter(|s| s.changed).count();
    }
    let warm = warm.elapsed();
    assert_eq!(n_changed, n_sources * n_articles / 10);

    let read = Instant::now();
    let mut n_read = 0;
    for key in &keys {
        let stored = store
            .articles_seen_since(key, at(2) - Duration::days(30))
            .unwrap();
        assert_eq!(stored.len(), n_articles);
        assert_eq!(stored[0].last_seen, at(2));
        n_read += stored.len();
    }
    let read = read.elapsed();
    assert_eq!(n_read, n_sources * n_articles);
    assert_eq!(store.skipped_count(), 0);
    eprintln!(
        "store: {n_sources} sources x {n_articles} articles: \
         cold remember {cold:?}, warm remember {warm:?}, read {read:?}"
    );
}

#[test]
fn a_response_s_articles_and_validators_are_stored_together() {
    let mut store = Store::open_in_memory().unwrap();
    let encoded = EncodedArticles::new(vec![article("a"), article("b"), article("a")]);
    let seen = store
        .remember_response("k", &encoded, Some("\"v1\""), None, at(1))
        .unwrap();
    // A repeated id is new only the first time, on a source never seen before too.
    let new: Vec<bool> = seen.iter().map(|seen| seen.is_new).collect();
    assert_eq!(new, [true, true, false]);
    let record = store.source("k").unwrap().unwrap();
    assert_eq!(record.etag.as_deref(), Some("\"v1\""));
    assert_eq!(record.last_success, Some(at(1)));
    assert_eq!(store.articles_seen_since("k", at(1)).unwrap().len(), 2);
    // The next response: known articles are not new, and keep their first sighting.
    let seen = store
        .remember_response(
            "k",
            &EncodedArticles::new(vec![article("b")]),
            None,
            None,
            at(2),
        )
        .unwrap();
    assert_eq!(seen[0].first_seen, at(1));
    assert!(!seen[0].is_new);
    assert_eq!(store.source("k").unwrap().unwrap().etag, None);
}
