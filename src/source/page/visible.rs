//! Dates shown to readers (`Published: 09 Sep. 2025, 18:21`), for pages without a
//! machine-readable one: read with `parse_human` in the page's time zone.
//!
//! Policy: look where pages put them, best first: text labelled `Published`/`Posted`/
//! `Updated`, then common date containers (`time`, `.date`, `.published`, `.byline`…), then
//! the elements right after the headline. Without the caller's `now`, only dates that do not
//! depend on it are read. Entry point: [`find`].

use scraper::ElementRef;

use super::document::{Page, collapse, collapsed_text, select, warning};
use super::{Warning, WarningKind};
use crate::model::Timestamp;
use crate::source::page::selectors::{DateParser, HumanDateParser};

/// Longest text read as one date candidate, in characters; longer blocks are prose.
const MAX_CANDIDATE_CHARS: usize = 160;

/// Containers pages commonly put their date or byline in.
const DATE_CONTAINERS: &str = "time, .date, .published, .byline, .dateline, .post-date, \
    .entry-date, .timestamp, .article-date, .meta-date";

/// How many elements after the headline are looked at.
const AFTER_HEADLINE: usize = 3;

/// Which of an article's dates a visible date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    /// When it was published (also the default for unlabelled dates).
    Published,
    /// When it last changed (`Updated: …`, `Modified: …`).
    Updated,
}

/// The first visible date on the page with its role, reported in a warning; `None` when
/// none can be read.
pub(super) fn find(page: &Page, warnings: &mut Vec<Warning>) -> Option<(Timestamp, Role)> {
    let body = select(page.root(), "body").next()?;
    let (text, found) = candidates(body).find_map(|text| {
        let found = read(page, &text)?;
        Some((text, found))
    })?;
    let role = if starts_with_label(&text, &["updated", "modified", "last updated"]) {
        Role::Updated
    } else {
        Role::Published
    };
    warnings.push(warning(
        WarningKind::Date,
        format!(
            "the page has no machine-readable date; read `{text}` shown on it, in {}",
            page.zone_name()
        ),
    ));
    Some((found, role))
}

/// Candidate texts, best first.
fn candidates<'a>(body: ElementRef<'a>) -> impl Iterator<Item = String> + 'a {
    let labelled = body.descendants().filter_map(move |node| {
        let text = node.value().as_text()?;
        if !starts_with_label(text, &["published", "posted", "updated", "modified"]) {
            return None;
        }
        let parent = node.parent().and_then(ElementRef::wrap)?;
        if matches!(parent.value().name(), "script" | "style") {
            return None;
        }
        let whole = collapsed_text(parent);
        Some(if whole.chars().count() <= MAX_CANDIDATE_CHARS {
            whole
        } else {
            collapse(text)
        })
    });
    let containers = select(body, DATE_CONTAINERS).map(collapsed_text);
    let after_headline = select(body, "h1").take(1).flat_map(|headline| {
        let own = headline.next_siblings();
        let parents = headline
            .parent()
            .into_iter()
            .flat_map(|p| p.next_siblings());
        own.filter_map(ElementRef::wrap)
            .take(AFTER_HEADLINE)
            .chain(parents.filter_map(ElementRef::wrap).take(AFTER_HEADLINE))
            .map(collapsed_text)
            .collect::<Vec<_>>()
    });
    labelled
        .chain(containers)
        .chain(after_headline)
        .filter(|text| !text.is_empty() && text.chars().count() <= MAX_CANDIDATE_CHARS)
}

/// The longest text read as a listing item's date, in characters.
const MAX_ITEM_DATE_CHARS: usize = 60;

/// The date a listing item shows (`il y a 3 heures`, `3 nov. 2025`), with the text it was
/// read from: the item's date containers first, then its short leaf texts, leaving out
/// the headline. `None` when no text in it reads as a date.
pub(super) fn in_item(
    page: &Page,
    item: ElementRef<'_>,
    headline: &str,
) -> Option<(Timestamp, String)> {
    let containers = select(item, DATE_CONTAINERS).chain(select(
        item,
        "[class*=date i], [class*=time i], [class*=datum i]",
    ));
    let leaves = item
        .descendent_elements()
        .filter(|element| element.child_elements().next().is_none());
    containers
        .chain(leaves)
        .filter(|element| !matches!(element.value().name(), "script" | "style" | "a"))
        .map(collapsed_text)
        .filter(|text| {
            !text.is_empty()
                && text.chars().count() <= MAX_ITEM_DATE_CHARS
                && !headline.contains(text.as_str())
        })
        .find_map(|text| read(page, &text).map(|date| (date, text)))
}

/// Whether `text` starts with one of `labels`, ignoring case and leading whitespace.
fn starts_with_label(text: &str, labels: &[&str]) -> bool {
    let text: String = text.trim_start().chars().take(16).collect();
    let text = text.to_lowercase();
    labels.iter().any(|label| text.starts_with(label))
}

/// Reads one candidate in the page's zone, counting relative dates from the page's `now`
/// (without one, only dates that do not depend on it are read: see [`HumanDateParser`]).
fn read(page: &Page, text: &str) -> Option<Timestamp> {
    let parser = HumanDateParser {
        zone: page.time_zone,
        now: page.now,
    };
    parser.parse_date(text, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::page::PageOptions;

    fn find_in(body: &str) -> (Option<(String, Role)>, Vec<Warning>) {
        let html = format!("<html><head><title>t</title></head><body>{body}</body></html>");
        let options = PageOptions {
            time_zone: Some(chrono_tz::Europe::Berlin),
            ..PageOptions::default()
        };
        let page = Page::parse(html.as_bytes(), &options).expect("an HTML page");
        let mut warnings = Vec::new();
        let found = find(&page, &mut warnings).map(|(date, role)| (date.to_rfc3339(), role));
        (found, warnings)
    }

    #[test]
    fn a_labelled_line_wins_over_other_text_and_its_label_gives_the_role() {
        let (found, warnings) = find_in(
            "<h1>Tram</h1><p>Posted in Transport</p><p class=\"x\">Updated 10.09.2025 07:45</p>",
        );
        assert_eq!(
            found,
            Some(("2025-09-10T07:45:00+02:00".to_owned(), Role::Updated))
        );
        assert!(
            warnings[0].message.contains("Europe/Berlin"),
            "{warnings:?}"
        );
    }

    #[test]
    fn the_element_after_the_headline_is_read_when_nothing_is_labelled() {
        let (found, _) = find_in("<h1>Tram</h1><div>9 January 2025</div><p>Text.</p>");
        assert_eq!(
            found,
            Some(("2025-01-09T00:00:00+01:00".to_owned(), Role::Published))
        );
    }

    #[test]
    fn a_page_without_a_visible_date_gives_none_and_no_warning() {
        let (found, warnings) = find_in("<h1>Tram</h1><p class=\"byline\">By Min-ji Park</p>");
        assert_eq!(found, None);
        assert!(warnings.is_empty());
    }
}
