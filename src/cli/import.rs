//! `feedmill import`: an OPML subscription list in, a feed definition file out.
//!
//! Thin: the library reads the list ([`read_opml`]) and writes the definition
//! ([`import::definition_from_subscriptions`]); this module loads the input, prints the
//! warnings and writes stdout or, atomically, a new file.

use std::io;
use std::path::PathBuf;

use anyhow::{Context as _, bail};
use clap::Args;
use feedmill::config::import;
use feedmill::source::opml::read_opml;

use super::convert::{self, Input};

const AFTER_HELP: &str = "\
Examples:
  Write a definition file from a feed reader's export, titled as the export is:
    feedmill import subscriptions.opml -o feeds/reading.toml
  Choose the feed's title, and print the definition instead:
    feedmill import subscriptions.opml --title \"Morning reading\"

Each outline with a feed URL (`xmlUrl`) becomes a `[[source]]` with `kind = \"feed\"` and a
name made from its title; folders and categories are noted in a comment above it.
Outlines without a feed URL and repeated URLs are skipped with a warning; a URL that is
not absolute http(s) is written commented out. Check the result with `feedmill check FILE`.

Exit codes: 0 success, 1 input unreadable or not OPML, or output unwritable (or existing
without --force), 2 usage error.";

/// Arguments of `feedmill import`.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub(crate) struct ImportArgs {
    /// The OPML subscription list: a file path, an http(s) URL, or `-` for standard input.
    #[arg(value_name = "SUBSCRIPTIONS.opml", value_parser = convert::parse_input)]
    input: Input,

    /// Write the definition to FILE (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,

    /// The feed's title; default: the list's own title, else "Imported subscriptions".
    #[arg(long, value_name = "TITLE")]
    title: Option<String>,

    /// Replace FILE if it exists (otherwise an existing FILE is an error).
    #[arg(long, requires = "output")]
    force: bool,
}

/// Runs `feedmill import`.
pub(crate) fn run(args: ImportArgs) -> anyhow::Result<()> {
    let (bytes, _) = convert::load(&args.input, None)?;
    let list = read_opml(&bytes).with_context(|| format!("reading {}", args.input))?;
    for warning in &list.warnings {
        super::message("warning", &format!("{}: {warning}", args.input));
    }
    for subscription in list
        .subscriptions
        .iter()
        .filter(|s| !import::is_importable(s))
    {
        let warning = format!(
            "`{}` is not an absolute http(s) URL; its source is written commented out",
            subscription.xml_url
        );
        super::message("warning", &format!("{}: {warning}", args.input));
    }
    if !list.subscriptions.iter().any(import::is_importable) {
        bail!(
            "{} lists no feed with an http(s) URL; nothing to import",
            args.input
        );
    }
    let title = args
        .title
        .or_else(|| list.title.clone())
        .unwrap_or_default();
    let text = import::definition_from_subscriptions(&title, &list);
    let Some(path) = &args.output else {
        return convert::write_stdout(text.as_bytes()).context("writing standard output");
    };
    let written = if args.force {
        feedmill::build::write_atomically(path, text.as_bytes())
    } else {
        feedmill::build::write_atomically_new(path, text.as_bytes())
    };
    match written {
        Err(err) if err.kind() == io::ErrorKind::AlreadyExists => bail!(
            "`{}` already exists; pass --force to replace it",
            path.display()
        ),
        result => result.with_context(|| format!("writing `{}`", path.display())),
    }
}
