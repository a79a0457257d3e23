//! Cached enrichment results: an article as enriched from its page, kept while the
//! article it was made from stays the same.

use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;

use super::error::Failure;
use super::{RowKind, Store, StoreError, to_millis};
use crate::model::Article;

impl Store {
    /// The enriched article saved for `article_id` of source `key`, if it was made from
    /// an article whose [`article_hash`](super::article_hash) was `input_hash`; `None`
    /// otherwise (a cache miss). A saved result that cannot be read back is a miss and is
    /// counted in [`Store::take_skipped`].
    pub fn cached_enrichment(
        &self,
        key: &str,
        article_id: &str,
        input_hash: &str,
    ) -> Result<Option<Article>, StoreError> {
        let result = (|| -> Result<Option<String>, Failure> {
            Ok(self
                .conn
                .prepare_cached(
                    "SELECT enriched FROM enrichment
                     WHERE source_key = ?1 AND article_id = ?2 AND input_hash = ?3",
                )?
                .query_row([key, article_id, input_hash], |row| row.get(0))
                .optional()?)
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

    /// Saves `enriched` as the enrichment of `article_id` of source `key`, made at `at`
    /// from an article whose [`article_hash`](super::article_hash) is `input_hash`. It
    /// replaces any earlier result for that article.
    pub fn save_enrichment(
        &mut self,
        key: &str,
        article_id: &str,
        input_hash: &str,
        enriched: &Article,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
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
                    input_hash,
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
    use crate::store::article_hash;

    #[test]
    fn the_cache_hits_only_when_the_input_hash_matches() {
        let mut store = Store::open_in_memory().unwrap();
        let plain = Article {
            id: "a".into(),
            title: Some(Text::plain("A")),
            ..Article::default()
        };
        let mut enriched = plain.clone();
        enriched.tags.push(Tag::new("politics"));
        enriched.content = Some(Text::html("<p>Full text</p>"));
        let input_hash = article_hash(&plain);
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
        assert_eq!(
            store.cached_enrichment("k", "a", &input_hash).unwrap(),
            None
        );
        store
            .save_enrichment("k", "a", &input_hash, &enriched, at)
            .unwrap();
        assert_eq!(
            store.cached_enrichment("k", "a", &input_hash).unwrap(),
            Some(enriched.clone())
        );
        let mut edited = plain.clone();
        edited.title = Some(Text::plain("A, edited"));
        assert_eq!(
            store
                .cached_enrichment("k", "a", &article_hash(&edited))
                .unwrap(),
            None
        );
        assert_eq!(
            store.cached_enrichment("other", "a", &input_hash).unwrap(),
            None
        );
        assert_eq!(
            store.cached_enrichment("k", "b", &input_hash).unwrap(),
            None
        );
        // A new result for the edited article replaces the old one.
        store
            .save_enrichment("k", "a", &article_hash(&edited), &edited, at)
            .unwrap();
        assert_eq!(
            store.cached_enrichment("k", "a", &input_hash).unwrap(),
            None
        );
    }

    #[test]
    fn a_damaged_enrichment_is_a_counted_miss() {
        let mut store = Store::open_in_memory().unwrap();
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
        store
            .save_enrichment("k", "a", "h", &Article::default(), at)
            .unwrap();
        store
            .conn
            .execute("UPDATE enrichment SET enriched = 'null'", [])
            .unwrap();
        assert_eq!(store.cached_enrichment("k", "a", "h").unwrap(), None);
        assert_eq!(store.take_skipped()[0].kind, RowKind::Enrichment);
    }
}
