//! Turns the text of a feed definition file into a [`FeedDefinition`], reporting every
//! problem with its file, line, column and key.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use toml::Spanned;
use url::Url;

use super::filter::{dedup_options, duration, filter_rules, positive};
use super::wire::FeedToml;
use super::{ConfigError, DEFAULT_LIMIT, FeedDefinition, FeedMeta, InvalidConfig, parse, source};
use crate::emit::OutputFormat;
use crate::pipeline::TagAliases;

/// Reads and checks the text of a feed definition file.
///
/// `path` names the file in messages and is the base of relative `file` sources; `text` is
/// its content. A TOML syntax error stops there and is the one error reported; otherwise
/// every problem is reported: shape errors (an unknown key, a missing `name`) once per
/// table, and every problem in the values of the tables that parsed.
///
/// ```
/// use std::path::Path;
/// use feedmill::config::validate;
///
/// let text = "[feed]\ntitle = \"Demo\"\n\n[[source]]\nname = \"demo\"\nurl = \"https://example.com/feed.xml\"\ntime-zone = \"Asia/Seol\"\n";
/// let errors = validate(Path::new("feeds/demo.toml"), text).unwrap_err().errors;
/// assert_eq!(
///     errors[0].to_string(),
///     "feeds/demo.toml:7:13: source[0].time-zone: unknown time zone \"Asia/Seol\""
/// );
/// ```
pub fn validate(path: &Path, text: &str) -> Result<FeedDefinition, InvalidConfig> {
    let mut errors = Errors::new(path, text);
    let mut shape = Vec::new();
    let parsed = parse::parse(text, &mut shape);
    for (span, key, message) in shape {
        errors.push(span, key, message);
    }
    let Some(parsed) = parsed else {
        return Err(errors.finish());
    };
    let feed = parsed
        .feed
        .as_ref()
        .and_then(|feed| feed_meta(feed.get_ref(), &mut errors));
    if parsed.source_count == 0 {
        errors.push(
            Some(parsed.feed.as_ref().map_or(0..0, Spanned::span)),
            Some("source".to_owned()),
            "no [[source]] table; a feed needs at least one source".to_owned(),
        );
    }
    let mut names: HashMap<String, usize> = HashMap::new();
    let mut sources = Vec::new();
    for (index, source) in &parsed.sources {
        let index = *index;
        let name = source.get_ref().name.get_ref().trim();
        if let Some(first) = names.get(name) {
            errors.push(
                Some(source.get_ref().name.span()),
                Some(format!("source[{index}].name")),
                format!("duplicate name {name:?} (also source[{first}])"),
            );
        } else if !name.is_empty() {
            names.insert(name.to_owned(), index);
        }
        if let Some(source) = source::source_definition(index, source, &mut errors) {
            sources.push(source);
        }
    }
    let aliases = aliases(&parsed.aliases, &mut errors);
    match feed {
        Some(feed) if errors.found.is_empty() => Ok(FeedDefinition {
            path: path.to_path_buf(),
            feed,
            sources,
            aliases,
        }),
        _ => Err(errors.finish()),
    }
}

/// Collects problems while validating.
pub(super) struct Errors<'a> {
    pub(super) path: &'a Path,
    text: &'a str,
    found: Vec<(usize, ConfigError)>,
}

impl<'a> Errors<'a> {
    pub(super) fn new(path: &'a Path, text: &'a str) -> Self {
        Errors {
            path,
            text,
            found: Vec::new(),
        }
    }

    /// How many problems so far: compare before and after validating a part.
    pub(super) fn count(&self) -> usize {
        self.found.len()
    }

    pub(super) fn push(
        &mut self,
        span: Option<Range<usize>>,
        key: Option<String>,
        message: String,
    ) {
        let start = span.map(|span| span.start);
        let error = ConfigError {
            file: self.path.to_path_buf(),
            position: start.map(|start| line_column(self.text, start)),
            key,
            message,
        };
        self.found.push((start.unwrap_or(0), error));
    }

    pub(super) fn finish(mut self) -> InvalidConfig {
        // A stable sort keeps problems of one value in the order they were found.
        self.found.sort_by_key(|(start, _)| *start);
        InvalidConfig {
            errors: self.found.into_iter().map(|(_, error)| error).collect(),
        }
    }
}

/// Line and column, both from 1, of a byte offset; the column counts characters.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

fn feed_meta(feed: &FeedToml, errors: &mut Errors<'_>) -> Option<FeedMeta> {
    let before = errors.count();
    let title = feed.title.get_ref().trim();
    if title.is_empty() {
        errors.push(
            Some(feed.title.span()),
            Some("feed.title".to_owned()),
            "must not be empty".to_owned(),
        );
    }
    let link = feed
        .link
        .as_ref()
        .and_then(|link| http_url(link, "feed.link", errors));
    let name = match &feed.name {
        Some(name) => {
            let text = name.get_ref().trim();
            if !is_output_name(text) {
                errors.push(
                    Some(name.span()),
                    Some("feed.name".to_owned()),
                    format!("{text:?} is not a feed name: use at most {MAX_OUTPUT_NAME} letters, digits, `-`, `_` and `.`, not starting with `.`, and no device name such as `con` or `nul`"),
                );
            }
            text.to_owned()
        }
        None => {
            let stem = errors
                .path
                .file_stem()
                .map(|stem| stem.to_string_lossy().into_owned())
                .unwrap_or_default();
            if !is_output_name(&stem) {
                errors.push(
                    Some(feed.title.span()),
                    Some("feed.name".to_owned()),
                    format!("the file name {stem:?} cannot name the outputs; set `name`"),
                );
            }
            stem
        }
    };
    let id = feed.id.as_ref().and_then(|id| {
        let text = id.get_ref().trim();
        if text.is_empty() {
            errors.push(
                Some(id.span()),
                Some("feed.id".to_owned()),
                "must not be empty".to_owned(),
            );
            None
        } else {
            Some(text.to_owned())
        }
    });
    let limit = feed
        .limit
        .as_ref()
        .and_then(|limit| positive(limit, "feed.limit", errors))
        .unwrap_or(DEFAULT_LIMIT);
    let retention = feed
        .retention
        .as_ref()
        .and_then(|retention| duration(retention, "feed.retention", errors));
    let formats = match &feed.formats {
        None => vec![OutputFormat::Rss, OutputFormat::Atom, OutputFormat::Json],
        Some(formats) => output_formats(formats, errors),
    };
    let filter = feed
        .filter
        .as_ref()
        .and_then(|filter| filter_rules("feed.filter", filter, errors))
        .unwrap_or_default();
    let dedup = feed
        .dedup
        .as_ref()
        .and_then(|dedup| dedup_options(dedup, errors))
        .unwrap_or_default();
    let token = feed
        .token
        .as_ref()
        .and_then(|token| super::settings::token_value(token, "feed.token", errors));
    (errors.count() == before).then(|| FeedMeta {
        name,
        title: title.to_owned(),
        description: feed
            .description
            .as_ref()
            .map(|description| description.get_ref().trim().to_owned())
            .filter(|description| !description.is_empty()),
        link,
        id,
        limit,
        retention,
        formats,
        per_tag: feed
            .per_tag
            .as_ref()
            .is_some_and(|per_tag| *per_tag.get_ref()),
        filter,
        dedup,
        token,
    })
}

fn output_formats(
    formats: &Spanned<Vec<Spanned<String>>>,
    errors: &mut Errors<'_>,
) -> Vec<OutputFormat> {
    let mut found = Vec::new();
    for format in formats.get_ref() {
        let parsed = match format.get_ref().trim() {
            "rss" => OutputFormat::Rss,
            "atom" => OutputFormat::Atom,
            "json" => OutputFormat::Json,
            other => {
                errors.push(
                    Some(format.span()),
                    Some("feed.formats".to_owned()),
                    format!("unknown format {other:?}; expected \"rss\", \"atom\" or \"json\""),
                );
                continue;
            }
        };
        if !found.contains(&parsed) {
            found.push(parsed);
        }
    }
    if found.is_empty() && formats.get_ref().is_empty() {
        errors.push(
            Some(formats.span()),
            Some("feed.formats".to_owned()),
            "must name at least one format".to_owned(),
        );
    }
    found
}

/// The longest feed name: with `.atom` and a temporary file's decoration it stays far
/// below every file system's 255-byte limit on a name.
pub(super) const MAX_OUTPUT_NAME: usize = 100;

/// Whether `name` can name output files and URLs: ASCII letters, digits, `-`, `_`,
/// `.`, not empty and not starting with `.` (so never `..` or a hidden file), at most
/// [`MAX_OUTPUT_NAME`] bytes, and no Windows device name (`con`, `nul`, `com1` …, which
/// no file there can be called, whatever its extension).
pub(super) fn is_output_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_OUTPUT_NAME
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && !is_device_name(name)
}

/// Whether the part of `name` before its first `.` is a Windows device name.
fn is_device_name(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name).to_ascii_lowercase();
    matches!(stem.as_str(), "con" | "prn" | "aux" | "nul")
        || ((stem.starts_with("com") || stem.starts_with("lpt"))
            && stem.len() == 4
            && stem.as_bytes()[3].is_ascii_digit())
}

/// `[aliases]`: written form → canonical tag, neither empty.
fn aliases(
    table: &std::collections::BTreeMap<String, Spanned<String>>,
    errors: &mut Errors<'_>,
) -> TagAliases {
    let mut pairs = Vec::new();
    for (alias, canonical) in table {
        if alias.trim().is_empty() || canonical.get_ref().trim().is_empty() {
            errors.push(
                Some(canonical.span()),
                Some(format!("aliases.{alias}")),
                "an alias and its tag must not be empty".to_owned(),
            );
        } else {
            pairs.push((
                alias.trim().to_owned(),
                canonical.get_ref().trim().to_owned(),
            ));
        }
    }
    TagAliases::from_pairs(pairs)
}

/// An absolute http(s) URL, or a problem under `key`.
pub(super) fn http_url(value: &Spanned<String>, key: &str, errors: &mut Errors<'_>) -> Option<Url> {
    let text = value.get_ref().trim();
    match Url::parse(text) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => Some(url),
        Ok(url) => {
            errors.push(
                Some(value.span()),
                Some(key.to_owned()),
                format!(
                    "must be an http(s) URL, not a {}: one ({text:?})",
                    url.scheme()
                ),
            );
            None
        }
        Err(error) => {
            errors.push(
                Some(value.span()),
                Some(key.to_owned()),
                format!("invalid URL {text:?}: {error}"),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::line_column;

    #[test]
    fn line_and_column_count_from_one_and_columns_count_characters() {
        let text = "a = 1\ntitle = \"—x\"\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        let x = text.find('x').expect("x is there");
        assert_eq!(line_column(text, x), (2, 11));
        assert_eq!(line_column(text, text.len() + 10), (3, 1), "past the end");
    }

    #[test]
    fn an_offset_inside_a_character_is_moved_to_its_start() {
        let text = "—";
        assert_eq!(line_column(text, 1), (1, 1));
    }
}
