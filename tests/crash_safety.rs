//! `feedmill build` killed with SIGKILL at random moments, many times over: every output
//! file is always a complete version some finished build wrote (or not there yet), the
//! store opens cleanly, no temporary file outlives the next finished build, and no
//! article that was ever served or published goes missing.
//!
//! Three sources on 127.0.0.1 change every round (a new story appears, the oldest scrolls
//! off; ETags make an unchanged source answer 304); one definition merges them with
//! per-tag feeds. Each round kills builds at random moments spread over a normal build's
//! length, checks what the kill left, then lets one build finish and records what it
//! wrote. The seed is printed; `CRASH_SEED=N` replays a run. Before that, builds are
//! killed while creating a fresh store (its migrations), which still opens. Three builds
//! started at once take turns on the output directory's lock and all finish.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

mod support;

use support::{Response, TestServer};

/// Rounds of upstream changes.
const ROUNDS: usize = 30;
/// Killed builds per round, before the one that finishes.
const KILLS_PER_ROUND: usize = 2;
/// Stories a source shows at once.
const WINDOW: usize = 8;
/// The sources.
const SOURCES: [&str; 3] = ["harbour", "rail", "markets"];
const TAGS: [&str; 5] = [
    "Ports & Ships",
    "Économie",
    "Rail",
    "Weather",
    "Night shifts",
];

/// The title of story `n` of `source`: unique, and unlike its neighbours.
fn title(source: &str, n: usize) -> String {
    format!("{source} story {n}: {}", TAGS[n % TAGS.len()])
}

fn tags_of(n: usize) -> Vec<String> {
    let mut tags = vec![TAGS[n % TAGS.len()].to_owned()];
    // A new tag every ten stories: tag files appear over the run (and never go away,
    // since no article is ever dropped).
    tags.push(format!("Batch {}", n / 10));
    tags
}

/// Source `source` as served in `round`: stories `round .. round + WINDOW`, newest first.
fn feed(source: &str, round: usize) -> String {
    let mut items = String::new();
    for n in (round..round + WINDOW).rev() {
        let categories: String = tags_of(n)
            .iter()
            .map(|tag| format!("<category>{}</category>", tag.replace('&', "&amp;")))
            .collect();
        let minutes = n % 60;
        let hours = n / 60;
        items.push_str(&format!(
            "<item><title>{}</title><link>https://{source}.example.org/story/{n}</link>\
             <guid isPermaLink=\"false\">crash-{source}-{n}</guid>\
             <pubDate>Mon, 23 Nov 2026 {hours:02}:{minutes:02}:00 GMT</pubDate>{categories}\
             <description><![CDATA[<p>Story <b>{n}</b> from {source}.</p><p><a href=\"/more/{n}\">more</a>\
             <img src=\"img/{n}.png\" onerror=\"alert(1)\"></p><script>alert({n})</script>]]></description>\
             </item>",
            title(source, n)
        ));
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>{source}</title>\
         <link>https://{source}.example.org/</link>{items}</channel></rss>"
    )
}

fn route(source: &str, round: usize) -> Response {
    let etag = format!("\"{source}-{round}\"");
    Response::ok("application/rss+xml", feed(source, round))
        .header("ETag", &etag)
        .when_header("If-None-Match", &etag, Response::status(304))
}

/// Every file under `dir`, relative to it, with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in fs::read_dir(&current).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if let Ok(bytes) = fs::read(&path) {
                let relative = path.strip_prefix(dir).expect("under dir").to_path_buf();
                files.insert(relative, bytes);
            }
        }
    }
    files
}

/// A hidden file other than the build lock: a temporary file of an atomic write.
fn is_temporary(path: &Path) -> bool {
    path.file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| name.starts_with('.') && name != feedmill::build::LOCK_FILE)
}

fn is_lock(path: &Path) -> bool {
    path == Path::new(feedmill::build::LOCK_FILE)
}

/// Whether `bytes` is a complete document of the kind its extension says; the problem
/// otherwise.
fn complete(path: &Path, bytes: &[u8]) -> Result<(), String> {
    match path.extension().and_then(|ext| ext.to_str()) {
        Some("rss" | "atom") => well_formed_xml(bytes),
        Some("json") => serde_json::from_slice::<serde_json::Value>(bytes)
            .map(drop)
            .map_err(|error| format!("JSON: {error}")),
        Some("html") => {
            let text = std::str::from_utf8(bytes).map_err(|error| error.to_string())?;
            if text.starts_with("<!DOCTYPE html>") && text.ends_with("</html>\n") {
                Ok(())
            } else {
                Err("HTML page cut short".to_owned())
            }
        }
        _ => Err("not an output file".to_owned()),
    }
}

/// A strict well-formedness check: every element closed, one root, nothing after it.
fn well_formed_xml(bytes: &[u8]) -> Result<(), String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(bytes);
    reader.config_mut().check_end_names = true;
    let mut depth = 0_usize;
    let mut roots = 0;
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(_)) => {
                if depth == 0 {
                    roots += 1;
                }
                depth += 1;
            }
            Ok(Event::End(_)) => depth = depth.checked_sub(1).ok_or("stray end tag")?,
            Ok(Event::Empty(_)) if depth == 0 => roots += 1,
            Ok(Event::Text(text)) if depth == 0 && !text.as_ref().trim().is_empty() => {
                return Err("text outside the root".to_owned());
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(error) => return Err(format!("XML: {error}")),
        }
        buf.clear();
    }
    match (depth, roots) {
        (0, 1) => Ok(()),
        (0, n) => Err(format!("{n} root elements")),
        (open, _) => Err(format!("{open} elements left open")),
    }
}

/// The titles of the items of a JSON Feed.
fn titles(bytes: &[u8]) -> HashSet<String> {
    let feed: serde_json::Value = serde_json::from_slice(bytes).expect("JSON Feed");
    feed["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|item| item["title"].as_str().map(str::to_owned))
        .collect()
}

/// Opens the store the way SQLite and feedmill do and checks it.
fn check_store(path: &Path, context: &str) {
    let conn = rusqlite::Connection::open(path).expect("SQLite opens the store");
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .expect("integrity check runs");
    assert_eq!(integrity, "ok", "{context}: store integrity");
    drop(conn);
    if let Err(error) = feedmill::store::Store::open(path) {
        panic!("{context}: feedmill cannot open the store: {error}");
    }
}

struct Run {
    dir: tempfile::TempDir,
    definition: PathBuf,
}

impl Run {
    fn public(&self) -> PathBuf {
        self.dir.path().join("public")
    }

    fn state(&self) -> PathBuf {
        self.dir.path().join("state.sqlite")
    }

    fn spawn(&self) -> Child {
        Command::new(env!("CARGO_BIN_EXE_feedmill"))
            .arg("build")
            .arg(&self.definition)
            .arg("--output-dir")
            .arg(self.public())
            .arg("--state")
            .arg(self.state())
            .arg("--quiet")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starting feedmill build")
    }

    /// A build left to finish; its duration.
    fn finish(&self, context: &str) -> Duration {
        let started = Instant::now();
        let output = self.spawn().wait_with_output().expect("build runs");
        assert!(
            output.status.success(),
            "{context}: a build that is not killed succeeds: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        started.elapsed()
    }
}

/// The three sources, as served in round 0.
fn upstream() -> TestServer {
    let routes: Vec<(String, Response)> = SOURCES
        .iter()
        .map(|source| (format!("/{source}.xml"), route(source, 0)))
        .collect();
    TestServer::start_concurrent(
        routes
            .iter()
            .map(|(path, response)| (path.as_str(), response.clone())),
    )
}

impl Run {
    /// A definition merging the three sources of `server`, with per-tag feeds, a limit and
    /// a retention under which no story ever leaves the output.
    fn new(server: &TestServer) -> Run {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut definition = String::from(
            "[feed]\ntitle = \"Crash\"\nname = \"crash\"\nlimit = 10000\nretention = \"3650d\"\nper-tag = true\n\
             [feed.dedup]\nby = [\"id\"]\n",
        );
        for source in SOURCES {
            definition.push_str(&format!(
                "[[source]]\nname = \"{source}\"\nurl = \"{}\"\n",
                server.url(&format!("/{source}.xml"))
            ));
        }
        let definition_path = dir.path().join("crash.toml");
        fs::write(&definition_path, definition).expect("write definition");
        Run {
            dir,
            definition: definition_path,
        }
    }
}

#[test]
fn builds_started_together_take_turns_and_all_finish() {
    let server = upstream();
    let run = Run::new(&server);
    let children: Vec<Child> = (0..3).map(|_| run.spawn()).collect();
    for child in children {
        let output = child.wait_with_output().expect("build runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let files = snapshot(&run.public());
    assert!(
        files.contains_key(Path::new("crash.json")),
        "{:?}",
        files.keys()
    );
    for (path, bytes) in &files {
        assert!(!is_temporary(path), "{} left behind", path.display());
        if !is_lock(path) {
            complete(path, bytes).unwrap_or_else(|problem| panic!("{}: {problem}", path.display()));
        }
    }
    check_store(&run.state(), "three builds at once");
}

#[test]
fn builds_killed_at_random_moments_leave_complete_files_and_lose_no_article() {
    let seed = std::env::var("CRASH_SEED")
        .ok()
        .and_then(|seed| seed.parse().ok())
        .unwrap_or_else(|| fastrand::u64(..));
    println!("crash-safety seed: {seed} (replay with CRASH_SEED={seed})");
    let mut rng = fastrand::Rng::with_seed(seed);

    let server = upstream();
    let run = Run::new(&server);

    // Killed while the store is being created (schema migrations): it still opens.
    for delay_ms in [0, 5, 10, 20, 40, 80] {
        for suffix in ["", "-wal", "-shm"] {
            let _ = fs::remove_file(format!("{}{suffix}", run.state().display()));
        }
        let mut child = run.spawn();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        if run.state().exists() {
            check_store(
                &run.state(),
                &format!("fresh store killed after {delay_ms} ms"),
            );
        }
    }

    // Every version of every file that a finished build left, and every story title
    // ever served or published.
    let mut versions: HashMap<PathBuf, HashSet<Vec<u8>>> = HashMap::new();
    let mut served: BTreeSet<String> = BTreeSet::new();
    let mut published: BTreeSet<String> = BTreeSet::new();
    let mut durations = vec![run.finish("first build")];
    let (mut kills, mut finished_early, mut files_checked, mut temp_left) = (0, 0, 0, 0);

    let record_finished =
        |context: &str,
         served: &BTreeSet<String>,
         published: &mut BTreeSet<String>,
         versions: &mut HashMap<PathBuf, HashSet<Vec<u8>>>| {
            let files = snapshot(&run.public());
            let leftovers: Vec<&PathBuf> = files.keys().filter(|path| is_temporary(path)).collect();
            assert!(
                leftovers.is_empty(),
                "{context}: a finished build leaves no temporary files: {leftovers:?}"
            );
            for (path, bytes) in &files {
                if is_lock(path) {
                    continue;
                }
                if let Err(problem) = complete(path, bytes) {
                    panic!("{context}: {} is incomplete: {problem}", path.display());
                }
                versions
                    .entry(path.clone())
                    .or_default()
                    .insert(bytes.clone());
            }
            let out = titles(&files[Path::new("crash.json")]);
            published.extend(out.iter().cloned());
            let lost: Vec<&String> = served
                .union(published)
                .filter(|t| !out.contains(*t))
                .collect();
            assert!(lost.is_empty(), "{context}: lost articles {lost:?}");
            check_store(&run.state(), context);
        };
    for source in SOURCES {
        served.extend((0..WINDOW).map(|n| title(source, n)));
    }
    record_finished("first build", &served, &mut published, &mut versions);

    for round in 1..=ROUNDS {
        for source in SOURCES {
            server.set_route(&format!("/{source}.xml"), route(source, round));
            served.extend((round..round + WINDOW).map(|n| title(source, n)));
        }
        let mut left_by_kills = Vec::new();
        for attempt in 0..KILLS_PER_ROUND {
            let context = format!("round {round}, kill {attempt} (seed {seed})");
            let typical = durations.iter().sum::<Duration>() / durations.len() as u32;
            let delay = typical.mul_f64(1.2 * rng.f64());
            let mut child = run.spawn();
            std::thread::sleep(delay);
            let _ = child.kill();
            let status: ExitStatus = child.wait().expect("wait for the killed build");
            if status.success() {
                finished_early += 1;
            } else {
                kills += 1;
            }
            check_store(&run.state(), &context);
            let files = snapshot(&run.public());
            temp_left += files.keys().filter(|path| is_temporary(path)).count();
            for (path, bytes) in &files {
                if is_temporary(path) || is_lock(path) {
                    continue;
                }
                if let Err(problem) = complete(path, bytes) {
                    panic!("{context}: {} is incomplete: {problem}", path.display());
                }
            }
            // Nothing a finished build wrote disappears.
            for path in versions.keys() {
                assert!(
                    files.contains_key(path),
                    "{context}: {} is gone",
                    path.display()
                );
            }
            left_by_kills.push((context, files));
        }
        let context = format!("round {round}, finished build (seed {seed})");
        durations.push(run.finish(&context));
        record_finished(&context, &served, &mut published, &mut versions);
        // What a killed build wrote is what a finished build writes from the same input.
        for (context, files) in left_by_kills {
            for (path, bytes) in files {
                if is_temporary(&path) || is_lock(&path) {
                    continue;
                }
                files_checked += 1;
                let known = versions.get(&path).is_some_and(|set| set.contains(&bytes));
                assert!(
                    known,
                    "{context}: {} is a version no finished build wrote",
                    path.display()
                );
            }
        }
    }
    let n_versions: usize = versions.values().map(HashSet::len).sum();
    println!(
        "{kills} builds killed, {finished_early} finished before the kill, {files_checked} files \
         checked after kills, {temp_left} temporary files left by kills (all removed by the next \
         build), {n_versions} file versions over {} files, {} stories, typical \
         build {:?}",
        versions.len(),
        published.len(),
        durations.iter().sum::<Duration>() / durations.len() as u32
    );
    assert!(kills > ROUNDS, "most builds were killed, not finished");
    assert_eq!(
        published.len(),
        SOURCES.len() * (ROUNDS + WINDOW),
        "every story ever served is published"
    );
}
