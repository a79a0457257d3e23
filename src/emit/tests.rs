//! Writes hand-built feeds in every format and reads them back with strict parsers.

use chrono::DateTime;
use serde_json::Value;

use super::*;
use crate::model::{Article, Enclosure, Image, Link, Person, Tag, Text};

fn at(rfc3339: &str) -> Timestamp {
    DateTime::parse_from_rfc3339(rfc3339).unwrap()
}

/// A feed that states everything, with a `+09:00` offset on its dates.
fn tidy_feed() -> Feed {
    Feed {
        title: Some(Text::plain("Seoul Notes")),
        link: Some("https://example.com/".into()),
        description: Some(Text::html("Notes <em>from</em> Seoul")),
        language: Some("ko".into()),
        image: Some(Image {
            url: "https://example.com/logo.png".into(),
            title: None,
            link: None,
        }),
        icon: Some("https://example.com/favicon.ico".into()),
        authors: vec![Person {
            name: Some("Kim".into()),
            email: None,
            uri: Some("https://example.com/kim".into()),
        }],
        tags: vec![Tag::new("travel")],
        articles: vec![
            Article {
                id: "tag:example.com,2024:1".into(),
                title: Some(Text::plain("Spring & rain")),
                link: Some("https://example.com/posts/1".into()),
                links: vec![Link {
                    href: "https://elsewhere.example/story".into(),
                    rel: Some("related".into()),
                    ..Link::default()
                }],
                published: Some(at("2024-03-01T09:30:00+09:00")),
                updated: Some(at("2024-03-02T10:00:00+09:00")),
                authors: vec![
                    Person {
                        name: Some("Lee".into()),
                        email: Some("lee@example.com".into()),
                        uri: None,
                    },
                    Person {
                        name: Some("Park".into()),
                        ..Person::default()
                    },
                ],
                summary: Some(Text::plain("Short")),
                content: Some(Text::html("<p>Long <b>story</b></p>")),
                tags: vec![Tag {
                    term: "weather".into(),
                    label: Some("Weather".into()),
                    scheme: Some("https://example.com/tags".into()),
                }],
                enclosures: vec![
                    Enclosure {
                        url: "https://example.com/ep1.mp3".into(),
                        media_type: Some("audio/mpeg".into()),
                        length: Some(12345),
                    },
                    Enclosure {
                        url: "https://example.com/ep1.ogg".into(),
                        media_type: Some("audio/ogg".into()),
                        length: None,
                    },
                ],
                comments: Some("https://example.com/posts/1#comments".into()),
                image: Some("https://example.com/posts/1.jpg".into()),
                ..Article::default()
            },
            Article {
                id: "https://example.com/posts/2".into(),
                title: Some(Text::plain("Two")),
                link: Some("https://example.com/posts/2".into()),
                published: Some(at("2024-02-01T08:00:00+09:00")),
                summary: Some(Text::html("<p>Same</p>")),
                content: Some(Text::html("<p>Same</p>")),
                ..Article::default()
            },
        ],
        ..Feed::default()
    }
}

fn tidy_options() -> EmitOptions {
    EmitOptions {
        self_url: Some("https://feeds.example.net/seoul".into()),
        ..EmitOptions::default()
    }
}

/// A feed missing everything optional, full of hostile markup and characters XML cannot
/// carry.
fn nasty_feed() -> Feed {
    Feed {
        articles: vec![
            Article {
                summary: Some(Text::html(
                    "<script>alert(1)</script><p onclick=\"steal()\">Hi \u{1}there</p>\
                     <a href=\"javascript:alert(2)\">js</a><a href=\"vbscript:x\">vb</a>\
                     <img src=\"img/a.png\"><img src=\"data:image/png;base64,AAAA\">",
                )),
                content: Some(Text::html(
                    "<p>Ends ]]> early \u{8}\u{fffe} 한국어 ü 🎉</p><style>p{}</style>\
                     <iframe src=\"https://evil.example/\"></iframe>",
                )),
                ..Article::default()
            },
            Article {
                title: Some(Text::html("<b>Bold</b> &amp; <script>x()</script>")),
                link: Some("/posts/2".into()),
                content: Some(Text::plain("a < b ]]> c\u{0}\u{ffff}")),
                ..Article::default()
            },
            Article {
                link: Some("javascript:alert(3)".into()),
                ..Article::default()
            },
        ],
        ..Feed::default()
    }
}

fn nasty_options() -> EmitOptions {
    EmitOptions {
        base_url: Some("https://example.org/feed/".into()),
        ..EmitOptions::default()
    }
}

fn written(feed: &Feed, format: OutputFormat, options: &EmitOptions) -> String {
    let bytes = write(feed, format, options).unwrap();
    String::from_utf8(bytes).unwrap()
}

/// Reads the whole document with quick-xml, which checks that it is well-formed.
#[track_caller]
fn assert_well_formed_xml(document: &str) {
    let mut reader = quick_xml::Reader::from_str(document);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(err) => panic!(
                "not well-formed at {}: {err}\n{document}",
                reader.buffer_position()
            ),
        }
    }
}

#[track_caller]
fn assert_only_xml_chars(document: &str) {
    let bad = document.chars().find(|&ch| {
        (ch < ' ' && !matches!(ch, '\t' | '\n' | '\r')) || ch == '\u{fffe}' || ch == '\u{ffff}'
    });
    assert_eq!(bad, None, "invalid XML character in output");
}

#[track_caller]
fn assert_nothing_dangerous(document: &str) {
    let lower = document.to_ascii_lowercase();
    for needle in [
        "<script",
        "&lt;script",
        "onclick",
        "javascript:",
        "vbscript:",
        "data:image",
        "<iframe",
        "<style",
    ] {
        assert!(
            !lower.contains(needle),
            "`{needle}` survived in\n{document}"
        );
    }
}

fn rss_channel(document: &str) -> ::rss::Channel {
    ::rss::Channel::read_from(document.as_bytes()).unwrap()
}

fn atom_feed(document: &str) -> atom_syndication::Feed {
    atom_syndication::Feed::read_from(document.as_bytes()).unwrap()
}

fn json_feed(document: &str) -> Value {
    serde_json::from_str(document).unwrap()
}

#[test]
fn rss_output_of_a_complete_feed_parses_and_keeps_every_field() {
    let document = written(&tidy_feed(), OutputFormat::Rss, &tidy_options());
    assert_well_formed_xml(&document);
    let channel = rss_channel(&document);
    assert_eq!(channel.title, "Seoul Notes");
    assert_eq!(channel.link, "https://example.com/");
    assert_eq!(channel.description, "Notes <em>from</em> Seoul");
    assert_eq!(channel.language.as_deref(), Some("ko"));
    assert_eq!(channel.generator.as_deref(), Some("feedmill"));
    assert_eq!(
        channel.last_build_date.as_deref(),
        Some("Sat, 2 Mar 2024 10:00:00 +0900")
    );
    let image = channel.image.as_ref().unwrap();
    assert_eq!(
        (image.title.as_str(), image.link.as_str()),
        ("Seoul Notes", "https://example.com/")
    );
    assert!(document.contains(
        r#"<atom:link href="https://feeds.example.net/seoul" rel="self" type="application/rss+xml">"#
    ));
    assert!(document.contains(r#"xmlns:atom="http://www.w3.org/2005/Atom""#));

    let first = &channel.items[0];
    assert_eq!(first.title.as_deref(), Some("Spring & rain"));
    assert_eq!(
        first.pub_date.as_deref(),
        Some("Fri, 1 Mar 2024 09:30:00 +0900")
    );
    assert_eq!(first.author.as_deref(), Some("lee@example.com (Lee)"));
    let creators = &first.dublin_core_ext.as_ref().unwrap().creators;
    assert_eq!(creators, &["Park"]);
    assert_eq!(first.description.as_deref(), Some("Short"));
    assert_eq!(first.content.as_deref(), Some("<p>Long <b>story</b></p>"));
    assert_eq!(
        first.categories[0].domain.as_deref(),
        Some("https://example.com/tags")
    );
    let guid = first.guid.as_ref().unwrap();
    assert_eq!(
        (guid.value.as_str(), guid.permalink),
        ("tag:example.com,2024:1", false)
    );
    let enclosure = first.enclosure.as_ref().unwrap();
    assert_eq!(
        (
            enclosure.url.as_str(),
            enclosure.length.as_str(),
            enclosure.mime_type.as_str()
        ),
        ("https://example.com/ep1.mp3", "12345", "audio/mpeg")
    );
    assert!(document.contains(r#"xmlns:media="http://search.yahoo.com/mrss/""#));
    assert!(
        document.contains(r#"<media:content type="audio/ogg" url="https://example.com/ep1.ogg">"#)
    );
    assert_eq!(
        first.comments.as_deref(),
        Some("https://example.com/posts/1#comments")
    );

    let second = &channel.items[1];
    assert!(second.guid.as_ref().unwrap().permalink);
    assert_eq!(
        second.content, None,
        "content equal to the summary is not repeated"
    );
}

#[test]
fn rss_output_meets_the_rules_a_strict_validator_checks() {
    for (feed, options) in [
        (tidy_feed(), tidy_options()),
        (nasty_feed(), nasty_options()),
    ] {
        let document = written(&feed, OutputFormat::Rss, &options);
        let channel = rss_channel(&document);
        url::Url::parse(&channel.link).unwrap();
        for item in &channel.items {
            assert!(item.title.is_some() || item.description.is_some());
            if let Some(link) = &item.link {
                url::Url::parse(link).unwrap();
            }
            if let Some(date) = &item.pub_date {
                DateTime::parse_from_rfc2822(date).unwrap();
            }
        }
        if let Some(date) = &channel.last_build_date {
            DateTime::parse_from_rfc2822(date).unwrap();
        }
    }
}

#[test]
fn rss_output_of_a_hostile_feed_is_valid_safe_and_gets_fallbacks() {
    let document = written(&nasty_feed(), OutputFormat::Rss, &nasty_options());
    assert_well_formed_xml(&document);
    assert_only_xml_chars(&document);
    assert_nothing_dangerous(&document);
    let channel = rss_channel(&document);
    assert_eq!(channel.title, "Untitled feed");
    assert_eq!(channel.description, "Untitled feed");
    assert_eq!(channel.link, "https://example.org/feed/");
    assert_eq!(channel.last_build_date, None, "no date is invented for RSS");

    let [first, second, third] = &channel.items[..] else {
        panic!("three items expected, got {}", channel.items.len());
    };
    let description = first.description.as_deref().unwrap();
    assert!(
        description.contains(r#"<img src="https://example.org/feed/img/a.png">"#),
        "{description}"
    );
    assert!(
        first
            .content
            .as_deref()
            .unwrap()
            .contains("]]&gt; early  한국어 ü 🎉")
    );
    assert!(first.guid.as_ref().unwrap().value.starts_with("urn:uuid:"));
    assert_eq!(second.link.as_deref(), Some("https://example.org/posts/2"));
    assert_eq!(second.title.as_deref(), Some("Bold &"));
    assert_eq!(second.description.as_deref(), Some("a &lt; b ]]&gt; c"));
    assert_eq!(third.link, None, "a javascript: link is dropped");
    assert_eq!(third.title.as_deref(), Some("Untitled"));
}

#[test]
fn atom_output_of_a_complete_feed_parses_and_keeps_offsets() {
    let document = written(&tidy_feed(), OutputFormat::Atom, &tidy_options());
    assert_well_formed_xml(&document);
    let feed = atom_feed(&document);
    assert_eq!(feed.title.value, "Seoul Notes");
    assert_eq!(feed.id, "https://feeds.example.net/seoul");
    assert_eq!(feed.updated.to_rfc3339(), "2024-03-02T10:00:00+09:00");
    assert_eq!(
        feed.subtitle.as_ref().unwrap().r#type,
        atom_syndication::TextType::Html
    );
    assert_eq!(feed.lang.as_deref(), Some("ko"));
    assert_eq!(feed.logo.as_deref(), Some("https://example.com/logo.png"));
    let rels: Vec<_> = feed
        .links
        .iter()
        .map(|l| (l.rel.as_str(), l.href.as_str()))
        .collect();
    assert_eq!(
        rels,
        [
            ("alternate", "https://example.com/"),
            ("self", "https://feeds.example.net/seoul")
        ]
    );

    let entry = &feed.entries[0];
    assert_eq!(entry.id, "tag:example.com,2024:1");
    assert_eq!(
        entry.published.unwrap().to_rfc3339(),
        "2024-03-01T09:30:00+09:00"
    );
    assert_eq!(entry.updated.to_rfc3339(), "2024-03-02T10:00:00+09:00");
    let names: Vec<_> = entry.authors.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Lee", "Park"]);
    let category = &entry.categories[0];
    assert_eq!(category.scheme.as_deref(), Some("https://example.com/tags"));
    assert_eq!(category.label.as_deref(), Some("Weather"));
    assert_eq!(
        entry.summary.as_ref().unwrap().r#type,
        atom_syndication::TextType::Text
    );
    let content = entry.content.as_ref().unwrap();
    assert_eq!(content.content_type.as_deref(), Some("html"));
    assert_eq!(content.value.as_deref(), Some("<p>Long <b>story</b></p>"));
    let enclosures: Vec<_> = entry
        .links
        .iter()
        .filter(|l| l.rel == "enclosure")
        .collect();
    assert_eq!(enclosures.len(), 2);
    assert_eq!(enclosures[0].length.as_deref(), Some("12345"));
    assert!(entry.links.iter().any(|l| l.rel == "related"));
    assert_eq!(
        feed.entries[1].updated.to_rfc3339(),
        "2024-02-01T08:00:00+09:00"
    );
}

#[test]
fn atom_output_of_a_hostile_feed_is_valid_safe_and_gets_required_fallbacks() {
    let document = written(&nasty_feed(), OutputFormat::Atom, &nasty_options());
    assert_well_formed_xml(&document);
    assert_only_xml_chars(&document);
    assert_nothing_dangerous(&document);
    let feed = atom_feed(&document);
    assert_eq!(feed.title.value, "Untitled feed");
    assert!(feed.id.starts_with("urn:uuid:"), "{}", feed.id);
    assert_eq!(
        feed.updated.timestamp(),
        0,
        "no date known: the Unix epoch, not the clock"
    );
    assert_eq!(
        feed.authors[0].name, "unknown",
        "RFC 4287 needs an author somewhere"
    );
    for entry in &feed.entries {
        assert!(!entry.id.is_empty());
        assert!(!entry.title.value.is_empty());
        assert_eq!(entry.updated.timestamp(), 0);
        let has_alternate = entry.links.iter().any(|l| l.rel == "alternate");
        assert!(has_alternate || entry.content.is_some());
    }
    assert_eq!(feed.entries[0].title.value, "Hi there js vb");
    assert_eq!(
        feed.entries[1].title.r#type,
        atom_syndication::TextType::Html
    );
    let summary = feed.entries[0].summary.as_ref().unwrap();
    assert!(
        summary.value.contains("https://example.org/feed/img/a.png"),
        "{}",
        summary.value
    );
}

#[test]
fn atom_updated_falls_back_to_options_now_when_nothing_is_dated() {
    let options = EmitOptions {
        now: Some(at("2025-06-01T12:00:00+09:00")),
        ..nasty_options()
    };
    let feed = atom_feed(&written(&nasty_feed(), OutputFormat::Atom, &options));
    assert_eq!(feed.updated.to_rfc3339(), "2025-06-01T12:00:00+09:00");
}

#[test]
fn json_output_of_a_complete_feed_has_every_field_with_offsets_kept() {
    let json = json_feed(&written(&tidy_feed(), OutputFormat::Json, &tidy_options()));
    assert_eq!(json["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(json["title"], "Seoul Notes");
    assert_eq!(json["home_page_url"], "https://example.com/");
    assert_eq!(json["feed_url"], "https://feeds.example.net/seoul");
    assert_eq!(json["description"], "Notes <em>from</em> Seoul");
    assert_eq!(json["icon"], "https://example.com/logo.png");
    assert_eq!(json["favicon"], "https://example.com/favicon.ico");
    assert_eq!(json["authors"][0]["url"], "https://example.com/kim");

    let item = &json["items"][0];
    assert_eq!(item["id"], "tag:example.com,2024:1");
    assert_eq!(item["url"], "https://example.com/posts/1");
    assert_eq!(item["external_url"], "https://elsewhere.example/story");
    assert_eq!(item["title"], "Spring & rain");
    assert_eq!(item["content_html"], "<p>Long <b>story</b></p>");
    assert_eq!(item["summary"], "Short");
    assert_eq!(item["image"], "https://example.com/posts/1.jpg");
    assert_eq!(item["date_published"], "2024-03-01T09:30:00+09:00");
    assert_eq!(item["date_modified"], "2024-03-02T10:00:00+09:00");
    assert_eq!(item["authors"][0]["url"], "mailto:lee@example.com");
    assert_eq!(item["tags"], serde_json::json!(["weather"]));
    assert_eq!(item["attachments"][0]["mime_type"], "audio/mpeg");
    assert_eq!(item["attachments"][0]["size_in_bytes"], 12345);
    assert_eq!(item["attachments"][1]["size_in_bytes"], Value::Null);
    assert_eq!(json["items"][1]["content_html"], "<p>Same</p>");
}

fn strings(value: &Value) -> Vec<&str> {
    match value {
        Value::String(text) => vec![text.as_str()],
        Value::Array(values) => values.iter().flat_map(strings).collect(),
        Value::Object(map) => map.values().flat_map(strings).collect(),
        _ => Vec::new(),
    }
}

#[test]
fn json_output_of_a_hostile_feed_has_required_keys_and_no_dangerous_or_invalid_text() {
    let document = written(&nasty_feed(), OutputFormat::Json, &nasty_options());
    assert_nothing_dangerous(&document);
    let json = json_feed(&document);
    for text in strings(&json) {
        assert_only_xml_chars(text);
    }
    assert_eq!(json["title"], "Untitled feed");
    let items = json["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    for item in items {
        assert!(
            item["id"].as_str().is_some_and(|id| !id.is_empty()),
            "{item}"
        );
        assert!(
            item["content_html"].is_string() || item["content_text"].is_string(),
            "{item}"
        );
    }
    assert_eq!(
        items[1]["title"], "<b>Bold</b> &amp; ",
        "an HTML title goes out as HTML"
    );
    assert_eq!(items[1]["content_text"], "a < b ]]> c");
    let summary = items[0]["summary"].as_str().unwrap();
    assert!(
        summary.contains("Hi there") && !summary.contains('<'),
        "a JSON Feed summary is plain text: {summary}"
    );
    assert!(
        items[0]["content_html"]
            .as_str()
            .unwrap()
            .contains("한국어 ü 🎉")
    );
    assert_eq!(items[2]["content_text"], "");
}

#[test]
fn the_same_feed_and_options_always_give_the_same_bytes() {
    for format in [OutputFormat::Rss, OutputFormat::Atom, OutputFormat::Json] {
        let first = write(&nasty_feed(), format, &nasty_options()).unwrap();
        let second = write(&nasty_feed(), format, &nasty_options()).unwrap();
        assert_eq!(first, second, "{format}");
    }
}

#[test]
fn write_formats_gives_the_bytes_write_gives_for_each_format() {
    let formats = [OutputFormat::Json, OutputFormat::Rss, OutputFormat::Atom];
    for (feed, options) in [
        (tidy_feed(), tidy_options()),
        (nasty_feed(), nasty_options()),
    ] {
        let all = write_formats(&feed, &formats, &options).unwrap();
        assert_eq!(all.len(), formats.len());
        for (format, bytes) in formats.iter().zip(all) {
            assert_eq!(bytes, write(&feed, *format, &options).unwrap(), "{format}");
        }
    }
}
