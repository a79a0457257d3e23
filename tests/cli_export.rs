//! `feedmill export` end to end: the built demo (`feeds/world.toml`) exports one folder
//! with its feed and its per-tag feeds, readable back as OPML; `--sources` lists the url
//! sources; an invalid definition exits 3.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use feedmill::source::opml::read_opml;
use predicates::prelude::*;

fn feedmill() -> Command {
    Command::new(env!("CARGO_BIN_EXE_feedmill"))
}

fn demo() -> String {
    format!("{}/feeds/world.toml", env!("CARGO_MANIFEST_DIR"))
}

/// Builds the demo into `dir` (outputs in `dir`, store in `dir/s.sqlite`).
fn build_demo(dir: &Path) {
    feedmill()
        .args(["build", &demo(), "--output-dir"])
        .arg(dir)
        .arg("--state")
        .arg(dir.join("s.sqlite"))
        .assert()
        .success();
}

/// The slugs of the demo's RSS tag feeds in `dir`, sorted.
fn rss_tag_slugs(dir: &Path) -> Vec<String> {
    let mut slugs: Vec<String> = fs::read_dir(dir.join("world/tags"))
        .expect("tag feeds written")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rss"))
        .map(|path| {
            path.file_stem()
                .expect("stem")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    slugs.sort();
    slugs
}

#[test]
fn the_built_demo_exports_its_feed_and_tag_feeds_under_the_base_url() {
    let dir = tempfile::tempdir().expect("temp dir");
    build_demo(dir.path());
    let opml = dir.path().join("feeds.opml");
    feedmill()
        .args([
            "export",
            &demo(),
            "--base-url",
            "https://feeds.example.org/news/",
        ])
        .arg("--output-dir")
        .arg(dir.path())
        .arg("-o")
        .arg(&opml)
        .assert()
        .success()
        .stderr(predicate::str::is_empty());
    let bytes = fs::read(&opml).expect("OPML written");
    let text = String::from_utf8(bytes.clone()).expect("UTF-8");
    assert!(text.contains("<opml version=\"2.0\">"), "{text}");
    assert!(
        text.contains(
            "<outline text=\"World — Belarus and North Korea\" title=\"World — Belarus and North Korea\">"
        ),
        "the per-tag feed is a folder: {text}"
    );

    let list = read_opml(&bytes).expect("reads back");
    assert!(list.warnings.is_empty(), "{:?}", list.warnings);
    let urls: Vec<&str> = list
        .subscriptions
        .iter()
        .map(|s| s.xml_url.as_str())
        .collect();
    let slugs = rss_tag_slugs(dir.path());
    assert!(
        slugs.contains(&"north-korea".to_owned()) && slugs.contains(&"belarus".to_owned()),
        "{slugs:?}"
    );
    let mut expected = vec!["https://feeds.example.org/news/world.rss".to_owned()];
    expected.extend(
        slugs
            .iter()
            .map(|slug| format!("https://feeds.example.org/news/world/tags/{slug}.rss")),
    );
    assert_eq!(urls, expected);

    let main = &list.subscriptions[0];
    assert_eq!(
        main.title.as_deref(),
        Some("World — Belarus and North Korea")
    );
    assert_eq!(
        main.html_url.as_deref(),
        Some("https://feeds.example.org/world")
    );
    assert_eq!(main.categories, ["World — Belarus and North Korea"]);
    let north_korea = list
        .subscriptions
        .iter()
        .find(|s| s.xml_url.ends_with("/north-korea.rss"))
        .expect("the North Korea tag feed");
    assert_eq!(
        north_korea.title.as_deref(),
        Some("World — Belarus and North Korea — North Korea"),
        "a tag feed is titled as its file is"
    );
    assert_eq!(north_korea.categories, ["World — Belarus and North Korea"]);
}

#[test]
fn without_a_base_url_the_list_points_at_the_output_directory_with_a_warning() {
    let dir = tempfile::tempdir().expect("temp dir");
    build_demo(dir.path());
    let output = feedmill()
        .args(["export", &demo(), "--output-dir"])
        .arg(dir.path())
        .assert()
        .success()
        .stderr(predicate::str::contains("warning: no --base-url"))
        .get_output()
        .stdout
        .clone();
    let list = read_opml(&output).expect("OPML on stdout");
    let main = &list.subscriptions[0].xml_url;
    let expected = url::Url::from_file_path(
        fs::canonicalize(dir.path().join("world.rss")).expect("canonical path"),
    )
    .expect("file URL");
    assert_eq!(main, expected.as_str());
    assert!(Path::new(&dir.path().join("world.rss")).is_file());
}

#[test]
fn before_a_build_a_per_tag_feed_is_listed_alone_with_a_warning() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = feedmill()
        .args(["export", &demo(), "--base-url", "https://feeds.example.org"])
        .arg("--output-dir")
        .arg(dir.path())
        .assert()
        .success()
        .stderr(predicate::str::contains("build first"))
        .get_output()
        .stdout
        .clone();
    let list = read_opml(&output).expect("OPML");
    let urls: Vec<&str> = list
        .subscriptions
        .iter()
        .map(|s| s.xml_url.as_str())
        .collect();
    assert_eq!(urls, ["https://feeds.example.org/world.rss"]);
}

const SOURCES: &str = r#"
[feed]
title = "Harbour"
formats = ["atom"]

[[source]]
name = "harbour-wire"
url = "https://wire.example.org/harbour.xml"

[[source]]
name = "port-authority"
url = "https://port.example.net/news/feed.atom"

[[source]]
name = "harbour-listing"
url = "https://daily.example.com/harbour/"
kind = "page"

[[source]]
name = "archive"
file = "archive.xml"
"#;

#[test]
fn sources_lists_url_sources_in_a_folder_per_definition_and_skips_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let definition = dir.path().join("harbour.toml");
    fs::write(&definition, SOURCES).expect("written");
    let plain = "[feed]\ntitle = \"Plain\"\nname = \"plain\"\n[[source]]\nname = \"one\"\nurl = \"https://one.example.org/rss\"\n";
    fs::write(dir.path().join("plain.toml"), plain).expect("written");
    let output = feedmill()
        .args(["export", "--sources"])
        .arg(dir.path())
        .assert()
        .success()
        .stderr(predicate::str::contains("source `archive` is not a URL"))
        .stderr(predicate::str::contains(
            "source `harbour-listing` is an HTML page",
        ))
        .get_output()
        .stdout
        .clone();
    let list = read_opml(&output).expect("OPML");
    let found: Vec<(&str, &str, Vec<String>)> = list
        .subscriptions
        .iter()
        .map(|s| {
            (
                s.title.as_deref().unwrap_or_default(),
                s.xml_url.as_str(),
                s.categories.clone(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "harbour-wire",
                "https://wire.example.org/harbour.xml",
                vec!["Harbour".to_owned()]
            ),
            (
                "port-authority",
                "https://port.example.net/news/feed.atom",
                vec!["Harbour".to_owned()]
            ),
            (
                "one",
                "https://one.example.org/rss",
                vec!["Plain".to_owned()]
            ),
        ]
    );
    let text = String::from_utf8(output).expect("UTF-8");
    assert!(
        text.contains("type=\"link\"") && text.contains("https://daily.example.com/harbour/"),
        "the page source is a link outline: {text}"
    );
}

#[test]
fn an_invalid_definition_exits_3_and_names_the_problem() {
    let dir = tempfile::tempdir().expect("temp dir");
    let definition = dir.path().join("bad.toml");
    fs::write(
        &definition,
        "[feed]\ntitle = \"Bad\"\n[[source]]\nname = \"a\"\nurl = \"https://a.example/\"\ncolour = \"red\"\n",
    )
    .expect("written");
    feedmill()
        .arg("export")
        .arg(&definition)
        .args(["--base-url", "https://feeds.example.org/"])
        .assert()
        .code(3)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("bad.toml:6:1").and(predicate::str::contains("colour")));
}
