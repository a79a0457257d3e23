//! The one article order outputs use: newest first.

use std::cmp::Reverse;

use crate::model::{Article, Timestamp};

/// The date an article is ordered and filtered by: published, else updated.
pub fn article_date(article: &Article) -> Option<Timestamp> {
    article.published.or(article.updated)
}

/// Sorts newest first by [`article_date`], compared as instants; undated articles go
/// last. Stable: articles with equal dates, and undated ones, keep their order.
pub fn sort_newest_first(articles: &mut [Article]) {
    // Sorting positions and moving each article once is much cheaper than letting the
    // sort move articles (hundreds of bytes each) at every step.
    let mut order: Vec<usize> = (0..articles.len()).collect();
    // `Option` orders `None` first, so reversing puts the undated last.
    order.sort_by_key(|idx| Reverse(article_date(&articles[*idx])));
    let mut unsorted: Vec<Article> = articles.iter_mut().map(std::mem::take).collect();
    for (slot, idx) in articles.iter_mut().zip(order) {
        *slot = std::mem::take(&mut unsorted[idx]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    fn at(id: &str, published: Option<&str>, updated: Option<&str>) -> Article {
        let parse = |s: &str| DateTime::parse_from_rfc3339(s).unwrap();
        Article {
            id: id.into(),
            published: published.map(parse),
            updated: updated.map(parse),
            ..Article::default()
        }
    }

    #[test]
    fn newest_first_by_instant_with_undated_last_and_stable() {
        let mut articles = vec![
            at("undated-1", None, None),
            at("old", Some("2026-01-01T00:00:00Z"), None),
            // 09:00 in Seoul is 00:00 UTC: same instant as "old-too", later in the list.
            at("old-too", Some("2026-01-01T09:00:00+09:00"), None),
            at("updated-only", None, Some("2026-01-03T00:00:00Z")),
            at("undated-2", None, None),
            at(
                "new",
                Some("2026-01-02T00:00:00Z"),
                Some("2026-01-01T00:00:00Z"),
            ),
        ];
        sort_newest_first(&mut articles);
        let ids: Vec<&str> = articles.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "updated-only",
                "new",
                "old",
                "old-too",
                "undated-1",
                "undated-2"
            ]
        );
    }
}
