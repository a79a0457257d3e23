//! Throughput ratios between feedmill's reader and the other parsers, measured in one
//! process with the parsers interleaved, so machine load and frequency scaling hit all
//! of them alike. Criterion (`benches/parse.rs`) measures each parser on its own and
//! cannot compare across benchmarks.
//!
//! Run with `cargo bench --bench ratios`. `FEEDMILL_BENCH_ROUNDS` sets the number of
//! timed rounds (default 15). Prints MB/s per parser and document, then the ratios
//! (at the median round and at the best) against the goals of the benchmark issue. It
//! reports; it never fails on speed. Two `convert` cases (read, then write Atom or JSON
//! Feed, cleaned and sanitized) show what `feedmill convert` costs on the same documents.
//! Python feedparser joins where it is installed (`$TOOLS_VENV/bin/python`, else
//! `.venv-tools/bin/python`, else `python3`; see `support/feedparser.rs`), for the first
//! [`FEEDPARSER_ROUNDS`] rounds only, as it is far slower; otherwise the run says why not.
//!
//! For profiling, `FEEDMILL_BENCH_ONLY="feedmill atom10"` (a case name as printed) runs
//! that one parser for the rounds and skips the cross-checks and the comparison, so a
//! profiler sees nothing else once the documents are generated.

#[path = "support/feedparser.rs"]
mod feedparser;
mod support;

use std::cell::RefCell;
use std::hint::black_box;
use std::time::{Duration, Instant};

use feedmill::emit::{self, EmitOptions, OutputFormat};
use feedmill::source::feed::{self, ReadOptions};

use self::feedparser::Feedparser;

/// Rounds Python feedparser takes part in: each of its parses takes about a second.
const FEEDPARSER_ROUNDS: usize = 5;

/// One parser run on one document.
struct Case<'a> {
    name: &'static str,
    bytes: usize,
    run: Box<dyn Fn() + 'a>,
    times: Vec<Duration>,
    /// Rounds this case takes part in (all, but for Python feedparser).
    n_rounds: usize,
}

fn main() {
    let rss_document = support::rss_document();
    let atom_document = support::atom_document();
    let (rss_bytes, atom_bytes) = (&rss_document[..], &atom_document[..]);
    let only = std::env::var("FEEDMILL_BENCH_ONLY").ok();
    let n_rounds = std::env::var("FEEDMILL_BENCH_ROUNDS")
        .ok()
        .and_then(|value| value.parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or(15);

    // Started before the cases that borrow it, so it outlives them.
    let python = match &only {
        Some(_) => None,
        None => start_feedparser(rss_bytes, atom_bytes),
    };
    let options = &ReadOptions::default();
    let emit_options = &EmitOptions::default();
    let mut cases = vec![
        case("feedmill rss2", rss_bytes, move || {
            black_box(feed::read(black_box(rss_bytes), options).unwrap());
        }),
        case("rss rss2", rss_bytes, move || {
            black_box(rss::Channel::read_from(black_box(rss_bytes)).unwrap());
        }),
        case("feed-rs rss2", rss_bytes, move || {
            black_box(feed_rs::parser::parse(black_box(rss_bytes)).unwrap());
        }),
        case("feedmill atom10", atom_bytes, move || {
            black_box(feed::read(black_box(atom_bytes), options).unwrap());
        }),
        case("feed-rs atom10", atom_bytes, move || {
            black_box(feed_rs::parser::parse(black_box(atom_bytes)).unwrap());
        }),
        case("atom_syndication atom10", atom_bytes, move || {
            black_box(atom_syndication::Feed::read_from(black_box(atom_bytes)).unwrap());
        }),
        // What `feedmill convert` does with a document: read it, then write it in another
        // format (cleaned and sanitized, as every output is). No goal; shown for scale.
        case("convert rss2 -> atom", rss_bytes, move || {
            let read = feed::read(black_box(rss_bytes), options).unwrap();
            black_box(emit::write(&read.feed, OutputFormat::Atom, emit_options).unwrap());
        }),
        case("convert atom10 -> json", atom_bytes, move || {
            let read = feed::read(black_box(atom_bytes), options).unwrap();
            black_box(emit::write(&read.feed, OutputFormat::Json, emit_options).unwrap());
        }),
    ];

    if let Some(name) = only {
        profile_one(&cases, &name, n_rounds);
        return;
    }
    support::parsers_agree(rss_bytes, atom_bytes);
    if let Some(python) = &python {
        for (name, document, bytes) in [
            ("feedparser rss2", "rss", rss_bytes),
            ("feedparser atom10", "atom", atom_bytes),
        ] {
            let mut case = case(name, bytes, move || python.borrow_mut().parse(document));
            case.n_rounds = FEEDPARSER_ROUNDS.min(n_rounds);
            cases.push(case);
        }
    }
    println!(
        "documents: RSS 2.0 {} bytes, Atom 1.0 {} bytes, {} articles each; {n_rounds} rounds",
        rss_bytes.len(),
        atom_bytes.len(),
        support::N_ARTICLES
    );
    // One untimed round to warm caches and the allocator.
    for case in &cases {
        (case.run)();
    }
    for round in 0..n_rounds {
        // Rotate the order each round so no parser always runs right after another.
        let n_cases = cases.len();
        for offset in 0..n_cases {
            let case = &mut cases[(round + offset) % n_cases];
            if round >= case.n_rounds {
                continue;
            }
            let started = Instant::now();
            (case.run)();
            case.times.push(started.elapsed());
        }
    }

    println!(
        "\n{:<26} {:>10} {:>10} {:>10}",
        "parser", "median ms", "MB/s", "best MB/s"
    );
    for case in &mut cases {
        case.times.sort();
        let median = median(&case.times);
        println!(
            "{:<26} {:>10.2} {:>10.1} {:>10.1}",
            case.name,
            median.as_secs_f64() * 1e3,
            megabytes_per_second(case.bytes, median.as_secs_f64()),
            megabytes_per_second(case.bytes, case.times[0].as_secs_f64()),
        );
    }

    println!(
        "\nratios of throughput, feedmill / other (higher is faster), at the median round \
         and at each parser's best round; the goals are judged on the medians:"
    );
    let ratio = |ours: &str, other: &str| {
        let seconds = |name: &str, pick: fn(&[Duration]) -> Duration| {
            let case = cases
                .iter()
                .find(|case| case.name == name)
                .unwrap_or_else(|| panic!("no case named {name}"));
            pick(&case.times).as_secs_f64()
        };
        (
            seconds(other, median) / seconds(ours, median),
            seconds(other, best) / seconds(ours, best),
        )
    };
    let mut lines = vec![
        (
            "feedmill / rss        on RSS 2.0 ",
            ratio("feedmill rss2", "rss rss2"),
            Some(0.6),
        ),
        (
            "feedmill / feed-rs    on RSS 2.0 ",
            ratio("feedmill rss2", "feed-rs rss2"),
            None,
        ),
        (
            "feedmill / feed-rs    on Atom 1.0",
            ratio("feedmill atom10", "feed-rs atom10"),
            Some(2.0),
        ),
        (
            "feedmill / atom_synd. on Atom 1.0",
            ratio("feedmill atom10", "atom_syndication atom10"),
            None,
        ),
    ];
    if python.is_some() {
        lines.extend([
            (
                "feedmill / feedparser on RSS 2.0 ",
                ratio("feedmill rss2", "feedparser rss2"),
                None,
            ),
            (
                "feedmill / feedparser on Atom 1.0",
                ratio("feedmill atom10", "feedparser atom10"),
                None,
            ),
        ]);
    }
    for (label, (at_median, at_best), goal) in lines {
        let figures = format!("median {at_median:>6.2}x   best {at_best:>6.2}x");
        match goal {
            Some(goal) => {
                let verdict = if at_median >= goal { "met" } else { "MISSED" };
                println!("  {label}  {figures}   goal >= {goal:.1}x: {verdict}");
            }
            None => println!("  {label}  {figures}"),
        }
    }
}

/// Python feedparser on both documents, or `None` after saying why it is left out.
fn start_feedparser(rss_bytes: &[u8], atom_bytes: &[u8]) -> Option<RefCell<Feedparser>> {
    match Feedparser::start(rss_bytes, atom_bytes, support::N_ARTICLES) {
        Ok(python) => {
            println!("Python feedparser {}: included", python.version);
            Some(RefCell::new(python))
        }
        Err(why) => {
            println!("Python feedparser: skipped, {why}");
            None
        }
    }
}

/// Runs the case called `name` alone, `n_rounds` times, for a profiler to watch.
fn profile_one(cases: &[Case<'_>], name: &str, n_rounds: usize) {
    let Some(case) = cases.iter().find(|case| case.name == name) else {
        let names: Vec<&str> = cases.iter().map(|case| case.name).collect();
        panic!("FEEDMILL_BENCH_ONLY: no case named `{name}`; cases: {names:?}");
    };
    let started = Instant::now();
    for _ in 0..n_rounds {
        (case.run)();
    }
    let seconds = started.elapsed().as_secs_f64() / n_rounds as f64;
    println!(
        "{name}: {:.2} ms per parse, {:.1} MB/s over {n_rounds} rounds",
        seconds * 1e3,
        megabytes_per_second(case.bytes, seconds)
    );
}

fn case<'a>(name: &'static str, bytes: &[u8], run: impl Fn() + 'a) -> Case<'a> {
    Case {
        name,
        bytes: bytes.len(),
        run: Box::new(run),
        times: Vec::new(),
        n_rounds: usize::MAX,
    }
}

/// Megabytes (10^6 bytes) per second for `bytes` read in `seconds`.
fn megabytes_per_second(bytes: usize, seconds: f64) -> f64 {
    bytes as f64 / 1e6 / seconds
}

/// The median of sorted, non-empty `times`.
fn median(times: &[Duration]) -> Duration {
    let mid = times.len() / 2;
    if times.len() % 2 == 1 {
        times[mid]
    } else {
        (times[mid - 1] + times[mid]) / 2
    }
}

/// The shortest of sorted, non-empty `times`.
fn best(times: &[Duration]) -> Duration {
    times[0]
}
