//! Merging at the size the build benchmark runs: 1,000 sources × 50 articles.

use std::time::Duration;

use super::tests::{article, from, ts};
use super::{MergePool, merge, merge_newest};
use crate::model::Article;
use crate::pipeline::{DedupOptions, TagAliases};

/// A deterministic pseudo-random word list, so the large test needs no data files.
fn vocabulary(n: usize) -> Vec<String> {
    const SYLLABLES: [&str; 16] = [
        "ka", "lo", "mi", "ne", "su", "ta", "ri", "po", "ve", "zu", "an", "el", "or", "ix", "ud",
        "yo",
    ];
    (0..n)
        .map(|i| {
            let (a, b, c) = (i % 16, (i / 16) % 16, (i / 256) % 16);
            format!("{}{}{}", SYLLABLES[a], SYLLABLES[b], SYLLABLES[c])
        })
        .collect()
}

/// 1000 sources × 50 articles: 5000 stories, each carried by 10 consecutive sources,
/// found by every kind of key. Correctness only: speed is measured elsewhere.
#[test]
fn fifty_thousand_articles_merge_into_their_stories() {
    let words = vocabulary(4096);
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let n_stories = 5000;
    let titles: Vec<String> = (0..n_stories)
        .map(|_| {
            (0..7)
                .map(|_| words[(next() % 4096) as usize].as_str())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let base = ts("2026-03-01T00:00:00Z");
    let mut sources = Vec::new();
    for source_idx in 0..1000usize {
        let mut articles = Vec::new();
        for slot in 0..50usize {
            let story = (source_idx / 10) * 50 + slot;
            let title = &titles[story];
            let link = format!("https://wire.example/{story}/story");
            let published =
                base + chrono::TimeDelta::minutes(story as i64 * 5 + source_idx as i64 % 10);
            let variant = source_idx % 10;
            let (id, link, title) = match variant {
                1 => (
                    link.clone(),
                    format!("http://www.wire.example/{story}/story/?utm_source=s{source_idx}"),
                    title.clone(),
                ),
                2 => (
                    format!("s{source_idx}-a{slot}-local"),
                    format!("https://m.wire.example/amp/{story}/story"),
                    title.clone(),
                ),
                3 => (
                    link.clone(),
                    format!("https://mirror{source_idx}.example/{story}"),
                    title.clone(),
                ),
                // Only the title says it is the story: one letter changed.
                4 => (
                    format!("s{source_idx}-a{slot}-local"),
                    format!("https://copy{source_idx}.example/{story}"),
                    format!("{title}s"),
                ),
                _ => (link.clone(), link, title.clone()),
            };
            articles.push(Article {
                published: Some(published),
                ..article(&id, Some(&link), &title, None)
            });
        }
        sources.push(from(&format!("s{source_idx}"), articles));
    }
    let options = DedupOptions {
        title_window: Duration::from_secs(48 * 3600),
        ..DedupOptions::default()
    };
    let merged = merge(sources, &options, &TagAliases::default());
    assert_eq!(merged.len(), n_stories);
    for article in &merged {
        assert_eq!(article.merged_from.len(), 10, "{}", article.id);
        let story: usize = article.id.split('/').nth(3).unwrap().parse().unwrap();
        let first = format!("s{}", story / 50 * 10);
        assert_eq!(
            article.merged_from[0].title.as_deref(),
            Some(first.as_str())
        );
        assert_eq!(
            article.published,
            Some(base + chrono::TimeDelta::minutes(story as i64 * 5))
        );
    }
}

/// `merge_newest` keeps what merging everything, filtering and cutting keeps, in the same
/// order: with ties in dates, undated stories, stories carried by several sources, and
/// limits below, at and far above the number of stories.
#[test]
fn merge_newest_equals_merge_then_filter_then_cut() {
    let hours = [
        "2026-03-01T00:00:00Z",
        "2026-03-01T01:00:00Z",
        "2026-03-01T02:00:00Z",
    ];
    let sources = || {
        (0..6)
            .map(|source| {
                let articles = (0..90)
                    .map(|n: usize| {
                        // Every third source repeats the stories of the one before it.
                        let story = if source % 3 == 2 {
                            n + 90 * (source - 1)
                        } else {
                            n + 90 * source
                        };
                        let link = format!("https://news.example/{story}");
                        let published = (story % 7 != 0).then(|| hours[story % 3]);
                        let title =
                            format!("Story {story} about {}", ["rain", "skip", "sun"][story % 3]);
                        article(&link, Some(&link), &title, published)
                    })
                    .collect();
                from(&format!("s{source}"), articles)
            })
            .collect::<Vec<_>>()
    };
    let (options, aliases) = (DedupOptions::default(), TagAliases::default());
    let keep = |article: &mut Article| {
        article.link = article.link.take().map(|link| format!("{link}?kept"));
        !article
            .title
            .as_ref()
            .is_some_and(|title| title.value.contains("skip"))
    };
    for limit in [0, 1, 7, 64, 100, 129, 1000] {
        let mut expected: Vec<Article> = merge(sources(), &options, &aliases)
            .into_iter()
            .filter_map(|mut article| keep(&mut article).then_some(article))
            .collect();
        expected.truncate(limit);
        let mut pool = MergePool::with_capacity(6);
        for source in sources() {
            pool.add(source);
        }
        let newest = merge_newest(pool, &options, &aliases, limit, keep);
        assert_eq!(newest, expected, "limit {limit}");
        // 360 stories (two sources repeat others), a third of them skipped.
        assert_eq!(newest.len(), limit.min(240), "limit {limit}");
    }
}
