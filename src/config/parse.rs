//! Parses the TOML text of a definition file table by table, so that shape errors (an
//! unknown key, a wrong type, a missing `name`) in different tables are all reported.
//!
//! Policy: a syntax error stops parsing (nothing after it can be trusted); otherwise
//! `[feed]` and each `[[source]]` are deserialized on their own, each failure a problem
//! keyed by its table (`source[2]`), and the tables that did parse are still validated.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use super::wire::{FeedToml, SourceToml};

/// The tables of a definition file that parsed, with the problems of those that did not.
pub(super) struct Parsed {
    /// `[feed]`, when present and well-formed; its span, when present at all.
    pub feed: Option<Spanned<FeedToml>>,
    /// Each well-formed `[[source]]` with its index in the file.
    pub sources: Vec<(usize, Spanned<SourceToml>)>,
    /// How many `[[source]]` tables there were, well-formed or not.
    pub source_count: usize,
    /// `[aliases]`, when well-formed.
    pub aliases: BTreeMap<String, Spanned<String>>,
}

/// One problem: byte span, key, message.
pub(super) type ShapeProblem = (Option<Range<usize>>, Option<String>, String);

/// Parses `text`; `None` after a syntax error, the only problem then reported.
pub(super) fn parse(text: &str, problems: &mut Vec<ShapeProblem>) -> Option<Parsed> {
    let root = match DeTable::parse(text) {
        Ok(root) => root,
        Err(error) => {
            problems.push((error.span(), None, error.message().trim().to_owned()));
            return None;
        }
    };
    let mut parsed = Parsed {
        feed: None,
        sources: Vec::new(),
        source_count: 0,
        aliases: BTreeMap::new(),
    };
    let mut saw_feed = false;
    for (key, value) in root.into_inner() {
        match key.get_ref().as_ref() {
            "feed" => {
                saw_feed = true;
                parsed.feed = table::<FeedToml>(value, "feed", problems);
            }
            "source" => sources(value, &mut parsed, problems),
            "aliases" => {
                if let Some(aliases) =
                    table::<BTreeMap<String, Spanned<String>>>(value, "aliases", problems)
                {
                    parsed.aliases = aliases.into_inner();
                }
            }
            other => problems.push((
                Some(key.span()),
                Some(other.to_owned()),
                "unknown table; expected `feed`, `source` or `aliases`".to_owned(),
            )),
        }
    }
    if !saw_feed {
        problems.push((
            Some(0..0),
            Some("feed".to_owned()),
            "missing [feed] table (with at least `title`)".to_owned(),
        ));
    }
    Some(parsed)
}

fn sources(value: Spanned<DeValue<'_>>, parsed: &mut Parsed, problems: &mut Vec<ShapeProblem>) {
    let span = value.span();
    let DeValue::Array(array) = value.into_inner() else {
        problems.push((
            Some(span),
            Some("source".to_owned()),
            "must be an array of tables, written [[source]]".to_owned(),
        ));
        return;
    };
    for (index, item) in array.into_iter().enumerate() {
        parsed.source_count += 1;
        let key = format!("source[{index}]");
        if let Some(source) = table::<SourceToml>(item, &key, problems) {
            parsed.sources.push((index, source));
        }
    }
}

/// Deserializes one table, keeping the spans of its values; a failure is a problem
/// under `key`.
fn table<T: for<'de> Deserialize<'de>>(
    value: Spanned<DeValue<'_>>,
    key: &str,
    problems: &mut Vec<ShapeProblem>,
) -> Option<Spanned<T>> {
    let span = value.span();
    match Spanned::<T>::deserialize(ValueDeserializer::from(value)) {
        Ok(parsed) => Some(parsed),
        Err(error) => {
            problems.push((
                error.span().or(Some(span)),
                Some(key.to_owned()),
                error.message().trim().to_owned(),
            ));
            None
        }
    }
}
