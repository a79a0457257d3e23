//! `feedmill build` end to end: the bundled offline demo (`feeds/world.toml`) builds
//! its merged, tag-filtered outputs; exit codes for a failing source (4) and an invalid
//! definition (3); cron mode prints nothing when all is well.

use std::fs;
use std::path::Path;

mod common;
mod support;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn feedmill() -> Command {
    Command::new(env!("CARGO_BIN_EXE_feedmill"))
}

fn demo() -> String {
    format!("{}/feeds/world.toml", env!("CARGO_MANIFEST_DIR"))
}

/// `build` with outputs and store in `dir`.
fn build_in(dir: &Path, definition: &str) -> Command {
    let mut command = feedmill();
    command.args([
        "build",
        definition,
        "--output-dir",
        &dir.join("public").to_string_lossy(),
        "--state",
        &dir.join("state.sqlite").to_string_lossy(),
    ]);
    command
}

fn items(path: &Path) -> Vec<Value> {
    let text =
        fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let feed: Value = serde_json::from_str(&text).expect("valid JSON Feed");
    feed["items"].as_array().cloned().unwrap_or_default()
}

fn tags_of(item: &Value) -> Vec<String> {
    item["tags"]
        .as_array()
        .map(|tags| {
            tags.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_bundled_demo_builds_one_deduplicated_tag_filtered_feed_offline() {
    let dir = tempfile::tempdir().expect("temp dir");
    build_in(dir.path(), &demo())
        .arg("--summary")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "sources: 4 ok, 0 unchanged, 0 failed",
        ))
        .stdout(predicate::str::contains("world:"));
    let public = dir.path().join("public");
    for ext in ["rss", "atom", "json"] {
        assert!(
            public.join(format!("world.{ext}")).is_file(),
            "world.{ext} written"
        );
    }
    let items = items(&public.join("world.json"));
    let titles: Vec<&str> = items
        .iter()
        .filter_map(|item| item["title"].as_str())
        .collect();

    // Tag-filtered: only Belarus / North Korea (DPRK is an alias), no sponsored item.
    for absent in [
        "Port cranes",
        "Weekend weather",
        "Sponsored",
        "Seoul and Tokyo",
        "ferry pier",
    ] {
        assert!(
            !titles.iter().any(|t| t.contains(absent)),
            "{absent} filtered out: {titles:?}"
        );
    }
    for present in [
        "DPRK marks",
        "Minsk trade fair",
        "test-fires",
        "Analysis:",
        "rail links",
        "Border market",
    ] {
        assert!(
            titles.iter().any(|t| t.contains(present)),
            "{present} kept: {titles:?}"
        );
    }
    // The visit story reached the demo three ways and comes out once, with every tag.
    let visit: Vec<&Value> = items
        .iter()
        .filter(|item| {
            item["title"]
                .as_str()
                .is_some_and(|t| t.contains("Pyongyang") && t.contains("visit"))
        })
        .collect();
    assert_eq!(visit.len(), 1, "{titles:?}");
    let tags = tags_of(visit[0]);
    for tag in [
        "Belarus",
        "North Korea",
        "Alexander Lukashenko",
        "Diplomacy",
    ] {
        assert!(tags.iter().any(|t| t == tag), "{tag} in {tags:?}");
    }
    let sources: Vec<&str> = visit[0]["_feedmill"]["sources"]
        .as_array()
        .expect("the sources extension")
        .iter()
        .filter_map(|source| source["title"].as_str())
        .collect();
    assert_eq!(sources, ["wire", "asia-desk", "daily-nk-section"]);
    // The tag-less headline got its tags from its own page.
    let rail = items
        .iter()
        .find(|item| {
            item["title"]
                .as_str()
                .is_some_and(|t| t.contains("rail links"))
        })
        .expect("rail links story");
    assert!(tags_of(rail).iter().any(|t| t == "Belarus"), "{rail}");
    // Every output is valid by the spec-rule validators, per-tag feeds included.
    for entry in walk(&public) {
        let bytes = fs::read(&entry).expect("readable output");
        let problems = match entry.extension().and_then(|ext| ext.to_str()) {
            Some("rss") => common::validate::rss2(&bytes),
            Some("atom") => common::validate::atom1(&bytes),
            Some("json") => common::validate::json_feed11(&bytes),
            _ => continue,
        };
        assert!(problems.is_empty(), "{}: {problems:#?}", entry.display());
    }
    // Per-tag feeds, slugged.
    assert!(public.join("world/tags/north-korea.atom").is_file());
    assert!(public.join("world/tags/belarus.json").is_file());
    assert!(public.join("world/tags/index.html").is_file());
}

#[test]
fn from_cron_a_successful_run_prints_nothing_and_a_second_run_changes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    build_in(dir.path(), &demo())
        .assert()
        .success()
        .stdout("")
        .stderr("");
    let first = fs::read(dir.path().join("public/world.atom")).expect("atom written");
    build_in(dir.path(), &demo())
        .arg("--summary")
        .assert()
        .success()
        .stdout(predicate::str::contains("(0 new)"));
    let second = fs::read(dir.path().join("public/world.atom")).expect("atom written");
    assert_eq!(first, second, "the same sources give the same bytes");
}

#[test]
fn a_failing_source_exits_4_names_itself_and_the_others_are_still_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    let definition = dir.path().join("feeds.toml");
    fs::write(dir.path().join("good.xml"), "<rss version=\"2.0\"><channel><title>Good</title><item><title>Kept</title><link>https://example.org/kept</link></item></channel></rss>").expect("write");
    fs::write(
        &definition,
        "[feed]\ntitle = \"Mixed\"\n[[source]]\nname = \"good\"\nfile = \"good.xml\"\n[[source]]\nname = \"missing\"\nfile = \"missing.xml\"\n[[source]]\nname = \"garbage\"\nfile = \"garbage.xml\"\n",
    )
    .expect("write");
    fs::write(dir.path().join("garbage.xml"), "this is not a feed").expect("write");
    build_in(dir.path(), &definition.to_string_lossy())
        .assert()
        .code(4)
        .stderr(predicate::str::contains("source `missing`"))
        .stderr(predicate::str::contains("missing.xml"))
        .stderr(predicate::str::contains("source `garbage`"));
    let items = items(&dir.path().join("public/feeds.json"));
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["title"], "Kept");
}

#[test]
fn an_invalid_definition_exits_3_with_file_line_and_key() {
    let dir = tempfile::tempdir().expect("temp dir");
    let definition = dir.path().join("bad.toml");
    fs::write(&definition, "[feed]\ntitle = \"Bad\"\n[feed.filter]\nsince = \"someday\"\n[[source]]\nname = \"a\"\nfile = \"a.xml\"\n").expect("write");
    build_in(dir.path(), &definition.to_string_lossy())
        .assert()
        .code(3)
        .stderr(predicate::str::contains("bad.toml:4:9: feed.filter.since"));
    assert!(!dir.path().join("public").exists(), "nothing written");
}

#[test]
fn feeds_reading_each_other_in_a_circle_is_a_config_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(
        dir.path().join("a.toml"),
        "[feed]\ntitle = \"A\"\n[[source]]\nname = \"b\"\nfeed = \"b\"\n",
    )
    .expect("write");
    fs::write(
        dir.path().join("b.toml"),
        "[feed]\ntitle = \"B\"\n[[source]]\nname = \"a\"\nfeed = \"a\"\n",
    )
    .expect("write");
    build_in(dir.path(), &dir.path().to_string_lossy())
        .assert()
        .code(3)
        .stderr(predicate::str::contains("circle: a → b → a"));
}

mod cron {
    //! A dozen sources — some failing, one slow, one rate-limited — built twice in a row
    //! as cron would: the second run fetches almost nothing and loses or doubles nothing.

    use super::*;

    use std::collections::HashSet;
    use std::time::Duration;

    use crate::support::{Response, TestServer};

    fn feed(source: usize) -> String {
        let mut items = String::new();
        for n in 0..3 {
            items.push_str(&format!(
                "<item><title>Story {n} from source {source}</title><link>https://news{source}.example.org/{n}</link><pubDate>Mon, 23 Nov 2026 0{n}:00:00 GMT</pubDate></item>"
            ));
        }
        // Every source also carries the same shared story, with its own tracking tag.
        items.push_str(&format!(
            "<item><title>The story everyone carries today</title><link>https://shared.example.org/story?utm_source=s{source}</link><pubDate>Mon, 23 Nov 2026 09:00:00 GMT</pubDate></item>"
        ));
        format!(
            "<rss version=\"2.0\"><channel><title>Source {source}</title>{items}</channel></rss>"
        )
    }

    fn cached(body: String, etag: &str) -> Response {
        Response::ok("application/rss+xml", body)
            .header("ETag", etag)
            .when_header("If-None-Match", etag, Response::status(304))
    }

    #[test]
    fn twelve_sources_twice_in_a_row_fetch_almost_nothing_the_second_time() {
        let mut routes: Vec<(String, Response)> = (0..8)
            .map(|n| (format!("/f{n}.xml"), cached(feed(n), &format!("\"f{n}\""))))
            .collect();
        routes.push((
            "/slow.xml".to_owned(),
            cached(feed(8), "\"slow\"").delayed(Duration::from_millis(800)),
        ));
        routes.push(("/broken.xml".to_owned(), Response::status(500)));
        routes.push(("/gone.xml".to_owned(), Response::status(404)));
        routes.push((
            "/limited.xml".to_owned(),
            Response::status(429).header("Retry-After", "600"),
        ));
        let server =
            TestServer::start_concurrent(routes.iter().map(|(p, r)| (p.as_str(), r.clone())));
        let dir = tempfile::tempdir().expect("temp dir");
        let mut definition = String::from("[feed]\ntitle = \"Dozen\"\nname = \"dozen\"\n");
        for (path, _) in &routes {
            let name = path.trim_start_matches('/').trim_end_matches(".xml");
            definition.push_str(&format!(
                "[[source]]\nname = \"{name}\"\nurl = \"{}\"\n",
                server.url(path)
            ));
        }
        let path = dir.path().join("dozen.toml");
        fs::write(&path, definition).expect("write definition");
        let path = path.to_string_lossy().into_owned();

        build_in(dir.path(), &path)
            .arg("--summary")
            .assert()
            .code(4)
            .stdout(predicate::str::contains(
                "sources: 9 ok, 0 unchanged, 3 failed",
            ))
            .stderr(predicate::str::contains("source `broken`"))
            .stderr(predicate::str::contains("source `limited`"));
        let first = items(&dir.path().join("public/dozen.json"));
        let requests_first = server.requests().len();

        build_in(dir.path(), &path)
            .arg("--summary")
            .assert()
            .code(4)
            .stdout(predicate::str::contains(
                "sources: 0 ok, 9 unchanged, 3 failed",
            ))
            .stdout(predicate::str::contains("(0 new)"));
        let second = items(&dir.path().join("public/dozen.json"));
        let requests = server.requests();
        let second_run = &requests[requests_first..];
        // The nine good sources were asked with their validators (and answered 304);
        // the rate-limited one was not asked at all; the two broken ones were retried.
        assert_eq!(second_run.len(), 11, "{second_run:#?}");
        assert!(!second_run.iter().any(|r| r.contains("/limited.xml")));
        for n in 0..8 {
            let request = second_run
                .iter()
                .find(|r| r.contains(&format!("/f{n}.xml")))
                .expect("asked again");
            assert!(
                request
                    .to_ascii_lowercase()
                    .contains(&format!("if-none-match: \"f{n}\""))
            );
        }

        // No article lost or doubled: 9 sources × 3 stories + the shared one, once.
        let listed: Vec<&str> = first.iter().filter_map(|i| i["title"].as_str()).collect();
        assert_eq!(first.len(), 28, "{listed:#?}");
        let ids = |items: &[Value]| -> HashSet<String> {
            items
                .iter()
                .filter_map(|i| i["id"].as_str().map(str::to_owned))
                .collect()
        };
        assert_eq!(ids(&first).len(), 28, "no duplicates");
        assert_eq!(ids(&first), ids(&second), "nothing lost on the second run");
        let shared: Vec<&Value> = second
            .iter()
            .filter(|i| i["title"] == "The story everyone carries today")
            .collect();
        assert_eq!(shared.len(), 1);
        assert_eq!(shared[0]["url"], "https://shared.example.org/story");
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}
