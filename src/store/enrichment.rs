//! Cached enrichment results: an article as enriched from its page, kept while the
//! article it was made from stays the same.

use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;

use super::error::Failure;
use super::hash::same_content;
use super::{RowKind, Store, StoreError, article_hash, to_millis};
use crate::model::Article;

impl Store {
    /// The enriched article saved for `original` (by its id) of source `key`, if it was
    /// made from an article with the same [`article_hash`] as `original`; `None`
    /// otherwise (a cache miss). A saved result that cannot be read back is a miss and is
    /// counted in [`Store::take_skipped`]. A hit on a hash an older feedmill saved
    /// (SHA-256) is a hit, and the current hash replaces it.
    pub fn cached_enrichment(
        &self,
        key: &str,
        original: &Article,
    ) -> Result<Option<Article>, StoreError> {
        let article_id = original.id.as_str();
        let hash = article_hash(original);
        let result = (|| -> Result<Option<String>, Failure> {
            let saved = self
                .conn
                .prepare_cached(
                    "SELECT input_hash, enriched FROM enrichment
                     WHERE source_key = ?1 AND article_id = ?2",
                )?
                .query_row([key, article_id], |row| {
                    Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
                })
                .optional()?;
            let Some((input_hash, json)) = saved else {
                return Ok(None);
            };
            if input_hash == hash {
                return Ok(Some(json));
            }
            if !same_content(&input_hash, &hash, original) {
                return Ok(None);
            }
            self.conn
                .prepare_cached(
                    "UPDATE enrichment SET input_hash = ?3
                     WHERE source_key = ?1 AND article_id = ?2",
                )?
                .execute([key, article_id, hash.as_str()])?;
            Ok(Some(json))
        })();
        let action = || format!("reading the enrichment of `{article_id}` of source `{key}`");
        let Some(json) = self.context(result, action)? else {
            return Ok(None);
        };
        match serde_json::from_str(&json) {
            Ok(article) => Ok(Some(article)),
            Err(error) => {
                self.skip(
                    RowKind::Enrichment,
                    key,
                    Some(article_id),
                    error.to_string(),
                );
                Ok(None)
            }
        }
    }

    /// Saves `enriched` as the enrichment of `original` (by its id) of source `key`,
    /// made at `at`, keyed by the [`article_hash`] of `original`. It replaces any earlier
    /// result for that article.
    pub fn save_enrichment(
        &mut self,
        key: &str,
        original: &Article,
        enriched: &Article,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let article_id = original.id.as_str();
        let result = (|| -> Result<(), Failure> {
            let json = serde_json::to_string(enriched)?;
            self.conn
                .prepare_cached(
                    "INSERT INTO enrichment (source_key, article_id, input_hash, enriched,
                        saved_at)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (source_key, article_id) DO UPDATE SET
                        input_hash = excluded.input_hash, enriched = excluded.enriched,
                        saved_at = excluded.saved_at",
                )?
                .execute(rusqlite::params![
                    key,
                    article_id,
                    article_hash(original),
                    json,
                    to_millis(at)
                ])?;
            Ok(())
        })();
        self.context(result, || {
            format!("saving the enrichment of `{article_id}` of source `{key}`")
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::model::{Tag, Text};

    fn plain(id: &str) -> Article {
        Article {
            id: id.into(),
            title: Some(Text::plain("A")),
            ..Article::default()
        }
    }

    #[test]
    fn the_cache_hits_only_when_the_input_hash_matches() {
        let mut store = Store::open_in_memory().unwrap();
        let plain = plain("a");
        let mut enriched = plain.clone();
        enriched.tags.push(Tag::new("politics"));
        enriched.content = Some(Text::html("<p>Full text</p>"));
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
        assert_eq!(store.cached_enrichment("k", &plain).unwrap(), None);
        store.save_enrichment("k", &plain, &enriched, at).unwrap();
        assert_eq!(
            store.cached_enrichment("k", &plain).unwrap(),
            Some(enriched.clone())
        );
        let mut edited = plain.clone();
        edited.title = Some(Text::plain("A, edited"));
        assert_eq!(store.cached_enrichment("k", &edited).unwrap(), None);
        assert_eq!(store.cached_enrichment("other", &plain).unwrap(), None);
        let mut other_id = plain.clone();
        other_id.id = "b".into();
        assert_eq!(store.cached_enrichment("k", &other_id).unwrap(), None);
        // A new result for the edited article replaces the old one.
        store.save_enrichment("k", &edited, &edited, at).unwrap();
        assert_eq!(store.cached_enrichment("k", &plain).unwrap(), None);
    }

    #[test]
    fn a_damaged_enrichment_is_a_counted_miss() {
        let mut store = Store::open_in_memory().unwrap();
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
        store
            .save_enrichment("k", &plain("a"), &Article::default(), at)
            .unwrap();
        store
            .conn
            .execute("UPDATE enrichment SET enriched = 'null'", [])
            .unwrap();
        assert_eq!(store.cached_enrichment("k", &plain("a")).unwrap(), None);
        assert_eq!(store.take_skipped()[0].kind, RowKind::Enrichment);
    }
}
