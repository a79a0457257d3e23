//! `feedmill discover`: which feeds a page offers, and what auto-extraction reads from it.
//!
//! Loads the page like `convert`, calls `source::page::discover::discover` and, with
//! `--probe` on a URL, `probe` with the fetch; prints lines for people or JSON.

use std::fmt::Write as _;

use anyhow::Context as _;
use chrono::Utc;
use chrono_tz::Tz;
use clap::Args;
use feedmill::fetch::{self, FetchOptions};
use feedmill::source::page::PageOptions;
use feedmill::source::page::discover::{self, Discovery};
use url::Url;

use super::convert::{Input, fetched_bytes, load, parse_input, parse_time_zone, write_stdout};

const AFTER_HELP: &str = "\
Examples:
  List the feeds a page advertises or links to, and what feedmill reads from it:
    feedmill discover https://example.com/blog/
  Also try common feed paths (/feed, /rss.xml, /atom.xml, …) next to the page:
    feedmill discover https://example.com/blog/ --probe
  A saved page, with machine-readable output:
    feedmill discover saved-page.html --base https://example.com/blog/ --json

Feeds are marked `advertised` (<link rel=\"alternate\">), `linked` (an <a> whose URL looks
like a feed's; less sure) or `probed` (fetched and read as a feed).

Exit codes: 0 success, 1 input unreadable, 2 usage error.";

/// Arguments of `feedmill discover`.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub(crate) struct DiscoverArgs {
    /// The HTML page: a file path, an http(s) URL, or `-` for standard input.
    #[arg(value_name = "INPUT", value_parser = parse_input)]
    input: Input,

    /// Also fetch common feed paths next to the page and report those that read as feeds
    /// (URL input only).
    #[arg(long)]
    probe: bool,

    /// Print JSON instead of lines for people.
    #[arg(long)]
    json: bool,

    /// The page's address when reading a file or standard input, for absolute URLs.
    #[arg(long, value_name = "URL")]
    base: Option<Url>,

    /// The IANA time zone (`Asia/Seoul`) dates written without one are read in.
    #[arg(long, value_name = "ZONE", value_parser = parse_time_zone)]
    time_zone: Option<Tz>,
}

/// Runs `feedmill discover`.
pub(crate) fn run(args: DiscoverArgs) -> anyhow::Result<()> {
    let (bytes, read_options) = load(&args.input, args.base.as_ref())?;
    let options = PageOptions {
        url: read_options.url,
        content_type: read_options.content_type,
        time_zone: args.time_zone,
        now: Some(Utc::now()),
        ..PageOptions::default()
    };
    let mut found =
        discover::discover(&bytes, &options).with_context(|| format!("reading {}", args.input))?;
    for warning in &found.warnings {
        super::message("warning", &format!("{}: {warning}", args.input));
    }
    if args.probe {
        match &args.input {
            Input::Url(_) => probe(&mut found),
            _ => super::message(
                "warning",
                "--probe needs a URL input; common feed paths were not tried",
            ),
        }
    }
    let output = if args.json {
        let mut json = serde_json::to_string_pretty(&found)?;
        json.push('\n');
        json
    } else {
        human(&found)
    };
    write_stdout(output.as_bytes()).context("writing standard output")
}

/// Adds the feeds found at common paths next to the page (its final URL).
fn probe(found: &mut Discovery) {
    let Some(page_url) = found.url.as_deref().and_then(|u| Url::parse(u).ok()) else {
        return;
    };
    let options = FetchOptions::default();
    let hits = discover::probe(&page_url, |url| {
        fetch::fetch(url, &options).ok().map(fetched_bytes)
    });
    found.feeds.extend(hits);
}

/// The discovery as lines for people.
fn human(found: &Discovery) -> String {
    let mut out = String::new();
    let page = &found.page;
    let url = found.url.as_deref().unwrap_or("(no URL)");
    let _ = writeln!(out, "page: {url} ({})", page.kind);
    if let Some(title) = &page.title {
        let _ = writeln!(out, "  title: {title}");
    }
    if let Some(date) = page.published {
        let _ = writeln!(out, "  published: {}", date.to_rfc3339());
    }
    if let Some(date) = page.updated {
        let _ = writeln!(out, "  updated: {}", date.to_rfc3339());
    }
    if !page.tags.is_empty() {
        let _ = writeln!(out, "  tags: {}", page.tags.join(", "));
    }
    let _ = write!(out, "  articles: {}", page.articles);
    if let Some(path) = &page.listing_path {
        let _ = write!(out, " (guessed listing at `{path}`)");
    }
    out.push('\n');
    if found.feeds.is_empty() {
        out.push_str("feeds: none found\n");
        return out;
    }
    out.push_str("feeds:\n");
    for feed in &found.feeds {
        let _ = write!(out, "  {:<10} {}", feed.found_by.as_str(), feed.url);
        if let Some(title) = &feed.title {
            let _ = write!(out, "  \"{title}\"");
        }
        if let Some(format) = &feed.format {
            let _ = write!(out, "  ({format})");
        }
        out.push('\n');
    }
    out
}
