//! OPML written by `emit::opml::write_opml`, imported by real feed readers: sfeed's
//! `sfeed_opml_import` and `newsboat -i`. Each must see every feed URL (with its `&`
//! unescaped), and the titles or folders it keeps. The other way, the OPML each exports
//! (`sfeed_opml_export`, `newsboat -e`) is read by `source::opml::read_opml`. A reader
//! that is not installed is skipped with a message (`sh ../shared/tools/setup.sh`
//! installs both).

use std::env;
use std::fs;
use std::io::Write as _;
use std::process::{Command, Stdio};

use feedmill::emit::opml::{OpmlDocument, OpmlOutline, write_opml};
use feedmill::source::opml::read_opml;

fn document() -> OpmlDocument {
    OpmlDocument {
        title: "Reading & more".into(),
        created: None,
        outlines: vec![
            OpmlOutline::folder(
                "Tech & Co",
                vec![OpmlOutline::folder(
                    "Rust",
                    vec![
                        OpmlOutline::feed("Alpha \"A\" 'x'", "https://a.example/feed?a=1&b=2")
                            .with_html_url("https://a.example/"),
                    ],
                )],
            ),
            OpmlOutline::feed("Beta 북한 뉴스", "https://b.example/rss"),
        ],
    }
}

fn installed(program: &str) -> bool {
    let on_path = env::var_os("PATH")
        .is_some_and(|path| env::split_paths(&path).any(|dir| dir.join(program).is_file()));
    if !on_path {
        eprintln!("skipping: `{program}` is not installed (run sh ../shared/tools/setup.sh)");
    }
    on_path
}

#[test]
fn sfeed_imports_our_titles_and_urls() {
    if !installed("sfeed_opml_import") {
        return;
    }
    let mut child = Command::new("sfeed_opml_import")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("sfeed_opml_import starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&write_opml(&document()))
        .expect("OPML written to sfeed_opml_import");
    let output = child.wait_with_output().expect("sfeed_opml_import ends");
    assert!(output.status.success(), "{output:?}");
    let sfeedrc = String::from_utf8(output.stdout).expect("UTF-8");
    let feeds: Vec<&str> = sfeedrc
        .lines()
        .map(str::trim)
        .filter(|line| line.starts_with("feed "))
        .collect();
    assert_eq!(
        feeds,
        [
            r#"feed 'Alpha "A" '\''x'\''' 'https://a.example/feed?a=1&b=2'"#,
            "feed 'Beta 북한 뉴스' 'https://b.example/rss'",
        ],
        "{sfeedrc}"
    );
}

#[test]
fn newsboat_imports_our_urls_and_folders() {
    if !installed("newsboat") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let opml = dir.path().join("subscriptions.opml");
    fs::write(&opml, write_opml(&document())).expect("OPML written");
    let urls = dir.path().join("urls");
    let output = Command::new("newsboat")
        .arg("-u")
        .arg(&urls)
        .arg("-c")
        .arg(dir.path().join("cache.db"))
        .args(["-C", "/dev/null", "-i"])
        .arg(&opml)
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .output()
        .expect("newsboat runs");
    assert!(output.status.success(), "{output:?}");
    let imported = fs::read_to_string(&urls).expect("newsboat wrote its urls file");
    assert_eq!(
        imported.lines().collect::<Vec<_>>(),
        [
            r#"https://a.example/feed?a=1&b=2 "Tech & Co/Rust""#,
            "https://b.example/rss",
        ],
        "{imported}"
    );
}

#[test]
fn an_sfeed_export_reads_with_its_titles_and_urls() {
    if !installed("sfeed_opml_export") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let sfeedrc = dir.path().join("sfeedrc");
    fs::write(
        &sfeedrc,
        "feeds() {\n\tfeed \"Alpha & <A>\" \"https://a.example/feed?a=1&b=2\"\n\tfeed \"Beta\" \"https://b.example/rss\"\n}\n",
    )
    .expect("sfeedrc written");
    let output = Command::new("sfeed_opml_export")
        .arg(&sfeedrc)
        .output()
        .expect("sfeed_opml_export runs");
    assert!(output.status.success(), "{output:?}");
    let list = read_opml(&output.stdout).expect("sfeed's export is OPML");
    let read: Vec<(Option<&str>, &str)> = list
        .subscriptions
        .iter()
        .map(|s| (s.title.as_deref(), s.xml_url.as_str()))
        .collect();
    assert_eq!(
        read,
        [
            (Some("Alpha & <A>"), "https://a.example/feed?a=1&b=2"),
            (Some("Beta"), "https://b.example/rss"),
        ]
    );
    assert_eq!(list.warnings, Vec::<String>::new());
}

#[test]
fn newsboat_exports_what_it_imported_from_us() {
    if !installed("newsboat") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let opml = dir.path().join("subscriptions.opml");
    fs::write(&opml, write_opml(&document())).expect("OPML written");
    let newsboat = |args: &[&str]| {
        let output = Command::new("newsboat")
            .arg("-u")
            .arg(dir.path().join("urls"))
            .arg("-c")
            .arg(dir.path().join("cache.db"))
            .args(["-C", "/dev/null"])
            .args(args)
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .output()
            .expect("newsboat runs");
        assert!(output.status.success(), "{output:?}");
        output.stdout
    };
    newsboat(&["-i", "subscriptions.opml"]);
    let exported = newsboat(&["-e"]);
    let list = read_opml(&exported).expect("newsboat's export is OPML");
    let urls: Vec<&str> = list
        .subscriptions
        .iter()
        .map(|s| s.xml_url.as_str())
        .collect();
    assert_eq!(
        urls,
        ["https://a.example/feed?a=1&b=2", "https://b.example/rss"]
    );
}
