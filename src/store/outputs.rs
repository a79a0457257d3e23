//! Which articles each output has emitted, so a build can say how many are new there.

use chrono::{DateTime, Utc};

use super::error::Failure;
use super::{Store, StoreError, to_millis};

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
            let tx = self.conn.transaction()?;
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
}
