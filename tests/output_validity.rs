//! Everything we write passes a spec validator with zero errors: every feed of the shared
//! corpus and of our fixtures, read and written in every format (with and without a
//! `self_url`), and a hostile hand-built feed. The validators are `common::validate`.
//!
//! The corpus lives outside the repository (`../shared/corpus`); its test skips with a
//! message when it is absent.

mod common;

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeZone, Utc};
use feedmill::emit::{self, EmitOptions, OutputFormat};
use feedmill::model::{
    Article, Enclosure, Feed, Generator, Image, Link, Person, SourceRef, Tag, Text,
};
use feedmill::source::feed::{self, ReadOptions};

use common::validate;

const FORMATS: [OutputFormat; 3] = [OutputFormat::Rss, OutputFormat::Atom, OutputFormat::Json];
/// How many failing documents to print, and how many errors of each.
const MAX_FAILURES_SHOWN: usize = 25;
const MAX_ERRORS_SHOWN: usize = 6;

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The two settings every feed is written with: a published output, and the defaults.
fn option_sets() -> [(&'static str, EmitOptions); 2] {
    [
        (
            "self_url",
            EmitOptions {
                self_url: Some("https://feeds.example/out".into()),
                ..EmitOptions::default()
            },
        ),
        ("default", EmitOptions::default()),
    ]
}

fn validator(format: OutputFormat) -> fn(&[u8]) -> Vec<String> {
    match format {
        OutputFormat::Rss => validate::rss2,
        OutputFormat::Atom => validate::atom1,
        OutputFormat::Json => validate::json_feed11,
    }
}

/// Documents validated per format, and the ones that failed.
#[derive(Default)]
struct Sweep {
    validated: BTreeMap<String, usize>,
    failures: Vec<String>,
}

impl Sweep {
    /// Writes `feed` in every format with every option set and validates each document.
    fn check(&mut self, label: &str, feed: &Feed) {
        for format in FORMATS {
            for (options_label, options) in option_sets() {
                let written =
                    catch_unwind(AssertUnwindSafe(|| emit::write(feed, format, &options)));
                *self.validated.entry(format.to_string()).or_default() += 1;
                let errors = match written {
                    Ok(Ok(bytes)) => validator(format)(&bytes),
                    Ok(Err(error)) => vec![format!("write failed: {error}")],
                    Err(_) => vec!["the writer panicked".to_owned()],
                };
                if !errors.is_empty() {
                    self.failures
                        .push(describe(label, format, options_label, &errors));
                }
            }
        }
    }

    #[track_caller]
    fn assert_valid(&self) {
        eprintln!("documents validated per format: {:?}", self.validated);
        if self.failures.is_empty() {
            return;
        }
        let shown: Vec<&str> = self
            .failures
            .iter()
            .take(MAX_FAILURES_SHOWN)
            .map(String::as_str)
            .collect();
        panic!(
            "{} invalid documents (first {} shown):\n{}",
            self.failures.len(),
            shown.len(),
            shown.join("\n")
        );
    }
}

fn describe(label: &str, format: OutputFormat, options_label: &str, errors: &[String]) -> String {
    let mut text = format!(
        "{label} as {format} ({options_label} options): {} errors",
        errors.len()
    );
    for error in errors.iter().take(MAX_ERRORS_SHOWN) {
        text.push_str("\n    ");
        text.push_str(error);
    }
    if errors.len() > MAX_ERRORS_SHOWN {
        text.push_str("\n    …");
    }
    text
}

/// Reads every file of `paths` that is a feed and validates what we write from it.
/// Returns how many were feeds.
fn sweep_files(paths: &[PathBuf], sweep: &mut Sweep) -> usize {
    let mut n_feeds = 0;
    for path in paths {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        // Not a feed (an HTML page, a test's expectations, a licence): nothing to write.
        let Ok(outcome) = feed::read(&bytes, &ReadOptions::default()) else {
            continue;
        };
        n_feeds += 1;
        let label = path.strip_prefix(manifest_dir()).unwrap_or(path);
        sweep.check(&label.display().to_string(), &outcome.feed);
    }
    n_feeds
}

#[test]
fn every_corpus_feed_is_written_valid_in_every_format() {
    let corpus = manifest_dir().join("../shared/corpus");
    if !corpus.is_dir() {
        eprintln!(
            "skipped: {} is absent (needs ../shared/corpus)",
            corpus.display()
        );
        return;
    }
    let mut paths = Vec::new();
    common::collect_files(&corpus.join("feedparser/tests"), &mut paths);
    common::collect_files(&corpus.join("other"), &mut paths);
    let mut sweep = Sweep::default();
    let n_feeds = sweep_files(&paths, &mut sweep);
    eprintln!("{n_feeds} of {} corpus files are feeds", paths.len());
    assert!(
        n_feeds > 1000,
        "only {n_feeds} corpus feeds found under {}",
        corpus.display()
    );
    sweep.assert_valid();
}

#[test]
fn every_fixture_feed_is_written_valid_in_every_format() {
    let mut paths = Vec::new();
    common::collect_files(&manifest_dir().join("tests/fixtures/feeds"), &mut paths);
    common::collect_files(&manifest_dir().join("feeds"), &mut paths);
    let mut sweep = Sweep::default();
    let n_feeds = sweep_files(&paths, &mut sweep);
    assert!(n_feeds >= 4, "only {n_feeds} fixture feeds found");
    sweep.assert_valid();
}

#[test]
fn an_empty_feed_is_written_valid_in_every_format() {
    let mut sweep = Sweep::default();
    sweep.check("empty feed", &Feed::default());
    sweep.check(
        "feed of one empty article",
        &Feed {
            articles: vec![Article::default()],
            ..Feed::default()
        },
    );
    sweep.assert_valid();
}

#[test]
fn a_hostile_feed_is_written_valid_in_every_format() {
    let mut sweep = Sweep::default();
    sweep.check("hostile feed", &hostile_feed());
    sweep.assert_valid();
}

/// Everything a careless or malicious source could hand us: control characters, `]]>`,
/// scripts, relative and broken URLs, non-ASCII everywhere, malformed languages, e-mails
/// and media types, dates a format cannot write, ids that are not IRIs.
fn hostile_feed() -> Feed {
    let far_future = Utc
        .with_ymd_and_hms(12_345, 1, 1, 0, 0, 0)
        .unwrap()
        .fixed_offset();
    let ancient = DateTime::parse_from_rfc3339("0001-01-01T00:00:00+14:00").unwrap();
    Feed {
        title: Some(Text::html("<script>alert(1)</script>\u{1}]]>")),
        link: Some("/home page/".into()),
        links: vec![
            Link {
                href: "other.html".into(),
                rel: Some("alternate".into()),
                hreflang: Some("not a language".into()),
                media_type: Some("html".into()),
                ..Link::default()
            },
            Link {
                href: "javascript:alert(1)".into(),
                rel: Some("related".into()),
                ..Link::default()
            },
        ],
        self_link: Some("feed.xml".into()),
        id: Some("my feed".into()),
        description: Some(Text::plain("   ")),
        language: Some("English (UK)".into()),
        updated: Some(far_future),
        published: Some(ancient),
        image: Some(Image {
            url: "logo.png".into(),
            title: Some("\u{7}".into()),
            link: Some("javascript:x".into()),
        }),
        icon: Some("data:image/png;base64,AAAA".into()),
        authors: vec![
            Person {
                name: None,
                email: Some("not an email".into()),
                uri: Some("kim page".into()),
            },
            Person {
                name: Some("\u{0}".into()),
                ..Person::default()
            },
        ],
        rights: Some(Text::html("<p onclick=\"x()\">© 2025</p>")),
        generator: Some(Generator {
            name: "gen\u{1b}".into(),
            uri: Some("gen home".into()),
            version: None,
        }),
        tags: vec![Tag::new(" "), Tag::new("태그 ]]>")],
        explicit: None,
        articles: vec![
            Article {
                id: "  ".into(),
                title: None,
                summary: Some(Text::html(
                    "<script>alert(1)</script><p onclick=\"steal()\">Hi \u{1}there</p>\
                     <a href=\"javascript:alert(2)\">js</a><img src=\"img/a.png\">",
                )),
                content: Some(Text::html(
                    "<p>Ends ]]> early \u{8}\u{fffe} 한국어 ü 🎉</p>",
                )),
                language: Some("ko_KR".into()),
                ..Article::default()
            },
            Article {
                id: "item 2 <b>".into(),
                title: Some(Text::plain("a < b ]]> c\u{0}\u{ffff}")),
                link: Some("/posts/2?q=한국".into()),
                links: vec![
                    Link {
                        href: "/posts/2?q=한국".into(),
                        rel: None,
                        ..Link::default()
                    },
                    Link {
                        href: "/posts/2b".into(),
                        rel: None,
                        ..Link::default()
                    },
                ],
                published: Some(far_future),
                updated: Some(ancient),
                authors: vec![Person {
                    email: Some("kim@example".into()),
                    ..Person::default()
                }],
                tags: vec![
                    Tag {
                        term: "\u{1}".into(),
                        label: None,
                        scheme: None,
                    },
                    Tag {
                        term: "kept".into(),
                        label: Some("\u{85}label".into()),
                        scheme: Some("not a scheme".into()),
                    },
                ],
                enclosures: vec![
                    Enclosure {
                        url: "audio/ep 1.mp3".into(),
                        media_type: Some("mp3".into()),
                        length: None,
                    },
                    Enclosure {
                        url: "ftp://example.com/ep1.ogg".into(),
                        media_type: None,
                        length: Some(5),
                    },
                    Enclosure {
                        url: "https://예시.example/에피소드.mp3".into(),
                        media_type: Some("audio/mpeg; charset=\"x\"".into()),
                        length: Some(7),
                    },
                ],
                comments: Some("comments here".into()),
                image: Some("data:image/png;base64,AAAA".into()),
                rights: Some(Text::plain("\u{2}")),
                duration_seconds: Some(u64::MAX),
                source: Some(
                    SourceRef {
                        title: Some("src".into()),
                        url: Some("source.xml".into()),
                        link: None,
                    }
                    .into(),
                ),
                ..Article::default()
            },
            Article {
                id: "https://example.com/a b".into(),
                link: Some("javascript:alert(3)".into()),
                content: Some(Text::plain("")),
                ..Article::default()
            },
            Article {
                id: "tag:example.com,2025:dup".into(),
                title: Some(Text::html("<b></b>")),
                links: vec![Link {
                    href: "https://example.com/self".into(),
                    rel: Some("self".into()),
                    length: Some(3),
                    ..Link::default()
                }],
                ..Article::default()
            },
            Article {
                id: "x-1".into(),
                title: Some(Text::html(
                    "<img src=\"https://example.com/only-an-image.png\">",
                )),
                link: Some("ftp://example.com/file".into()),
                summary: Some(Text::html("<script>only a script</script>")),
                enclosures: vec![Enclosure {
                    url: "data:audio/mpeg;base64,AAAA".into(),
                    media_type: Some("audio/mpeg".into()),
                    length: Some(4),
                }],
                language: Some("x-klingon".into()),
                ..Article::default()
            },
        ],
    }
}
