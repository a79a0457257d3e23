//! Hostile upstreams: a server on 127.0.0.1 that misbehaves on purpose (`tests/hostile/`)
//! against the library's build and the real `feedmill build` binary.
//!
//! Every case is bounded by a limit and gives a per-source error (or, for what a reader
//! recovers from, a result with a warning) naming the source and the limit; memory stays
//! bounded (the child's peak RSS is read with `getrusage`); the good sources of the same
//! definition are still merged and written, and kept on the next run.

#[path = "hostile/mod.rs"]
mod hostile;

use std::fs;
use std::path::Path;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use feedmill::build::{self, BuildOptions, BuildReport, SourceReport, SourceStatus};
use feedmill::config;
use feedmill::fetch::{FetchOptions, Fetcher};
use feedmill::store::Store;
use hostile::{HostileServer, Misbehaviour};

/// What a case must give.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// The source fails; its error contains every fragment.
    Fails(&'static [&'static str]),
    /// The source is read (at least this many articles); its report holds a warning with
    /// every fragment (none: no warning asked for).
    Read(usize, &'static [&'static str]),
}

/// One hostile source: its name, its route, what it serves, its extra definition lines
/// and what it must give.
struct Case {
    name: &'static str,
    misbehaviour: Misbehaviour,
    extra: &'static str,
    expect: Expect,
}

fn case(name: &'static str, misbehaviour: Misbehaviour, expect: Expect) -> Case {
    Case {
        name,
        misbehaviour,
        extra: "",
        expect,
    }
}

const RSS: &str = "application/rss+xml";

/// Every hostile case. The limits named are those of [`fetch_options`] and the settings
/// file of the binary test: 8 s timeouts, 20 MiB of body, 10 redirects.
fn cases() -> Vec<Case> {
    let second = Duration::from_secs(1);
    vec![
        case(
            "slow-head",
            Misbehaviour::SlowHead { interval: second },
            Expect::Fails(&["no complete answer within 8 s"]),
        ),
        case(
            "slow-body",
            Misbehaviour::SlowBody { interval: second },
            Expect::Fails(&["no complete answer within 8 s"]),
        ),
        case(
            "endless",
            Misbehaviour::EndlessBody,
            Expect::Fails(&["body is over the 20 MiB limit"]),
        ),
        case(
            "endless-chunked",
            Misbehaviour::EndlessChunked,
            Expect::Fails(&["body is over the 20 MiB limit"]),
        ),
        case(
            "gzip-bomb",
            Misbehaviour::ok(RSS, hostile::gzip_bomb(2048)).with_header("Content-Encoding", "gzip"),
            Expect::Fails(&["body is over the 20 MiB limit"]),
        ),
        case(
            "brotli-bomb",
            Misbehaviour::ok(RSS, hostile::brotli_bomb(2048)).with_header("Content-Encoding", "br"),
            Expect::Fails(&["body is over the 20 MiB limit"]),
        ),
        case(
            "redirect-loop",
            Misbehaviour::status(302, &[("Location", "/redirect-loop")]),
            Expect::Fails(&["more than 10 redirects"]),
        ),
        case(
            "deep-xml",
            Misbehaviour::ok(RSS, hostile::deep_xml(100_000)),
            Expect::Read(1, &["nested deeper than 1024 were skipped"]),
        ),
        case(
            "deep-html-content",
            Misbehaviour::ok(RSS, hostile::deep_html_in_rss(100_000)),
            Expect::Read(1, &[]),
        ),
        case(
            "deep-json",
            Misbehaviour::ok("application/feed+json", hostile::deep_json(100_000)),
            Expect::Fails(&["JSON nested deeper than 128 levels"]),
        ),
        Case {
            name: "deep-page",
            misbehaviour: Misbehaviour::ok("text/html", hostile::deep_page(100_000)),
            extra: "kind = \"page\"\n",
            expect: Expect::Read(1, &["HTML nested deeper than 512 elements"]),
        },
        case(
            "billion-laughs",
            Misbehaviour::ok(RSS, hostile::billion_laughs()),
            Expect::Read(1, &[]),
        ),
        case(
            "deep-unclosed-xml",
            Misbehaviour::ok(RSS, hostile::deep_unclosed_xml(500_000)),
            Expect::Read(0, &["nested deeper than 1024 were skipped"]),
        ),
        case(
            "entity-blowup",
            Misbehaviour::ok(RSS, hostile::quadratic_blowup(1, 200_000)),
            Expect::Read(1, &["entity expansion refused"]),
        ),
        case(
            "unknown-entity-flood",
            Misbehaviour::ok(RSS, hostile::unknown_entity_flood(200_000)),
            Expect::Read(1, &["unknown entity `&zz;`", "more warnings were left out"]),
        ),
        case(
            "external-entity",
            Misbehaviour::ok(RSS, hostile::external_entity()),
            Expect::Read(1, &["unknown entity `&xxe;`"]),
        ),
        case(
            "served-as-png",
            Misbehaviour::ok("image/png", hostile::good_feed("png", 2)),
            Expect::Read(2, &[]),
        ),
        case(
            "served-as-html",
            Misbehaviour::ok("text/html; charset=utf-8", hostile::good_feed("html", 2)),
            Expect::Read(2, &[]),
        ),
        case(
            "charset-lie",
            Misbehaviour::ok(
                "text/xml; charset=iso-8859-1",
                hostile::cyrillic_1251_declared_utf8(),
            ),
            Expect::Read(
                1,
                &["the Content-Type header says `iso-8859-1` but the bytes look like windows-1251"],
            ),
        ),
        case(
            "retry-after-huge",
            Misbehaviour::status(429, &[("Retry-After", "99999999999")]),
            Expect::Fails(&["HTTP 429", "retry after 21600 s"]),
        ),
        case(
            "retry-after-far-date",
            Misbehaviour::status(429, &[("Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT")]),
            Expect::Fails(&["HTTP 429", "retry after 21600 s"]),
        ),
        case(
            "retry-after-garbage",
            Misbehaviour::status(429, &[("Retry-After", "tomorrow, maybe; -1e99")]),
            Expect::Fails(&["HTTP 429 Too Many Requests"]),
        ),
        case(
            "reset-mid-body",
            Misbehaviour::ResetMidBody,
            Expect::Fails(&["reading the body"]),
        ),
    ]
}

/// The two good sources beside the hostile ones.
const GOOD: [&str; 2] = ["good-one", "good-two"];

/// The server with every case and the good sources, and a definition naming them all.
fn serve_all(cases: &[Case]) -> (HostileServer, String) {
    let paths: Vec<String> = cases
        .iter()
        .map(|case| format!("/{}", case.name))
        .chain(GOOD.iter().map(|name| format!("/{name}")))
        .collect();
    let misbehaviours = cases.iter().map(|case| case.misbehaviour.clone()).chain(
        GOOD.iter()
            .map(|name| Misbehaviour::ok(RSS, hostile::good_feed(name, 3))),
    );
    let server = HostileServer::start(paths.iter().map(String::as_str).zip(misbehaviours));
    let mut definition = String::from("[feed]\ntitle = \"Hostile\"\nname = \"hostile\"\n");
    for (name, extra) in cases
        .iter()
        .map(|case| (case.name, case.extra))
        .chain(GOOD.iter().map(|name| (*name, "")))
    {
        definition.push_str(&format!(
            "[[source]]\nname = \"{name}\"\nurl = \"{}\"\n{extra}",
            server.url(&format!("/{name}"))
        ));
    }
    (server, definition)
}

/// Short limits, so that the slow cases end quickly; the size and redirect limits are the
/// defaults.
fn fetch_options() -> FetchOptions {
    FetchOptions {
        connect_timeout: Duration::from_secs(8),
        timeout: Duration::from_secs(8),
        ..FetchOptions::default()
    }
}

fn report_of<'a>(report: &'a BuildReport, name: &str) -> &'a SourceReport {
    report
        .sources
        .iter()
        .find(|source| source.source == name)
        .unwrap_or_else(|| panic!("a report for `{name}`"))
}

/// Checks one case's report; returns a line for the failure message when it is wrong.
fn check(case: &Case, source: &SourceReport) -> Option<String> {
    match (case.expect, &source.status) {
        (Expect::Fails(fragments), SourceStatus::Failed { error, .. }) => {
            let prefix = format!("source `{}`: ", case.name);
            let wrong = !error.starts_with(&prefix)
                || fragments.iter().any(|fragment| !error.contains(fragment));
            wrong.then(|| format!("{}: error {error:?} lacks {fragments:?}", case.name))
        }
        (Expect::Read(min_articles, fragments), SourceStatus::Ok) => {
            let warned = fragments.iter().all(|fragment| {
                source
                    .warnings
                    .iter()
                    .any(|warning| warning.contains(fragment))
            });
            (source.articles < min_articles || !warned).then(|| {
                format!(
                    "{}: {} articles, warnings {:?}; expected {min_articles}+ and {fragments:?}",
                    case.name, source.articles, source.warnings
                )
            })
        }
        (expect, status) => Some(format!(
            "{}: expected {expect:?}, got {status:?}",
            case.name
        )),
    }
}

#[test]
fn every_hostile_source_is_bounded_and_named_and_the_good_ones_are_merged() {
    let cases = cases();
    let (_server, definition) = serve_all(&cases);
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("hostile.toml"), definition).expect("write definition");
    let loaded = config::load(&[dir.path().join("hostile.toml")], None).expect("valid");
    let mut store = Store::open(&dir.path().join("state.sqlite")).expect("store");
    let fetcher = Fetcher::new(&fetch_options()).expect("fetcher");
    let options = BuildOptions {
        now: Utc
            .with_ymd_and_hms(2026, 11, 27, 9, 0, 0)
            .single()
            .expect("date"),
        output_dir: Some(dir.path().join("public")),
        max_concurrent: 8,
        default_retention: Duration::from_secs(30 * 86400),
    };
    let report = build::run(
        &loaded.definitions,
        &mut store,
        &fetcher,
        &options,
        &mut |_| {},
    )
    .expect("run");

    let problems: Vec<String> = cases
        .iter()
        .filter_map(|case| check(case, report_of(&report, case.name)))
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
    for name in GOOD {
        assert_eq!(report_of(&report, name).status, SourceStatus::Ok, "{name}");
    }
    let titles: Vec<String> = report.feeds[0]
        .feed
        .articles
        .iter()
        .filter_map(|article| article.title.as_ref().map(|title| title.value.clone()))
        .collect();
    for name in GOOD {
        for n in 0..3 {
            let title = format!("{name} story {n}");
            assert!(titles.contains(&title), "{title} in {titles:?}");
        }
    }
    // What the reader made of the hostile documents it did read.
    let title_of = |link: &str| {
        report.feeds[0]
            .feed
            .articles
            .iter()
            .find(|article| article.link.as_deref() == Some(link))
            .and_then(|article| article.title.as_ref())
            .map(|title| title.value.clone())
            .unwrap_or_else(|| panic!("an article at {link}"))
    };
    assert_eq!(
        title_of("https://cyrillic.example.org/1"),
        "Привет, мир: новости дня",
        "the bytes tell windows-1251"
    );
    // Declared entities expand one level only: the billion laughs stay a hundred bytes.
    assert!(title_of("https://laughs.example.org/1").len() < 100);
    // The external entity is not resolved (nothing is read from the disk).
    assert_eq!(title_of("https://external.example.org/1"), "Secret: &xxe;");
    for ext in ["rss", "atom", "json"] {
        assert!(dir.path().join(format!("public/hostile.{ext}")).is_file());
    }
}

#[test]
fn the_gzip_bomb_is_a_valid_gzip_stream_of_zeros() {
    use std::io::Read;
    let two_gib = hostile::gzip_bomb(2048).len();
    eprintln!("2 GiB of zeros in {two_gib} bytes of gzip");
    // Deflate cannot do better than about 1:1000.
    assert!(two_gib < 4 * 1024 * 1024, "{two_gib} bytes");
    let bomb = hostile::gzip_bomb(8);
    assert!(bomb.len() < 64 * 1024, "{} bytes", bomb.len());
    let mut decoded = Vec::new();
    // The decoder checks the trailer's CRC and length.
    flate2::read::GzDecoder::new(&bomb[..])
        .read_to_end(&mut decoded)
        .expect("a valid gzip stream");
    assert_eq!(decoded.len(), 8 * 1024 * 1024);
    assert!(decoded.iter().all(|byte| *byte == 0));
}

#[test]
fn the_brotli_bomb_is_a_valid_brotli_stream_of_zeros() {
    use std::io::Read;
    let two_gib = hostile::brotli_bomb(2048).len();
    eprintln!("2 GiB of zeros in {two_gib} bytes of brotli");
    assert!(
        two_gib < 256 * 1024,
        "2 GiB of zeros in {two_gib} bytes of brotli"
    );
    let bomb = hostile::brotli_bomb(8);
    let mut decoded = Vec::new();
    brotli::Decompressor::new(&bomb[..], 4096)
        .read_to_end(&mut decoded)
        .expect("a valid brotli stream");
    assert_eq!(decoded.len(), 8 * 1024 * 1024);
    assert!(decoded.iter().all(|byte| *byte == 0));
}

mod binary {
    //! The real thing: `feedmill build` over every hostile source and two good ones.

    use super::*;

    use std::process::Command;

    use nix::sys::resource::{UsageWho, getrusage};

    /// The most the child may hold at once, with bombs and endless bodies in play (each
    /// body is cut at 20 MiB; several are read at once).
    const MAX_RSS_BYTES: i64 = 300 * 1024 * 1024;

    fn build(dir: &Path) -> std::process::Output {
        Command::new(env!("CARGO_BIN_EXE_feedmill"))
            .args(["build", "--summary"])
            .arg(dir.join("feeds/hostile.toml"))
            .output()
            .expect("feedmill runs")
    }

    fn assert_good_sources_written(dir: &Path) {
        for ext in ["rss", "atom", "json"] {
            let path = dir.join(format!("public/hostile.{ext}"));
            let text = fs::read_to_string(&path).expect("output written");
            for name in GOOD {
                for n in 0..3 {
                    let title = format!("{name} story {n}");
                    assert!(text.contains(&title), "{title} in {}", path.display());
                }
            }
        }
    }

    #[test]
    fn feedmill_build_survives_every_hostile_source_within_bounded_memory() {
        let cases = cases();
        let (server, definition) = serve_all(&cases);
        let dir = tempfile::tempdir().expect("temp dir");
        let feeds = dir.path().join("feeds");
        fs::create_dir(&feeds).expect("feeds dir");
        fs::write(feeds.join("hostile.toml"), definition).expect("write definition");
        fs::write(
            feeds.join("feedmill.toml"),
            "[settings]\noutput-dir = \"../public\"\nstate = \"../state.sqlite\"\nconnect-timeout = \"8s\"\ntimeout = \"8s\"\n",
        )
        .expect("write settings");

        let output = build(dir.path());
        let stderr = String::from_utf8_lossy(&output.stderr);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(4), "{stdout}\n{stderr}");
        // Shown with `--nocapture`: what a user of the hostile definition sees.
        eprintln!("{stdout}{stderr}");
        let peak = getrusage(UsageWho::RUSAGE_CHILDREN)
            .expect("getrusage")
            .max_rss()
            * 1024;
        eprintln!("peak RSS of feedmill build: {} MiB", peak / (1024 * 1024));
        assert!(peak < MAX_RSS_BYTES, "peak RSS {peak} bytes");

        let n_failing = cases
            .iter()
            .filter(|case| matches!(case.expect, Expect::Fails(_)))
            .count();
        assert!(
            stdout.contains(&format!(
                "sources: {} ok, 0 unchanged, {n_failing} failed",
                cases.len() + GOOD.len() - n_failing
            )),
            "{stdout}"
        );
        for case in &cases {
            match case.expect {
                Expect::Fails(fragments) => {
                    let line = stderr
                        .lines()
                        .find(|line| line.contains(&format!("source `{}`: ", case.name)))
                        .unwrap_or_else(|| panic!("{} named in {stderr}", case.name));
                    for fragment in fragments {
                        assert!(line.contains(fragment), "{fragment} in {line}");
                    }
                }
                Expect::Read(_, [first, ..]) => {
                    let warning = format!("hostile/{}: warning: ", case.name);
                    assert!(
                        stdout
                            .lines()
                            .any(|line| line.contains(&warning) && line.contains(first)),
                        "{warning}{first} in {stdout}"
                    );
                }
                Expect::Read(_, []) => {}
            }
        }
        assert_good_sources_written(dir.path());

        // The good sources turn hostile: their stored articles are still published.
        server.set_route(
            "/good-one",
            Misbehaviour::ok(RSS, hostile::gzip_bomb(2048)).with_header("Content-Encoding", "gzip"),
        );
        server.set_route("/good-two", Misbehaviour::ResetMidBody);
        let output = build(dir.path());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(4), "{stderr}");
        assert!(stderr.contains("source `good-one`: "), "{stderr}");
        assert!(
            stderr.contains("kept 3 articles from earlier runs"),
            "{stderr}"
        );
        assert_good_sources_written(dir.path());
        // The rate-limited sources were not asked again: they wait out their clamped
        // `Retry-After`, which is at most 6 hours however absurd the value.
        for name in ["retry-after-huge", "retry-after-far-date"] {
            let prefix = format!("hostile/{name}: not fetched until ");
            let until = stderr
                .lines()
                .find_map(|line| line.split_once(&prefix))
                .and_then(|(_, rest)| rest.split_once(' '))
                .map(|(until, _)| until)
                .unwrap_or_else(|| panic!("{prefix} in {stderr}"));
            let until = chrono::DateTime::parse_from_rfc3339(until).expect("RFC 3339");
            let latest = Utc::now() + chrono::Duration::hours(6);
            assert!(until <= latest, "{name}: {until} is past {latest}");
            assert!(
                until > Utc::now() + chrono::Duration::hours(5),
                "{name}: {until}"
            );
        }
    }
}
