//! Validates the filter and dedup tables (`[feed.filter]`, `[source.filter]`,
//! `[feed.dedup]`) into the pipeline's rule types, and the durations and instants they
//! are written with.

use std::time::Duration;

use chrono::{NaiveDate, NaiveTime};
use regex::Regex;
use toml::Spanned;

use super::validate::Errors;
use super::wire::{DedupToml, FilterToml};
use crate::pipeline::{DedupOptions, FilterRules, TextField, TextMatcher, TimeBound};
use crate::source::date;

/// The filter rules of `[KEY]` (`feed.filter`, `source[1].filter`); `None` after a
/// problem (each reported under `KEY.FIELD`).
pub(super) fn filter_rules(
    key: &str,
    filter: &Spanned<FilterToml>,
    errors: &mut Errors<'_>,
) -> Option<FilterRules> {
    let before = errors.count();
    let toml = filter.get_ref();
    let field_key = |field: &str| format!("{key}.{field}");
    let words =
        |list: &Option<Spanned<Vec<Spanned<String>>>>, field: &str, errors: &mut Errors<'_>| {
            strings(list, &field_key(field), errors)
        };
    let mut rules = FilterRules {
        tags_any: words(&toml.tags_any, "tags-any", errors),
        tags_all: words(&toml.tags_all, "tags-all", errors),
        tags_none: words(&toml.tags_none, "tags-none", errors),
        languages: words(&toml.language, "language", errors),
        ..FilterRules::default()
    };
    rules.include = words(&toml.include, "include", errors)
        .into_iter()
        .map(TextMatcher::Keyword)
        .collect();
    rules.exclude = words(&toml.exclude, "exclude", errors)
        .into_iter()
        .map(TextMatcher::Keyword)
        .collect();
    rules.include.extend(regexes(
        &toml.include_regex,
        &field_key("include-regex"),
        errors,
    ));
    rules.exclude.extend(regexes(
        &toml.exclude_regex,
        &field_key("exclude-regex"),
        errors,
    ));
    if let Some(fields) = &toml.fields {
        for field in fields.get_ref() {
            match text_field(field.get_ref()) {
                Some(parsed) => rules.fields.push(parsed),
                None => errors.push(
                    Some(field.span()),
                    Some(field_key("fields")),
                    format!(
                        "unknown field {:?}; expected \"title\", \"summary\", \"content\", \"author\", \"link\" or \"tags\"",
                        field.get_ref()
                    ),
                ),
            }
        }
    }
    rules.since = toml
        .since
        .as_ref()
        .and_then(|since| time_bound(since, &field_key("since"), errors));
    rules.until = toml
        .until
        .as_ref()
        .and_then(|until| time_bound(until, &field_key("until"), errors));
    rules.limit = toml
        .limit
        .as_ref()
        .and_then(|limit| positive(limit, &field_key("limit"), errors));
    (errors.count() == before).then_some(rules)
}

/// The dedup options of `[feed.dedup]`.
pub(super) fn dedup_options(
    dedup: &Spanned<DedupToml>,
    errors: &mut Errors<'_>,
) -> Option<DedupOptions> {
    let before = errors.count();
    let toml = dedup.get_ref();
    let mut options = DedupOptions::default();
    if let Some(by) = &toml.by {
        options.by_url = false;
        options.by_id = false;
        options.by_title = false;
        for key in by.get_ref() {
            match key.get_ref().trim() {
                "url" => options.by_url = true,
                "id" => options.by_id = true,
                "title" => options.by_title = true,
                other => errors.push(
                    Some(key.span()),
                    Some("feed.dedup.by".to_owned()),
                    format!("unknown key {other:?}; expected \"url\", \"id\" or \"title\""),
                ),
            }
        }
    }
    if let Some(similarity) = &toml.title_similarity {
        let value = *similarity.get_ref();
        if (0.0..=1.0).contains(&value) {
            options.title_similarity = value;
        } else {
            errors.push(
                Some(similarity.span()),
                Some("feed.dedup.title-similarity".to_owned()),
                format!("must be between 0.0 and 1.0, not {value}"),
            );
        }
    }
    if let Some(window) = &toml.title_window
        && let Some(parsed) = duration(window, "feed.dedup.title-window", errors)
    {
        options.title_window = parsed;
    }
    (errors.count() == before).then_some(options)
}

/// A duration written like `30d`, `48h`, `90 min`, `1w 2d`; a problem under `key`.
pub(super) fn duration(
    value: &Spanned<String>,
    key: &str,
    errors: &mut Errors<'_>,
) -> Option<Duration> {
    match humantime::parse_duration(value.get_ref().trim()) {
        Ok(parsed) => Some(parsed),
        Err(error) => {
            errors.push(
                Some(value.span()),
                Some(key.to_owned()),
                format!(
                    "invalid duration {:?}: {error} (write e.g. \"30d\", \"12h\", \"90s\")",
                    value.get_ref()
                ),
            );
            None
        }
    }
}

/// A positive integer (a limit or a count); a problem under `key`.
pub(super) fn positive(value: &Spanned<i64>, key: &str, errors: &mut Errors<'_>) -> Option<usize> {
    match usize::try_from(*value.get_ref()) {
        Ok(parsed) if parsed > 0 => Some(parsed),
        _ => {
            errors.push(
                Some(value.span()),
                Some(key.to_owned()),
                format!("must be a positive whole number, not {}", value.get_ref()),
            );
            None
        }
    }
}

/// A `since`/`until` bound: a duration back from now, a date (midnight UTC) or an
/// instant with an offset.
fn time_bound(value: &Spanned<String>, key: &str, errors: &mut Errors<'_>) -> Option<TimeBound> {
    let text = value.get_ref().trim();
    if let Ok(ago) = humantime::parse_duration(text) {
        return Some(TimeBound::Ago(ago));
    }
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(TimeBound::At(
            day.and_time(NaiveTime::MIN).and_utc().fixed_offset(),
        ));
    }
    if let Some(instant) = date::parse(text) {
        return Some(TimeBound::At(instant));
    }
    errors.push(
        Some(value.span()),
        Some(key.to_owned()),
        format!(
            "invalid bound {text:?}: write a duration back from now (\"30d\"), a date (\"2025-09-01\") or an instant (\"2025-09-01T00:00:00+09:00\")"
        ),
    );
    None
}

fn text_field(name: &str) -> Option<TextField> {
    Some(match name.trim() {
        "title" => TextField::Title,
        "summary" => TextField::Summary,
        "content" => TextField::Content,
        "author" => TextField::Author,
        "link" => TextField::Link,
        "tags" => TextField::Tags,
        _ => return None,
    })
}

/// The non-empty strings of a list, trimmed; an empty one is a problem under `key`.
fn strings(
    list: &Option<Spanned<Vec<Spanned<String>>>>,
    key: &str,
    errors: &mut Errors<'_>,
) -> Vec<String> {
    let Some(list) = list else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for item in list.get_ref() {
        let text = item.get_ref().trim();
        if text.is_empty() {
            errors.push(
                Some(item.span()),
                Some(key.to_owned()),
                "must not be empty".to_owned(),
            );
        } else {
            found.push(text.to_owned());
        }
    }
    found
}

fn regexes(
    list: &Option<Spanned<Vec<Spanned<String>>>>,
    key: &str,
    errors: &mut Errors<'_>,
) -> Vec<TextMatcher> {
    let Some(list) = list else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for item in list.get_ref() {
        match Regex::new(item.get_ref()) {
            Ok(regex) => found.push(TextMatcher::Regex(regex)),
            Err(error) => errors.push(
                Some(item.span()),
                Some(key.to_owned()),
                format!("invalid regular expression: {error}"),
            ),
        }
    }
    found
}
