//! `feedmill export [FEEDS…]`: an OPML 2.0 list of the generated feeds, for a feed reader
//! to subscribe to all of them; with `--sources`, of the sources they read instead.
//!
//! Policy: an output feed is one outline whose `xmlUrl` is `BASE_URL/NAME.EXT` (its first
//! format) and whose `htmlUrl` is its `link`. A `per-tag` feed becomes a folder named after
//! it holding the feed and one outline per tag feed present in `OUTPUT_DIR/NAME/tags/`
//! (they exist after a build), titled as the tag feed is. With `--sources`, each
//! definition is a folder of its url sources (a page source as a `type="link"` outline,
//! since it is no feed); file and generated-feed sources are skipped with a note. Config errors exit 3, as in `build`. The OPML itself is written by
//! [`write_opml`].

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::Args;
use url::Url;

use super::{convert, exit_code};
use feedmill::build::extension;
use feedmill::config::{FeedDefinition, SourceKind, SourceLocation};
use feedmill::emit::opml::{OpmlDocument, OpmlOutline, write_opml};
use feedmill::source::feed::{ReadOptions, read};

const AFTER_HELP: &str = "\
Examples:
  feedmill export --base-url https://feeds.example.org/ -o feeds.opml
  feedmill export feeds/world.toml --base-url https://feeds.example.org/
  feedmill export --sources -o sources.opml

--base-url is where the output directory is published: the feed `world` in the atom
format is listed as BASE_URL/world.atom. Without it, the list points at the output
directory as file:// URLs, which only a reader on this machine can open. Per-tag feeds
are listed as found in OUTPUT_DIR/NAME/tags/, so build first.

Exit codes: 0 success, 1 output unwritable, 2 usage error, 3 a definition or the
settings file is invalid.";

/// Arguments of `feedmill export`.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub(crate) struct ExportArgs {
    /// Definition files, or directories of them. Default: `feeds`.
    #[arg(value_name = "FEEDS")]
    feeds: Vec<PathBuf>,

    /// List the sources the definitions read (their url sources) instead of the outputs.
    #[arg(long)]
    sources: bool,

    /// Where the output directory is published, e.g. `https://feeds.example.org/`.
    /// Default: a file:// URL of the output directory.
    #[arg(long, value_name = "URL", value_parser = parse_base_url, conflicts_with = "sources")]
    base_url: Option<Url>,

    /// The settings file. Default: `feedmill.toml` next to the first FEEDS.
    #[arg(long, value_name = "FILE")]
    settings: Option<PathBuf>,

    /// Read outputs here instead of the settings' `output-dir`.
    #[arg(long, value_name = "DIR")]
    output_dir: Option<PathBuf>,

    /// Write the OPML to FILE (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// `--base-url`: an absolute URL.
fn parse_base_url(arg: &str) -> Result<Url, String> {
    Url::parse(arg.trim()).map_err(|error| format!("not an absolute URL: {error}"))
}

/// Runs `feedmill export`; returns the exit code.
pub(crate) fn run(args: ExportArgs) -> anyhow::Result<u8> {
    let loaded = match super::load_config(&args.feeds, args.settings.as_deref(), false)? {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    let document = if args.sources {
        sources_document(&loaded.definitions)
    } else {
        let output_dir = args.output_dir.unwrap_or(loaded.settings.output_dir);
        let base = match args.base_url {
            Some(base) => base.to_string(),
            None => {
                let base = file_base_url(&output_dir)?;
                super::message(
                    "warning",
                    &format!(
                        "no --base-url: listing the feeds as {base}…, which only a reader on this machine can open; pass the web address the output directory is published at"
                    ),
                );
                base
            }
        };
        outputs_document(&loaded.definitions, &base, &output_dir)
    };
    let bytes = write_opml(&document);
    match &args.output {
        None => convert::write_stdout(&bytes).context("writing standard output")?,
        Some(path) => feedmill::build::write_atomically(path, &bytes)
            .with_context(|| format!("writing `{}`", path.display()))?,
    }
    Ok(exit_code::SUCCESS)
}

/// The `file://` URL of `dir` (canonical when it exists, else made absolute), ending in `/`.
fn file_base_url(dir: &Path) -> anyhow::Result<String> {
    let absolute = fs::canonicalize(dir)
        .or_else(|_| std::path::absolute(dir))
        .with_context(|| format!("finding the absolute path of `{}`", dir.display()))?;
    let Ok(url) = Url::from_directory_path(&absolute) else {
        bail!(
            "`{}` cannot be written as a file:// URL",
            absolute.display()
        );
    };
    // Parsing the URL again resolves the `..` of a directory that does not exist yet.
    Ok(Url::parse(url.as_str()).unwrap_or(url).to_string())
}

/// `base` and `path` joined by exactly one `/`.
fn join(base: &str, path: &str) -> String {
    format!("{}/{path}", base.trim_end_matches('/'))
}

/// One outline per output feed; a `per-tag` feed is a folder of it and its tag feeds.
fn outputs_document(definitions: &[FeedDefinition], base: &str, output_dir: &Path) -> OpmlDocument {
    let mut outlines = Vec::new();
    for definition in definitions {
        let meta = &definition.feed;
        let Some(&format) = meta.formats.first() else {
            continue;
        };
        let ext = extension(format);
        let mut feed = OpmlOutline::feed(&meta.title, join(base, &format!("{}.{ext}", meta.name)));
        if let Some(link) = &meta.link {
            feed = feed.with_html_url(link.as_str());
        }
        if !meta.per_tag {
            outlines.push(feed);
            continue;
        }
        let tags_dir = output_dir.join(&meta.name).join("tags");
        let mut children = vec![feed];
        for (slug, path) in tag_files(&tags_dir, ext) {
            let title = feed_title(&path).unwrap_or_else(|| format!("{} — {slug}", meta.title));
            let url = join(base, &format!("{}/tags/{slug}.{ext}", meta.name));
            let mut tag = OpmlOutline::feed(title, url);
            if let Some(link) = &meta.link {
                tag = tag.with_html_url(link.as_str());
            }
            children.push(tag);
        }
        if children.len() == 1 {
            super::message(
                "warning",
                &format!(
                    "{}: per-tag feeds are not in `{}`; build first to list them",
                    meta.name,
                    tags_dir.display()
                ),
            );
        }
        outlines.push(OpmlOutline::folder(&meta.title, children));
    }
    OpmlDocument {
        title: "feedmill feeds".to_owned(),
        created: None,
        outlines,
    }
}

/// The tag feeds in `dir` with extension `ext`: slug and path, sorted by slug. A missing
/// directory has none.
fn tag_files(dir: &Path, ext: &str) -> Vec<(String, PathBuf)> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<(String, PathBuf)> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|found| found == ext) && path.is_file())
        .filter_map(|path| {
            let slug = path.file_stem()?.to_str()?.to_owned();
            Some((slug, path))
        })
        .collect();
    found.sort();
    found
}

/// The title of the feed file at `path`, if it reads.
fn feed_title(path: &Path) -> Option<String> {
    let bytes = fs::read(path).ok()?;
    let outcome = read(&bytes, &ReadOptions::default()).ok()?;
    let title = outcome.feed.title?.to_plain();
    (!title.trim().is_empty()).then_some(title)
}

/// One folder per definition holding its url sources; other sources are noted on stderr.
fn sources_document(definitions: &[FeedDefinition]) -> OpmlDocument {
    let mut outlines = Vec::new();
    for definition in definitions {
        let mut children = Vec::new();
        for source in &definition.sources {
            match (&source.location, &source.kind) {
                (SourceLocation::Url(url), SourceKind::Feed) => {
                    children.push(OpmlOutline::feed(&source.name, url.as_str()));
                }
                (SourceLocation::Url(url), _) => {
                    super::message(
                        "note",
                        &format!(
                            "{}: source `{}` is an HTML page, not a feed; listed as a link",
                            definition.path.display(),
                            source.name
                        ),
                    );
                    children.push(OpmlOutline {
                        text: source.name.clone(),
                        html_url: Some(url.to_string()),
                        ..OpmlOutline::default()
                    });
                }
                (other, _) => super::message(
                    "note",
                    &format!(
                        "{}: source `{}` is not a URL ({other}); left out",
                        definition.path.display(),
                        source.name
                    ),
                ),
            }
        }
        if !children.is_empty() {
            outlines.push(OpmlOutline::folder(&definition.feed.title, children));
        }
    }
    OpmlDocument {
        title: "feedmill sources".to_owned(),
        created: None,
        outlines,
    }
}
