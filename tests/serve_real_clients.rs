//! A real feed reader subscribed to `feedmill serve`: newsboat (through
//! `../shared/tools/newsboat-read`) reads a served feed and a live-filtered one, polling
//! twice; a poll that carries validators must be answered `304 Not Modified`. Skipped with a message when newsboat or
//! the wrapper is not installed (`sh ../shared/tools/setup.sh`).

use std::env;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

mod serving;

use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::Response;
use feedmill::serve::{self, App};
use serde_json::Value;

/// (`?` when the request carried validators, then the path and query; the status).
type Log = Arc<Mutex<Vec<(String, u16)>>>;

/// Serves `app` on 127.0.0.1, logging each request's path and query and the status.
fn start(app: Arc<App>, log: Log) -> SocketAddr {
    let router =
        serve::router(app).layer(middleware::from_fn(move |request: Request, next: Next| {
            let log = Arc::clone(&log);
            async move {
                let conditional = request.headers().contains_key("if-none-match")
                    || request.headers().contains_key("if-modified-since");
                let target = format!("{}{}", if conditional { "?" } else { "" }, request.uri());
                let response: Response = next.run(request).await;
                if let Ok(mut log) = log.lock() {
                    log.push((target, response.status().as_u16()));
                }
                response
            }
        }));
    serving::start(router)
}

fn tool() -> Result<PathBuf, String> {
    let project = Path::new(env!("CARGO_MANIFEST_DIR"));
    let script = project.join("../shared/tools/newsboat-read");
    if !script.is_file() {
        return Err(format!("{} is missing", script.display()));
    }
    let on_path = env::var_os("PATH")
        .is_some_and(|path| env::split_paths(&path).any(|dir| dir.join("newsboat").is_file()));
    if !on_path {
        return Err("`newsboat` is not installed (run sh ../shared/tools/setup.sh)".to_owned());
    }
    Ok(script)
}

fn titles(json: &Value) -> Vec<String> {
    json["feeds"][0]["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i["title"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn newsboat_subscribes_reads_and_follows_a_live_filter() {
    let script = match tool() {
        Ok(script) => script,
        Err(why) => {
            eprintln!("skipped: {why}");
            return;
        }
    };
    let project = Path::new(env!("CARGO_MANIFEST_DIR"));
    let state = tempfile::tempdir().expect("temp dir");
    let app = serving::demo_app(state.path());
    let log: Log = Arc::default();
    let address = start(Arc::clone(&app), Arc::clone(&log));

    let reader = tempfile::tempdir().expect("reader dir");
    let read = |url: &str| -> Value {
        let run = Command::new(&script)
            .args(["--json", "--keep", &reader.path().to_string_lossy(), url])
            .current_dir(project)
            .output()
            .expect("running newsboat-read");
        assert!(
            run.status.success(),
            "newsboat-read {url}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        serde_json::from_slice(&run.stdout).expect("JSON from newsboat-read")
    };
    let atom = format!("http://{address}/feeds/world.atom");
    let first = read(&atom);
    let titles_first = titles(&first);
    assert_eq!(
        titles_first.len(),
        app.published.snapshot()["world"].built.feed.articles.len()
    );
    assert!(
        titles_first
            .iter()
            .any(|t| t.contains("ready to visit Pyongyang"))
    );

    let second = read(&atom);
    assert_eq!(
        titles(&second),
        titles_first,
        "the reader keeps what it had"
    );
    // newsboat 2.21 as the wrapper runs it (`-x reload`) keeps no ETag or Last-Modified
    // in its cache (the same against Python's http.server), so it never asks
    // conditionally; when a reader does, the answer must be 304.
    let log = log.lock().expect("log").clone();
    let polls: Vec<&(String, u16)> = log
        .iter()
        .filter(|(t, _)| t.ends_with("/feeds/world.atom"))
        .collect();
    assert_eq!(polls.len(), 2, "{log:?}");
    for (target, status) in &polls {
        let expected = if target.starts_with('?') { 304 } else { 200 };
        assert_eq!(*status, expected, "{target}");
    }
    if polls.iter().all(|(target, _)| !target.starts_with('?')) {
        eprintln!("note: newsboat sent no validators; the 304 path is covered by tests/serve.rs");
    }

    let filtered = read(&format!("http://{address}/feeds/world.atom?tag=Diplomacy"));
    assert_eq!(
        titles(&filtered),
        ["Belarusian leader says he is ready to visit Pyongyang"]
    );
}

/// The Python that has feedparser: `$TOOLS_VENV`, else `./.venv-tools`, else `python3`.
fn feedparser_python(project: &Path) -> Result<PathBuf, String> {
    let python = match env::var_os("TOOLS_VENV").filter(|venv| !venv.is_empty()) {
        Some(venv) => PathBuf::from(venv).join("bin/python"),
        None if project.join(".venv-tools/bin/python").is_file() => {
            project.join(".venv-tools/bin/python")
        }
        None => PathBuf::from("python3"),
    };
    let imports = Command::new(&python)
        .args(["-c", "import feedparser"])
        .output()
        .is_ok_and(|run| run.status.success());
    if imports {
        Ok(python)
    } else {
        Err(format!(
            "feedparser does not import in `{}` (run sh ../shared/tools/setup.sh)",
            python.display()
        ))
    }
}

/// Python feedparser polls the way readers built on it do: it keeps the ETag and
/// Last-Modified of its first poll and sends them with the second, which gets a 304.
#[test]
fn feedparser_polls_again_with_its_validators_and_gets_304() {
    let project = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = match feedparser_python(project) {
        Ok(python) => python,
        Err(why) => {
            eprintln!("skipped: {why}");
            return;
        }
    };
    let state = tempfile::tempdir().expect("temp dir");
    let app = serving::demo_app(state.path());
    let log: Log = Arc::default();
    let address = start(Arc::clone(&app), Arc::clone(&log));
    let url = format!("http://{address}/feeds/world.atom?tag=Belarus");
    let script = "import sys, feedparser\n\
first = feedparser.parse(sys.argv[1])\n\
second = feedparser.parse(sys.argv[1], etag=first.get('etag'), modified=first.get('modified'))\n\
print(first.status, len(first.entries), second.status, len(second.entries))\n";
    let run = Command::new(&python)
        .args(["-c", script, &url])
        .env("no_proxy", "127.0.0.1")
        .output()
        .expect("running python");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let printed = String::from_utf8_lossy(&run.stdout);
    let fields: Vec<&str> = printed.split_whitespace().collect();
    let belarus = app.published.snapshot()["world"]
        .built
        .feed
        .articles
        .iter()
        .filter(|a| a.tags.iter().any(|t| t.term == "Belarus"))
        .count();
    assert_eq!(
        fields,
        ["200", &belarus.to_string(), "304", "0"],
        "{printed}"
    );
    let log = log.lock().expect("log").clone();
    assert_eq!(log.len(), 2, "{log:?}");
    assert!(log[1].0.starts_with('?') && log[1].1 == 304, "{log:?}");
}
