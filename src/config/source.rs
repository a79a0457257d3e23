//! Validates one `[[source]]` table into a [`SourceDefinition`]: where its bytes come
//! from, how they are read, its zone, enrichment, request headers and filters.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono_tz::Tz;
use toml::Spanned;

use super::filter::filter_rules;
use super::validate::{Errors, http_url};
use super::wire::SourceToml;
use super::{SourceDefinition, SourceKind, SourceLocation};
use crate::source::page::enrich::{DEFAULT_MAX_CONCURRENT, EnrichOptions, EnrichToml};
use crate::source::page::selectors::HumanDateParser;

pub(super) fn source_definition(
    index: usize,
    spanned: &Spanned<SourceToml>,
    errors: &mut Errors<'_>,
) -> Option<SourceDefinition> {
    let source = spanned.get_ref();
    let key = |field: &str| format!("source[{index}].{field}");
    let before = errors.count();

    let name = source.name.get_ref().trim();
    if name.is_empty() {
        errors.push(
            Some(source.name.span()),
            Some(key("name")),
            "must not be empty".to_owned(),
        );
    }

    let location = location(index, spanned, errors);
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

    let filter = source
        .filter
        .as_ref()
        .map(|filter| filter_rules(&key("filter"), filter, errors));
    let refresh = source
        .refresh
        .as_ref()
        .and_then(|refresh| super::filter::duration(refresh, &key("refresh"), errors));
    let headers = pairs(&source.headers, &key("headers"), errors);
    let cookies = pairs(&source.cookies, &key("cookies"), errors);

    match (location, time_zone, kind) {
        (Some(location), Some(time_zone), Some(kind)) if errors.count() == before => {
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
                headers,
                cookies,
                filter: filter.flatten().unwrap_or_default(),
                refresh,
            })
        }
        _ => None,
    }
}

/// Exactly one of `url`, `file` and `feed`.
fn location(
    index: usize,
    spanned: &Spanned<SourceToml>,
    errors: &mut Errors<'_>,
) -> Option<SourceLocation> {
    let source = spanned.get_ref();
    let key = |field: &str| format!("source[{index}].{field}");
    let given: Vec<(&str, &Spanned<String>)> = [
        ("url", source.url.as_ref()),
        ("file", source.file.as_ref()),
        ("feed", source.feed.as_ref()),
    ]
    .into_iter()
    .filter_map(|(field, value)| value.map(|value| (field, value)))
    .collect();
    match given.as_slice() {
        [] => {
            errors.push(
                Some(spanned.span()),
                Some(format!("source[{index}]")),
                "needs one of `url`, `file` or `feed`".to_owned(),
            );
            None
        }
        [("url", url)] => http_url(url, &key("url"), errors).map(SourceLocation::Url),
        [("file", file)] => file_location(errors.path, file, &key("file"), errors),
        [(_, feed)] => {
            let name = feed.get_ref().trim();
            if super::validate::is_output_name(name) {
                Some(SourceLocation::Feed(name.to_owned()))
            } else {
                errors.push(
                    Some(feed.span()),
                    Some(key("feed")),
                    format!("{name:?} is not a feed name (letters, digits, `-`, `_`, `.`)"),
                );
                None
            }
        }
        [_, (second, value), ..] => {
            if let Some(url) = &source.url {
                http_url(url, &key("url"), errors);
            }
            let names: Vec<String> = given
                .iter()
                .map(|(field, _)| format!("`{field}`"))
                .collect();
            errors.push(
                Some(value.span()),
                Some(key(second)),
                format!("{} exclude each other; give one", names.join(" and ")),
            );
            None
        }
    }
}

/// Header or cookie pairs; names and values must be visible ASCII (values may hold
/// spaces), so the request can carry them.
fn pairs(
    table: &Option<Spanned<BTreeMap<String, Spanned<String>>>>,
    key: &str,
    errors: &mut Errors<'_>,
) -> Vec<(String, String)> {
    let Some(table) = table else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for (name, value) in table.get_ref() {
        let name_ok = !name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic() && b != b':');
        let value_ok = value
            .get_ref()
            .bytes()
            .all(|b| b == b' ' || b == b'\t' || b.is_ascii_graphic());
        if !name_ok {
            errors.push(
                Some(value.span()),
                Some(format!("{key}.{name}")),
                "invalid name: use visible ASCII without `:`".to_owned(),
            );
        } else if !value_ok {
            errors.push(
                Some(value.span()),
                Some(format!("{key}.{name}")),
                "invalid value: use visible ASCII (no line breaks)".to_owned(),
            );
        } else {
            found.push((name.clone(), value.get_ref().trim().to_owned()));
        }
    }
    found
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
