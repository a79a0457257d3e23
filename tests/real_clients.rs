//! Our outputs, read by real feed readers: newsboat, sfeed and Python feedparser, through
//! the wrappers in `../shared/tools` (installed by `sh ../shared/tools/setup.sh`).
//!
//! A fixture is read and written with the library, each output is served on 127.0.0.1, and
//! every reader must see the titles and links of our model. A tool that is missing, or
//! whose program is not installed, is skipped with a message. Only the formats a tool
//! reads are tried: none of the three reads JSON Feed (feedparser 6.0.14 and newsboat 2.21
//! do not, sfeed never did).

mod support;

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

use feedmill::emit::{self, EmitOptions, OutputFormat};
use feedmill::source::feed::{self, ReadOptions};
use serde_json::Value;
use support::{Response, TestServer, fixture_bytes};

/// A reader wrapper in `../shared/tools` and what its `--json` output looks like.
struct Tool {
    /// File name under `../shared/tools`.
    script: &'static str,
    /// Output formats the reader understands.
    formats: &'static [OutputFormat],
    /// Why the tool cannot run here, if it cannot.
    missing: fn(&Path) -> Option<String>,
    /// (title, link) of every item in the tool's `--json` output.
    items: fn(&Value) -> Vec<(String, String)>,
}

const NEWSBOAT: Tool = Tool {
    script: "newsboat-read",
    formats: &[OutputFormat::Rss, OutputFormat::Atom],
    missing: |_| missing_program("newsboat"),
    // {"feeds": [{"items": [{"title", "url"}]}]}
    items: |json| items_of(&json["feeds"][0]["items"], "url"),
};

const SFEED: Tool = Tool {
    script: "sfeed-read",
    formats: &[OutputFormat::Rss, OutputFormat::Atom],
    missing: |_| missing_program("sfeed"),
    // {"items": [{"title", "link"}]}
    items: |json| items_of(&json["items"], "link"),
};

const FEEDPARSER: Tool = Tool {
    script: "feedparser-read",
    formats: &[OutputFormat::Rss, OutputFormat::Atom],
    missing: missing_feedparser,
    // {"items": [{"title", "link"}]}
    items: |json| items_of(&json["items"], "link"),
};

#[test]
fn newsboat_reads_our_titles_and_links() {
    check(&NEWSBOAT);
}

#[test]
fn sfeed_reads_our_titles_and_links() {
    check(&SFEED);
}

#[test]
fn feedparser_reads_our_titles_and_links() {
    check(&FEEDPARSER);
}

/// Converts the fixture to each format the tool reads, serves it, runs the tool on its
/// URL and compares what the tool read with our model.
fn check(tool: &Tool) {
    let project = Path::new(env!("CARGO_MANIFEST_DIR"));
    let script = project.join("../shared/tools").join(tool.script);
    if !script.is_file() {
        eprintln!("skipping {}: {} is absent", tool.script, script.display());
        return;
    }
    if let Some(reason) = (tool.missing)(project) {
        eprintln!("skipping {}: {reason}", tool.script);
        return;
    }

    let outcome =
        feed::read(&fixture_bytes("news.xml"), &ReadOptions::default()).expect("the fixture reads");
    let expected: Vec<(String, String)> = outcome
        .feed
        .articles
        .iter()
        .map(|article| {
            let title = article.title.as_ref().map(|t| t.to_plain());
            (
                title.unwrap_or_default(),
                article.link.clone().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(expected.len(), 3, "the fixture has three articles");

    for &format in tool.formats {
        let (path, content_type) = route(format);
        let output = emit::write(&outcome.feed, format, &EmitOptions::default())
            .unwrap_or_else(|err| panic!("writing {format:?}: {err}"));
        let server = TestServer::start([(path, Response::ok(content_type, output))]);
        let url = server.url(path);

        let run = Command::new(&script)
            .args(["--json", &url])
            .current_dir(project)
            .output()
            .unwrap_or_else(|err| panic!("running {}: {err}", script.display()));

        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(
            run.status.success(),
            "{} {url} ({format:?}) failed with {}: {stderr}",
            tool.script,
            run.status
        );
        let json: Value = serde_json::from_slice(&run.stdout)
            .unwrap_or_else(|err| panic!("{} printed no JSON ({err}): {stderr}", tool.script));
        assert_eq!(
            (tool.items)(&json),
            expected,
            "{} reading our {format:?}",
            tool.script
        );
    }
}

fn route(format: OutputFormat) -> (&'static str, &'static str) {
    match format {
        OutputFormat::Rss => ("/feed.rss", "application/rss+xml; charset=utf-8"),
        OutputFormat::Atom => ("/feed.atom", "application/atom+xml; charset=utf-8"),
        OutputFormat::Json => ("/feed.json", "application/feed+json; charset=utf-8"),
    }
}

fn items_of(items: &Value, link_key: &str) -> Vec<(String, String)> {
    let text = |value: &Value| value.as_str().unwrap_or_default().to_owned();
    items
        .as_array()
        .map(|items| {
            let pair = |item: &Value| (text(&item["title"]), text(&item[link_key]));
            items.iter().map(pair).collect()
        })
        .unwrap_or_default()
}

fn missing_program(program: &str) -> Option<String> {
    let on_path = env::var_os("PATH")
        .is_some_and(|path| env::split_paths(&path).any(|dir| dir.join(program).is_file()));
    (!on_path).then(|| format!("`{program}` is not installed (run sh ../shared/tools/setup.sh)"))
}

/// feedparser-read picks `$TOOLS_VENV/bin/python`, else `./.venv-tools/bin/python`, else
/// `python3`; feedparser must import there.
fn missing_feedparser(project: &Path) -> Option<String> {
    let python = match env::var_os("TOOLS_VENV").filter(|venv| !venv.is_empty()) {
        Some(venv) => PathBuf::from(venv).join("bin/python"),
        None if project.join(".venv-tools/bin/python").is_file() => {
            project.join(".venv-tools/bin/python")
        }
        None => PathBuf::from("python3"),
    };
    let imports = Command::new(&python)
        .args(["-c", "import feedparser"])
        .current_dir(project)
        .output()
        .is_ok_and(|run| run.status.success());
    (!imports).then(|| {
        format!(
            "feedparser does not import in `{}` (run sh ../shared/tools/setup.sh)",
            python.display()
        )
    })
}
