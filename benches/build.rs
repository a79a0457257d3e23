//! `feedmill build` end to end: sources × 50 articles served from loopback, a cold run
//! (new store, every source answers 200) then a warm run (every source answers 304), with
//! the wall time and the peak memory of the `feedmill` process.
//!
//! The goals (issue 4, item 11), for 1,000 sources on 2 cores: cold ≤ 3 s, warm ≤ 1 s,
//! ≤ 200 MB, and cost growing linearly with sources. This target reports and never
//! fails on a missed goal; it fails only when a run does not do what it should (a
//! non-zero exit, a source not answered 200 cold or 304 warm, an output missing).
//!
//! How: the feeds are generated in memory (deterministic, `support::FeedSpec`) and served
//! by `tiny_http` on [`N_HOSTS`] loopback ports, [`SOURCES_PER_HOST`] feeds a port, so the
//! default `max-per-host = 2` applies as it would across real sites. The release
//! `feedmill` binary runs as a child of a small measuring process (this binary again,
//! with `--measure`), which reads the child's peak RSS with `getrusage(RUSAGE_CHILDREN)`;
//! the server's memory is never counted.
//!
//! Run with `cargo bench --bench build`; `FEEDMILL_BENCH_ROUNDS=3` repeats each case,
//! `FEEDMILL_BENCH_BIN=path/to/feedmill` measures another build of the binary, and
//! `FEEDMILL_BENCH_SOURCES=1000` runs only the cases of that size.

#[allow(dead_code)] // The parse benchmarks use the rest of the generator.
mod support;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Instant;

use nix::sys::resource::{UsageWho, getrusage};
use support::{FeedSpec, atom_feed, rss_feed};
use tiny_http::{Header, Response, Server, StatusCode};

/// Articles in every source.
const ARTICLES_PER_SOURCE: usize = 50;
/// The most sources a case has.
const MAX_SOURCES: usize = 1_000;
/// Feeds served from one port (one "site"): a real aggregator reads a few feeds from
/// each of many sites.
const SOURCES_PER_HOST: usize = 10;
/// Ports the feeds are served from.
const N_HOSTS: usize = MAX_SOURCES / SOURCES_PER_HOST;
/// Sources per definition in the `topics` layout.
const SOURCES_PER_TOPIC: usize = 50;

/// How the sources are split into definition files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Layout {
    /// One definition per 50 sources (20 for 1,000): topic feeds, half of them with
    /// per-tag feeds, what someone curating an aggregator writes.
    Topics,
    /// One definition with every source: what `feedmill import` of a big OPML list gives.
    One,
}

impl Layout {
    fn name(self) -> &'static str {
        match self {
            Layout::Topics => "topics (50/def)",
            Layout::One => "one definition",
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--measure") {
        return measure(&args[2..]);
    }
    if args.get(1).map(String::as_str) == Some("--serve") {
        return serve_for_profiling(args.get(2), args.get(3));
    }
    // Another build of feedmill (an older commit's) can be measured in its place.
    let feedmill = std::env::var_os("FEEDMILL_BENCH_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_feedmill")),
        PathBuf::from,
    );
    let rounds: usize = std::env::var("FEEDMILL_BENCH_ROUNDS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(1)
        .max(1);

    let started = Instant::now();
    let site = Site::start();
    println!(
        "serving {} feeds ({:.1} MB, {} articles each) from {N_HOSTS} loopback ports in {:.1} s",
        MAX_SOURCES,
        site.total_bytes as f64 / 1e6,
        ARTICLES_PER_SOURCE,
        started.elapsed().as_secs_f64()
    );
    let only: Option<usize> = std::env::var("FEEDMILL_BENCH_SOURCES")
        .ok()
        .and_then(|value| value.parse().ok());
    let cases: Vec<(usize, Layout)> = [
        (250, Layout::Topics),
        (500, Layout::Topics),
        (1_000, Layout::Topics),
        (1_000, Layout::One),
    ]
    .into_iter()
    .filter(|(n_sources, _)| only.is_none_or(|only| only == *n_sources))
    .collect();
    println!(
        "\n| sources | layout | round | cold s | cold CPU s | cold MB | warm s | warm CPU s | warm MB | cold ms/source | warm ms/source |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    let mut results: HashMap<(usize, Layout), Vec<(Run, Run)>> = HashMap::new();
    for round in 1..=rounds {
        for &(n_sources, layout) in &cases {
            let (cold, warm) = match run_case(&feedmill, &site, n_sources, layout) {
                Ok(runs) => runs,
                Err(message) => {
                    eprintln!("error: {n_sources} sources, {}: {message}", layout.name());
                    return ExitCode::FAILURE;
                }
            };
            println!(
                "| {n_sources} | {} | {round} | {:.2} | {:.2} | {:.0} | {:.2} | {:.2} | {:.0} | {:.2} | {:.2} |",
                layout.name(),
                cold.seconds,
                cold.cpu_seconds,
                cold.peak_mb,
                warm.seconds,
                warm.cpu_seconds,
                warm.peak_mb,
                cold.seconds * 1e3 / n_sources as f64,
                warm.seconds * 1e3 / n_sources as f64,
            );
            results
                .entry((n_sources, layout))
                .or_default()
                .push((cold, warm));
        }
    }
    println!("\nGoals at 1,000 sources (median of {rounds} round(s)):");
    for layout in [Layout::Topics, Layout::One] {
        let Some(runs) = results.get(&(1_000, layout)) else {
            continue;
        };
        let cold = median(runs.iter().map(|(cold, _)| cold.seconds));
        let warm = median(runs.iter().map(|(_, warm)| warm.seconds));
        let cold_cpu = median(runs.iter().map(|(cold, _)| cold.cpu_seconds));
        let warm_cpu = median(runs.iter().map(|(_, warm)| warm.cpu_seconds));
        let peak = runs
            .iter()
            .map(|(cold, warm)| cold.peak_mb.max(warm.peak_mb))
            .fold(0.0, f64::max);
        println!(
            "  {}: cold {cold:.2} s, CPU {cold_cpu:.2} s (≤ 3 s: {}), warm {warm:.2} s, CPU {warm_cpu:.2} s (≤ 1 s: {}), peak {peak:.0} MB (≤ 200 MB: {})",
            layout.name(),
            verdict(cold <= 3.0),
            verdict(warm <= 1.0),
            verdict(peak <= 200.0),
        );
    }
    if let (Some(small), Some(large)) = (
        results.get(&(250, Layout::Topics)),
        results.get(&(1_000, Layout::Topics)),
    ) {
        for (label, pick) in [
            (
                "cold",
                (|runs: &(Run, Run)| runs.0.seconds) as fn(&(Run, Run)) -> f64,
            ),
            ("warm", |runs: &(Run, Run)| runs.1.seconds),
        ] {
            let ratio =
                median(large.iter().map(pick)) / median(small.iter().map(pick)).max(f64::EPSILON);
            println!("  {label}: 1,000 sources take {ratio:.2}× the time of 250 (linear: 4×)");
        }
    }
    println!("total bench time {:.0} s", started.elapsed().as_secs_f64());
    ExitCode::SUCCESS
}

/// `--serve DIR [topics|one]`: writes the 1,000-source definitions under `DIR` and
/// serves the feeds for ten minutes, to run `feedmill build DIR/feeds` by hand (under a
/// profiler, with `RUST_LOG`).
fn serve_for_profiling(dir: Option<&String>, layout: Option<&String>) -> ExitCode {
    let Some(dir) = dir else {
        eprintln!("--serve needs a directory");
        return ExitCode::FAILURE;
    };
    let layout = match layout.map(String::as_str) {
        Some("one") => Layout::One,
        _ => Layout::Topics,
    };
    let site = Site::start();
    let feeds = Path::new(dir).join("feeds");
    if let Err(message) = write_definitions(&site, &feeds, MAX_SOURCES, layout) {
        eprintln!("error: {message}");
        return ExitCode::FAILURE;
    }
    println!("serving; run: feedmill build {}", feeds.display());
    thread::sleep(std::time::Duration::from_secs(600));
    ExitCode::SUCCESS
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "MISSED" }
}

fn median(values: impl Iterator<Item = f64>) -> f64 {
    let mut values: Vec<f64> = values.collect();
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// One measured `feedmill build`.
#[derive(Debug, Clone, Copy)]
struct Run {
    seconds: f64,
    /// User and system CPU time of the `feedmill` process: steadier than the wall time
    /// on a loaded machine.
    cpu_seconds: f64,
    peak_mb: f64,
}

/// Writes the definitions of a case in a new directory, then builds twice: cold, warm.
fn run_case(
    feedmill: &Path,
    site: &Site,
    n_sources: usize,
    layout: Layout,
) -> Result<(Run, Run), String> {
    let dir = tempfile::tempdir().map_err(|error| format!("temporary directory: {error}"))?;
    let feeds = dir.path().join("feeds");
    let n_definitions = write_definitions(site, &feeds, n_sources, layout)?;

    let cold = site.measured(|| build(feedmill, &feeds))?;
    site.expect(n_sources, 0, "cold")?;
    let warm = site.measured(|| build(feedmill, &feeds))?;
    site.expect(0, n_sources, "warm")?;
    for index in 0..n_definitions {
        let output = dir.path().join(format!("public/topic-{index:02}.atom"));
        if !output.is_file() {
            return Err(format!("no output {}", output.display()));
        }
    }
    Ok((cold, warm))
}

/// Writes the settings and the definitions of `n_sources` sources in `layout` under
/// `feeds`; returns how many definitions.
fn write_definitions(
    site: &Site,
    feeds: &Path,
    n_sources: usize,
    layout: Layout,
) -> Result<usize, String> {
    std::fs::create_dir_all(feeds).map_err(|error| error.to_string())?;
    // Default fetch settings: 16 at once, 2 per host.
    let settings = "[settings]\noutput-dir = \"../public\"\nstate = \"../state.sqlite\"\n";
    write(&feeds.join("feedmill.toml"), settings)?;
    let per_definition = match layout {
        Layout::Topics => SOURCES_PER_TOPIC,
        Layout::One => n_sources,
    };
    let mut n_definitions = 0;
    for (index, first) in (0..n_sources).step_by(per_definition).enumerate() {
        let last = (first + per_definition).min(n_sources);
        let text = definition(site, index, first..last);
        write(&feeds.join(format!("topic-{index:02}.toml")), &text)?;
        n_definitions += 1;
    }
    Ok(n_definitions)
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|error| format!("writing {}: {error}", path.display()))
}

/// The definition file of topic `index` with `sources`.
fn definition(site: &Site, index: usize, sources: std::ops::Range<usize>) -> String {
    let mut text = format!(
        "[feed]\ntitle = \"Topic {index:02}\"\nlink = \"https://feeds.example.org/topic-{index:02}\"\n"
    );
    if index % 2 == 1 {
        text.push_str("per-tag = true\n");
    }
    for source in sources {
        let _ = write!(
            text,
            "\n[[source]]\nname = \"source-{source:04}\"\nurl = \"{}\"\n",
            site.url(source)
        );
    }
    text
}

/// Runs `feedmill build` through the measuring process; fails on a non-zero exit.
fn build(feedmill: &Path, feeds: &Path) -> Result<Run, String> {
    let me = std::env::current_exe().map_err(|error| error.to_string())?;
    let output = Command::new(me)
        .arg("--measure")
        .arg(feedmill)
        .arg("build")
        .arg(feeds)
        .arg("--quiet")
        .stderr(Stdio::inherit())
        .output()
        .map_err(|error| format!("starting the measuring process: {error}"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    let fields: Vec<&str> = text.split_whitespace().collect();
    match fields.as_slice() {
        [seconds, cpu_seconds, peak_kb, "0"] => Ok(Run {
            seconds: seconds
                .parse()
                .map_err(|_| format!("bad time `{seconds}`"))?,
            cpu_seconds: cpu_seconds
                .parse()
                .map_err(|_| format!("bad CPU time `{cpu_seconds}`"))?,
            peak_mb: peak_kb
                .parse::<f64>()
                .map_err(|_| format!("bad peak `{peak_kb}`"))?
                / 1024.0,
        }),
        _ => Err(format!("`feedmill build` failed: {}", text.trim())),
    }
}

/// `--measure PROGRAM ARGS…`: runs the program, then prints its wall time and its CPU
/// time (user + system) in seconds, its peak resident set in KiB and its exit code. Being its own process, its only
/// child is the program, so `RUSAGE_CHILDREN`'s peak is the program's.
fn measure(command: &[String]) -> ExitCode {
    let Some((program, args)) = command.split_first() else {
        eprintln!("--measure needs a program");
        return ExitCode::FAILURE;
    };
    let started = Instant::now();
    let status = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status();
    let seconds = started.elapsed().as_secs_f64();
    let status = match status {
        Ok(status) => status,
        Err(error) => {
            eprintln!("running {program}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN).ok();
    let peak_kb = usage.map_or(-1, |usage| usage.max_rss());
    let cpu_seconds = usage.map_or(-1.0, |usage| {
        let time = |t: nix::sys::time::TimeVal| t.tv_sec() as f64 + t.tv_usec() as f64 / 1e6;
        time(usage.user_time()) + time(usage.system_time())
    });
    println!(
        "{seconds:.4} {cpu_seconds:.4} {peak_kb} {}",
        status
            .code()
            .map_or("signal".to_owned(), |code| code.to_string())
    );
    ExitCode::SUCCESS
}

/// The served feeds and what the server answered.
struct Site {
    ports: Vec<u16>,
    total_bytes: usize,
    answered_200: Arc<AtomicUsize>,
    answered_304: Arc<AtomicUsize>,
}

/// One served feed.
struct Feed {
    body: Arc<[u8]>,
    etag: String,
    content_type: &'static str,
}

impl Site {
    /// Generates [`MAX_SOURCES`] feeds and serves them from [`N_HOSTS`] ports, each with
    /// two answering threads (as many as `max-per-host` lets in).
    fn start() -> Site {
        let answered_200 = Arc::new(AtomicUsize::new(0));
        let answered_304 = Arc::new(AtomicUsize::new(0));
        let mut ports = Vec::with_capacity(N_HOSTS);
        let mut total_bytes = 0;
        for host in 0..N_HOSTS {
            let feeds: Arc<Vec<Feed>> = Arc::new(
                (0..SOURCES_PER_HOST)
                    .map(|slot| feed(host * SOURCES_PER_HOST + slot))
                    .collect(),
            );
            total_bytes += feeds.iter().map(|feed| feed.body.len()).sum::<usize>();
            let server = Arc::new(
                Server::http("127.0.0.1:0").unwrap_or_else(|error| panic!("listening: {error}")),
            );
            let port = server
                .server_addr()
                .to_ip()
                .map(|addr| addr.port())
                .expect("a TCP address");
            ports.push(port);
            for _ in 0..2 {
                let server = Arc::clone(&server);
                let feeds = Arc::clone(&feeds);
                let counts = (Arc::clone(&answered_200), Arc::clone(&answered_304));
                thread::spawn(move || serve(&server, &feeds, host, &counts));
            }
        }
        Site {
            ports,
            total_bytes,
            answered_200,
            answered_304,
        }
    }

    /// The URL of source `index`.
    fn url(&self, index: usize) -> String {
        let port = self.ports[index / SOURCES_PER_HOST];
        let ext = if is_atom(index) { "atom" } else { "xml" };
        format!("http://127.0.0.1:{port}/feeds/{index}.{ext}")
    }

    /// Runs `work` with the answer counters at zero.
    fn measured<T>(&self, work: impl FnOnce() -> T) -> T {
        self.answered_200.store(0, Ordering::SeqCst);
        self.answered_304.store(0, Ordering::SeqCst);
        work()
    }

    /// Checks the counters after a run.
    fn expect(&self, ok: usize, not_modified: usize, run: &str) -> Result<(), String> {
        let got = (
            self.answered_200.load(Ordering::SeqCst),
            self.answered_304.load(Ordering::SeqCst),
        );
        if got == (ok, not_modified) {
            Ok(())
        } else {
            Err(format!(
                "{run} run: server answered {} × 200 and {} × 304, expected {ok} and {not_modified}",
                got.0, got.1
            ))
        }
    }
}

/// A third of the sources are Atom, the rest RSS.
fn is_atom(index: usize) -> bool {
    index % 3 == 1
}

/// Source `index`'s feed: a third carry full content, the rest summaries only.
fn feed(index: usize) -> Feed {
    let host = format!("site-{:03}.example.com", index / SOURCES_PER_HOST);
    let title = format!(
        "Site {} — section {}",
        index / SOURCES_PER_HOST,
        index % SOURCES_PER_HOST
    );
    let spec = FeedSpec {
        seed: 0x4255_494c_4400 + index as u64, // "BUILD" and the index
        n_articles: ARTICLES_PER_SOURCE,
        host: &host,
        title: &title,
        full_content: index.is_multiple_of(3),
    };
    let (body, content_type) = if is_atom(index) {
        (atom_feed(&spec), "application/atom+xml")
    } else {
        (rss_feed(&spec), "application/rss+xml")
    };
    Feed {
        body: body.into(),
        etag: format!("\"feed-{index}-v1\""),
        content_type,
    }
}

/// Answers requests for one port's feeds until the process ends: the feed with its ETag,
/// or 304 when `If-None-Match` names it.
fn serve(
    server: &Server,
    feeds: &[Feed],
    host: usize,
    (answered_200, answered_304): &(Arc<AtomicUsize>, Arc<AtomicUsize>),
) {
    for request in server.incoming_requests() {
        let found = request
            .url()
            .strip_prefix("/feeds/")
            .and_then(|rest| rest.split('.').next())
            .and_then(|index| index.parse::<usize>().ok())
            .and_then(|index| index.checked_sub(host * SOURCES_PER_HOST))
            .and_then(|slot| feeds.get(slot));
        let Some(feed) = found else {
            let _ = request.respond(Response::empty(404));
            continue;
        };
        let etag = Header::from_bytes("ETag", feed.etag.as_bytes()).expect("a valid header");
        let not_modified = request.headers().iter().any(|header| {
            header.field.equiv("If-None-Match") && header.value.as_str() == feed.etag
        });
        if not_modified {
            answered_304.fetch_add(1, Ordering::SeqCst);
            let _ = request.respond(Response::empty(304).with_header(etag));
        } else {
            answered_200.fetch_add(1, Ordering::SeqCst);
            let content_type =
                Header::from_bytes("Content-Type", feed.content_type).expect("a valid header");
            let response = Response::new(
                StatusCode(200),
                vec![etag, content_type],
                Cursor::new(Arc::clone(&feed.body)),
                Some(feed.body.len()),
                None,
            );
            let _ = request.respond(response);
        }
    }
}
