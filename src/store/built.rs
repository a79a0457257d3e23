//! What each output was last built from and gave: a fingerprint of its inputs, the
//! articles it emitted and the files it wrote, so a run whose inputs did not change can
//! reuse the output instead of merging and writing it again.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;

use super::error::Failure;
use super::{RowKind, Store, StoreError, to_millis};
use crate::model::Article;

/// An output as its last build left it.
#[derive(Debug, Clone, PartialEq)]
pub struct BuiltOutput {
    /// The caller's fingerprint of everything the output was built from.
    pub fingerprint: String,
    /// The articles it carried, in order.
    pub articles: Vec<Article>,
    /// The files it wrote, each with the caller's stamp of what it wrote (a hash, or a
    /// length and modification time).
    pub files: Vec<(PathBuf, String)>,
}

/// The stored form of [`BuiltOutput::files`]: paths as text.
#[derive(serde::Serialize, serde::Deserialize)]
struct StoredFile {
    path: String,
    stamp: String,
}

impl Store {
    /// What output `output` was last built from, as given to [`Store::remember_built`];
    /// `None` when it never was, was forgotten, or its row cannot be read back (then it
    /// is counted in [`Store::take_skipped`]).
    pub fn built(&self, output: &str) -> Result<Option<BuiltOutput>, StoreError> {
        let result = (|| -> Result<Option<(String, String, String)>, Failure> {
            Ok(self
                .conn
                .prepare_cached("SELECT fingerprint, articles, files FROM built WHERE output = ?1")?
                .query_row([output], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
                .optional()?)
        })();
        let action = || format!("reading how output `{output}` was last built");
        let Some((fingerprint, articles, files)) = self.context(result, action)? else {
            return Ok(None);
        };
        let decoded = serde_json::from_str::<Vec<Article>>(&articles)
            .and_then(|articles| Ok((articles, serde_json::from_str::<Vec<StoredFile>>(&files)?)));
        match decoded {
            Ok((articles, files)) => Ok(Some(BuiltOutput {
                fingerprint,
                articles,
                files: files
                    .into_iter()
                    .map(|file| (PathBuf::from(file.path), file.stamp))
                    .collect(),
            })),
            Err(error) => {
                self.skip(RowKind::Built, output, None, error.to_string());
                Ok(None)
            }
        }
    }

    /// Keeps `built` as how output `output` was built at `at`, replacing the previous
    /// record.
    pub fn remember_built(
        &mut self,
        output: &str,
        built: &BuiltOutput,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let result = (|| -> Result<(), Failure> {
            let articles = serde_json::to_string(&built.articles)?;
            let files: Vec<StoredFile> = (built.files.iter())
                .map(|(path, stamp)| StoredFile {
                    path: path.to_string_lossy().into_owned(),
                    stamp: stamp.clone(),
                })
                .collect();
            let files = serde_json::to_string(&files)?;
            self.conn
                .prepare_cached(
                    "INSERT INTO built (output, fingerprint, articles, files, built_at)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (output) DO UPDATE SET
                        fingerprint = excluded.fingerprint, articles = excluded.articles,
                        files = excluded.files, built_at = excluded.built_at",
                )?
                .execute(rusqlite::params![
                    output,
                    built.fingerprint,
                    articles,
                    files,
                    to_millis(at)
                ])?;
            Ok(())
        })();
        self.context(result, || {
            format!("keeping how output `{output}` was built")
        })
    }

    /// Forgets how output `output` was built, so its next build merges and writes it.
    pub fn forget_built(&mut self, output: &str) -> Result<(), StoreError> {
        let result = (|| -> Result<(), Failure> {
            self.conn
                .prepare_cached("DELETE FROM built WHERE output = ?1")?
                .execute([output])?;
            Ok(())
        })();
        self.context(result, || {
            format!("forgetting how output `{output}` was built")
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::model::Text;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 27, hour, 0, 0).unwrap()
    }

    fn record(fingerprint: &str, title: &str) -> BuiltOutput {
        BuiltOutput {
            fingerprint: fingerprint.to_owned(),
            articles: vec![Article {
                id: "a".into(),
                title: Some(Text::plain(title)),
                ..Article::default()
            }],
            files: vec![(PathBuf::from("/srv/public/world.atom"), "ab".repeat(32))],
        }
    }

    #[test]
    fn a_build_record_reads_back_as_kept_and_is_replaced_then_forgotten() {
        let mut store = Store::open_in_memory().unwrap();
        assert_eq!(store.built("world").unwrap(), None);
        store
            .remember_built("world", &record("f1", "One"), at(1))
            .unwrap();
        store
            .remember_built("other", &record("g1", "Other"), at(1))
            .unwrap();
        assert_eq!(store.built("world").unwrap(), Some(record("f1", "One")));
        store
            .remember_built("world", &record("f2", "Two"), at(2))
            .unwrap();
        assert_eq!(store.built("world").unwrap(), Some(record("f2", "Two")));
        store.forget_built("world").unwrap();
        assert_eq!(store.built("world").unwrap(), None);
        assert_eq!(store.built("other").unwrap(), Some(record("g1", "Other")));
    }

    #[test]
    fn a_damaged_build_record_reads_as_none_and_is_counted() {
        let mut store = Store::open_in_memory().unwrap();
        store
            .remember_built("world", &record("f1", "One"), at(1))
            .unwrap();
        store
            .conn
            .execute(
                "UPDATE built SET articles = '[{' WHERE output = 'world'",
                [],
            )
            .unwrap();
        assert_eq!(store.built("world").unwrap(), None);
        let skipped = store.take_skipped();
        assert_eq!(skipped.len(), 1);
        assert_eq!(skipped[0].kind, RowKind::Built);
    }
}
