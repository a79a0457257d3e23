//! Per-article history of a source: when each article was first and last seen, and its
//! content hash.

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;

use super::error::Failure;
use super::hash::same_content;
use super::sources::record_success;
use super::{RowKind, Store, StoreError, article_hash, from_millis, to_millis};
use crate::model::Article;

/// Articles made ready to store: each one's [`article_hash`] and JSON text, computed
/// without the store, so a caller sharing the store behind a lock can do this work
/// before taking it ([`Store::remember_encoded`] then only writes).
#[derive(Debug)]
pub struct EncodedArticles<'a> {
    articles: Cow<'a, [Article]>,
    hashes: Vec<String>,
    /// The JSON of each article, or the first encoding failure, reported by the store
    /// (which names itself and the source) when the articles are remembered.
    json: Result<Vec<String>, serde_json::Error>,
}

impl<'a> EncodedArticles<'a> {
    /// Hashes and encodes `articles` (borrowed or owned).
    pub fn new(articles: impl Into<Cow<'a, [Article]>>) -> EncodedArticles<'a> {
        let articles = articles.into();
        let hashes = articles.iter().map(article_hash).collect();
        let json = articles.iter().map(serde_json::to_string).collect();
        EncodedArticles {
            articles,
            hashes,
            json,
        }
    }

    /// The articles, in the order given.
    pub fn articles(&self) -> &[Article] {
        &self.articles
    }

    /// The articles, given back once they are stored (their JSON dropped).
    pub fn into_articles(self) -> Vec<Article> {
        self.articles.into_owned()
    }
}

/// What the store knew about one article passed to [`Store::remember_articles`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    /// When the article was first seen: kept from the first run that saw it; the run's
    /// time for a new article.
    pub first_seen: DateTime<Utc>,
    /// True when the source had never shown this article id before.
    pub is_new: bool,
    /// True when the article was seen before with another [`article_hash`]; false for a
    /// new article.
    pub changed: bool,
}

/// An article as remembered, with its history.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredArticle {
    /// The article as it was last seen.
    pub article: Article,
    /// When it was first seen.
    pub first_seen: DateTime<Utc>,
    /// When it was last seen.
    pub last_seen: DateTime<Utc>,
    /// Its [`article_hash`] as last seen.
    pub content_hash: String,
}

impl Store {
    /// Remembers that source `key` showed `articles` at `at`, in one transaction:
    /// each article (by its id) keeps its first-seen time, gets `at` as last seen, its
    /// current hash, its place in `articles` and its current value. Returns one [`Seen`]
    /// per article, in order. An id repeated in `articles` is stored once (the last
    /// copy wins) and is not new the second time.
    pub fn remember_articles(
        &mut self,
        key: &str,
        articles: &[Article],
        at: DateTime<Utc>,
    ) -> Result<Vec<Seen>, StoreError> {
        self.remember_encoded(key, &EncodedArticles::new(articles), at)
    }

    /// [`Store::remember_articles`] for articles already hashed and encoded.
    ///
    /// A stored hash that an older feedmill wrote (SHA-256) counts as unchanged when it
    /// describes the same content; the current hash replaces it.
    pub fn remember_encoded(
        &mut self,
        key: &str,
        encoded: &EncodedArticles<'_>,
        at: DateTime<Utc>,
    ) -> Result<Vec<Seen>, StoreError> {
        let result = (|| -> Result<Vec<Seen>, Failure> {
            let tx = self.write_transaction()?;
            let seen = remember_rows(&tx, key, encoded, at)?;
            tx.commit()?;
            Ok(seen)
        })();
        self.context(result, || format!("remembering articles of source `{key}`"))
    }

    /// A source's response as one transaction: [`Store::remember_encoded`] of its
    /// articles, then [`Store::record_success`] with its validators, so the validators
    /// are never stored without the articles they describe (a later `304 Not Modified`
    /// stands for those).
    pub fn remember_response(
        &mut self,
        key: &str,
        encoded: &EncodedArticles<'_>,
        etag: Option<&str>,
        last_modified: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<Vec<Seen>, StoreError> {
        let result = (|| -> Result<Vec<Seen>, Failure> {
            let tx = self.write_transaction()?;
            let seen = remember_rows(&tx, key, encoded, at)?;
            record_success(&tx, key, etag, last_modified, at)?;
            tx.commit()?;
            Ok(seen)
        })();
        self.context(result, || {
            format!("remembering the response of source `{key}`")
        })
    }

    /// The articles of source `key` last seen at or after `since`: most recently seen
    /// first, and those seen in the same run in the order that run listed them. Rows
    /// that cannot be read back are left out and counted in [`Store::take_skipped`].
    pub fn articles_seen_since(
        &self,
        key: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<StoredArticle>, StoreError> {
        let result = (|| -> Result<Vec<StoredArticle>, Failure> {
            let mut select = self.conn.prepare_cached(
                "SELECT article_id, article, first_seen, last_seen, content_hash FROM article
                 WHERE source_key = ?1 AND last_seen >= ?2
                 ORDER BY last_seen DESC, position ASC",
            )?;
            let mut rows = select.query(rusqlite::params![key, to_millis(since)])?;
            let mut stored = Vec::new();
            while let Some(row) = rows.next()? {
                let id: String = row.get(0)?;
                let json: String = row.get(1)?;
                let (first_seen, last_seen): (i64, i64) = (row.get(2)?, row.get(3)?);
                let article = match serde_json::from_str::<Article>(&json) {
                    Ok(article) => article,
                    Err(error) => {
                        self.skip(RowKind::Article, key, Some(&id), error.to_string());
                        continue;
                    }
                };
                let (Some(first_seen), Some(last_seen)) =
                    (from_millis(first_seen), from_millis(last_seen))
                else {
                    let reason = format!("time out of range ({first_seen}, {last_seen})");
                    self.skip(RowKind::Article, key, Some(&id), reason);
                    continue;
                };
                stored.push(StoredArticle {
                    article,
                    first_seen,
                    last_seen,
                    content_hash: row.get(4)?,
                });
            }
            Ok(stored)
        })();
        self.context(result, || format!("reading articles of source `{key}`"))
    }
}

/// Writes the rows of [`Store::remember_encoded`] in `tx`.
fn remember_rows(
    tx: &rusqlite::Transaction<'_>,
    key: &str,
    encoded: &EncodedArticles<'_>,
    at: DateTime<Utc>,
) -> Result<Vec<Seen>, Failure> {
    let EncodedArticles {
        articles,
        hashes,
        json,
    } = encoded;
    let json = json.as_ref().map_err(|error| {
        // serde_json errors are not Clone: the message is kept, by its category.
        serde_json::Error::io(std::io::Error::other(error.to_string()))
    })?;
    let at_millis = to_millis(at);
    let mut seen = Vec::with_capacity(json.len());
    // A source seen for the first time has no row to look up.
    let known: bool = tx
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM article WHERE source_key = ?1)")?
        .query_row([key], |row| row.get(0))?;
    let mut select = tx.prepare_cached(
        "SELECT first_seen, content_hash FROM article
         WHERE source_key = ?1 AND article_id = ?2",
    )?;
    let mut upsert = tx.prepare_cached(
        "INSERT INTO article (source_key, article_id, first_seen, last_seen,
            position, content_hash, article)
         VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6)
         ON CONFLICT (source_key, article_id) DO UPDATE SET
            last_seen = excluded.last_seen, position = excluded.position,
            content_hash = excluded.content_hash, article = excluded.article",
    )?;
    let mut first_copies = std::collections::HashSet::new();
    let rows = articles.iter().zip(hashes).zip(json);
    for (position, ((article, hash), json)) in rows.enumerate() {
        // Without older rows, only an id repeated in this call was seen before.
        let look_up = known || !first_copies.insert(article.id.as_str());
        let before = if look_up {
            select
                .query_row([key, article.id.as_str()], |row| {
                    Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
                })
                .optional()?
        } else {
            None
        };
        seen.push(match &before {
            None => Seen {
                first_seen: at,
                is_new: true,
                changed: false,
            },
            Some((first_seen, old_hash)) => Seen {
                first_seen: from_millis(*first_seen).unwrap_or(at),
                is_new: false,
                changed: !same_content(old_hash, hash, article),
            },
        });
        let position = i64::try_from(position).unwrap_or(i64::MAX);
        upsert.execute(rusqlite::params![
            key, article.id, at_millis, position, hash, json
        ])?;
    }
    Ok(seen)
}

/// A stored article without its value: enough to tell one stored version of a source's
/// articles from another, read without decoding any article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleKey {
    /// The article's id.
    pub id: String,
    /// When it was first seen, in unix milliseconds.
    pub first_seen: i64,
    /// When it was last seen, in unix milliseconds: every [`Store::remember_articles`]
    /// call that stores a new value sets it.
    pub last_seen: i64,
    /// Its place in the listing it was last seen in.
    pub position: i64,
    /// Its [`article_hash`] as last seen.
    pub content_hash: String,
}

impl Store {
    /// The keys of the articles [`Store::articles_seen_since`] gives for the same `key`
    /// and `since`, in the same order (rows it would skip as unreadable included).
    pub fn article_keys_seen_since(
        &self,
        key: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<ArticleKey>, StoreError> {
        let result = (|| -> Result<Vec<ArticleKey>, Failure> {
            let mut select = self.conn.prepare_cached(
                "SELECT article_id, first_seen, last_seen, position, content_hash FROM article
                 WHERE source_key = ?1 AND last_seen >= ?2
                 ORDER BY last_seen DESC, position ASC",
            )?;
            let keys = select
                .query_map(rusqlite::params![key, to_millis(since)], |row| {
                    Ok(ArticleKey {
                        id: row.get(0)?,
                        first_seen: row.get(1)?,
                        last_seen: row.get(2)?,
                        position: row.get(3)?,
                        content_hash: row.get(4)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(keys)
        })();
        self.context(result, || format!("reading article keys of source `{key}`"))
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::model::Text;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, day, 12, 0, 0).unwrap()
    }

    fn article(id: &str, title: &str) -> Article {
        Article {
            id: id.into(),
            title: Some(Text::plain(title)),
            link: Some(format!("https://example.com/{id}")),
            ..Article::default()
        }
    }

    #[test]
    fn first_seen_is_kept_across_runs_and_flags_say_new_and_changed() {
        let mut store = Store::open_in_memory().unwrap();
        let seen = store
            .remember_articles("k", &[article("a", "A"), article("b", "B")], at(1))
            .unwrap();
        assert_eq!(
            seen,
            vec![
                Seen {
                    first_seen: at(1),
                    is_new: true,
                    changed: false
                },
                Seen {
                    first_seen: at(1),
                    is_new: true,
                    changed: false
                },
            ]
        );
        let seen = store
            .remember_articles(
                "k",
                &[
                    article("c", "C"),
                    article("a", "A"),
                    article("b", "B edited"),
                ],
                at(2),
            )
            .unwrap();
        assert_eq!(
            seen,
            vec![
                Seen {
                    first_seen: at(2),
                    is_new: true,
                    changed: false
                },
                Seen {
                    first_seen: at(1),
                    is_new: false,
                    changed: false
                },
                Seen {
                    first_seen: at(1),
                    is_new: false,
                    changed: true
                },
            ]
        );
        let stored = store.articles_seen_since("k", at(1)).unwrap();
        let b = stored.iter().find(|s| s.article.id == "b").unwrap();
        assert_eq!(
            b.article.title,
            Some(Text::plain("B edited")),
            "value replaced"
        );
        assert_eq!((b.first_seen, b.last_seen), (at(1), at(2)));
        assert_eq!(b.content_hash, article_hash(&article("b", "B edited")));
    }

    #[test]
    fn sources_do_not_share_articles() {
        let mut store = Store::open_in_memory().unwrap();
        store
            .remember_articles("one", &[article("a", "A")], at(1))
            .unwrap();
        let seen = store
            .remember_articles("two", &[article("a", "A")], at(2))
            .unwrap();
        assert!(seen[0].is_new);
        assert_eq!(store.articles_seen_since("one", at(1)).unwrap().len(), 1);
        assert_eq!(store.articles_seen_since("three", at(1)).unwrap(), vec![]);
    }

    #[test]
    fn articles_that_scroll_off_stay_within_the_retention_window() {
        let mut store = Store::open_in_memory().unwrap();
        store
            .remember_articles("k", &[article("old", "Old"), article("mid", "Mid")], at(1))
            .unwrap();
        store
            .remember_articles("k", &[article("mid", "Mid"), article("x", "X")], at(5))
            .unwrap();
        store
            .remember_articles("k", &[article("new", "New"), article("x", "X")], at(9))
            .unwrap();
        let ids = |since| -> Vec<String> {
            store
                .articles_seen_since("k", since)
                .unwrap()
                .into_iter()
                .map(|s| s.article.id)
                .collect()
        };
        assert_eq!(ids(at(9)), ["new", "x"], "same run: listing order");
        assert_eq!(ids(at(3)), ["new", "x", "mid"], "newest last_seen first");
        assert_eq!(ids(at(1)), ["new", "x", "mid", "old"]);
        assert_eq!(ids(at(10)), Vec::<String>::new());
    }

    #[test]
    fn a_repeated_id_in_one_call_is_stored_once() {
        let mut store = Store::open_in_memory().unwrap();
        let seen = store
            .remember_articles("k", &[article("a", "First"), article("a", "Second")], at(1))
            .unwrap();
        assert!(seen[0].is_new);
        assert!(!seen[1].is_new && seen[1].changed);
        let stored = store.articles_seen_since("k", at(1)).unwrap();
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].article.title, Some(Text::plain("Second")));
    }

    #[test]
    fn a_damaged_article_row_is_skipped_and_counted() {
        let mut store = Store::open_in_memory().unwrap();
        store
            .remember_articles("k", &[article("a", "A"), article("b", "B")], at(1))
            .unwrap();
        store
            .conn
            .execute(
                "UPDATE article SET article = '[1, 2' WHERE article_id = 'a'",
                [],
            )
            .unwrap();
        let stored = store.articles_seen_since("k", at(1)).unwrap();
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].article.id, "b");
        let skipped = store.take_skipped();
        assert_eq!(skipped.len(), 1);
        assert_eq!(skipped[0].kind, RowKind::Article);
        assert_eq!(skipped[0].article_id.as_deref(), Some("a"));
        // The next run overwrites the damaged row.
        store
            .remember_articles("k", &[article("a", "A")], at(2))
            .unwrap();
        assert_eq!(store.articles_seen_since("k", at(1)).unwrap().len(), 2);
        assert_eq!(store.skipped_count(), 0);
    }

    #[test]
    fn a_row_with_an_impossible_time_is_skipped() {
        let mut store = Store::open_in_memory().unwrap();
        store
            .remember_articles("k", &[article("a", "A")], at(1))
            .unwrap();
        store
            .conn
            .execute("UPDATE article SET first_seen = 9223372036854775807", [])
            .unwrap();
        assert_eq!(store.articles_seen_since("k", at(1)).unwrap(), vec![]);
        assert_eq!(store.skipped_count(), 1);
    }
}
