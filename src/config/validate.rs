//! Turns the text of a feed definition file into a [`FeedDefinition`], reporting every
//! problem with its file, line, column and key.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono_tz::Tz;
use toml::Spanned;
use url::Url;

use super::parse;
use super::wire::{FeedToml, SourceToml};
use super::{
    ConfigError, FeedDefinition, FeedMeta, InvalidConfig, SourceDefinition, SourceKind,
    SourceLocation,
};
use crate::source::page::enrich::{DEFAULT_MAX_CONCURRENT, EnrichOptions, EnrichToml};
use crate::source::page::selectors::HumanDateParser;

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
    let mut errors = Errors {
        path,
        text,
        found: Vec::new(),
    };
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
        if let Some(source) = source_definition(index, source, &mut errors) {
            sources.push(source);
        }
    }
    match feed {
        Some(feed) if errors.found.is_empty() => Ok(FeedDefinition { feed, sources }),
        _ => Err(errors.finish()),
    }
}

/// Collects problems while validating.
struct Errors<'a> {
    path: &'a Path,
    text: &'a str,
    found: Vec<(usize, ConfigError)>,
}

impl Errors<'_> {
    fn push(&mut self, span: Option<Range<usize>>, key: Option<String>, message: String) {
        let start = span.map(|span| span.start);
        let error = ConfigError {
            file: self.path.to_path_buf(),
            position: start.map(|start| line_column(self.text, start)),
            key,
            message,
        };
        self.found.push((start.unwrap_or(0), error));
    }

    fn finish(mut self) -> InvalidConfig {
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
    if feed.link.is_some() && link.is_none() {
        return None;
    }
    Some(FeedMeta {
        title: title.to_owned(),
        description: feed
            .description
            .as_ref()
            .map(|description| description.get_ref().trim().to_owned())
            .filter(|description| !description.is_empty()),
        link,
    })
}

/// An absolute http(s) URL, or a problem under `key`.
fn http_url(value: &Spanned<String>, key: &str, errors: &mut Errors<'_>) -> Option<Url> {
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

fn source_definition(
    index: usize,
    spanned: &Spanned<SourceToml>,
    errors: &mut Errors<'_>,
) -> Option<SourceDefinition> {
    let source = spanned.get_ref();
    let key = |field: &str| format!("source[{index}].{field}");
    let before = errors.found.len();

    let name = source.name.get_ref().trim();
    if name.is_empty() {
        errors.push(
            Some(source.name.span()),
            Some(key("name")),
            "must not be empty".to_owned(),
        );
    }

    let location = match (&source.url, &source.file) {
        (Some(url), None) => http_url(url, &key("url"), errors).map(SourceLocation::Url),
        (None, Some(file)) => file_location(errors.path, file, &key("file"), errors),
        (Some(url), Some(file)) => {
            http_url(url, &key("url"), errors);
            errors.push(
                Some(file.span()),
                Some(key("file")),
                "`url` and `file` exclude each other; give one".to_owned(),
            );
            None
        }
        (None, None) => {
            errors.push(
                Some(spanned.span()),
                Some(format!("source[{index}]")),
                "needs `url` or `file`".to_owned(),
            );
            None
        }
    };

    let time_zone = match &source.time_zone {
        None => Some(Tz::UTC),
        Some(zone) => {
            let parsed = zone.get_ref().trim().parse::<Tz>().ok();
            if parsed.is_none() {
                errors.push(
                    Some(zone.span()),
                    Some(key("time-zone")),
                    format!("unknown time zone {:?}", zone.get_ref()),
                );
            }
            parsed
        }
    };

    let kind = source_kind(index, source, errors);
    let enrich = source
        .enrich
        .as_ref()
        .map(|enrich| enrich_options(index, enrich, time_zone, errors));

    match (location, time_zone, kind) {
        (Some(location), Some(time_zone), Some(kind)) if errors.found.len() == before => {
            Some(SourceDefinition {
                name: name.to_owned(),
                location,
                kind,
                time_zone,
                enrich: enrich.flatten(),
                enrich_max_concurrent: source
                    .enrich
                    .as_ref()
                    .map_or(DEFAULT_MAX_CONCURRENT, |enrich| {
                        enrich.get_ref().max_concurrent()
                    }),
            })
        }
        _ => None,
    }
}

/// Validates `[source.enrich]`: its problems are keyed `source[i].enrich.*`; the options
/// read dates in the source's zone, relative ones left unread (no clock here).
fn enrich_options(
    index: usize,
    enrich: &Spanned<EnrichToml>,
    time_zone: Option<Tz>,
    errors: &mut Errors<'_>,
) -> Option<EnrichOptions> {
    match enrich.get_ref().validate() {
        Ok(options) => Some(EnrichOptions {
            time_zone,
            date_parser: Some(Arc::new(HumanDateParser {
                zone: time_zone,
                now: None,
            })),
            ..options
        }),
        Err(invalid) => {
            for problem in invalid.problems {
                errors.push(
                    problem.span.or_else(|| Some(enrich.span())),
                    Some(format!("source[{index}].{}", problem.key)),
                    problem.message,
                );
            }
            None
        }
    }
}

fn file_location(
    path: &Path,
    file: &Spanned<String>,
    key: &str,
    errors: &mut Errors<'_>,
) -> Option<SourceLocation> {
    let text = file.get_ref().trim();
    if text.is_empty() {
        errors.push(
            Some(file.span()),
            Some(key.to_owned()),
            "must not be empty".to_owned(),
        );
        return None;
    }
    let base = path.parent().unwrap_or(Path::new(""));
    Some(SourceLocation::File(base.join(PathBuf::from(text))))
}

fn source_kind(index: usize, source: &SourceToml, errors: &mut Errors<'_>) -> Option<SourceKind> {
    let written = source.kind.as_ref().map(|kind| kind.get_ref().trim());
    let is_page = match written {
        None => source.page.is_some(),
        Some("page") => true,
        Some("feed") => false,
        Some(other) => {
            errors.push(
                source.kind.as_ref().map(Spanned::span),
                Some(format!("source[{index}].kind")),
                format!("unknown kind {other:?}; expected \"feed\" or \"page\""),
            );
            return None;
        }
    };
    match (is_page, &source.page) {
        (false, None) => Some(SourceKind::Feed),
        (false, Some(page)) => {
            errors.push(
                Some(page.span()),
                Some(format!("source[{index}].page")),
                "selectors are only for `kind = \"page\"` sources".to_owned(),
            );
            None
        }
        (true, None) => Some(SourceKind::AutoPage),
        (true, Some(page)) => match page.get_ref().validate() {
            Ok(selectors) => Some(SourceKind::Page(Box::new(selectors))),
            Err(invalid) => {
                for problem in invalid.problems {
                    errors.push(
                        problem.span.or_else(|| Some(page.span())),
                        Some(format!("source[{index}].{}", problem.key)),
                        problem.message,
                    );
                }
                None
            }
        },
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
