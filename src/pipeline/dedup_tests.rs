use std::time::Duration;

use chrono::DateTime;

use super::{MergePool, SourceArticles, merge, merge_pool};
use crate::model::{Article, Enclosure, IdOrigin, Person, SourceRef, Tag, Text, Timestamp};
use crate::pipeline::{DedupOptions, TagAliases};

pub(super) fn ts(s: &str) -> Timestamp {
    DateTime::parse_from_rfc3339(s).unwrap()
}

fn source(name: &str) -> SourceRef {
    SourceRef {
        title: Some(name.to_owned()),
        url: Some(format!("https://{name}.example/feed")),
        link: None,
    }
}

/// An article with a stated id and the given link, title and published date.
pub(super) fn article(
    id: &str,
    link: Option<&str>,
    title: &str,
    published: Option<&str>,
) -> Article {
    Article {
        id: id.to_owned(),
        id_origin: IdOrigin::Stated,
        link: link.map(str::to_owned),
        title: Some(Text::plain(title)),
        published: published.map(ts),
        ..Article::default()
    }
}

pub(super) fn from(name: &str, articles: Vec<Article>) -> SourceArticles {
    SourceArticles {
        source: source(name),
        articles,
    }
}

fn merge_default(sources: Vec<SourceArticles>) -> Vec<Article> {
    merge(sources, &DedupOptions::default(), &TagAliases::default())
}

fn names(article: &Article) -> Vec<&str> {
    article
        .merged_from
        .iter()
        .map(|s| s.title.as_deref().unwrap())
        .collect()
}

#[test]
fn same_story_via_feed_and_page_with_tracking_and_amp_links_is_one_article() {
    let feed = article(
        "https://news.example/2026/03/kim-visit",
        Some("https://news.example/2026/03/kim-visit"),
        "Kim visits the border",
        Some("2026-03-02T10:00:00Z"),
    );
    let page = Article {
        id_origin: IdOrigin::FromLink,
        ..article(
            "https://www.news.example/2026/03/kim-visit/?utm_source=rss&utm_medium=feed",
            Some("https://www.news.example/2026/03/kim-visit/?utm_source=rss&utm_medium=feed"),
            "Kim visits the border area today — full report",
            Some("2026-03-02T10:05:00Z"),
        )
    };
    let amp = article(
        "amp-copy-0001",
        Some("http://m.news.example/amp/2026/03/kim-visit?amp=1#top"),
        "AMP page title that differs entirely",
        None,
    );
    let merged = merge_default(vec![
        from("feed", vec![feed]),
        from("page", vec![page]),
        from("amp", vec![amp]),
    ]);
    assert_eq!(merged.len(), 1);
    assert_eq!(merged[0].id, "https://news.example/2026/03/kim-visit");
    assert_eq!(names(&merged[0]), ["feed", "page", "amp"]);
}

#[test]
fn a_pool_gathered_source_by_source_merges_as_the_sources_given_together() {
    let sources = || {
        vec![
            from(
                "wire",
                vec![
                    article(
                        "tag:wire.example,2026:1",
                        Some("https://a.example/1"),
                        "Kim visits the border town",
                        Some("2026-03-02T10:00:00Z"),
                    ),
                    article(
                        "2",
                        Some("https://a.example/2"),
                        "Rain all week in the capital",
                        Some("2026-03-01T09:00:00Z"),
                    ),
                ],
            ),
            from(
                "paper",
                vec![
                    article(
                        "tag:wire.example,2026:1",
                        None,
                        "Kim visits border town",
                        Some("2026-03-02T11:00:00Z"),
                    ),
                    article(
                        "2",
                        Some("https://b.example/2"),
                        "Markets close higher again",
                        None,
                    ),
                ],
            ),
        ]
    };
    let (options, aliases) = (DedupOptions::default(), TagAliases::default());
    let mut pool = MergePool::with_capacity(0);
    for source in sources() {
        pool.add(source);
    }
    assert_eq!(pool.len(), 4);
    let pooled = merge_pool(pool, &options, &aliases);
    let together = merge(sources(), &options, &aliases);
    assert_eq!(pooled, together);
    assert_eq!(pooled.len(), 3);
    assert_eq!(names(&pooled[0]), ["wire", "paper"]);
    assert_eq!(pooled[0].source, Some(source("wire").into()));
}

#[test]
fn same_stated_guid_is_one_article() {
    let a = article(
        "tag:wire.example,2026:4711",
        Some("https://a.example/1"),
        "One",
        None,
    );
    let b = article(
        "tag:wire.example,2026:4711",
        Some("https://b.example/9"),
        "Two",
        None,
    );
    let merged = merge_default(vec![from("a", vec![a]), from("b", vec![b])]);
    assert_eq!(merged.len(), 1);
    assert_eq!(merged[0].link.as_deref(), Some("https://a.example/1"));
    assert_eq!(names(&merged[0]), ["a", "b"]);
}

#[test]
fn short_numeric_ids_only_merge_within_their_source() {
    let a1 = article(
        "4711",
        Some("https://a.example/1"),
        "First title here",
        None,
    );
    let a1_again = article("4711", None, "First title here (repeated)", None);
    let b = article(
        "4711",
        Some("https://b.example/1"),
        "Unrelated story of b",
        None,
    );
    let merged = merge_default(vec![from("a", vec![a1, a1_again]), from("b", vec![b])]);
    assert_eq!(merged.len(), 2);
    assert_eq!(names(&merged[0]), ["a"]);
    assert_eq!(merged[0].link.as_deref(), Some("https://a.example/1"));
    assert_eq!(names(&merged[1]), ["b"]);
}

#[test]
fn derived_ids_are_not_compared_as_ids() {
    let hashed = |title: &str| Article {
        id_origin: IdOrigin::FromHash,
        ..article(
            "urn:uuid:00000000-0000-0000-0000-000000000001",
            None,
            title,
            None,
        )
    };
    let merged = merge_default(vec![
        from("a", vec![hashed("Alpha story about one thing")]),
        from("b", vec![hashed("Beta story about another thing")]),
    ]);
    assert_eq!(merged.len(), 2);
}

#[test]
fn near_duplicate_titles_merge_within_the_window_only() {
    let a = article(
        "https://a.example/x",
        Some("https://a.example/x"),
        "Kim Jong Un visits Russian far east",
        Some("2026-03-01T00:00:00Z"),
    );
    let b_within = article(
        "https://b.example/y",
        Some("https://b.example/y"),
        "Kim Jong-un visits Russian Far East",
        Some("2026-03-02T23:00:00Z"),
    );
    let c_outside = article(
        "https://c.example/z",
        Some("https://c.example/z"),
        "Kim Jong Un visits Russian far east",
        Some("2026-03-05T00:00:00Z"),
    );
    let merged = merge_default(vec![
        from("a", vec![a]),
        from("b", vec![b_within]),
        from("c", vec![c_outside]),
    ]);
    assert_eq!(merged.len(), 2);
    // Newest first: c (5th) then the merged a+b (1st, the earliest date).
    assert_eq!(merged[0].id, "https://c.example/z");
    assert_eq!(merged[1].id, "https://a.example/x");
    assert_eq!(names(&merged[1]), ["a", "b"]);
}

#[test]
fn earliest_published_and_latest_updated_win() {
    let a = Article {
        updated: Some(ts("2026-03-02T00:00:00Z")),
        ..article(
            "https://a.example/1",
            None,
            "T",
            Some("2026-03-01T12:00:00Z"),
        )
    };
    let b = Article {
        updated: Some(ts("2026-03-03T00:00:00+09:00")),
        ..article(
            "https://a.example/1",
            None,
            "T",
            Some("2026-03-01T18:00:00+09:00"),
        )
    };
    let c = Article {
        updated: None,
        ..article("https://a.example/1", None, "T", None)
    };
    let merged = merge_default(vec![
        from("a", vec![a]),
        from("b", vec![b]),
        from("c", vec![c]),
    ]);
    assert_eq!(merged.len(), 1);
    // 18:00 in Seoul is 09:00 UTC, before 12:00 UTC; the offset written is kept.
    assert_eq!(merged[0].published, Some(ts("2026-03-01T18:00:00+09:00")));
    // 00:00 on the 3rd in Seoul is 15:00 UTC on the 2nd, after 00:00 UTC on the 2nd.
    assert_eq!(merged[0].updated, Some(ts("2026-03-03T00:00:00+09:00")));
}

#[test]
fn a_date_fills_an_undated_first_article() {
    let a = article("https://a.example/1", None, "T", None);
    let b = article(
        "https://a.example/1",
        None,
        "T",
        Some("2026-03-01T00:00:00Z"),
    );
    let merged = merge_default(vec![from("a", vec![a]), from("b", vec![b])]);
    assert_eq!(merged[0].published, Some(ts("2026-03-01T00:00:00Z")));
}

#[test]
fn tags_are_united_by_normalized_key_with_aliases_applied() {
    let aliases = TagAliases::from_pairs([("DPRK", "North Korea")]);
    let a = Article {
        tags: vec![Tag::new("DPRK"), Tag::new("Missiles")],
        ..article("https://a.example/1", None, "T", None)
    };
    let b = Article {
        tags: vec![
            Tag::new("north korea"),
            Tag::new("ＭＩＳＳＩＬＥＳ"),
            Tag {
                term: "Seoul".into(),
                label: None,
                scheme: Some("section".into()),
            },
        ],
        ..article("https://a.example/1", None, "T", None)
    };
    let lone = Article {
        tags: vec![Tag::new("dprk"), Tag::new("Dprk")],
        ..article("https://c.example/other", None, "Other", None)
    };
    let merged = merge(
        vec![
            from("a", vec![a]),
            from("b", vec![b]),
            from("c", vec![lone]),
        ],
        &DedupOptions::default(),
        &aliases,
    );
    assert_eq!(merged.len(), 2);
    let terms = |article: &Article| {
        article
            .tags
            .iter()
            .map(|t| t.term.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(terms(&merged[0]), ["North Korea", "Missiles", "Seoul"]);
    assert_eq!(merged[0].tags[2].scheme.as_deref(), Some("section"));
    // An article merged with nothing still has its aliases applied.
    assert_eq!(terms(&merged[1]), ["North Korea"]);
}

#[test]
fn merged_from_lists_each_source_once_in_definition_order() {
    let story = |id: &str| article(id, Some("https://wire.example/story"), "T", None);
    let merged = merge_default(vec![
        from("first", vec![story("a1"), story("a2")]),
        from(
            "second",
            vec![
                article("b0", None, "Something else entirely", None),
                story("b1"),
            ],
        ),
        from("third", vec![story("c1")]),
    ]);
    assert_eq!(merged.len(), 2);
    let story = merged.iter().find(|a| a.id == "a1").unwrap();
    assert_eq!(names(story), ["first", "second", "third"]);
    let other = merged.iter().find(|a| a.id == "b0").unwrap();
    assert_eq!(names(other), ["second"]);
}

#[test]
fn the_first_source_in_definition_order_gives_id_and_fields() {
    let early_in_second = article(
        "second-guid-000001",
        Some("https://wire.example/story"),
        "Second's title",
        Some("2026-03-01T00:00:00Z"),
    );
    let late_in_first = article(
        "first-guid-0000001",
        Some("https://wire.example/story?utm_campaign=x"),
        "First's title",
        Some("2026-03-02T00:00:00Z"),
    );
    let merged = merge_default(vec![
        from("first", vec![late_in_first]),
        from("second", vec![early_in_second]),
    ]);
    assert_eq!(merged.len(), 1);
    assert_eq!(merged[0].id, "first-guid-0000001");
    assert_eq!(merged[0].title, Some(Text::plain("First's title")));
    assert_eq!(
        merged[0].link.as_deref(),
        Some("https://wire.example/story?utm_campaign=x")
    );
    assert_eq!(merged[0].published, Some(ts("2026-03-01T00:00:00Z")));
}

#[test]
fn gaps_are_filled_from_the_other_sources_and_the_longest_content_wins() {
    let first = Article {
        content: Some(Text::plain("Short.")),
        ..article("https://a.example/1", None, "T", None)
    };
    let second = Article {
        summary: Some(Text::plain("A summary")),
        content: Some(Text::html("<p>A <b>much</b> longer body of the story.</p>")),
        image: Some("https://a.example/1.jpg".into()),
        authors: vec![Person {
            name: Some("Desk".into()),
            email: None,
            uri: None,
        }],
        ..article("https://a.example/1", None, "T", None)
    };
    let third = Article {
        summary: Some(Text::plain("Another summary")),
        image: Some("https://a.example/other.jpg".into()),
        enclosures: vec![Enclosure {
            url: "https://a.example/1.mp3".into(),
            media_type: Some("audio/mpeg".into()),
            length: None,
        }],
        ..article("https://a.example/1", None, "T", None)
    };
    let merged = merge_default(vec![
        from("a", vec![first]),
        from("b", vec![second]),
        from("c", vec![third]),
    ]);
    assert_eq!(merged.len(), 1);
    let article = &merged[0];
    assert_eq!(article.summary, Some(Text::plain("A summary")));
    assert_eq!(
        article.content,
        Some(Text::html("<p>A <b>much</b> longer body of the story.</p>"))
    );
    assert_eq!(article.image.as_deref(), Some("https://a.example/1.jpg"));
    assert_eq!(article.authors.len(), 1);
    assert_eq!(article.enclosures.len(), 1);
}

#[test]
fn output_is_newest_first_with_undated_last_in_definition_order() {
    let merged = merge_default(vec![
        from(
            "a",
            vec![
                article("u1-undated-aaaa", None, "Undated one of a", None),
                article("old-aaaaaaaaaaa", None, "Old", Some("2026-03-01T00:00:00Z")),
            ],
        ),
        from(
            "b",
            vec![
                article("u2-undated-bbbb", None, "Undated one of b", None),
                Article {
                    updated: Some(ts("2026-03-03T00:00:00Z")),
                    ..article("updated-bbbbbbb", None, "Updated", None)
                },
                article("new-bbbbbbbbbbb", None, "New", Some("2026-03-02T00:00:00Z")),
            ],
        ),
    ]);
    let ids: Vec<&str> = merged.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "updated-bbbbbbb",
            "new-bbbbbbbbbbb",
            "old-aaaaaaaaaaa",
            "u1-undated-aaaa",
            "u2-undated-bbbb"
        ]
    );
}

#[test]
fn options_turn_each_rule_off() {
    let sources = || {
        vec![
            from(
                "a",
                vec![article(
                    "tag:wire.example,2026:1",
                    Some("https://a.example/story"),
                    "Kim Jong Un visits Russian far east",
                    Some("2026-03-01T00:00:00Z"),
                )],
            ),
            from(
                "b",
                vec![article(
                    "tag:wire.example,2026:1",
                    Some("https://b.example/other"),
                    "Something unrelated to the first",
                    None,
                )],
            ),
            from(
                "c",
                vec![article(
                    "tag:c.example,2026:9",
                    Some("https://www.a.example/story/"),
                    "Another unrelated title here",
                    None,
                )],
            ),
            from(
                "d",
                vec![article(
                    "tag:d.example,2026:9",
                    Some("https://d.example/x"),
                    "Kim Jong-un visits Russian Far East",
                    Some("2026-03-01T01:00:00Z"),
                )],
            ),
        ]
    };
    let count = |options: DedupOptions| merge(sources(), &options, &TagAliases::default()).len();
    let all = DedupOptions::default();
    assert_eq!(count(all.clone()), 1);
    assert_eq!(
        count(DedupOptions {
            by_url: false,
            ..all.clone()
        }),
        2
    );
    assert_eq!(
        count(DedupOptions {
            by_id: false,
            ..all.clone()
        }),
        2
    );
    assert_eq!(
        count(DedupOptions {
            by_title: false,
            ..all.clone()
        }),
        2
    );
    let none = DedupOptions {
        by_url: false,
        by_id: false,
        by_title: false,
        ..all
    };
    assert_eq!(count(none), 4);
}

#[test]
fn source_is_filled_from_the_configured_source_when_the_reader_left_it_empty() {
    let own = SourceRef {
        title: Some("Feed's own title".into()),
        ..SourceRef::default()
    };
    let with_own = Article {
        source: Some(own.clone().into()),
        ..article("https://a.example/1", None, "T", None)
    };
    let without = article("https://b.example/2", None, "U", None);
    let merged = merge_default(vec![from("a", vec![with_own]), from("b", vec![without])]);
    let by_id = |id: &str| merged.iter().find(|a| a.id == id).unwrap();
    assert_eq!(by_id("https://a.example/1").source, Some(own.into()));
    assert_eq!(
        by_id("https://b.example/2").source,
        Some(source("b").into())
    );
}

#[test]
fn an_unbounded_window_and_old_dates_do_not_overflow() {
    let options = DedupOptions {
        title_window: Duration::MAX,
        ..DedupOptions::default()
    };
    let old = |source: &str, date: &str| {
        from(
            source,
            vec![article(
                &format!("https://{source}.example/1"),
                None,
                "Moon landing planned within the decade",
                Some(date),
            )],
        )
    };
    let merged = merge(
        vec![
            old("a", "1962-09-12T00:00:00Z"),
            old("b", "2026-01-01T00:00:00Z"),
        ],
        &options,
        &TagAliases::default(),
    );
    assert_eq!(merged.len(), 1);
    assert_eq!(merged[0].published, Some(ts("1962-09-12T00:00:00Z")));
}

#[test]
fn no_sources_merge_to_nothing() {
    assert!(merge_default(Vec::new()).is_empty());
    assert!(merge_default(vec![from("empty", Vec::new())]).is_empty());
}
