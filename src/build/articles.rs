//! A source's articles for a merge: those its refresh just stored, when they are all the
//! store holds for it within the retention ([`as_read_back`]), else those the store
//! holds ([`stored_articles`]); either way as the store gives them back.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, FixedOffset, Utc};

use super::BuildOptions;
use super::refresh::{SharedStore, lock, store_key};
use crate::config::{FeedDefinition, SourceDefinition};
use crate::model::Article;
use crate::store::{ArticleKey, Store, StoreError};

/// The articles a source's stored rows hold, made from the `articles` this run just
/// stored for it, when those rows are all `keys` lists (else `None`): each id once, with
/// the value and place of its last copy (as the store keeps them), in the keys' order,
/// and an undated one dated when it was first seen, as [`stored_articles`] gives them.
pub(super) fn as_read_back(
    articles: Vec<Article>,
    keys: &[ArticleKey],
    now: DateTime<Utc>,
) -> Option<Vec<Article>> {
    let now = now.timestamp_millis();
    let mut last_copy: HashMap<&str, usize> = HashMap::with_capacity(articles.len());
    for (index, article) in articles.iter().enumerate() {
        last_copy.insert(&article.id, index);
    }
    let kept: Vec<bool> = (articles.iter().enumerate())
        .map(|(index, article)| last_copy.get(article.id.as_str()) == Some(&index))
        .collect();
    drop(last_copy);
    let mut read_back: Vec<Article> = (articles.into_iter().zip(kept))
        .filter_map(|(article, kept)| kept.then_some(article))
        .collect();
    let all_stored_now = read_back.len() == keys.len()
        && (read_back.iter().zip(keys))
            .all(|(article, key)| article.id == key.id && key.last_seen == now);
    if !all_stored_now {
        return None;
    }
    for (article, key) in read_back.iter_mut().zip(keys) {
        if article.published.is_none() && article.updated.is_none() {
            article.published = from_millis(key.first_seen);
        }
    }
    Some(read_back)
}

/// A stored time in unix milliseconds, in UTC with a zero offset.
fn from_millis(millis: i64) -> Option<DateTime<FixedOffset>> {
    DateTime::from_timestamp_millis(millis).map(|at| at.fixed_offset())
}

/// The oldest `last_seen` an article within `retention` of `now` has.
pub(super) fn retention_start(retention: Duration, now: DateTime<Utc>) -> DateTime<Utc> {
    chrono::Duration::from_std(retention)
        .ok()
        .and_then(|retention| now.checked_sub_signed(retention))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// The articles `source` of `definition` contributes: `fresh` when its refresh gave them
/// ([`Refreshed::fresh`](super::refresh::Refreshed::fresh)), else [`stored_articles`]; the source's filter applied.
pub(super) fn source_articles(
    definition: &FeedDefinition,
    source: &SourceDefinition,
    fresh: Option<Vec<Article>>,
    retention: Duration,
    store: &SharedStore<'_>,
    options: &BuildOptions,
) -> Result<Vec<Article>, StoreError> {
    let articles = match fresh {
        Some(articles) => articles,
        None => stored_articles(definition, source, retention, &lock(store), options)?,
    };
    Ok(source
        .filter
        .apply(articles, options.now.fixed_offset(), &definition.aliases))
}

/// The articles `source` of `definition` holds in the store: those seen within
/// `retention`, most recently seen first, an undated one dated when it was first seen.
pub(super) fn stored_articles(
    definition: &FeedDefinition,
    source: &SourceDefinition,
    retention: Duration,
    store: &Store,
    options: &BuildOptions,
) -> Result<Vec<Article>, StoreError> {
    let now = options.now;
    let since = retention_start(retention, now);
    let stored = store.articles_seen_since(&store_key(definition, source), since)?;
    Ok(stored
        .into_iter()
        .map(|stored| {
            let mut article = stored.article;
            if article.published.is_none() && article.updated.is_none() {
                article.published = Some(stored.first_seen.fixed_offset());
            }
            article.shrink_to_fit();
            article
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::model::Text;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 5, 12, 0, 0).unwrap()
    }

    fn article(id: &str, title: &str, dated: bool) -> Article {
        Article {
            id: id.into(),
            title: Some(Text::plain(title)),
            published: dated.then(|| now().fixed_offset() - chrono::Duration::hours(1)),
            ..Article::default()
        }
    }

    /// Stores `articles` the way a run does and reads them back both ways.
    fn both_ways(
        store: &mut Store,
        articles: &[Article],
        at: DateTime<Utc>,
    ) -> (Option<Vec<Article>>, Vec<Article>) {
        store
            .remember_articles("feed/source", articles, at)
            .unwrap();
        let keys = store
            .article_keys_seen_since("feed/source", DateTime::<Utc>::MIN_UTC)
            .unwrap();
        let fresh = as_read_back(articles.to_vec(), &keys, at);
        let stored = store
            .articles_seen_since("feed/source", DateTime::<Utc>::MIN_UTC)
            .unwrap()
            .into_iter()
            .map(|stored| {
                let mut article = stored.article;
                if article.published.is_none() && article.updated.is_none() {
                    article.published = Some(stored.first_seen.fixed_offset());
                }
                article
            })
            .collect();
        (fresh, stored)
    }

    #[test]
    fn a_run_s_own_articles_read_back_as_the_store_gives_them() {
        let mut store = Store::open_in_memory().unwrap();
        // A repeated id keeps its last copy, in that copy's place; an undated article is
        // dated when it was first seen.
        let articles = [
            article("a", "A first", true),
            article("b", "B", false),
            article("a", "A second", true),
            article("c", "C", true),
        ];
        let (fresh, stored) = both_ways(&mut store, &articles, now());
        let fresh = fresh.expect("every stored article is this run's");
        assert_eq!(fresh, stored);
        let titles: Vec<_> = fresh
            .iter()
            .map(|a| a.title.clone().unwrap().value)
            .collect();
        assert_eq!(titles, ["B", "A second", "C"]);
        assert_eq!(fresh[0].published, Some(now().fixed_offset()));

        // A later run: `b` was first seen in the first run, and keeps that date.
        let later = now() + chrono::Duration::hours(2);
        let (fresh, stored) = both_ways(&mut store, &articles[..3], later);
        assert_eq!(
            fresh.as_ref(),
            None,
            "`c` is still stored from the first run"
        );
        assert_eq!(stored.len(), 3);
        store.prune(later).unwrap();
        let (fresh, stored) = both_ways(&mut store, &articles[..3], later);
        assert_eq!(fresh, Some(stored.clone()));
        assert_eq!(stored[0].published, Some(now().fixed_offset()));
    }
}
