//! No name that comes from a definition file or an upstream feed can write outside the
//! output directory or be served from outside the published feeds: feed names are
//! checked by the definition's validation (an error naming file:line and key), tag
//! labels become slugs of `a-z0-9-`, archive pages are numbers, and `serve` answers
//! only from its published set, whatever the request path or `Host` says.

mod serving;

use std::fs;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::Duration;

use feedmill::config::validate;
use feedmill::serve;

/// Names a definition may not give its feed: `(TOML string literal, what it is)`.
const HOSTILE_NAMES: &[(&str, &str)] = &[
    (r#""../escape""#, "parent directory"),
    (r#""..""#, "dot-dot"),
    (r#""." "#, "dot"),
    (r#""...""#, "dots only"),
    (r#""a/b""#, "slash"),
    (r#""..\\..\\x""#, "backslashes"),
    (r#""/etc/passwd""#, "absolute path"),
    (r#""C:\\x""#, "drive letter"),
    (r#""c:x""#, "drive-relative"),
    (r#""a\u0000b""#, "NUL"),
    (r#""%2e%2e%2fx""#, "percent-encoded"),
    (
        r#""\u2024\u2024\uFF0Fx""#,
        "unicode look-alike dots and slash",
    ),
    (r#""wörld""#, "non-ASCII"),
    (r#""nul""#, "device name"),
    (r#""CON.world""#, "device name with an extension"),
    (r#"".hidden""#, "hidden file"),
    (r#""""#, "empty"),
];

fn definition_with_name(literal: &str) -> String {
    format!(
        "[feed]\ntitle = \"T\"\nname = {literal}\n[[source]]\nname = \"s\"\nurl = \"https://example.org/feed.xml\"\n"
    )
}

#[test]
fn a_hostile_feed_name_is_a_config_error_naming_file_line_and_key() {
    let long = format!("\"{}\"", "n".repeat(101));
    let mut cases: Vec<(&str, &str)> = HOSTILE_NAMES.to_vec();
    cases.push((&long, "too long"));
    for (literal, what) in cases {
        let text = definition_with_name(literal);
        let errors = validate(Path::new("feeds/hostile.toml"), &text)
            .expect_err(what)
            .errors;
        let rendered: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert!(
            rendered
                .iter()
                .any(|e| e.starts_with("feeds/hostile.toml:3:") && e.contains("feed.name")),
            "{what}: {rendered:#?}"
        );
    }
    // The longest accepted name still fits a file name with room to spare.
    let longest = format!("\"{}\"", "n".repeat(100));
    validate(Path::new("feeds/ok.toml"), &definition_with_name(&longest)).expect("100 bytes");
}

#[test]
fn a_definition_file_whose_name_cannot_name_outputs_must_set_one() {
    let text =
        "[feed]\ntitle = \"T\"\n[[source]]\nname = \"s\"\nurl = \"https://example.org/feed.xml\"\n";
    for file in ["feeds/nul.toml", "feeds/.hidden.toml", "feeds/wörld.toml"] {
        let errors = validate(Path::new(file), text).expect_err(file).errors;
        let rendered: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert!(
            rendered
                .iter()
                .any(|e| e.starts_with(&format!("{file}:")) && e.contains("feed.name")),
            "{file}: {rendered:#?}"
        );
    }
}

#[test]
fn a_source_reading_a_feed_by_a_path_like_name_is_refused() {
    for literal in [r#""../other""#, r#""/abs""#, r#""a\\b""#] {
        let text = format!("[feed]\ntitle = \"T\"\n[[source]]\nname = \"s\"\nfeed = {literal}\n");
        let errors = validate(Path::new("feeds/reader.toml"), &text)
            .expect_err(literal)
            .errors;
        let rendered: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert!(
            rendered
                .iter()
                .any(|e| e.starts_with("feeds/reader.toml:5:") && e.contains("source[0].feed")),
            "{literal}: {rendered:#?}"
        );
    }
}

/// Every file below `dir`.
fn walk(dir: &Path) -> Vec<PathBuf> {
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

/// Tag labels an upstream feed may carry, meant to escape the tag folder.
const HOSTILE_TAGS: &[&str] = &[
    "../../../escaped",
    "..\\..\\..\\escaped",
    "/tmp/escaped",
    "C:\\escaped",
    "%2e%2e%2f%2e%2e%2fescaped",
    "..",
    ".",
    "....",
    "\u{2024}\u{2024}\u{FF0F}escaped",
    "\u{FF0E}\u{FF0E}\u{2215}escaped",
    "index.html",
    "crash.atom",
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
];

#[test]
fn hostile_tag_labels_from_a_feed_write_only_inside_the_tag_folder() {
    let root = tempfile::tempdir().expect("temp dir");
    let work = root.path().join("work");
    fs::create_dir_all(&work).expect("work dir");
    let long = "very long tag ".repeat(40);
    let mut labels: Vec<&str> = HOSTILE_TAGS.to_vec();
    labels.push(&long);
    let categories: String = labels
        .iter()
        .map(|label| {
            let escaped = label.replace('&', "&amp;").replace('<', "&lt;");
            format!("<category>{escaped}</category>")
        })
        .collect();
    fs::write(
        work.join("feed.xml"),
        format!(
            "<rss version=\"2.0\"><channel><title>Hostile</title><item><title>One</title>\
             <link>https://example.org/1</link>{categories}</item></channel></rss>"
        ),
    )
    .expect("write feed");
    fs::write(
        work.join("tags.toml"),
        "[feed]\ntitle = \"Tags\"\nper-tag = true\n[[source]]\nname = \"local\"\nfile = \"feed.xml\"\n",
    )
    .expect("write definition");
    let out = work.join("out");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_feedmill"))
        .arg("build")
        .arg(work.join("tags.toml"))
        .arg("--output-dir")
        .arg(&out)
        .arg("--state")
        .arg(work.join("state.sqlite"))
        .arg("--quiet")
        .status()
        .expect("run build");
    assert!(status.success(), "build succeeds: {status}");

    let tag_dir = out.join("tags/tags");
    let mut tag_files = 0;
    for path in walk(root.path()) {
        let relative = path
            .strip_prefix(&work)
            .unwrap_or_else(|_| panic!("{} was written outside the work folder", path.display()));
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("UTF-8 name");
        assert!(name.len() < 120, "{name} is short");
        if path.starts_with(&tag_dir) {
            tag_files += 1;
            let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
            assert!(
                name == ".feedmill.lock"
                    || stem
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "tag file {name}"
            );
        } else {
            let allowed = [
                "feed.xml",
                "tags.toml",
                "state.sqlite",
                "state.sqlite-wal",
                "state.sqlite-shm",
                "out/tags.rss",
                "out/tags.atom",
                "out/tags.json",
                "out/.feedmill.lock",
            ];
            assert!(
                allowed.contains(&relative.to_string_lossy().as_ref()),
                "unexpected file {}",
                relative.display()
            );
        }
    }
    // One feed per tag in three formats (some labels share a slug and get `-2` …), and
    // the index.
    assert_eq!(tag_files, 3 * labels.len() + 1, "{:#?}", walk(&tag_dir));
    let index = fs::read_to_string(tag_dir.join("index.html")).expect("index written");
    assert!(!index.contains("href=\"../"), "no link leaves the folder");
    // Labels are text on the index page, never markup.
    let page = scraper::Html::parse_document(&index);
    for element in page
        .tree
        .nodes()
        .filter_map(|node| node.value().as_element())
    {
        assert!(!matches!(element.name(), "script" | "img"), "{index}");
        assert!(
            element.attrs().all(|(name, _)| !name.starts_with("on")),
            "{index}"
        );
    }
    assert!(
        index.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{index}"
    );
}

/// Sends `path` as the request target verbatim (no client normalizing `..`), with
/// `host`; returns the status code and body.
fn raw_get(address: SocketAddr, path: &str, host: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(address).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map_or(String::new(), |(_, body)| body.to_owned());
    (status, body)
}

#[test]
fn serve_answers_traversal_attempts_with_not_found_and_never_a_file() {
    let state = tempfile::tempdir().expect("temp dir");
    let address = serving::start(serve::router(serving::demo_app(state.path())));
    let targets = [
        "/feeds/../Cargo.toml",
        "/feeds/..%2f..%2fCargo.toml",
        "/feeds/%2e%2e/%2e%2e/Cargo.toml",
        "/feeds/..%5c..%5cCargo.toml",
        "/feeds/%2fetc%2fpasswd",
        "/feeds/C:%5cwindows%5cwin.ini",
        "/feeds/world%00.atom",
        "/feeds/world/tags/..%2f..%2fworld.atom",
        "/feeds/world/tags/%2e%2e.atom",
        "/feeds/world/tags/....atom",
        "/feeds/world/tags/%E2%80%A4%E2%80%A4%EF%BC%8Fx.atom",
        "/feeds/world/archive/0.atom",
        "/feeds/world/archive/-1.atom",
        "/feeds/world/archive/99999999999999999999999.atom",
        "/feeds/world/archive/1e3.atom",
        "/feeds/world/archive/..%2f1.atom",
        "/feeds/../../../../etc/passwd",
        "/feeds/state.sqlite",
        "/../../etc/passwd",
    ];
    for target in targets {
        let (status, body) = raw_get(address, target, "localhost");
        assert!(
            matches!(status, 400 | 404),
            "{target}: answered {status}: {body}"
        );
        for secret in ["[package]", "root:", "SQLite format", "[feed]"] {
            assert!(!body.contains(secret), "{target} leaked a file: {body}");
        }
    }
    let (status, body) = raw_get(address, &format!("/feeds/{}.atom", "w".repeat(5000)), "x");
    assert!(
        matches!(status, 404 | 414 | 431),
        "a very long name: {status}"
    );
    assert!(body.len() < 10_000, "the answer is short");
    // A real feed is still there.
    assert_eq!(raw_get(address, "/feeds/world.atom", "localhost").0, 200);
}

#[test]
fn every_response_forbids_sniffing_scripts_and_framing() {
    let state = tempfile::tempdir().expect("temp dir");
    let address = serving::start(serve::router(serving::demo_app(state.path())));
    for path in [
        "/",
        "/opml",
        "/feeds/world.atom",
        "/feeds/world.json",
        "/feeds/nope.rss",
        "/nothing",
    ] {
        let mut stream = TcpStream::connect(address).expect("connect");
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        )
        .expect("send");
        let mut response = String::new();
        let _ = stream.read_to_string(&mut response);
        let head = response
            .split("\r\n\r\n")
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        assert!(
            head.contains("x-content-type-options: nosniff"),
            "{path}: {head}"
        );
        assert!(
            head.contains(&format!(
                "content-security-policy: {}",
                serve::CONTENT_SECURITY_POLICY
            )),
            "{path}: {head}"
        );
    }
}

#[test]
fn a_hostile_host_header_is_not_echoed_into_documents() {
    let state = tempfile::tempdir().expect("temp dir");
    let address = serving::start(serve::router(serving::demo_app(state.path())));
    for path in ["/feeds/world.atom", "/feeds/world.json", "/opml", "/"] {
        let (status, body) = raw_get(address, path, "evil.example\"><script>alert(1)</script>");
        assert!(matches!(status, 200 | 400), "{path}: {status}");
        assert!(!body.contains("<script"), "{path}: {body}");
        assert!(
            !body.contains("evil.example"),
            "{path} echoes the host: {body}"
        );
        let (_, body) = raw_get(address, path, "attacker.example/phish?x=");
        assert!(
            !body.contains("attacker.example"),
            "{path} echoes the host: {body}"
        );
    }
}
