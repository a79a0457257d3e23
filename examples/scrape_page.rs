//! Reads an HTML page with the library: what auto-extraction finds (JSON-LD, OpenGraph,
//! `<time>`, a guessed listing), with zone-less dates placed in a time zone, then the
//! articles as JSON Feed on stdout.
//!
//! ```text
//! cargo run --example scrape_page -- tests/fixtures/pages/article_seed_shape.html Asia/Seoul
//! ```

use std::error::Error;
use std::io::{self, Write};
use std::process::ExitCode;
use std::{env, fs};

use feedmill::emit::{self, EmitOptions, OutputFormat};
use feedmill::source::page::{self, PageOptions};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn Error>> {
    let mut args = env::args().skip(1);
    let path = args
        .next()
        .unwrap_or_else(|| "tests/fixtures/pages/article_seed_shape.html".to_owned());
    let time_zone = match args.next() {
        Some(name) => Some(
            name.parse::<chrono_tz::Tz>()
                .map_err(|err| format!("time zone `{name}`: {err}"))?,
        ),
        None => None,
    };
    let bytes = fs::read(&path).map_err(|err| format!("reading `{path}`: {err}"))?;

    let options = PageOptions {
        time_zone,
        // The library never reads the clock; a program passes `now` for relative dates.
        now: Some(chrono::Utc::now()),
        ..PageOptions::default()
    };
    let outcome =
        page::read_page(&bytes, &options).map_err(|err| format!("reading `{path}`: {err}"))?;
    for warning in &outcome.warnings {
        eprintln!("warning: `{path}`: {warning}");
    }

    eprintln!("{path}: {} page, {}", outcome.kind, outcome.encoding);
    for article in &outcome.feed.articles {
        let title = article
            .title
            .as_ref()
            .map(|t| t.to_plain())
            .unwrap_or_default();
        let date = article
            .published
            .map(|d| d.to_rfc3339())
            .unwrap_or_default();
        let tags: Vec<&str> = article.tags.iter().map(|t| t.term.as_str()).collect();
        eprintln!("  {title} | {date} | {}", tags.join(", "));
    }

    let json = emit::write(&outcome.feed, OutputFormat::Json, &EmitOptions::default())?;
    io::stdout().write_all(&json)?;
    Ok(())
}
