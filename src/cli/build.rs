//! `feedmill build [FEEDS…]`: refresh every source, write every output, print a summary.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use anyhow::Context;
use chrono::Utc;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use super::exit_code;
use feedmill::build::{self, BuildOptions, BuildReport, SourceReport, SourceStatus};
use feedmill::fetch::Fetcher;
use feedmill::store::Store;

const AFTER_HELP: &str = "\
Examples:
  feedmill build                         every definition in feeds/
  feedmill build feeds/world.toml        one definition (settings: feeds/feedmill.toml)
  feedmill build feeds/ --quiet          from cron: silent unless something failed

Settings come from --settings, else feedmill.toml next to the definitions, else the
defaults (outputs in ./public, the store in ./.feedmill/state.sqlite).

Exit codes:
  0  every source worked and every output was written
  1  the run could not start or finish (store, output directory)
  3  a definition or the settings file is invalid
  4  some sources failed (their last good articles were used) or outputs could not be written";

/// Arguments of `feedmill build`.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub(crate) struct BuildArgs {
    /// Definition files, or directories of them. Default: `feeds`.
    #[arg(value_name = "FEEDS")]
    feeds: Vec<PathBuf>,

    /// The settings file. Default: `feedmill.toml` next to the first FEEDS.
    #[arg(long, value_name = "FILE")]
    settings: Option<PathBuf>,

    /// Write outputs here instead of the settings' `output-dir`.
    #[arg(long, value_name = "DIR")]
    output_dir: Option<PathBuf>,

    /// Keep the item history here instead of the settings' `state`.
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,

    /// Print only failures (the default when stderr is not a terminal).
    #[arg(long, short)]
    quiet: bool,

    /// Print the summary even when not on a terminal.
    #[arg(long, conflicts_with = "quiet")]
    summary: bool,
}

/// Runs `feedmill build`; returns the exit code.
pub(crate) fn run(args: BuildArgs) -> anyhow::Result<u8> {
    let loaded = match super::load_config(&args.feeds, args.settings.as_deref(), true)? {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    let mut settings = loaded.settings;
    if let Some(dir) = args.output_dir {
        settings.output_dir = dir;
    }
    if let Some(state) = args.state {
        settings.state_path = state;
    }
    let interactive = io::stderr().is_terminal() && !args.quiet;
    let show_summary = (interactive || args.summary) && !args.quiet;

    let mut store = Store::open(&settings.state_path)?;
    let fetcher = Fetcher::new(&settings.fetch_options()).context("setting up the HTTP client")?;
    let options = BuildOptions {
        now: Utc::now(),
        output_dir: Some(settings.output_dir.clone()),
        max_concurrent: settings.max_concurrent,
        default_retention: settings.retention,
    };
    let total: usize = loaded
        .definitions
        .iter()
        .map(|definition| definition.sources.len())
        .sum();
    let progress = if interactive {
        let bar = ProgressBar::new(total as u64);
        if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} sources {msg}") {
            bar.set_style(style);
        }
        Some(bar)
    } else {
        ProgressBar::hidden().into()
    };
    let mut on_source = |report: &SourceReport| {
        if let Some(bar) = &progress {
            bar.set_message(format!("{}/{}", report.feed, report.source));
            bar.inc(1);
        }
    };
    let report = build::run(
        &loaded.definitions,
        &mut store,
        &fetcher,
        &options,
        &mut on_source,
    )?;
    if let Some(bar) = &progress {
        bar.finish_and_clear();
    }
    print_failures(&report);
    if show_summary {
        print_summary(&report);
    }
    Ok(if report.all_ok() {
        exit_code::SUCCESS
    } else {
        exit_code::PARTIAL
    })
}

/// Every failing source and unwritten output, on stderr: what cron mails.
fn print_failures(report: &BuildReport) {
    for source in report.failed() {
        match &source.status {
            SourceStatus::Failed {
                error,
                consecutive_failures,
            } => super::message(
                "error",
                &format!(
                    "{}: {error} (failed {consecutive_failures} run(s) in a row; kept {} articles from earlier runs)",
                    source.feed, source.articles
                ),
            ),
            SourceStatus::BackingOff { error, until } => super::message(
                "warning",
                &format!(
                    "{}/{}: not fetched until {until} after failing: {error}",
                    source.feed, source.source
                ),
            ),
            _ => {}
        }
    }
    for output in report.unwritten() {
        if let Some(error) = &output.error {
            super::message("error", &format!("{}: {error}", output.feed));
        }
    }
}

/// The run in a few lines on stdout: sources by status, then each output.
fn print_summary(report: &BuildReport) {
    let count = |wanted: fn(&SourceStatus) -> bool| {
        report
            .sources
            .iter()
            .filter(|source| wanted(&source.status))
            .count()
    };
    let ok = count(|status| matches!(status, SourceStatus::Ok));
    let unchanged = count(|status| {
        matches!(
            status,
            SourceStatus::Unchanged | SourceStatus::NotDue { .. }
        )
    });
    let failed = report.failed().count();
    let mut out = io::stdout().lock();
    let _ = writeln!(
        out,
        "sources: {ok} ok, {unchanged} unchanged, {failed} failed"
    );
    for source in &report.sources {
        for warning in source.warnings.iter().take(3) {
            let _ = writeln!(
                out,
                "  {}/{}: warning: {warning}",
                source.feed, source.source
            );
        }
    }
    for output in &report.outputs {
        let tags = if output.tags > 0 {
            format!(", {} tag feeds", output.tags)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "{}: {} articles ({} new){tags}",
            output.feed, output.articles, output.new_articles
        );
        for file in output
            .files
            .iter()
            .filter(|file| !file.parent().is_some_and(|parent| parent.ends_with("tags")))
        {
            let _ = writeln!(out, "  wrote {}", file.display());
        }
    }
}
