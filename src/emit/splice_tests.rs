//! Parts joined from a feed's pieces give the bytes writing them in full gives.

use chrono::DateTime;

use super::splice::locate_for_tests;
use super::*;
use crate::model::{Article, Enclosure, Person, Tag};

fn at(rfc3339: &str) -> Timestamp {
    DateTime::parse_from_rfc3339(rfc3339).unwrap()
}

/// Articles that test what a part's document depends on: extra enclosures (Media RSS),
/// no author (Atom's unknown feed author), no date (dated by its Atom document), and
/// text that looks like the end of an item, a channel or an items array.
fn articles() -> Vec<Article> {
    let enclosure = |n: u32| Enclosure {
        url: format!("https://cdn.example/{n}.mp3"),
        media_type: Some("audio/mpeg".into()),
        length: Some(u64::from(n)),
    };
    let author = Person {
        name: Some("Kim".into()),
        ..Person::default()
    };
    let mut articles = vec![
        Article {
            id: "https://news.example/1".into(),
            title: Some(Text::plain("One ]]> </item>\n  </channel> \"items\": []")),
            link: Some("/1".into()),
            published: Some(at("2025-03-01T09:30:00+09:00")),
            summary: Some(Text::html(
                "<p>See <a href=\"../about\">us</a></p>\n    </item>",
            )),
            content: Some(Text::html("<pre>\n    }\n  ]\n</feed></pre><p>more</p>")),
            authors: vec![author.clone()],
            tags: vec![Tag::new("weather")],
            enclosures: vec![enclosure(1)],
            ..Article::default()
        },
        Article {
            id: "https://news.example/2".into(),
            title: Some(Text::html("<i>Two</i>")),
            link: Some("https://news.example/2".into()),
            updated: Some(at("2025-03-02T10:00:00-05:00")),
            authors: vec![author.clone()],
            enclosures: vec![enclosure(2), enclosure(3)],
            ..Article::default()
        },
        Article {
            id: "urn:x:3".into(),
            title: Some(Text::plain("Three, no author")),
            published: Some(at("2025-03-03T00:00:00Z")),
            ..Article::default()
        },
        Article {
            id: "urn:x:4".into(),
            title: Some(Text::plain("Four, undated")),
            link: Some("https://news.example/4".into()),
            authors: vec![author],
            ..Article::default()
        },
    ];
    for n in 5..12 {
        articles.push(Article {
            id: format!("https://news.example/{n}"),
            title: Some(Text::plain(format!("Story {n}"))),
            link: Some(format!("https://news.example/{n}")),
            published: Some(at("2025-03-04T00:00:00Z")),
            summary: Some(Text::plain(format!("Summary {n}"))),
            authors: vec![Person {
                name: Some(format!("Writer {n}")),
                ..Person::default()
            }],
            ..Article::default()
        });
    }
    articles
}

const FORMATS: [OutputFormat; 3] = [OutputFormat::Rss, OutputFormat::Atom, OutputFormat::Json];

#[test]
fn every_article_is_found_in_the_whole_documents() {
    let feed = Feed {
        title: Some(Text::plain("News")),
        articles: articles(),
        ..Feed::default()
    };
    let clean = CleanFeed::new(&feed, &EmitOptions::default());
    let pieces = clean.pieces(&FORMATS).unwrap();
    for (format, whole) in FORMATS.iter().zip(pieces.documents()) {
        let found = locate_for_tests(*format, whole).unwrap_or_default();
        assert_eq!(found.len(), feed.articles.len(), "{format}");
    }
    assert_eq!(
        pieces.documents().map(<[u8]>::to_vec).collect::<Vec<_>>(),
        clean.write_formats(&FORMATS).unwrap()
    );
}

#[test]
fn parts_joined_from_pieces_are_the_parts_written_in_full() {
    let all = articles();
    let feed = Feed {
        title: Some(Text::plain("News")),
        link: Some("https://news.example/".into()),
        updated: Some(at("2025-03-05T00:00:00Z")),
        articles: all.clone(),
        ..Feed::default()
    };
    let options = EmitOptions {
        self_url: Some("https://feeds.example/news.xml".into()),
        now: Some(at("2025-04-01T00:00:00Z")),
        ..EmitOptions::default()
    };
    let clean = CleanFeed::new(&feed, &options);
    let pieces = clean.pieces(&FORMATS).unwrap();
    // Every single article, pairs in both orders, runs, and everything backwards.
    let n = all.len();
    let mut parts: Vec<Vec<usize>> = vec![Vec::new(), (0..n).rev().collect(), vec![0, 99]];
    parts.extend((0..n).map(|a| vec![a]));
    parts.extend((0..n).flat_map(|a| (0..n).filter(move |b| *b != a).map(move |b| vec![a, b])));
    parts.extend((0..n - 3).map(|a| (a..a + 4).collect()));
    for (index, positions) in parts.iter().enumerate() {
        let part = FeedPart {
            title: Some(Text::plain(format!("News — part {index}"))),
            updated: (index % 2 == 0).then(|| at("2025-03-06T00:00:00Z")),
            positions,
        };
        // Only a part with the undated article (4) is written in full, and only in Atom.
        let undated = positions.contains(&3);
        assert_eq!(
            clean.joined_for_tests(&pieces, &part),
            [true, !undated, true],
            "{positions:?}"
        );
        let joined = clean.write_part_from(&pieces, &part).unwrap();
        let full = clean.write_part(&part, &FORMATS).unwrap();
        for ((format, got), want) in FORMATS.iter().zip(&joined).zip(&full) {
            assert_eq!(
                String::from_utf8_lossy(got),
                String::from_utf8_lossy(want),
                "{format}, positions {positions:?}"
            );
        }
    }
}
