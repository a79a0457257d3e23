//! `feedmill schema [--settings]`: prints the JSON Schema of the definition file format
//! (or of the settings file) for editors. Thin: the library derives the schema
//! ([`config::definition_schema`], [`config::settings_schema`]).

use anyhow::Context as _;
use clap::Args;
use feedmill::config;

use super::convert;

const AFTER_HELP: &str = "\
Examples:
  feedmill schema > feedmill.schema.json
  feedmill schema --settings > feedmill-settings.schema.json

Then make `#:schema ./feedmill.schema.json` the first line of a definition file (path
relative to that file), and taplo / Even Better TOML (VS Code) completes and checks it.
The schema checks shape and simple ranges; `feedmill check FILE` checks the rest.";

/// Arguments of `feedmill schema`.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub(crate) struct SchemaArgs {
    /// Print the schema of the settings file (feeds/feedmill.toml) instead.
    #[arg(long)]
    settings: bool,
}

/// Runs `feedmill schema`: the schema, pretty-printed, on stdout.
pub(crate) fn run(args: SchemaArgs) -> anyhow::Result<()> {
    let schema = if args.settings {
        config::settings_schema()
    } else {
        config::definition_schema()
    };
    let mut text = serde_json::to_string_pretty(&schema).context("serialising the schema")?;
    text.push('\n');
    convert::write_stdout(text.as_bytes()).context("writing standard output")
}
