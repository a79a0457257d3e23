//! OPML end to end: the synthetic lists of `tests/fixtures/opml/` read by
//! `source::opml::read_opml`, and lists written by `emit::opml::write_opml` read back
//! unchanged.

use std::path::PathBuf;

use chrono::{TimeZone as _, Utc};
use feedmill::emit::opml::{OpmlDocument, OpmlOutline, write_opml};
use feedmill::source::opml::{Subscription, Subscriptions, read_opml};

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/opml")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|err| panic!("reading {}: {err}", path.display()))
}

fn subscription(title: &str, xml_url: &str, categories: &[&str]) -> Subscription {
    Subscription {
        title: (!title.is_empty()).then(|| title.to_owned()),
        xml_url: xml_url.to_owned(),
        html_url: None,
        categories: categories.iter().map(|&c| c.to_owned()).collect(),
    }
}

#[test]
fn the_tricky_list_reads_folders_entities_unicode_and_duplicates() {
    let list = read_opml(&fixture("tricky.opml")).expect("an OPML list");
    assert_eq!(
        list.title.as_deref(),
        Some(r#"Lantern "Reading" List \ 2026"#)
    );
    let mut tide = subscription(
        "The \"Tide\" Table",
        "https://tides.example.org/feed.xml",
        &["Harbour & Sea", "Tides"],
    );
    tide.html_url = Some("https://tides.example.org/".into());
    assert_eq!(
        list.subscriptions,
        [
            tide,
            subscription(
                r"Back\slash C:\feeds\",
                "https://backslash.example.net/rss?a=1&b=2",
                &["Harbour & Sea", "Tides"],
            ),
            subscription(
                "Café Ünïcödé — 북한 뉴스",
                "https://unicode.example.com/atom",
                &["Harbour & Sea"],
            ),
            subscription(
                "Daily Notes",
                "https://one.example.org/daily.xml",
                &["Weather"]
            ),
            subscription(
                "Daily Notes",
                "https://two.example.org/daily.xml",
                &["Weather"]
            ),
            subscription(
                "daily notes!",
                "https://three.example.org/daily.xml",
                &["Weather", "Local", "Rain"],
            ),
            subscription("", "https://no-title.example.org/feed", &[]),
            subscription("Multi line title", "http://lines.example.org/rss", &[]),
        ]
    );
    // The repeated tide feed, and the bookmark.
    assert_eq!(list.warnings.len(), 2, "{:#?}", list.warnings);
    assert!(
        list.warnings[0].starts_with("line 23: "),
        "{:?}",
        list.warnings
    );
    assert!(
        list.warnings[0].contains("listed again"),
        "{:?}",
        list.warnings
    );
    assert!(
        list.warnings[1].contains("not a feed"),
        "{:?}",
        list.warnings
    );
}

#[test]
fn a_latin1_opml_1_export_with_lowercase_attributes_reads() {
    let list = read_opml(&fixture("reader-export.opml")).expect("an OPML list");
    assert_eq!(list.title.as_deref(), Some("Café export"));
    let mut summer = subscription("Blog été", "http://summer.example.org/rss", &["Blogs"]);
    summer.html_url = Some("http://summer.example.org/".into());
    assert_eq!(
        list.subscriptions,
        [
            summer,
            subscription("Notes", "https://notes.example.org/index.xml", &["Blogs"]),
            subscription("Local file", "feeds/local.xml", &[]),
        ]
    );
    assert_eq!(list.warnings.len(), 1, "{:?}", list.warnings);
    assert!(list.warnings[0].contains("relative"), "{:?}", list.warnings);
}

#[test]
fn an_html_page_is_not_opml() {
    let error = read_opml(&fixture("not-opml.html")).expect_err("HTML is refused");
    assert_eq!(
        error.to_string(),
        "not an OPML subscription list: the document is an HTML page"
    );
}

/// The document whose folders are each subscription's categories, outermost first.
fn document_of(list: &Subscriptions) -> OpmlDocument {
    let mut outlines: Vec<OpmlOutline> = Vec::new();
    for subscription in &list.subscriptions {
        let mut level = &mut outlines;
        for category in &subscription.categories {
            let index = match level
                .iter()
                .position(|o| o.xml_url.is_none() && o.text == *category)
            {
                Some(index) => index,
                None => {
                    level.push(OpmlOutline::folder(category.clone(), Vec::new()));
                    level.len() - 1
                }
            };
            level = &mut level[index].children;
        }
        let mut outline = OpmlOutline::feed(
            subscription.title.clone().unwrap_or_default(),
            subscription.xml_url.clone(),
        );
        outline.html_url = subscription.html_url.clone();
        level.push(outline);
    }
    OpmlDocument {
        title: list.title.clone().unwrap_or_default(),
        created: Some(Utc.with_ymd_and_hms(2026, 11, 27, 6, 0, 0).unwrap()),
        outlines,
    }
}

#[test]
fn a_written_list_reads_back_as_the_same_subscriptions() {
    let list = Subscriptions {
        title: Some("Round <trip> & \"back\" \\ 往復".into()),
        subscriptions: vec![
            {
                let mut s = subscription(
                    "Tom & Jerry's \"<b>bold</b>\" feed",
                    "https://a.example/feed?x=1&y='2'",
                    &["Cartoons & Co", "Classics"],
                );
                s.html_url = Some("https://a.example/?lang=en&q=\"x\"".into());
                s
            },
            subscription(
                r"C:\path\to\feed",
                "https://b.example/rss",
                &["Cartoons & Co"],
            ),
            subscription("Ünïcödé 북한 뉴스", "https://c.example/atom.xml", &[]),
        ],
        warnings: Vec::new(),
    };
    let written = write_opml(&document_of(&list));
    let read_back = read_opml(&written).expect("our own output is OPML");
    assert_eq!(read_back, list);
}

#[test]
fn a_read_list_written_and_read_again_is_unchanged() {
    let first = read_opml(&fixture("tricky.opml")).expect("an OPML list");
    let second = read_opml(&write_opml(&document_of(&first))).expect("our own output");
    assert_eq!(second.title, first.title);
    assert_eq!(second.subscriptions[..6], first.subscriptions[..6]);
    // An untitled feed is written with its URL as its text (OPML requires one).
    assert_eq!(
        second.subscriptions[6].title.as_deref(),
        Some("https://no-title.example.org/feed")
    );
    assert_eq!(second.subscriptions[7..], first.subscriptions[7..]);
    assert_eq!(second.warnings, Vec::<String>::new());
}

#[test]
fn truncated_and_corrupted_lists_never_panic() {
    let bytes = fixture("tricky.opml");
    for end in 0..bytes.len() {
        let _ = read_opml(&bytes[..end]);
    }
    // Deterministic corruption: every 7th byte of a copy replaced by a pseudo-random one.
    let mut state: u32 = 0x2545_f491;
    for round in 0..50 {
        let mut corrupted = bytes.clone();
        for (idx, byte) in corrupted.iter_mut().enumerate() {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            if (idx + round) % 7 == 0 {
                *byte = (state >> 24) as u8;
            }
        }
        let _ = read_opml(&corrupted);
    }
}
