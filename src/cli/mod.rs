//! The `feedmill` command line: parses arguments, runs one subcommand, and turns its
//! outcome into messages on stderr and a documented exit code.
//!
//! Policy: subcommands are thin (arguments → one library call → output). Errors are
//! rendered once, here, with their cause chain; only this module and `main.rs` use
//! anyhow. Entry point: [`run`].

mod build;
mod check;
mod convert;
mod discover;
mod export;
mod import;
mod schema;
mod serve;

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The exit codes `feedmill` documents (in `--help` and the README).
mod exit_code {
    /// Everything went well (a closed stdout, as with `| head`, counts as well).
    pub const SUCCESS: u8 = 0;
    /// The input could not be read, or the output could not be written.
    pub const FAILURE: u8 = 1;
    /// The command line was wrong.
    pub const USAGE: u8 = 2;
    /// A feed definition or the settings file is invalid (`check`, `build`, `export`).
    pub const CONFIG: u8 = 3;
    /// Some sources failed or some outputs could not be written; the rest were (`build`).
    pub const PARTIAL: u8 = 4;
}

const AFTER_HELP: &str = "\
Examples:
  feedmill build feeds/
  feedmill serve feeds/ --listen 127.0.0.1:8080
  feedmill convert feeds/example.xml --to atom
  feedmill convert https://example.com/feed.xml --to json -o feed.json
  feedmill check feeds/example-page.toml
  feedmill discover https://example.com/blog/ --probe
  feedmill import subscriptions.opml -o feeds/reading.toml
  feedmill export --base-url https://feeds.example.org/ -o feeds.opml
  feedmill schema > feedmill.schema.json

Exit codes:
  0  success
  1  the input could not be read, or the output could not be written
  2  usage error
  3  a feed definition or the settings file is invalid (`check`, `build`, `serve`, `export`)
  4  some sources failed or outputs could not be written, the rest were (`build`)

Run `feedmill COMMAND --help` for each command's options and examples.";

/// Aggregates feeds and web pages: reads RSS, Atom, JSON Feed and HTML pages, filters,
/// merges and de-duplicates them, and writes RSS 2.0, Atom 1.0 and JSON Feed 1.1 to files
/// (`build`), over HTTP (`serve`) or once (`convert`).
#[derive(Debug, Parser)]
#[command(name = "feedmill", version, after_help = AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Refresh every source of the feed definitions and write every output feed.
    Build(build::BuildArgs),
    /// Publish the feeds over HTTP, refreshing them in the background.
    Serve(serve::ServeArgs),
    /// Convert one feed (RSS, Atom or JSON Feed) to RSS 2.0, Atom 1.0 or JSON Feed 1.1.
    Convert(convert::ConvertArgs),
    /// Check a feed definition file (feeds/NAME.toml) and show what each source yields.
    Check(check::CheckArgs),
    /// List the feeds an HTML page advertises or links to, and what feedmill reads from it.
    Discover(discover::DiscoverArgs),
    /// Turn an OPML subscription list into a feed definition file (feeds/NAME.toml).
    Import(import::ImportArgs),
    /// Write an OPML list of the generated feeds (or, with --sources, of their sources).
    Export(export::ExportArgs),
    /// Print the JSON Schema of definition files (or, with --settings, of the settings file).
    Schema(schema::SchemaArgs),
}

/// Runs the command line and returns the process's exit code.
pub fn run() -> ExitCode {
    init_logging();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // Usage errors go to stderr; --help and --version to stdout with success.
            let _ = err.print();
            let code = if err.use_stderr() {
                exit_code::USAGE
            } else {
                exit_code::SUCCESS
            };
            return ExitCode::from(code);
        }
    };
    // Each subcommand returns its exit code, or an error to render here (code 1).
    let result = match cli.command {
        Command::Build(args) => build::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Convert(args) => convert::run(args).map(|()| exit_code::SUCCESS),
        Command::Check(args) => check::run(args),
        Command::Discover(args) => discover::run(args).map(|()| exit_code::SUCCESS),
        Command::Import(args) => import::run(args).map(|()| exit_code::SUCCESS),
        Command::Export(args) => export::run(args),
        Command::Schema(args) => schema::run(args).map(|()| exit_code::SUCCESS),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            message("error", &format!("{err:#}"));
            ExitCode::from(exit_code::FAILURE)
        }
    }
}

/// Sends the library's `tracing` events to stderr when `RUST_LOG` asks for them
/// (`RUST_LOG=feedmill=debug`); without it nothing is logged beyond the CLI's messages.
fn init_logging() {
    let Ok(filter) = tracing_subscriber::EnvFilter::try_from_default_env() else {
        return;
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(io::stderr)
        .with_ansi(io::stderr().is_terminal())
        .try_init();
}

/// Loads the definitions at `feeds` (default `feeds/`) and their settings; with `plan`,
/// also checks they can be built together. A configuration with problems prints each
/// one and gives `Err(exit_code::CONFIG)`; an unreadable file is an error.
fn load_config(
    feeds: &[std::path::PathBuf],
    settings: Option<&std::path::Path>,
    plan: bool,
) -> anyhow::Result<Result<feedmill::config::LoadedConfig, u8>> {
    let paths = if feeds.is_empty() {
        vec![std::path::PathBuf::from("feeds")]
    } else {
        feeds.to_vec()
    };
    let loaded = match feedmill::config::load(&paths, settings) {
        Ok(loaded) => loaded,
        Err(feedmill::config::LoadError::Invalid { errors }) => {
            for error in &errors {
                message("error", &error.to_string());
            }
            return Ok(Err(exit_code::CONFIG));
        }
        Err(error) => return Err(error.into()),
    };
    if plan && let Err(error) = feedmill::build::plan(&loaded.definitions) {
        message("error", &error.to_string());
        return Ok(Err(exit_code::CONFIG));
    }
    Ok(Ok(loaded))
}

/// Prints `<level>: <text>` on stderr. A failing stderr is ignored: there is nowhere
/// left to report it.
fn message(level: &str, text: &str) {
    // An error may quote a URL with a token in its query: shown as `REDACTED`.
    let text = feedmill::build::redact_urls_in(text);
    let _ = writeln!(io::stderr().lock(), "{level}: {text}");
}
