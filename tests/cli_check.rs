//! `feedmill check` end to end: the built binary on definition files whose page sources
//! are served from 127.0.0.1 (the synthetic harbour listing of `tests/fixtures/pages/`),
//! the offline example in `feeds/`, and invalid files (exit code 3).

mod support;

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use support::{Response, TestServer};

fn feedmill() -> Command {
    Command::new(env!("CARGO_BIN_EXE_feedmill"))
}

fn page_fixture(name: &str) -> Vec<u8> {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests/fixtures/pages", name]
        .iter()
        .collect();
    fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// Writes `text` as `feeds.toml` in a fresh directory and returns both.
fn definition_file(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("feeds.toml");
    fs::write(&path, text).expect("writing the definition file");
    (dir, path)
}

/// The harbour listing served on 127.0.0.1: page 1 at `/tags/harbour/`, page 2 behind it.
fn harbour_server() -> TestServer {
    TestServer::start([
        (
            "/tags/harbour/",
            Response::ok(
                "text/html; charset=utf-8",
                page_fixture("listing_harbour_page1.html"),
            ),
        ),
        (
            "/tags/harbour/?page=2",
            Response::ok(
                "text/html; charset=utf-8",
                page_fixture("listing_harbour_page2.html"),
            ),
        ),
    ])
}

fn harbour_definition(server: &TestServer) -> String {
    format!(
        r#"[feed]
title = "Harbour"

[[source]]
name = "harbour-listing"
url = "{}"
time-zone = "Asia/Seoul"

[source.page]
items = "article.story"
title = "h2 a"
link = "h2 a@href"
date = "time"
date-format = "%d %b. %Y, %H:%M"
tags = {{ selector = ".tags a", all = true }}
image = "video@src"
next-page = "a.next@href"
max-pages = 2
"#,
        server.url("/tags/harbour/")
    )
}

#[test]
fn a_served_listing_is_checked_with_counts_warnings_and_the_first_items() {
    let server = harbour_server();
    let (_dir, path) = definition_file(&harbour_definition(&server));
    let output = feedmill()
        .arg("check")
        .arg(&path)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let stdout = String::from_utf8(output).expect("UTF-8 output");
    assert!(stdout.contains("source harbour-listing (page,"), "{stdout}");
    assert!(stdout.contains("pages read: 2"), "{stdout}");
    assert!(
        stdout.contains("items      article.story            5 matched, 4 values"),
        "{stdout}"
    );
    assert!(
        stdout.contains("warning: page.image: selector `video` matched nothing"),
        "{stdout}"
    );
    assert!(
        stdout.contains("1. Winter ferry timetable announced"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "link: {}",
            server.url("/2026/11/26/ferry-timetable")
        )),
        "{stdout}"
    );
    // The page shows Seoul wall-clock times; the source's zone places them.
    assert!(
        stdout.contains("date: 2026-11-26T08:30:00+09:00"),
        "{stdout}"
    );
    assert!(
        stdout.contains("date: 2026-11-25T22:05:00+09:00"),
        "{stdout}"
    );
    assert!(stdout.contains("tags: Harbour, Transport"), "{stdout}");
    // The lighthouse story is on both pages; it is emitted once.
    assert!(stdout.contains("articles: 4 (first 4 shown)"), "{stdout}");
}

#[test]
fn one_source_is_checked_when_named_and_an_unknown_name_is_a_usage_error() {
    let server = harbour_server();
    let feed_server = TestServer::start([(
        "/feed.xml",
        Response::ok(
            "application/rss+xml",
            "<rss version=\"2.0\"><channel><title>t</title><item><title>a</title></item></channel></rss>",
        ),
    )]);
    let text = format!(
        "{}\n[[source]]\nname = \"harbour-rss\"\nurl = \"{}\"\n",
        harbour_definition(&server),
        feed_server.url("/feed.xml")
    );
    let (_dir, path) = definition_file(&text);
    feedmill()
        .args(["check", "--source", "harbour-rss"])
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("a feed (RSS 2.0) with 1 articles"))
        .stdout(predicate::str::contains("harbour-listing").not());
    feedmill()
        .args(["check", "--source", "nope"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no source named \"nope\""));
}

#[test]
fn the_offline_example_page_definition_checks_without_a_network() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    feedmill()
        .current_dir(root)
        .args(["check", "feeds/example-page.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("pages read: 2"))
        .stdout(predicate::str::contains(
            "1. Winter ferry timetable announced",
        ))
        .stdout(predicate::str::contains("date: 2026-11-26T08:30:00+09:00"))
        .stdout(predicate::str::contains("warning").not());
}

#[test]
fn an_invalid_definition_prints_every_error_with_its_line_and_exits_3() {
    let (_dir, path) = definition_file(
        "[feed]\ntitle = \"t\"\n\n[[source]]\nname = \"a\"\nurl = \"https://e.org/\"\ntime-zone = \"Asia/Seol\"\n[source.page]\nitems = \"li[\"\n",
    );
    let file = path.display().to_string();
    feedmill()
        .arg("check")
        .arg(&path)
        .assert()
        .code(3)
        .stderr(predicate::str::contains(format!(
            "error: {file}:7:13: source[0].time-zone: unknown time zone \"Asia/Seol\"\n"
        )))
        .stderr(predicate::str::contains(format!(
            "error: {file}:9:9: source[0].page.items: invalid CSS selector"
        )));
}

#[test]
fn a_toml_syntax_error_exits_3_with_its_line() {
    let (_dir, path) = definition_file("[feed]\ntitle = \"t\n");
    let file = path.display().to_string();
    feedmill()
        .arg("check")
        .arg(&path)
        .assert()
        .code(3)
        .stderr(predicate::str::contains(format!("error: {file}:2:")));
}

#[test]
fn check_help_documents_exit_code_3() {
    feedmill()
        .args(["check", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("3 the definition file is invalid"));
}

/// A headline feed without tags, its items linking to pages on the same server.
const TAGLESS_FEED: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
  <title>Saltmere Harbour Gazette</title>
  <link>/region/harbour</link>
  <description>Harbour news</description>
  <item>
    <title>Council votes to widen the northern quay</title>
    <link>/region/harbour/quay-vote</link>
    <pubDate>Sat, 14 Mar 2026 00:00:00 GMT</pubDate>
  </item>
  <item>
    <title>Ferry timetable changes for the summer season announced</title>
    <link>/region/harbour/ferry-timetable</link>
  </item>
  <item>
    <title>A story the site has taken down</title>
    <link>/region/harbour/withdrawn</link>
  </item>
</channel></rss>"#;

#[test]
fn a_feed_source_with_enrich_shows_what_its_first_articles_gain_from_their_pages() {
    let server = TestServer::start([
        (
            "/feed.xml",
            Response::ok("application/rss+xml", TAGLESS_FEED),
        ),
        (
            "/region/harbour/quay-vote",
            Response::ok(
                "text/html; charset=utf-8",
                page_fixture("detail_quay_vote.html"),
            ),
        ),
        (
            "/region/harbour/ferry-timetable",
            Response::ok(
                "text/html; charset=utf-8",
                page_fixture("detail_ferry_timetable.html"),
            ),
        ),
    ]);
    let text = format!(
        r#"[feed]
title = "Harbour"

[[source]]
name = "harbour-rss"
url = "{}"
time-zone = "Asia/Seoul"

[source.enrich]
tags = "a.tag"
section = ".breadcrumb a:not(:first-child)"
date = "p.published"
date-format = "Published: %d %b. %Y, %H:%M"
author = "p.credit"
content = ".article-body"
max-concurrent = 2
"#,
        server.url("/feed.xml")
    );
    let (_dir, path) = definition_file(&text);
    let output = feedmill()
        .arg("check")
        .arg(&path)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let stdout = String::from_utf8(output).expect("UTF-8 output");
    assert!(
        stdout.contains("enrichment: first 3 articles, at most 2 pages at once"),
        "{stdout}"
    );
    assert!(
        stdout.contains("added tags: Northern Quay, Ferries, fishing"),
        "{stdout}"
    );
    assert!(
        stdout.contains("added tags: Ferries, Timetables"),
        "{stdout}"
    );
    assert_eq!(
        stdout.matches("added sections: Region, Harbour").count(),
        2,
        "{stdout}"
    );
    // The page's Seoul wall-clock time beats the feed's day-only date.
    assert!(
        stdout.contains("published: 2026-03-14T09:05:00+09:00 (was 2026-03-14T00:00:00Z)"),
        "{stdout}"
    );
    assert!(stdout.contains("added authors: Harbour Desk"), "{stdout}");
    assert!(
        stdout.contains("full text: found, used as content"),
        "{stdout}"
    );
    let gone = server.url("/region/harbour/withdrawn");
    assert!(
        stdout.contains(&format!(
            "warning: enriching `{gone}`: cannot fetch its page"
        )),
        "{stdout}"
    );
}

#[test]
fn a_page_source_with_enrich_is_enriched_too() {
    let listing = r#"<html><head><title>Harbour</title></head><body><ul class="stories">
<li><a href="/region/harbour/ferry-timetable">Ferry timetable changes</a></li>
</ul></body></html>"#;
    let server = TestServer::start([
        ("/list", Response::ok("text/html; charset=utf-8", listing)),
        (
            "/region/harbour/ferry-timetable",
            Response::ok(
                "text/html; charset=utf-8",
                page_fixture("detail_ferry_timetable.html"),
            ),
        ),
    ]);
    let text = format!(
        "[feed]\ntitle = \"t\"\n[[source]]\nname = \"list\"\nurl = \"{}\"\n[source.page]\nitems = \"ul.stories li\"\ntitle = \"a\"\nlink = \"a@href\"\n[source.enrich]\ntags = \"a.tag\"\nsection = \".breadcrumb a:not(:first-child)\"\n",
        server.url("/list")
    );
    let (_dir, path) = definition_file(&text);
    feedmill()
        .arg("check")
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("articles: 1 (first 1 shown)"))
        .stdout(predicate::str::contains(
            "enrichment: first 1 articles, at most 4 pages at once",
        ))
        .stdout(predicate::str::contains("added tags: Ferries, Timetables"))
        .stdout(predicate::str::contains("added sections: Region, Harbour"));
}

#[test]
fn a_page_source_without_selectors_is_checked_by_auto_extraction_in_its_time_zone() {
    let server = TestServer::start([(
        "/article/ferry",
        Response::ok(
            "text/html; charset=utf-8",
            page_fixture("article_seed_shape.html"),
        ),
    )]);
    let (_dir, path) = definition_file(&format!(
        "[feed]\ntitle = \"Harbor\"\n\n[[source]]\nname = \"ferry\"\nurl = \"{}\"\nkind = \"page\"\ntime-zone = \"Asia/Seoul\"\n",
        server.url("/article/ferry")
    ));
    let output = feedmill().arg("check").arg(&path).output().expect("runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("page, auto-extraction"), "{stdout}");
    assert!(stdout.contains("read as article page"), "{stdout}");
    assert!(
        stdout.contains("Coastal city council approves floating ferry terminal"),
        "{stdout}"
    );
    assert!(stdout.contains("2025-09-09T18:21:00+09:00"), "{stdout}");
}
