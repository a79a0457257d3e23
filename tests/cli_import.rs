//! `feedmill import` end to end: the built binary on the synthetic lists of
//! `tests/fixtures/opml/`. The definitions it writes are checked with
//! `feedmill::config::validate` (checking them with `feedmill check` would fetch).

use std::fs;
use std::path::PathBuf;

use assert_cmd::Command;
use feedmill::config::validate;
use predicates::prelude::*;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/opml")
        .join(name)
}

fn import() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_feedmill"));
    command.arg("import");
    command
}

/// The `url`s of a definition's sources, in order.
fn source_urls(text: &str) -> Vec<String> {
    let definition = validate(&PathBuf::from("imported.toml"), text)
        .unwrap_or_else(|invalid| panic!("{invalid}\n{text}"));
    definition
        .sources
        .iter()
        .map(|source| source.location.to_string())
        .collect()
}

#[test]
fn a_list_is_printed_as_a_valid_definition_with_warnings_on_stderr() {
    let output = import()
        .arg(fixture("tricky.opml"))
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "warning: `{}`: line 23: ",
            fixture("tricky.opml").display()
        )))
        .get_output()
        .clone();
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    assert_eq!(
        source_urls(&text),
        [
            "https://tides.example.org/feed.xml",
            "https://backslash.example.net/rss?a=1&b=2",
            "https://unicode.example.com/atom",
            "https://one.example.org/daily.xml",
            "https://two.example.org/daily.xml",
            "https://three.example.org/daily.xml",
            "https://no-title.example.org/feed",
            "http://lines.example.org/rss",
        ]
    );
    assert!(
        text.contains("title = 'Lantern \"Reading\" List \\ 2026'")
            || text.contains("title = \"Lantern \\\"Reading\\\" List \\\\ 2026\""),
        "{text}"
    );
    let stderr = String::from_utf8(output.stderr).expect("UTF-8");
    assert_eq!(stderr.lines().count(), 2, "{stderr}");
}

#[test]
fn output_goes_to_a_new_file_titled_by_the_option_and_validates() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("reading.toml");
    import()
        .arg(fixture("reader-export.opml"))
        .args(["--title", "Morning \"reading\""])
        .arg("-o")
        .arg(&path)
        .assert()
        .success()
        .stdout("")
        .stderr(predicate::str::contains(
            "`feeds/local.xml` is not an absolute http(s) URL",
        ));
    let text = fs::read_to_string(&path).expect("written");
    assert_eq!(
        source_urls(&text),
        [
            "http://summer.example.org/rss",
            "https://notes.example.org/index.xml"
        ]
    );
    assert!(text.contains("# Blog été — Blogs\n"), "{text}");
    assert!(text.contains("# url = \"feeds/local.xml\""), "{text}");
    let definition = validate(&path, &text).expect("valid");
    assert_eq!(definition.feed.title, "Morning \"reading\"");
    // Nothing but the definition is left in the directory.
    assert_eq!(fs::read_dir(dir.path()).expect("list").count(), 1);
}

#[test]
fn an_existing_file_is_kept_unless_forced() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("reading.toml");
    fs::write(&path, "# mine\n").expect("seed");
    import()
        .arg(fixture("tricky.opml"))
        .arg("-o")
        .arg(&path)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "error: `{}` already exists; pass --force to replace it",
            path.display()
        )));
    assert_eq!(fs::read_to_string(&path).expect("kept"), "# mine\n");
    assert_eq!(fs::read_dir(dir.path()).expect("list").count(), 1);

    import()
        .arg(fixture("tricky.opml"))
        .arg("-o")
        .arg(&path)
        .arg("--force")
        .assert()
        .success();
    let text = fs::read_to_string(&path).expect("replaced");
    assert_eq!(source_urls(&text).len(), 8);
}

#[test]
fn html_input_is_an_error_naming_the_file() {
    let path = fixture("not-opml.html");
    import()
        .arg(&path)
        .assert()
        .code(1)
        .stdout("")
        .stderr(format!(
            "error: reading `{}`: not an OPML subscription list: the document is an HTML page\n",
            path.display()
        ));
}

#[test]
fn a_list_without_feeds_is_an_error() {
    let path = fixture("empty-body.opml");
    import()
        .arg(&path)
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("no feed with an http(s) URL"))
        .stderr(predicate::str::contains(
            "\"An empty folder\" has no feed URL",
        ));
}

#[test]
fn a_missing_file_is_an_error_and_force_needs_an_output() {
    import()
        .arg(fixture("missing.opml"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("missing.opml"));
    import()
        .arg(fixture("tricky.opml"))
        .arg("--force")
        .assert()
        .code(2);
}

#[test]
fn standard_input_is_read_with_a_dash() {
    let bytes = fs::read(fixture("tricky.opml")).expect("fixture");
    let output = import().arg("-").write_stdin(bytes).assert().success();
    let text = String::from_utf8(output.get_output().stdout.clone()).expect("UTF-8");
    assert_eq!(source_urls(&text).len(), 8);
}
