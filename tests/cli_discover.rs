//! `feedmill discover` end to end: the built binary on a synthetic blog page served from
//! 127.0.0.1 (with feeds at some common paths) and read from a file.

mod support;

use std::path::PathBuf;

use assert_cmd::Command;
use predicates::prelude::*;
use support::{Response, TestServer, fixture_bytes};

fn page_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/pages")
        .join(name)
}

fn page_bytes(name: &str) -> Vec<u8> {
    let path = page_path(name);
    std::fs::read(&path).unwrap_or_else(|err| panic!("reading {}: {err}", path.display()))
}

fn discover() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_feedmill"));
    command.arg("discover");
    command
}

/// A server with the blog page at `/blog/`, an RSS feed at `/feed.xml` and an HTML page
/// (not a feed) at `/feed`.
fn blog_server() -> TestServer {
    TestServer::start([
        (
            "/blog/",
            Response::ok("text/html; charset=utf-8", page_bytes("discover_blog.html")),
        ),
        (
            "/feed.xml",
            Response::ok("application/rss+xml", fixture_bytes("news.xml")),
        ),
        (
            "/feed",
            Response::ok("text/html", "<html><body><p>Not a feed</p></body></html>"),
        ),
    ])
}

fn stdout_of(command: &mut Command) -> String {
    let output = command.assert().success().get_output().stdout.clone();
    String::from_utf8(output).expect("UTF-8 output")
}

#[test]
fn advertised_feeds_are_listed_with_absolute_urls_and_titles() {
    let server = blog_server();
    let out = stdout_of(discover().arg(server.url("/blog/")));
    let rss = server.url("/rss.xml");
    let atom = server.url("/blog/atom.xml");
    let comments = server.url("/comments/feed");
    let line_with = |needle: &str| {
        out.lines()
            .find(|line| line.contains(needle))
            .unwrap_or_else(|| panic!("no line with {needle} in:\n{out}"))
            .to_owned()
    };
    assert!(line_with(&rss).contains("advertised"), "{out}");
    assert!(line_with(&rss).contains("Ward Notes (RSS)"), "{out}");
    assert!(line_with(&atom).contains("application/atom+xml"), "{out}");
    assert!(line_with("https://feeds.ward.example/notes.json").contains("advertised"));
    assert!(line_with(&comments).contains("linked"), "{out}");
    assert!(!out.contains("sitemap"), "{out}");
    assert!(!out.contains("probed"), "{out}");
    assert!(out.contains("(listing)"), "{out}");
    assert!(out.contains("articles: 4 (guessed listing at `"), "{out}");
    assert_eq!(server.requests().len(), 1, "only the page is fetched");
}

#[test]
fn probing_finds_a_feed_at_a_common_path_and_skips_what_is_not_a_feed() {
    let server = blog_server();
    let out = stdout_of(discover().arg(server.url("/blog/")).arg("--probe"));
    let hit = out
        .lines()
        .find(|line| line.contains("probed"))
        .unwrap_or_else(|| panic!("no probed feed in:\n{out}"));
    assert!(hit.contains(&server.url("/feed.xml")), "{out}");
    assert!(hit.contains("RSS 2.0"), "{out}");
    assert_eq!(out.matches("probed").count(), 1, "{out}");
    let requests = server.requests().join("\n");
    assert!(requests.contains("GET /feed HTTP"), "{requests}");
    assert!(
        requests.contains("GET /feeds/posts/default HTTP"),
        "{requests}"
    );
}

#[test]
fn json_output_lists_feeds_and_the_page_summary() {
    let server = blog_server();
    let out = stdout_of(
        discover()
            .arg(server.url("/blog/"))
            .args(["--probe", "--json"]),
    );
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON output");
    let feeds = json["feeds"].as_array().expect("a feeds array");
    assert_eq!(feeds[0]["url"], server.url("/rss.xml"));
    assert_eq!(feeds[0]["found_by"], "advertised");
    assert!(
        feeds
            .iter()
            .any(|f| f["url"] == server.url("/feed.xml") && f["found_by"] == "probed"),
        "{out}"
    );
    assert_eq!(json["page"]["kind"], "listing");
    assert_eq!(json["page"]["articles"], 4);
}

#[test]
fn a_local_file_is_read_without_probing_and_resolved_against_base() {
    let out = stdout_of(
        discover()
            .arg(page_path("discover_blog.html"))
            .args(["--base", "https://ward.example/blog/"]),
    );
    assert!(
        out.contains("advertised https://ward.example/rss.xml"),
        "{out}"
    );
    assert!(out.contains("https://ward.example/blog/atom.xml"), "{out}");
}

#[test]
fn probe_on_a_local_file_is_a_warning_not_a_fetch() {
    discover()
        .arg(page_path("discover_blog.html"))
        .arg("--probe")
        .assert()
        .success()
        .stderr(predicate::str::contains("--probe needs a URL input"))
        .stdout(
            predicate::str::contains("advertised").and(predicate::str::contains("probed").not()),
        );
}

#[test]
fn a_feed_is_not_a_page_to_discover_in() {
    discover()
        .arg(support::fixture_path("news.xml"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not an HTML page"));
}
