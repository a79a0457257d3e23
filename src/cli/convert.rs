//! `feedmill convert`: one feed in, one feed out.
//!
//! Reads a file, an http(s) URL or standard input, lets the reader detect the format,
//! and writes the chosen format to stdout or, atomically, to a file.

use std::fmt;
use std::fs;
use std::io::{self, Read, Write};
use std::path::PathBuf;

use anyhow::Context as _;
use chrono::Utc;
use chrono_tz::Tz;
use clap::{Args, ValueEnum};
use feedmill::emit::{self, EmitOptions, OutputFormat};
use feedmill::fetch::{self, FetchOptions};
use feedmill::model::Feed;
use feedmill::source::feed::{self, ReadError, ReadOptions, Warning};
use feedmill::source::page::{self, PageOptions};
use url::Url;

const AFTER_HELP: &str = "\
Examples:
  Convert a file to Atom, on standard output:
    feedmill convert feeds/example.xml --to atom
  Fetch a feed and write JSON Feed to a file (replaced atomically):
    feedmill convert https://example.com/feed.xml --to json -o feed.json
  Read standard input; relative links resolve against --base:
    feedmill convert --to rss --base https://example.com/news/ < saved-feed.xml
  Turn a web page into a feed (JSON-LD, OpenGraph and a guessed list of article links):
    feedmill convert https://example.com/news/ --to atom
    feedmill convert saved-page.html --base https://example.com/news/ --to atom

Input formats, detected from the content: RSS 0.90 to 0.94, 1.0 (RDF) and 2.0; Atom 0.3
and 1.0; JSON Feed 1.0 and 1.1; HTML pages. Problems the reader recovers from are printed as warnings.

Exit codes: 0 success, 1 input unreadable or output unwritable, 2 usage error.";

/// Arguments of `feedmill convert`.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub(crate) struct ConvertArgs {
    /// The feed or HTML page to read: a file path, an http(s) URL, or `-` for standard input.
    #[arg(value_name = "INPUT", default_value = "-", value_parser = parse_input)]
    input: Input,

    /// The format to write.
    #[arg(long, value_enum, value_name = "FORMAT")]
    to: Format,

    /// Write to FILE instead of standard output; an existing FILE is replaced atomically.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,

    /// Base URL for relative links: the document's address when reading a file or
    /// standard input, and the fallback for links still relative when writing.
    #[arg(long, value_name = "URL")]
    base: Option<Url>,

    /// The IANA time zone (`Asia/Seoul`) dates on HTML pages are read in when they are
    /// written without one; UTC, with a warning, when not given.
    #[arg(long, value_name = "ZONE", value_parser = parse_time_zone)]
    time_zone: Option<Tz>,
}

/// Runs `feedmill convert`.
pub(crate) fn run(args: ConvertArgs) -> anyhow::Result<()> {
    let (bytes, read_options) = load(&args.input, args.base.as_ref())?;
    let (feed, warnings) = read_any(&bytes, &read_options, args.time_zone)
        .with_context(|| format!("reading {}", args.input))?;
    for warning in &warnings {
        super::message("warning", &format!("{}: {warning}", args.input));
    }
    let emit_options = EmitOptions {
        base_url: args.base.map(String::from),
        ..EmitOptions::default()
    };
    let output = emit::write(&feed, args.to.into(), &emit_options)?;
    match &args.output {
        Some(path) => feedmill::build::write_atomically(path, &output)
            .with_context(|| format!("writing `{}`", path.display())),
        None => write_stdout(&output).context("writing standard output"),
    }
}

/// Reads a feed document, or an HTML page by auto-extraction (an article page becomes a
/// feed of one article, a listing page a feed of its articles).
fn read_any(
    bytes: &[u8],
    options: &ReadOptions,
    time_zone: Option<Tz>,
) -> anyhow::Result<(Feed, Vec<Warning>)> {
    // One decode: the feed reader says when the bytes are an HTML page.
    match feed::read(bytes, options) {
        Ok(outcome) => Ok((outcome.feed, outcome.warnings)),
        Err(ReadError::HtmlPage) => {
            let page_options = PageOptions {
                url: options.url.clone(),
                content_type: options.content_type.clone(),
                expect: None,
                time_zone,
                now: Some(Utc::now()),
            };
            let outcome = page::read_page(bytes, &page_options)?;
            Ok((outcome.feed, outcome.warnings))
        }
        Err(error) => Err(error.into()),
    }
}

/// An IANA time zone name (`Europe/Berlin`), for `--time-zone`.
pub(crate) fn parse_time_zone(arg: &str) -> Result<Tz, String> {
    arg.parse::<Tz>()
        .map_err(|_| format!("`{arg}` is not an IANA time zone name (like `Asia/Seoul`)"))
}

/// Where the feed comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Input {
    Stdin,
    File(PathBuf),
    Url(Url),
}

/// How an input is named in messages.
impl fmt::Display for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Input::Stdin => f.write_str("standard input"),
            Input::File(path) => write!(f, "`{}`", path.display()),
            Input::Url(url) => write!(f, "`{url}`"),
        }
    }
}

/// `-` is standard input, `http(s)://…` a URL, any other `scheme://…` an error, and
/// everything else a file path.
pub(crate) fn parse_input(arg: &str) -> Result<Input, String> {
    if arg == "-" {
        return Ok(Input::Stdin);
    }
    let Some((scheme, _)) = arg.split_once("://") else {
        return Ok(Input::File(PathBuf::from(arg)));
    };
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Err(format!(
            "`{scheme}://` URLs are not supported; use http or https"
        ));
    }
    Url::parse(arg)
        .map(Input::Url)
        .map_err(|err| format!("not a valid URL: {err}"))
}

/// The output formats, as `--to` spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// RSS 2.0
    Rss,
    /// Atom 1.0
    Atom,
    /// JSON Feed 1.1
    Json,
}

impl From<Format> for OutputFormat {
    fn from(format: Format) -> Self {
        match format {
            Format::Rss => OutputFormat::Rss,
            Format::Atom => OutputFormat::Atom,
            Format::Json => OutputFormat::Json,
        }
    }
}

/// Reads the input's bytes and what is known about them. A URL brings its own address
/// and headers; a file or standard input has `base` (if given) as its address.
pub(crate) fn load(input: &Input, base: Option<&Url>) -> anyhow::Result<(Vec<u8>, ReadOptions)> {
    match input {
        Input::Url(url) => {
            // The fetch error names the URL already.
            Ok(fetched_bytes(fetch::fetch(url, &FetchOptions::default())?))
        }
        Input::File(path) => {
            let bytes = fs::read(path).with_context(|| format!("reading {input}"))?;
            Ok((bytes, base_options(base)))
        }
        Input::Stdin => {
            let mut bytes = Vec::new();
            io::stdin()
                .lock()
                .read_to_end(&mut bytes)
                .with_context(|| format!("reading {input}"))?;
            Ok((bytes, base_options(base)))
        }
    }
}

/// A response's body and what its headers and final URL tell the reader.
pub(crate) fn fetched_bytes(fetched: fetch::Fetched) -> (Vec<u8>, ReadOptions) {
    let options = ReadOptions {
        content_type: fetched.content_type,
        url: Some(fetched.final_url.into()),
        content_location: fetched.content_location,
        content_language: fetched.content_language,
    };
    (fetched.body, options)
}

fn base_options(base: Option<&Url>) -> ReadOptions {
    ReadOptions {
        url: base.map(Url::to_string),
        ..ReadOptions::default()
    }
}

/// Writes to stdout. A reader that went away (`feedmill … | head`) is not a failure.
pub(crate) fn write_stdout(bytes: &[u8]) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        result => result,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dash_is_standard_input() {
        assert_eq!(parse_input("-"), Ok(Input::Stdin));
    }

    #[test]
    fn http_and_https_are_urls_in_any_case() {
        for arg in [
            "http://example.com/feed.xml",
            "HTTPS://example.com/feed.xml",
        ] {
            assert!(matches!(parse_input(arg), Ok(Input::Url(_))), "{arg}");
        }
    }

    #[test]
    fn other_schemes_are_refused_rather_than_read_as_paths() {
        let err = parse_input("ftp://example.com/feed.xml").expect_err("ftp is refused");
        assert!(err.contains("`ftp://`"), "{err}");
    }

    #[test]
    fn anything_else_is_a_file_path() {
        assert_eq!(
            parse_input("feeds/example.xml"),
            Ok(Input::File(PathBuf::from("feeds/example.xml")))
        );
    }
}
