//! `pipeline::merge` on 1000 sources × 50 articles (50,000 articles): 5000 stories, each
//! carried by 10 sources under a canonical link, a tracking or AMP link, a shared id or
//! a one-letter title variant. The budget is well under a second per merge.
//!
//! Run with `cargo bench --bench merge`.

use std::hint::black_box;
use std::time::Duration;

use chrono::{DateTime, TimeDelta};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use feedmill::model::{Article, IdOrigin, SourceRef, Text};
use feedmill::pipeline::{DedupOptions, SourceArticles, TagAliases, merge};

const N_SOURCES: usize = 1000;
const PER_SOURCE: usize = 50;
const COPIES: usize = 10;

/// Seven pseudo-random words from a 4096-word syllable vocabulary per story.
fn titles(n: usize) -> Vec<String> {
    const SYLLABLES: [&str; 16] = [
        "ka", "lo", "mi", "ne", "su", "ta", "ri", "po", "ve", "zu", "an", "el", "or", "ix", "ud",
        "yo",
    ];
    let word = |i: u64| {
        let i = i as usize;
        format!(
            "{}{}{}",
            SYLLABLES[i % 16],
            SYLLABLES[(i / 16) % 16],
            SYLLABLES[(i / 256) % 16]
        )
    };
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % 4096
    };
    (0..n)
        .map(|_| (0..7).map(|_| word(next())).collect::<Vec<_>>().join(" "))
        .collect()
}

fn sources() -> Vec<SourceArticles> {
    let n_stories = N_SOURCES / COPIES * PER_SOURCE;
    let titles = titles(n_stories);
    let base = DateTime::parse_from_rfc3339("2026-03-01T00:00:00Z").unwrap();
    (0..N_SOURCES)
        .map(|source_idx| {
            let articles = (0..PER_SOURCE)
                .map(|slot| {
                    let story = source_idx / COPIES * PER_SOURCE + slot;
                    let canonical = format!("https://wire.example/{story}/story");
                    let (id, link, title) = match source_idx % COPIES {
                        1 => (
                            canonical.clone(),
                            format!(
                                "http://www.wire.example/{story}/story/?utm_source=s{source_idx}"
                            ),
                            titles[story].clone(),
                        ),
                        2 => (
                            format!("s{source_idx}-a{slot}-local"),
                            format!("https://m.wire.example/amp/{story}/story"),
                            titles[story].clone(),
                        ),
                        3 => (
                            canonical.clone(),
                            format!("https://mirror{source_idx}.example/{story}"),
                            titles[story].clone(),
                        ),
                        4 => (
                            format!("s{source_idx}-a{slot}-local"),
                            format!("https://copy{source_idx}.example/{story}"),
                            format!("{}s", titles[story]),
                        ),
                        _ => (canonical.clone(), canonical, titles[story].clone()),
                    };
                    Article {
                        id,
                        id_origin: IdOrigin::Stated,
                        link: Some(link),
                        title: Some(Text::plain(title)),
                        published: Some(
                            base + TimeDelta::minutes((story * 5 + source_idx % COPIES) as i64),
                        ),
                        ..Article::default()
                    }
                })
                .collect();
            SourceArticles {
                source: SourceRef {
                    title: Some(format!("s{source_idx}")),
                    ..SourceRef::default()
                },
                articles,
            }
        })
        .collect()
}

fn bench_merge(c: &mut Criterion) {
    let input = sources();
    let options = DedupOptions::default();
    let aliases = TagAliases::default();
    let merged = merge(input.clone(), &options, &aliases);
    assert_eq!(merged.len(), N_SOURCES / COPIES * PER_SOURCE);

    let mut group = c.benchmark_group("merge");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("1000x50", |b| {
        b.iter_batched(
            || input.clone(),
            |sources| merge(black_box(sources), &options, &aliases),
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, bench_merge);
criterion_main!(benches);
