//! `feedmill convert` end to end: the built binary on fixture feeds, standard input and
//! a server on 127.0.0.1. Output is checked by parsing it with independent parsers (the
//! `rss` and `atom_syndication` crates, serde_json), not by our own reader.

mod support;

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{self, Stdio};

use assert_cmd::Command;
use predicates::prelude::*;
use support::{Response, TestServer, fixture_bytes, fixture_path};

const NEWS_ARTICLES: [(&str, &str); 3] = [
    (
        "Belarus envoy visits Pyongyang",
        "https://gazette.example.com/2025/09/09/envoy-visit",
    ),
    (
        "Ferry timetable changes & new routes",
        "https://gazette.example.com/2025/09/08/ferry-timetable",
    ),
    (
        "Café owners in Busan try a four-day week",
        "https://gazette.example.com/2025/09/07/cafe-four-day-week",
    ),
];

fn feedmill() -> Command {
    Command::new(env!("CARGO_BIN_EXE_feedmill"))
}

/// `feedmill convert`, to which a test adds arguments.
fn convert() -> Command {
    let mut command = feedmill();
    command.arg("convert");
    command
}

/// Runs `command`, expects success and returns its stdout.
fn stdout_of(command: &mut Command) -> Vec<u8> {
    command.assert().success().get_output().stdout.clone()
}

/// `feedmill convert URL --to json`, expected to succeed; returns the JSON Feed.
fn convert_url_to_json(url: &str) -> Vec<u8> {
    stdout_of(convert().args([url, "--to", "json"]))
}

/// Runs `feedmill convert INPUT --to atom` and expects an error naming INPUT.
fn assert_read_error_names(input: &Path) {
    convert()
        .arg(input)
        .args(["--to", "atom"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::starts_with(format!(
            "error: reading `{}`: ",
            input.display()
        )));
}

fn news_articles() -> Vec<(String, String)> {
    NEWS_ARTICLES
        .iter()
        .map(|&(title, link)| (title.to_owned(), link.to_owned()))
        .collect()
}

/// (title, link) of every article in `output`, read with a parser that is not ours.
fn articles(format: &str, output: &[u8]) -> Vec<(String, String)> {
    match format {
        "rss" => rss::Channel::read_from(output)
            .expect("output is RSS")
            .items()
            .iter()
            .map(|item| {
                let title = item.title().unwrap_or_default().to_owned();
                (title, item.link().unwrap_or_default().to_owned())
            })
            .collect(),
        "atom" => atom_feed(output)
            .entries()
            .iter()
            .map(|entry| (atom_text(entry.title()), alternate_link(entry.links())))
            .collect(),
        "json" => json_feed(output)["items"]
            .as_array()
            .expect("JSON Feed has items")
            .iter()
            .map(|item| {
                let text = |key: &str| item[key].as_str().unwrap_or_default().to_owned();
                (text("title"), text("url"))
            })
            .collect(),
        _ => unreachable!("unknown format {format}"),
    }
}

fn titles(format: &str, output: &[u8]) -> Vec<String> {
    articles(format, output)
        .into_iter()
        .map(|(title, _)| title)
        .collect()
}

fn links(format: &str, output: &[u8]) -> Vec<String> {
    articles(format, output)
        .into_iter()
        .map(|(_, link)| link)
        .collect()
}

fn atom_feed(output: &[u8]) -> atom_syndication::Feed {
    atom_syndication::Feed::read_from(output).expect("output is Atom")
}

fn json_feed(output: &[u8]) -> serde_json::Value {
    serde_json::from_slice(output).expect("output is JSON")
}

/// An Atom text construct as plain text (an `html` title has its escaping undone).
fn atom_text(text: &atom_syndication::Text) -> String {
    match text.r#type {
        atom_syndication::TextType::Html => text
            .value
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&"),
        _ => text.value.clone(),
    }
}

fn alternate_link(links: &[atom_syndication::Link]) -> String {
    links
        .iter()
        .find(|link| link.rel() == "alternate")
        .map(|link| link.href().to_owned())
        .unwrap_or_default()
}

#[test]
fn file_input_is_converted_to_every_format() {
    for format in ["rss", "atom", "json"] {
        let assert = convert()
            .arg(fixture_path("news.xml"))
            .args(["--to", format])
            .assert()
            .success()
            .stderr("");

        let output = &assert.get_output().stdout;
        assert_eq!(articles(format, output), news_articles(), "--to {format}");
    }
}

#[test]
fn stdin_is_read_when_input_is_dash_or_absent() {
    for input in [&["-"][..], &[][..]] {
        let output = stdout_of(
            convert()
                .args(input)
                .args(["--to", "atom"])
                .write_stdin(fixture_bytes("news.xml")),
        );

        assert_eq!(
            articles("atom", &output),
            news_articles(),
            "input {input:?}"
        );
    }
}

#[test]
fn bundled_example_keeps_its_tags() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/feeds/example.xml");

    let output = stdout_of(convert().args([example, "--to", "atom"]));

    let feed = atom_feed(&output);
    let first = feed.entries().first().expect("the example has articles");
    let terms: Vec<&str> = first.categories().iter().map(|c| c.term()).collect();
    assert!(terms.contains(&"Belarus"), "{terms:?}");
    assert!(terms.contains(&"North Korea"), "{terms:?}");
}

#[test]
fn output_file_replaces_the_old_one_and_no_temp_file_is_left() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out.json");
    fs::write(&out, "old contents").expect("seed output");

    let stdout = stdout_of(
        convert()
            .arg(fixture_path("news.xml"))
            .args(["--to", "json", "-o"])
            .arg(&out),
    );

    assert_eq!(stdout, b"");
    let written = fs::read(&out).expect("output written");
    assert_eq!(articles("json", &written), news_articles());
    let names: Vec<_> = fs::read_dir(dir.path())
        .expect("list dir")
        .map(|entry| entry.expect("dir entry").file_name())
        .collect();
    assert_eq!(names, ["out.json"]);
}

#[test]
fn failed_input_leaves_an_existing_output_file_alone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out.xml");
    fs::write(&out, "old contents").expect("seed output");

    convert()
        .arg(dir.path().join("missing.xml"))
        .args(["--to", "rss", "-o"])
        .arg(&out)
        .assert()
        .code(1);

    assert_eq!(
        fs::read_to_string(&out).expect("still there"),
        "old contents"
    );
}

#[test]
fn missing_file_fails_with_a_message_naming_it() {
    assert_read_error_names(&fixture_path("no-such-feed.xml"));
}

#[test]
fn input_that_is_neither_feed_nor_page_is_refused_with_a_message_naming_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let notes = dir.path().join("notes.txt");
    fs::write(&notes, "just some words, no markup at all").expect("write");
    assert_read_error_names(&notes);
}

#[test]
fn an_article_page_becomes_a_feed_of_one_article_with_its_tags_and_date() {
    let page =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pages/article_seed_shape.html");
    let output = convert()
        .arg(&page)
        .args(["--to", "atom", "--base", "https://harbor.example/news/"])
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let atom = atom_syndication::Feed::read_from(&output.stdout[..]).expect("valid Atom");
    let [entry] = atom.entries() else {
        panic!("one entry expected, got {}", atom.entries().len());
    };
    assert_eq!(
        entry.title().as_str(),
        "Coastal city council approves floating ferry terminal"
    );
    let published = entry.published().expect("published").to_rfc3339();
    assert_eq!(published, "2025-09-09T18:21:00+09:00");
    let terms: Vec<&str> = entry.categories().iter().map(|c| c.term()).collect();
    assert!(terms.contains(&"North Korea"), "{terms:?}");
}

#[test]
fn a_page_without_metadata_is_read_as_one_article_with_a_warning() {
    convert()
        .arg(fixture_path("not_a_feed.html"))
        .args(["--to", "json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Test Gazette"))
        .stderr(predicate::str::contains("warning:"));
}

#[test]
fn empty_stdin_is_refused() {
    convert()
        .args(["--to", "json"])
        .write_stdin("")
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with(
            "error: reading standard input: ",
        ));
}

#[test]
fn recovered_problems_are_warnings_naming_the_input() {
    let feed = fixture_path("bad_date.xml");
    let warning = format!("warning: `{}`: ", feed.display());

    let assert = convert()
        .arg(&feed)
        .args(["--to", "json"])
        .assert()
        .success()
        .stderr(predicate::str::starts_with(warning));

    let output = &assert.get_output().stdout;
    assert_eq!(titles("json", output), ["Clock tower repairs postponed"]);
}

#[test]
fn url_input_is_fetched() {
    let server = TestServer::start([(
        "/feeds/news.xml",
        Response::ok("application/rss+xml", fixture_bytes("news.xml")),
    )]);

    let assert = convert()
        .args([&server.url("/feeds/news.xml"), "--to", "json"])
        .assert()
        .success()
        .stderr("");

    let output = &assert.get_output().stdout;
    assert_eq!(articles("json", output), news_articles());
}

#[test]
fn relative_links_of_a_url_resolve_against_the_final_url() {
    let server = TestServer::start([
        ("/old/feed.xml", Response::redirect("/gazette/feed.xml")),
        (
            "/gazette/feed.xml",
            Response::ok("application/rss+xml", fixture_bytes("relative_links.xml")),
        ),
    ]);

    let output = convert_url_to_json(&server.url("/old/feed.xml"));

    assert_eq!(
        links("json", &output),
        [server.url("/gazette/2025/09/10/harbour-lights")]
    );
}

#[test]
fn content_location_header_overrides_the_url_as_base() {
    let server = TestServer::start([(
        "/feed.xml",
        Response::ok("application/rss+xml", fixture_bytes("relative_links.xml")).header(
            "Content-Location",
            "https://canonical.example.net/gazette/feed.xml",
        ),
    )]);

    let output = convert_url_to_json(&server.url("/feed.xml"));

    assert_eq!(
        links("json", &output),
        ["https://canonical.example.net/gazette/2025/09/10/harbour-lights"]
    );
}

#[test]
fn content_language_header_is_the_language_of_a_feed_that_states_none() {
    let server = TestServer::start([(
        "/feed.xml",
        Response::ok("application/rss+xml", fixture_bytes("relative_links.xml"))
            .header("Content-Language", "ko"),
    )]);

    let output = convert_url_to_json(&server.url("/feed.xml"));

    assert_eq!(json_feed(&output)["language"], "ko");
}

#[test]
fn content_type_charset_decodes_the_body() {
    // ISO-8859-1 bytes with no XML declaration: only the header tells the charset.
    let text = "<rss version=\"2.0\"><channel><title>Latin</title>\
                <item><title>Café crème</title><link>https://latin.example.com/a</link></item>\
                </channel></rss>";
    let latin1: Vec<u8> = text
        .chars()
        .map(|ch| u8::try_from(u32::from(ch)).expect("Latin-1 text"))
        .collect();
    let server = TestServer::start([(
        "/feed.xml",
        Response::ok("text/xml; charset=ISO-8859-1", latin1),
    )]);

    let output = convert_url_to_json(&server.url("/feed.xml"));

    assert_eq!(titles("json", &output), ["Café crème"]);
}

#[test]
fn relative_links_of_a_file_resolve_against_base() {
    let output = stdout_of(convert().arg(fixture_path("relative_links.xml")).args([
        "--to",
        "rss",
        "--base",
        "https://relative.example.com/feeds/",
    ]));

    assert_eq!(
        links("rss", &output),
        ["https://relative.example.com/feeds/2025/09/10/harbour-lights"]
    );
}

#[test]
fn http_error_fails_naming_status_and_url() {
    let server = TestServer::start([]);
    let missing = server.url("/missing.xml");

    convert()
        .args([&missing, "--to", "atom"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(
            predicate::str::contains(format!("`{missing}`")).and(predicate::str::contains("404")),
        );
}

#[test]
fn closed_stdout_is_not_an_error() {
    let mut child = process::Command::new(env!("CARGO_BIN_EXE_feedmill"))
        .args(["convert", "--to", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start feedmill");
    // Close the reading end before feedmill has written anything, as `| head -0` would.
    drop(child.stdout.take());
    let mut stdin = child.stdin.take().expect("stdin is piped");
    stdin
        .write_all(&fixture_bytes("news.xml"))
        .expect("feed stdin");
    drop(stdin);

    let output = child.wait_with_output().expect("feedmill finishes");

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{:?}: {stderr}", output.status);
    assert_eq!(stderr, "");
}

#[test]
fn usage_errors_exit_with_2() {
    let cases: [&[&str]; 4] = [
        &["convert", "feed.xml"],
        &["convert", "feed.xml", "--to", "opml"],
        &["convert", "ftp://example.com/feed.xml", "--to", "rss"],
        &["frobnicate"],
    ];
    for args in cases {
        feedmill()
            .args(args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::starts_with("error: "));
    }
}

#[test]
fn help_shows_examples_and_exit_codes() {
    for args in [&["--help"][..], &["convert", "--help"][..]] {
        feedmill().args(args).assert().success().stdout(
            predicate::str::contains("Examples:")
                .and(predicate::str::contains(
                    "feedmill convert feeds/example.xml",
                ))
                .and(predicate::str::contains("Exit codes")),
        );
    }
}

#[test]
fn time_zone_places_zone_less_page_dates_in_that_zone() {
    let page =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pages/zone_visible_date.html");
    let output =
        stdout_of(
            convert()
                .arg(&page)
                .args(["--to", "json", "--time-zone", "Asia/Seoul"]),
        );
    let feed: serde_json::Value = serde_json::from_slice(&output).expect("JSON output");
    assert_eq!(
        feed["items"][0]["date_published"],
        "2025-09-09T18:21:00+09:00"
    );
}

#[test]
fn an_unknown_time_zone_is_a_usage_error() {
    convert()
        .arg(fixture_path("news.xml"))
        .args(["--to", "json", "--time-zone", "Mars/Olympus_Mons"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("IANA time zone"));
}

#[test]
fn a_korean_page_served_over_http_in_euc_kr_becomes_a_feed_in_utf8() {
    let page = fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pages/korean_euc_kr.html"),
    )
    .expect("fixture");
    let server = TestServer::start([(
        "/article/20250910073000",
        Response::ok("text/html; charset=EUC-KR", page),
    )]);
    let output = convert()
        .args([&server.url("/article/20250910073000"), "--to", "json"])
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON Feed");
    let item = &json["items"][0];
    assert_eq!(item["title"], "항구 도시, 조수에 뜨는 여객선 터미널 승인");
    assert_eq!(item["date_published"], "2025-09-10T07:30:00+09:00");
    assert_eq!(item["tags"][0], "여객선");
}
