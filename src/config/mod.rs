//! Feed definition files (`feeds/NAME.toml`): one merged feed and the sources it reads.
//!
//! Policy: two layers. The wire types ([`FeedFileToml`] and its tables) are what serde
//! reads; [`validate`] turns the text into a [`FeedDefinition`] or reports every problem at
//! once, each a [`ConfigError`] naming the file, the line and column, and the key
//! (`source[1].time-zone`). No IO but in [`load`], which finds and reads a run's files.
//! Entry points: [`validate`] (one file's text), [`load`] (a run's files and settings).

mod filter;
mod load;
mod parse;
mod schema;
mod settings;
mod source;
mod validate;
mod wire;

pub mod import;

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use chrono_tz::Tz;
use url::Url;

use chrono::{DateTime, Utc};

use crate::emit::OutputFormat;
use crate::pipeline::{DedupOptions, FilterRules, TagAliases};
use crate::source::page::enrich::EnrichOptions;
use crate::source::page::selectors::{HumanDateParser, PageSelectors};

pub use load::{LoadError, LoadedConfig, load};
pub use schema::{definition_schema, settings_schema};
pub use settings::{
    DEFAULT_RETENTION, MIN_TOKEN_LEN, SETTINGS_FILE_NAME, ServeSettings, ServeToml, Settings,
    SettingsToml, validate_settings,
};
pub use validate::validate;
pub use wire::{DedupToml, FeedFileToml, FeedToml, FilterToml, SourceToml};

/// A validated feed definition file.
#[derive(Debug, Clone)]
pub struct FeedDefinition {
    /// The definition file, as the caller named it.
    pub path: PathBuf,
    /// The merged feed's own metadata, from `[feed]`.
    pub feed: FeedMeta,
    /// The sources, in file order; at least one, names unique.
    pub sources: Vec<SourceDefinition>,
    /// Tag aliases from `[aliases]`, applied to every article and to tag filters.
    pub aliases: TagAliases,
}

impl FeedDefinition {
    /// The source called `name`, if there is one.
    pub fn source(&self, name: &str) -> Option<&SourceDefinition> {
        self.sources.iter().find(|source| source.name == name)
    }
}

/// The merged feed's metadata and output options, from `[feed]`.
#[derive(Debug, Clone)]
pub struct FeedMeta {
    /// The name output files and URLs use: the `name` key, else the file stem; letters,
    /// digits, `-`, `_` and `.`, not starting with `.` (never a path).
    pub name: String,
    /// The title, not empty.
    pub title: String,
    /// A sentence about the feed.
    pub description: Option<String>,
    /// The web page the feed stands for.
    pub link: Option<Url>,
    /// The feed's stable id, when `id` is given (else writers use the link, or
    /// `urn:feedmill:NAME`).
    pub id: Option<String>,
    /// At most this many articles (default 100).
    pub limit: usize,
    /// How long articles that left their source stay; `None`: the settings' value.
    pub retention: Option<Duration>,
    /// The formats written, in the order given, without repeats (default all three).
    pub formats: Vec<OutputFormat>,
    /// Also write one feed per tag.
    pub per_tag: bool,
    /// Filters on the merged articles.
    pub filter: FilterRules,
    /// How duplicates are recognised.
    pub dedup: DedupOptions,
    /// The token that opens this feed on `feedmill serve`, when set.
    pub token: Option<String>,
}

impl FeedMeta {
    /// The feed's id: `id`, else the link, else `urn:feedmill:NAME`.
    pub fn feed_id(&self) -> String {
        self.id
            .clone()
            .or_else(|| self.link.as_ref().map(Url::to_string))
            .unwrap_or_else(|| format!("urn:feedmill:{}", self.name))
    }
}

/// The default for [`FeedMeta::limit`].
pub const DEFAULT_LIMIT: usize = 100;

/// One validated source.
#[derive(Debug, Clone)]
pub struct SourceDefinition {
    /// The source's name, unique in its file.
    pub name: String,
    /// Where its bytes come from.
    pub location: SourceLocation,
    /// How its bytes are read.
    pub kind: SourceKind,
    /// The zone of dates written without one (UTC unless configured).
    pub time_zone: Tz,
    /// How to enrich the source's articles from their own pages, from `[source.enrich]`.
    ///
    /// Its `time_zone` is the source's, and its `date_parser` a [`HumanDateParser`] in
    /// that zone with no `now` (validation has no clock), so relative dates on the pages
    /// are left unread; [`SourceDefinition::enrich_at`] gives options that read them.
    pub enrich: Option<EnrichOptions>,
    /// How many article pages enrichment fetches at once (`max-concurrent`, 1 to 16,
    /// default 4); meaningless without `enrich`.
    pub enrich_max_concurrent: usize,
    /// Extra request headers, name and value.
    pub headers: Vec<(String, String)>,
    /// Cookies sent with requests, name and value.
    pub cookies: Vec<(String, String)>,
    /// Filters on this source's articles, before merging.
    pub filter: FilterRules,
    /// The least time between two fetches of this source (`refresh`); `None`: every run.
    pub refresh: Option<Duration>,
}

impl SourceDefinition {
    /// The enrichment options with relative dates counted back from `now`, which the
    /// caller reads from its clock; `None` when the source has no `[source.enrich]`.
    pub fn enrich_at(&self, now: DateTime<Utc>) -> Option<EnrichOptions> {
        let mut options = self.enrich.clone()?;
        options.date_parser = Some(std::sync::Arc::new(HumanDateParser {
            zone: Some(self.time_zone),
            now: Some(now),
        }));
        Some(options)
    }
}

/// Where a source's bytes come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceLocation {
    /// An http(s) URL to fetch.
    Url(Url),
    /// A local file, already joined to the definition file's directory.
    File(PathBuf),
    /// Another generated feed, by its name.
    Feed(String),
}

impl fmt::Display for SourceLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceLocation::Url(url) => write!(f, "{url}"),
            SourceLocation::File(path) => write!(f, "{}", path.display()),
            SourceLocation::Feed(name) => write!(f, "feed `{name}`"),
        }
    }
}

/// How a source's bytes are read.
#[derive(Debug, Clone)]
pub enum SourceKind {
    /// A feed document (RSS, Atom or JSON Feed), its format detected from the content.
    Feed,
    /// An HTML listing page read with these selectors.
    Page(Box<PageSelectors>),
    /// An HTML page read by auto-extraction (JSON-LD, OpenGraph, a guessed listing):
    /// `kind = "page"` without a `[source.page]` table.
    AutoPage,
}

/// One problem in a feed definition file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render())]
pub struct ConfigError {
    /// The file, as the caller named it.
    pub file: PathBuf,
    /// Line and column (both from 1) of the offending value, where known.
    pub position: Option<(usize, usize)>,
    /// The dotted key, e.g. `source[1].time-zone`, where one is concerned.
    pub key: Option<String>,
    /// What is wrong, e.g. `unknown time zone "Asia/Seol"`.
    pub message: String,
}

impl ConfigError {
    /// `file:line:column: key: message`, leaving out what is unknown.
    fn render(&self) -> String {
        let mut text = self.file.display().to_string();
        if let Some((line, column)) = self.position {
            text.push_str(&format!(":{line}:{column}"));
        }
        text.push_str(": ");
        if let Some(key) = &self.key {
            text.push_str(key);
            text.push_str(": ");
        }
        text.push_str(&self.message);
        text
    }

    /// The line of the offending value, where known.
    pub fn line(&self) -> Option<usize> {
        self.position.map(|(line, _)| line)
    }
}

/// Every problem [`validate`] found, in file order; at least one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid feed definition: {}", join(.errors))]
pub struct InvalidConfig {
    /// The problems.
    pub errors: Vec<ConfigError>,
}

fn join(errors: &[ConfigError]) -> String {
    let rendered: Vec<String> = errors.iter().map(ConfigError::to_string).collect();
    rendered.join("; ")
}
