//! `feedmill check`: validates a feed definition file, then reads each source once and
//! shows what it yields: per-selector match counts, warnings and the first articles.
//!
//! Thin: the library validates ([`config::validate`]), fetches and scrapes; this module
//! reads the file and the clock, does the IO the scraper asks for, and prints.

use std::fmt::Write as _;
use std::fs;
use std::io::{self, Write as _};
use std::path::PathBuf;

use anyhow::Context as _;
use chrono::{DateTime, SecondsFormat, Utc};
use clap::Args;
use feedmill::config::{self, SourceDefinition, SourceKind, SourceLocation};
use feedmill::fetch::{self, FetchOptions, Fetcher, Request, Response};
use feedmill::model::Article;
use feedmill::source::feed::{self, ReadOptions, Warning};
use feedmill::source::page::selectors::{
    self, HumanDateParser, PageSelectors, ScrapeOptions, ScrapeResult, decode_page,
};
use feedmill::source::page::{self, PageOptions};
use url::Url;

use super::exit_code;

mod enrich;

/// How many articles of each source are shown.
const SHOWN_ARTICLES: usize = 5;

const AFTER_HELP: &str = "\
Examples:
  Check a definition file and every source in it:
    feedmill check feeds/joongang-north-korea.toml
  Check one source only, e.g. while writing its selectors:
    feedmill check feeds/example-page.toml --source harbour-listing

For each page source: the pages read, how many nodes each selector matched (a warning for
each that matched nothing) and the first 5 articles as they would be emitted. For each feed
source: its format and how many articles it yields. For a source with [source.enrich]: its
first 5 articles fetched and enriched from their pages (nothing is written), with what each
gained (tags, sections, dates, authors, full text) and the warnings.

Exit codes: 0 success, 1 a source could not be read, 2 usage error (or no such source),
3 the definition file is invalid (each problem is printed as `error: FILE:LINE:COLUMN: KEY: …`).";

/// Arguments of `feedmill check`.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub(crate) struct CheckArgs {
    /// The feed definition file, e.g. `feeds/example-page.toml`.
    #[arg(value_name = "FEEDS.toml")]
    file: PathBuf,

    /// Check only the source with this name.
    #[arg(long, value_name = "NAME")]
    source: Option<String>,
}

/// Runs `feedmill check`; returns the exit code, having printed everything.
pub(crate) fn run(args: CheckArgs) -> anyhow::Result<u8> {
    let text = fs::read_to_string(&args.file)
        .with_context(|| format!("reading `{}`", args.file.display()))?;
    let definition = match config::validate(&args.file, &text) {
        Ok(definition) => definition,
        Err(invalid) => {
            for error in &invalid.errors {
                super::message("error", &error.to_string());
            }
            return Ok(exit_code::CONFIG);
        }
    };
    let sources: Vec<&SourceDefinition> = match &args.source {
        Some(name) => match definition.source(name) {
            Some(source) => vec![source],
            None => {
                super::message(
                    "error",
                    &format!("`{}` has no source named {name:?}", args.file.display()),
                );
                return Ok(exit_code::USAGE);
            }
        },
        None => definition.sources.iter().collect(),
    };
    let now = Utc::now();
    let mut report = format!("feed: {}\n", definition.feed.title);
    let mut failed = false;
    for source in sources {
        report.push('\n');
        if let Err(error) = check_source(source, now, &mut report) {
            failed = true;
            let _ = writeln!(report, "  error: {error:#}");
            super::message("error", &format!("source {}: {error:#}", source.name));
        }
    }
    // URLs quoted in the report (sources, errors, links) show no secrets.
    let report = feedmill::build::redact_urls_in(&report);
    write_stdout(report.as_bytes()).context("writing standard output")?;
    Ok(if failed {
        exit_code::FAILURE
    } else {
        exit_code::SUCCESS
    })
}

/// Reads one source and appends what it yields to `report`.
fn check_source(
    source: &SourceDefinition,
    now: DateTime<Utc>,
    report: &mut String,
) -> anyhow::Result<()> {
    let kind = match source.kind {
        SourceKind::Feed => "feed",
        SourceKind::Page(_) => "page",
        SourceKind::AutoPage => "page, auto-extraction",
    };
    let _ = writeln!(
        report,
        "source {} ({kind}, {}, time zone {})",
        source.name, source.location, source.time_zone
    );
    if let SourceLocation::Feed(name) = &source.location {
        let _ = writeln!(
            report,
            "  reads the articles of the generated feed `{name}`: check its own definition"
        );
        return Ok(());
    }
    let loaded = match &source.location {
        SourceLocation::Url(url) => fetch_source(source, url)?,
        location => load(location)?,
    };
    let articles = match &source.kind {
        SourceKind::Feed => {
            let options = ReadOptions {
                content_type: loaded.content_type.clone(),
                url: loaded.url.as_ref().map(Url::to_string),
                ..ReadOptions::default()
            };
            let outcome = feed::read(&loaded.body, &options)
                .with_context(|| format!("reading {}", source.location))?;
            let _ = writeln!(
                report,
                "  a feed ({}) with {} articles",
                outcome.format,
                outcome.feed.articles.len()
            );
            for warning in &outcome.warnings {
                let _ = writeln!(report, "  warning: {warning}");
            }
            outcome.feed.articles
        }
        SourceKind::Page(selectors) => {
            let result = scrape(source, selectors, &loaded, now);
            write_scrape(&result, report);
            result.articles
        }
        SourceKind::AutoPage => {
            let options = PageOptions {
                url: loaded.url.as_ref().map(Url::to_string),
                content_type: loaded.content_type.clone(),
                time_zone: Some(source.time_zone),
                now: Some(now),
                ..PageOptions::default()
            };
            let outcome = page::read_page(&loaded.body, &options)
                .with_context(|| format!("reading {}", source.location))?;
            let _ = writeln!(
                report,
                "  read as {} page ({})",
                outcome.kind, outcome.encoding
            );
            write_articles(&outcome.feed.articles, &outcome.warnings, report);
            outcome.feed.articles
        }
    };
    if let Some(options) = source.enrich_at(now) {
        let first: Vec<Article> = articles.into_iter().take(SHOWN_ARTICLES).collect();
        enrich::check(&first, &options, source.enrich_max_concurrent, report);
    }
    Ok(())
}

/// A source's bytes and where they were read from.
struct Loaded {
    body: Vec<u8>,
    url: Option<Url>,
    content_type: Option<String>,
}

/// Fetches a url source as `build` does: with its `headers` and `cookies`.
fn fetch_source(source: &SourceDefinition, url: &Url) -> anyhow::Result<Loaded> {
    let mut request = Request::new(url.clone());
    request.headers = source.headers.clone();
    request.cookies = source.cookies.clone();
    // The fetch error names the URL already.
    match Fetcher::new(&FetchOptions::default())?.get(&request)? {
        Response::Modified(fetched) => Ok(Loaded {
            body: fetched.body,
            url: Some(fetched.final_url),
            content_type: fetched.content_type,
        }),
        Response::NotModified { .. } => {
            anyhow::bail!("`{url}` answered 304 Not Modified to a request without validators")
        }
    }
}

fn load(location: &SourceLocation) -> anyhow::Result<Loaded> {
    match location {
        SourceLocation::Url(url) => {
            // The fetch error names the URL already.
            let fetched = fetch::fetch(url, &FetchOptions::default())?;
            Ok(Loaded {
                body: fetched.body,
                url: Some(fetched.final_url),
                content_type: fetched.content_type,
            })
        }
        SourceLocation::File(path) => {
            let body = fs::read(path).with_context(|| format!("reading `{}`", path.display()))?;
            let url = fs::canonicalize(path)
                .ok()
                .and_then(|absolute| Url::from_file_path(absolute).ok());
            Ok(Loaded {
                body,
                url,
                content_type: None,
            })
        }
        SourceLocation::Feed(name) => {
            anyhow::bail!("`{name}` is a generated feed, not something to load")
        }
    }
}

/// Scrapes a page source, following `next-page` over http(s) or, for a local source, to
/// other local files; dates are read in the source's zone, relative ones counted from `now`.
fn scrape(
    source: &SourceDefinition,
    selectors: &PageSelectors,
    loaded: &Loaded,
    now: DateTime<Utc>,
) -> ScrapeResult {
    let (text, mut warnings) = decode_page(
        &loaded.body,
        loaded.content_type.as_deref(),
        loaded.url.as_ref(),
    );
    let date_parser = HumanDateParser {
        zone: Some(source.time_zone),
        now: Some(now),
    };
    let options = ScrapeOptions {
        date_parser: &date_parser,
    };
    let mut fetch_errors = Vec::new();
    let fetch_next = |next: &Url| match load_next(next) {
        Ok(text) => Some(text),
        Err(error) => {
            fetch_errors.push(format!("{error:#}"));
            None
        }
    };
    let mut result =
        selectors::scrape_pages_with(&text, loaded.url.as_ref(), selectors, options, fetch_next);
    warnings.append(&mut result.warnings);
    result.warnings = warnings;
    for error in fetch_errors {
        result.warnings.push(feedmill::source::feed::Warning {
            kind: feedmill::source::feed::WarningKind::Value,
            message: error,
            line: None,
        });
    }
    result
}

/// Reads a next page: fetched when http(s), read from disk when a `file:` URL.
fn load_next(url: &Url) -> anyhow::Result<String> {
    let loaded = match url.to_file_path() {
        Ok(path) if url.scheme() == "file" => load(&SourceLocation::File(path))?,
        _ => load(&SourceLocation::Url(url.clone()))?,
    };
    let (text, _) = decode_page(&loaded.body, loaded.content_type.as_deref(), Some(url));
    Ok(text)
}

fn write_scrape(result: &ScrapeResult, report: &mut String) {
    let _ = writeln!(report, "  pages read: {}", result.pages);
    let _ = writeln!(report, "  selectors:");
    for matched in &result.matches {
        let selector = if matched.selector.is_empty() {
            "(the item itself)"
        } else {
            &matched.selector
        };
        let _ = writeln!(
            report,
            "    {:<10} {:<24} {} matched, {} values",
            matched.field.key(),
            selector,
            matched.nodes,
            matched.values
        );
    }
    write_articles(&result.articles, &result.warnings, report);
}

/// The warnings, then how many articles there are and the first few as emitted.
fn write_articles(articles: &[Article], warnings: &[Warning], report: &mut String) {
    for warning in warnings {
        let _ = writeln!(report, "  warning: {warning}");
    }
    let _ = writeln!(
        report,
        "  articles: {} (first {} shown)",
        articles.len(),
        SHOWN_ARTICLES.min(articles.len())
    );
    for (number, article) in articles.iter().take(SHOWN_ARTICLES).enumerate() {
        write_article(number + 1, article, report);
    }
}

fn write_article(number: usize, article: &Article, report: &mut String) {
    let title = article
        .title
        .as_ref()
        .map_or_else(|| "(no title)".to_owned(), |title| title.to_plain());
    let _ = writeln!(report, "    {number}. {title}");
    let _ = writeln!(
        report,
        "       link: {}",
        article.link.as_deref().unwrap_or("(none)")
    );
    let date = article.published.or(article.updated).map_or_else(
        || "(none)".to_owned(),
        |date| date.to_rfc3339_opts(SecondsFormat::AutoSi, true),
    );
    let _ = writeln!(report, "       date: {date}");
    let tags: Vec<&str> = article.tags.iter().map(|tag| tag.term.as_str()).collect();
    let _ = writeln!(report, "       tags: {}", tags.join(", "));
}

/// Writes the report; a closed stdout (`| head`) is not an error.
fn write_stdout(bytes: &[u8]) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}
