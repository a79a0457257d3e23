//! Live filters on a served feed, from its query string: `tag`, `tag_not`, `q`, `q_not`,
//! `since`, `limit` and `format`, applied on top of the feed's own filters.

use std::time::Duration;

use chrono::{NaiveDate, NaiveTime};

use crate::emit::OutputFormat;
use crate::pipeline::{FilterRules, TextMatcher, TimeBound};
use crate::source::date;

/// The most articles a `limit` may ask for.
pub const MAX_LIMIT: usize = 10_000;

/// A parsed query: the filter rules, the format asked for, and a canonical form of the
/// query (sorted, so equal queries share one cached render and one ETag).
#[derive(Debug, Clone, Default)]
pub struct LiveQuery {
    /// Rules on top of the feed's own.
    pub rules: FilterRules,
    /// `format=rss|atom|json`, when given.
    pub format: Option<OutputFormat>,
    /// The query in a canonical order, for cache keys.
    pub canonical: String,
}

/// Parses `query` (the part after `?`); a wrong value is an error naming the parameter.
pub fn parse(query: Option<&str>) -> Result<LiveQuery, String> {
    let mut live = LiveQuery::default();
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (name, value) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        let value = value.trim().to_owned();
        match name.as_ref() {
            "tag" => live.rules.tags_any.extend(list(&value)),
            "tag_not" => live.rules.tags_none.extend(list(&value)),
            "q" if !value.is_empty() => {
                live.rules.include.push(TextMatcher::Keyword(value.clone()))
            }
            "q_not" if !value.is_empty() => {
                live.rules.exclude.push(TextMatcher::Keyword(value.clone()));
            }
            "q" | "q_not" => {}
            "since" => live.rules.since = Some(bound(&value)?),
            "limit" => {
                let limit: usize = value
                    .parse()
                    .ok()
                    .filter(|limit| (1..=MAX_LIMIT).contains(limit))
                    .ok_or_else(|| {
                        format!(
                            "`limit` must be a whole number from 1 to {MAX_LIMIT}, not {value:?}"
                        )
                    })?;
                live.rules.limit = Some(limit);
            }
            "format" => {
                live.format = Some(match value.as_str() {
                    "rss" => OutputFormat::Rss,
                    "atom" => OutputFormat::Atom,
                    "json" => OutputFormat::Json,
                    other => {
                        return Err(format!("`format` must be rss, atom or json, not {other:?}"));
                    }
                });
            }
            // Access keys are not filters; other parameters are ignored, as readers add
            // their own (cache busters).
            _ => continue,
        }
        pairs.push((name.into_owned(), value));
    }
    pairs.sort();
    live.canonical = pairs
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("&");
    Ok(live)
}

fn list(value: &str) -> impl Iterator<Item = String> + '_ {
    value
        .split(',')
        .map(str::trim)
        .filter(|tag| !tag.is_empty())
        .map(str::to_owned)
}

/// `since`: a duration back from now (`7d`), a date or an instant.
fn bound(value: &str) -> Result<TimeBound, String> {
    if let Ok(ago) = humantime::parse_duration(value) {
        return Ok(TimeBound::Ago(Duration::from_secs(ago.as_secs())));
    }
    if let Ok(day) = NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        return Ok(TimeBound::At(
            day.and_time(NaiveTime::MIN).and_utc().fixed_offset(),
        ));
    }
    date::parse(value).map(TimeBound::At).ok_or_else(|| {
        format!("`since` must be a duration (7d), a date (2025-09-01) or an instant, not {value:?}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_parameter_is_read_and_the_canonical_form_is_sorted() {
        let live = parse(Some("tag=Belarus,North%20Korea&q=visit&tag_not=Sport&limit=5&since=7d&format=json&key=secret&_=123"))
            .expect("valid");
        assert_eq!(live.rules.tags_any, ["Belarus", "North Korea"]);
        assert_eq!(live.rules.tags_none, ["Sport"]);
        assert_eq!(live.rules.include.len(), 1);
        assert_eq!(live.rules.limit, Some(5));
        assert_eq!(
            live.rules.since,
            Some(TimeBound::Ago(Duration::from_secs(7 * 86400)))
        );
        assert_eq!(live.format, Some(OutputFormat::Json));
        assert_eq!(
            live.canonical,
            "format=json&limit=5&q=visit&since=7d&tag=Belarus,North Korea&tag_not=Sport"
        );
        let reordered = parse(Some(
            "tag_not=Sport&since=7d&limit=5&q=visit&format=json&tag=Belarus,North%20Korea",
        ))
        .expect("valid");
        assert_eq!(live.canonical, reordered.canonical);
    }

    #[test]
    fn wrong_values_name_their_parameter() {
        assert!(parse(Some("limit=0")).unwrap_err().contains("`limit`"));
        assert!(parse(Some("limit=lots")).unwrap_err().contains("`limit`"));
        assert!(parse(Some("format=html")).unwrap_err().contains("`format`"));
        assert!(
            parse(Some("since=someday"))
                .unwrap_err()
                .contains("`since`")
        );
        assert!(parse(None).expect("no query").rules.is_empty());
    }
}
