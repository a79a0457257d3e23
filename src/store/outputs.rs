//! Which articles each output has emitted, so a build can say how many are new there,
//! and the articles themselves as emitted, for archive pages.

use chrono::{DateTime, Utc};

use super::error::Failure;
use super::{RowKind, Store, StoreError, from_millis, to_millis};
use crate::model::Article;

/// An article an output emitted, as it last emitted it.
#[derive(Debug, Clone, PartialEq)]
pub struct EmittedArticle {
    /// The article.
    pub article: Article,
    /// When the output first emitted it.
    pub first_emitted: DateTime<Utc>,
}

impl Store {
    /// Marks `article_ids` as emitted by `output` (a caller-chosen name) at `at`, in one
    /// transaction, and returns how many of them `output` had never emitted before. An id
    /// repeated in `article_ids` counts once.
    pub fn mark_emitted(
        &mut self,
        output: &str,
        article_ids: &[String],
        at: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let result = (|| -> Result<usize, Failure> {
            let at_millis = to_millis(at);
            let tx = self.write_transaction()?;
            let mut n_new = 0;
            {
                let mut insert = tx.prepare_cached(
                    "INSERT OR IGNORE INTO emitted (output, article_id, first_emitted,
                        last_emitted)
                     VALUES (?1, ?2, ?3, ?3)",
                )?;
                let mut renew = tx.prepare_cached(
                    "UPDATE emitted SET last_emitted = ?3 WHERE output = ?1 AND article_id = ?2",
                )?;
                for id in article_ids {
                    let params = rusqlite::params![output, id, at_millis];
                    if insert.execute(params)? == 1 {
                        n_new += 1;
                    } else {
                        renew.execute(params)?;
                    }
                }
            }
            tx.commit()?;
            Ok(n_new)
        })();
        self.context(result, || {
            format!("marking articles emitted by output `{output}`")
        })
    }
}

impl Store {
    /// Like [`Store::mark_emitted`], and keeps each article as emitted (replacing an
    /// earlier copy), so [`Store::emitted_articles`] can page through everything an
    /// output carried. Returns how many `output` had never emitted before.
    pub fn remember_emitted(
        &mut self,
        output: &str,
        articles: &[Article],
        at: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let ids: Vec<String> = articles.iter().map(|article| article.id.clone()).collect();
        let n_new = self.mark_emitted(output, &ids, at)?;
        let result = (|| -> Result<(), Failure> {
            let at_millis = to_millis(at);
            let tx = self.write_transaction()?;
            {
                let mut upsert = tx.prepare_cached(
                    "INSERT INTO emitted_article (output, article_id, first_emitted, article)
                     VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (output, article_id) DO UPDATE SET article = excluded.article",
                )?;
                for article in articles {
                    let json = serde_json::to_string(article)?;
                    upsert.execute(rusqlite::params![output, article.id, at_millis, json])?;
                }
            }
            tx.commit()?;
            Ok(())
        })();
        self.context(result, || {
            format!("keeping the articles emitted by output `{output}`")
        })?;
        Ok(n_new)
    }

    /// Every article `output` emitted that the store still keeps, oldest first (by when
    /// it was first emitted, then id). Unreadable rows are skipped and counted.
    pub fn emitted_articles(&self, output: &str) -> Result<Vec<EmittedArticle>, StoreError> {
        let result = (|| -> Result<Vec<EmittedArticle>, Failure> {
            let mut select = self.conn.prepare_cached(
                "SELECT article_id, article, first_emitted FROM emitted_article
                 WHERE output = ?1 ORDER BY first_emitted ASC, article_id ASC",
            )?;
            let mut rows = select.query([output])?;
            let mut found = Vec::new();
            while let Some(row) = rows.next()? {
                let id: String = row.get(0)?;
                let json: String = row.get(1)?;
                let millis: i64 = row.get(2)?;
                let article = match serde_json::from_str::<Article>(&json) {
                    Ok(article) => article,
                    Err(error) => {
                        self.skip(RowKind::Article, output, Some(&id), error.to_string());
                        continue;
                    }
                };
                let Some(first_emitted) = from_millis(millis) else {
                    self.skip(
                        RowKind::Article,
                        output,
                        Some(&id),
                        format!("time out of range ({millis})"),
                    );
                    continue;
                };
                found.push(EmittedArticle {
                    article,
                    first_emitted,
                });
            }
            Ok(found)
        })();
        self.context(result, || {
            format!("reading the articles emitted by output `{output}`")
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn ids(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|id| id.to_string()).collect()
    }

    #[test]
    fn only_ids_an_output_never_emitted_count_as_new() {
        let mut store = Store::open_in_memory().unwrap();
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
        assert_eq!(
            store
                .mark_emitted("world.xml", &ids(&["a", "b"]), at)
                .unwrap(),
            2
        );
        assert_eq!(
            store
                .mark_emitted("world.xml", &ids(&["b", "c", "c"]), at)
                .unwrap(),
            1
        );
        assert_eq!(
            store.mark_emitted("other.json", &ids(&["a"]), at).unwrap(),
            1
        );
        assert_eq!(store.mark_emitted("world.xml", &[], at).unwrap(), 0);
    }

    #[test]
    fn emitted_articles_come_back_oldest_first_with_their_latest_copy() {
        let mut store = Store::open_in_memory().expect("store");
        let at = |hour| {
            Utc.with_ymd_and_hms(2026, 11, 20, hour, 0, 0)
                .single()
                .expect("valid")
        };
        let article = |id: &str, title: &str| Article {
            id: id.to_owned(),
            title: Some(crate::model::Text::plain(title)),
            ..Article::default()
        };
        assert_eq!(
            store
                .remember_emitted("world", &[article("b", "B"), article("a", "A")], at(1))
                .expect("kept"),
            2
        );
        assert_eq!(
            store
                .remember_emitted(
                    "world",
                    &[article("a", "A, updated"), article("c", "C")],
                    at(2)
                )
                .expect("kept"),
            1
        );
        store
            .remember_emitted("other", &[article("z", "Z")], at(1))
            .expect("kept");
        let emitted = store.emitted_articles("world").expect("read");
        let ids: Vec<&str> = emitted.iter().map(|e| e.article.id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "c"]);
        assert_eq!(
            emitted[0].article.title.as_ref().map(|t| t.value.as_str()),
            Some("A, updated")
        );
        assert_eq!(emitted[0].first_emitted, at(1));
        assert_eq!(emitted[2].first_emitted, at(2));
        // Pruned with their emitted marks.
        store.prune(at(2)).expect("pruned");
        let kept: Vec<String> = store
            .emitted_articles("world")
            .expect("read")
            .into_iter()
            .map(|e| e.article.id)
            .collect();
        assert_eq!(kept, ["a", "c"]);
    }
}
