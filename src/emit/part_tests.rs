//! [`CleanFeed`]'s parts give the bytes cleaning each part as a feed of its own gives.

use chrono::DateTime;

use super::*;
use crate::model::{Article, Enclosure, Generator, Tag};

fn at(rfc3339: &str) -> Timestamp {
    DateTime::parse_from_rfc3339(rfc3339).unwrap()
}

/// Articles with relative URLs, HTML to sanitize, tags, a missing id, a content equal to
/// its summary and a date no format can write.
fn articles() -> Vec<Article> {
    vec![
        Article {
            id: "https://news.example/posts/1".into(),
            title: Some(Text::plain("Rain <b>not bold</b> \u{1}")),
            link: Some("/posts/1".into()),
            published: Some(at("2025-03-01T09:30:00+09:00")),
            summary: Some(Text::html(
                "<p onclick=\"steal()\">See <a href=\"../about\">us</a></p>\
                 <script>alert(1)</script><img src=\"img/a.png\">",
            )),
            tags: vec![Tag::new("weather"), Tag::new("seoul")],
            enclosures: vec![Enclosure {
                url: "media/ep1.mp3".into(),
                media_type: Some("audio/mpeg".into()),
                length: Some(10),
            }],
            ..Article::default()
        },
        Article {
            title: Some(Text::html("<i>Snow</i> <a href=\"javascript:x()\">x</a>")),
            link: Some("https://news.example/posts/2?a=b c".into()),
            updated: Some(at("2025-03-02T10:00:00-05:00")),
            summary: Some(Text::html("<p>same</p>")),
            content: Some(Text::html("<p>same</p>")),
            tags: vec![Tag::new("weather")],
            ..Article::default()
        },
        Article {
            id: "urn:x:3".into(),
            title: Some(Text::plain("Far future")),
            content: Some(Text::html(
                "<iframe src=\"/x\"></iframe><p>Body <em>3</em></p>",
            )),
            published: DateTime::parse_from_rfc3339("9999-12-31T23:00:00Z").ok(),
            updated: Some(
                chrono::NaiveDate::from_ymd_opt(12_345, 1, 1)
                    .unwrap()
                    .and_hms_opt(0, 0, 0)
                    .unwrap()
                    .and_utc()
                    .fixed_offset(),
            ),
            tags: vec![Tag::new("seoul")],
            ..Article::default()
        },
    ]
}

/// The feed as `build` composes it (see `build::compose_feed`), for a part too.
fn composed(title: &str, articles: Vec<Article>) -> Feed {
    let newest = articles
        .iter()
        .filter_map(|article| article.updated.max(article.published))
        .max();
    Feed {
        title: Some(Text::plain(title)),
        link: Some("https://news.example/section/".into()),
        id: Some("tag:news.example,2025:feed".into()),
        description: Some(Text::plain("All the news")),
        updated: newest,
        generator: Some(Generator {
            name: "feedmill".into(),
            uri: None,
            version: Some("1".into()),
        }),
        articles,
        ..Feed::default()
    }
}

const FORMATS: [OutputFormat; 3] = [OutputFormat::Rss, OutputFormat::Atom, OutputFormat::Json];

#[test]
fn a_part_writes_the_bytes_its_own_feed_writes() {
    let all = articles();
    let options = EmitOptions {
        self_url: Some("https://feeds.example/news.xml".into()),
        now: Some(at("2025-04-01T00:00:00Z")),
        ..EmitOptions::default()
    };
    let clean = CleanFeed::new(&composed("News", all.clone()), &options);
    assert_eq!(
        clean.write_formats(&FORMATS).unwrap(),
        write_formats(&composed("News", all.clone()), &FORMATS, &options).unwrap(),
    );
    let parts: [(&str, &[usize]); 4] = [
        ("News — seoul", &[2, 0]),
        ("News — weather", &[0, 1]),
        ("News — \u{fffe}empty", &[]),
        ("News — one", &[1]),
    ];
    for (title, positions) in parts {
        let subset: Vec<Article> = positions.iter().map(|&at| all[at].clone()).collect();
        let own = composed(title, subset);
        let part = FeedPart {
            title: own.title.clone(),
            updated: own.updated,
            positions,
        };
        let written = clean.write_part(&part, &FORMATS).unwrap();
        let expected = write_formats(&own, &FORMATS, &options).unwrap();
        for ((format, got), want) in FORMATS.iter().zip(&written).zip(&expected) {
            assert_eq!(
                String::from_utf8_lossy(got),
                String::from_utf8_lossy(want),
                "{title}, {format}"
            );
        }
    }
}

#[test]
fn a_part_holds_only_its_articles_cleaned() {
    let clean = CleanFeed::new(&composed("News", articles()), &EmitOptions::default());
    let part = FeedPart {
        title: Some(Text::plain("News — seoul")),
        updated: None,
        positions: &[0, 7],
    };
    let [rss] = &clean.write_part(&part, &[OutputFormat::Rss]).unwrap()[..] else {
        panic!("one document expected");
    };
    let rss = String::from_utf8(rss.clone()).unwrap();
    assert!(rss.contains("<title>News — seoul</title>"), "{rss}");
    assert!(rss.contains("https://news.example/posts/1"), "{rss}");
    assert!(rss.contains("https://news.example/about"), "{rss}");
    assert!(
        rss.contains("https://news.example/posts/img/a.png"),
        "{rss}"
    );
    assert!(
        !rss.contains("posts/2") && !rss.contains("Far future"),
        "{rss}"
    );
    assert!(!rss.contains("alert") && !rss.contains("onclick"), "{rss}");
    assert_eq!(rss.matches("<item>").count(), 1);
}
