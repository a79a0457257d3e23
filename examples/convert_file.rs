//! Reads a feed file with the library, lists its article titles on stderr and writes the
//! feed as Atom 1.0 to stdout.
//!
//! ```text
//! cargo run --example convert_file -- feeds/example.xml > example.atom
//! ```

use std::error::Error;
use std::io::{self, Write};
use std::process::ExitCode;
use std::{env, fs};

use feedmill::emit::{self, EmitOptions, OutputFormat};
use feedmill::source::feed::{self, ReadOptions};

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
    let path = env::args()
        .nth(1)
        .unwrap_or_else(|| "feeds/example.xml".to_owned());
    let bytes = fs::read(&path).map_err(|err| format!("reading `{path}`: {err}"))?;

    let outcome = feed::read(&bytes, &ReadOptions::default())
        .map_err(|err| format!("reading `{path}`: {err}"))?;
    for warning in &outcome.warnings {
        eprintln!("warning: `{path}`: {warning}");
    }

    // Titles go to stderr so that stdout holds nothing but the Atom document.
    eprintln!("{} ({})", path, outcome.format);
    for article in &outcome.feed.articles {
        let title = article.title.as_ref().map(|title| title.to_plain());
        eprintln!("- {}", title.as_deref().unwrap_or("(untitled)"));
    }

    let atom = emit::write(&outcome.feed, OutputFormat::Atom, &EmitOptions::default())?;
    io::stdout().lock().write_all(&atom)?;
    Ok(())
}
