//! The enrichment step of `feedmill check`: enriches a source's first articles from their
//! pages (a dry run: nothing is kept) and reports what each gained.

use std::fmt::Write as _;

use chrono::SecondsFormat;
use feedmill::fetch::{self, FetchOptions};
use feedmill::model::{Article, Tag, Timestamp};
use feedmill::source::page::enrich::{EnrichOptions, enrich_all};

/// Enriches copies of `articles` with `fetch::fetch`, at most `max_concurrent` pages at
/// once, and appends what each gained and the warnings to `report`.
pub(super) fn check(
    articles: &[Article],
    options: &EnrichOptions,
    max_concurrent: usize,
    report: &mut String,
) {
    let mut enriched = articles.to_vec();
    let fetch_options = FetchOptions::default();
    let warnings = enrich_all(
        &mut enriched,
        |url| fetch::fetch(url, &fetch_options),
        max_concurrent,
        options,
    );
    let _ = writeln!(
        report,
        "  enrichment: first {} articles, at most {max_concurrent} pages at once",
        articles.len()
    );
    for (number, (before, after)) in articles.iter().zip(&enriched).enumerate() {
        let title = after
            .title
            .as_ref()
            .map_or_else(|| "(no title)".to_owned(), |title| title.to_plain());
        let _ = writeln!(report, "    {}. {title}", number + 1);
        let link = after.link.as_deref().unwrap_or("(none)");
        let _ = writeln!(report, "       link: {link}");
        let _ = writeln!(
            report,
            "       added tags: {}",
            added_tags(before, after, false)
        );
        let _ = writeln!(
            report,
            "       added sections: {}",
            added_tags(before, after, true)
        );
        write_date(report, "published", before.published, after.published);
        write_date(report, "updated", before.updated, after.updated);
        let authors: Vec<&str> = after
            .authors
            .iter()
            .filter(|author| !before.authors.contains(author))
            .filter_map(|author| author.name.as_deref())
            .collect();
        let _ = writeln!(report, "       added authors: {}", or_none(&authors));
        if options.full_text.is_some() {
            let found = if after.content != before.content {
                "found, used as content"
            } else {
                "not used (none found, or not longer than the content)"
            };
            let _ = writeln!(report, "       full text: {found}");
        }
        let prefix = format!("enriching `{link}`: ");
        for warning in warnings
            .iter()
            .filter(|warning| warning.message.starts_with(&prefix))
        {
            let _ = writeln!(report, "       warning: {warning}");
        }
    }
}

/// Terms `after` has that `before` lacked: sections (scheme `section`) or other tags.
fn added_tags(before: &Article, after: &Article, sections: bool) -> String {
    let is_section = |tag: &Tag| tag.scheme.as_deref() == Some("section");
    let terms: Vec<&str> = after
        .tags
        .iter()
        .filter(|tag| is_section(tag) == sections && !before.tags.contains(tag))
        .map(|tag| tag.term.as_str())
        .collect();
    or_none(&terms)
}

/// The items joined with commas, or `(none)`.
fn or_none(items: &[&str]) -> String {
    if items.is_empty() {
        "(none)".to_owned()
    } else {
        items.join(", ")
    }
}

fn write_date(
    report: &mut String,
    name: &str,
    before: Option<Timestamp>,
    after: Option<Timestamp>,
) {
    let show = |date: Option<Timestamp>| {
        date.map_or_else(
            || "(none)".to_owned(),
            |date| date.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        )
    };
    if before == after {
        let _ = writeln!(report, "       {name}: {} (unchanged)", show(after));
    } else {
        let _ = writeln!(
            report,
            "       {name}: {} (was {})",
            show(after),
            show(before)
        );
    }
}
