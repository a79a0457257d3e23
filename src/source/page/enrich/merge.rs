//! Merging what a page says into an article: which side wins, field by field.
//!
//! Policy: the article keeps what it has unless [`Overwrite`] allows replacing it; tags are
//! a union de-duplicated ignoring case; a page date wins when it is more precise (see
//! [`page_date_is_better`]); a full text replaces a shorter content.

use chrono::Timelike;

use super::{Overwrite, dedup_tags};
use crate::model::{Article, IdOrigin, Link, Text, TextKind, Timestamp};

/// `higher`'s fields, with the gaps filled from `lower` and `lower`'s tags added.
pub(super) fn over(mut higher: Article, lower: Article) -> Article {
    fn fill<T>(field: &mut Option<T>, lower: Option<T>) {
        if field.is_none() {
            *field = lower;
        }
    }
    fill(&mut higher.title, lower.title);
    fill(&mut higher.link, lower.link);
    fill(&mut higher.published, lower.published);
    fill(&mut higher.updated, lower.updated);
    fill(&mut higher.summary, lower.summary);
    fill(&mut higher.content, lower.content);
    fill(&mut higher.image, lower.image);
    fill(&mut higher.language, lower.language);
    if higher.authors.is_empty() {
        higher.authors = lower.authors;
    }
    higher.tags.extend(lower.tags);
    add_links(&mut higher.links, lower.links);
    higher
}

/// Merges the page's findings into `article`.
pub(super) fn apply(article: &mut Article, page: Article, overwrite: &Overwrite) {
    fn take<T>(field: &mut Option<T>, page: Option<T>, overwrite: bool) {
        if page.is_some() && (field.is_none() || overwrite) {
            *field = page;
        }
    }
    take(&mut article.title, page.title, overwrite.title);
    take(&mut article.summary, page.summary, overwrite.summary);
    take(&mut article.image, page.image, overwrite.image);
    // A link that is not a web address (a `file:` link of a local feed) gives way to the
    // page's canonical one; an id taken from that link follows it.
    let web = |link: &str| link.starts_with("http://") || link.starts_with("https://");
    let local_link = article.link.as_deref().is_some_and(|link| !web(link));
    if local_link && page.link.as_deref().is_some_and(web) {
        if article.id_origin == IdOrigin::FromLink && article.link.as_deref() == Some(&article.id) {
            article.id = page.link.clone().unwrap_or_default();
        }
        article.link = page.link;
    } else {
        take(&mut article.link, page.link, false);
    }
    take(&mut article.language, page.language, false);
    if !page.authors.is_empty() && (article.authors.is_empty() || overwrite.authors) {
        article.authors = page.authors;
    }
    for (ours, theirs) in [
        (&mut article.published, page.published),
        (&mut article.updated, page.updated),
    ] {
        if let Some(theirs) = theirs
            && (overwrite.dates || page_date_is_better(*ours, theirs))
        {
            *ours = Some(theirs);
        }
    }
    if let Some(content) = page.content
        && (overwrite.content || is_longer(&content, article.content.as_ref()))
    {
        article.content = Some(content);
    }
    article.tags.extend(page.tags);
    dedup_tags(&mut article.tags);
    let related = page
        .links
        .into_iter()
        .filter(|link| link.rel.as_deref() == Some("related"));
    add_links(&mut article.links, related.collect());
}

/// True when a page's date should replace the article's: the article has none, or the
/// page's is more precise. A date is precise when it has a time of day and an offset
/// other than UTC's (a zone-less date reads as UTC, so it is not); the article's is
/// imprecise when it is only a day (midnight) or at UTC, which is also what a date
/// written without a zone reads as.
pub fn page_date_is_better(ours: Option<Timestamp>, page: Timestamp) -> bool {
    let Some(ours) = ours else { return true };
    let is_day_only = |t: &Timestamp| t.num_seconds_from_midnight() == 0;
    let has_offset = |t: &Timestamp| t.offset().local_minus_utc() != 0;
    let page_is_precise = !is_day_only(&page) && has_offset(&page);
    page_is_precise && (is_day_only(&ours) || !has_offset(&ours))
}

/// True when `found` has more text than `current` (or `current` is missing).
fn is_longer(found: &Text, current: Option<&Text>) -> bool {
    current.is_none_or(|current| text_len(found) > text_len(current))
}

/// Characters of text, not counting markup.
fn text_len(text: &Text) -> usize {
    match text.kind {
        TextKind::Html => scraper::Html::parse_fragment(
            &crate::model::limit_html_nesting(&text.value, crate::model::MAX_HTML_NESTING).0,
        )
        .root_element()
        .text()
        .map(|t| t.trim().chars().count())
        .sum(),
        TextKind::Plain => text.value.trim().chars().count(),
    }
}

/// Adds the links `links` lacks, by href and relation.
fn add_links(links: &mut Vec<Link>, more: Vec<Link>) {
    for link in more {
        if !links
            .iter()
            .any(|l| l.href == link.href && l.rel == link.rel)
        {
            links.push(link);
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;

    use super::*;
    use crate::model::Tag;

    fn at(text: &str) -> Timestamp {
        DateTime::parse_from_rfc3339(text).expect("a valid date")
    }

    #[test]
    fn a_page_date_with_an_offset_beats_a_day_or_a_zone_less_date() {
        let page = at("2025-09-09T18:21:00+09:00");
        assert!(page_date_is_better(None, page));
        assert!(page_date_is_better(
            Some(at("2025-09-09T00:00:00+09:00")),
            page
        ));
        assert!(page_date_is_better(Some(at("2025-09-09T09:21:00Z")), page));
        assert!(!page_date_is_better(
            Some(at("2025-09-09T18:20:00+09:00")),
            page
        ));
        assert!(!page_date_is_better(
            Some(at("2025-09-09T00:00:00Z")),
            at("2025-09-09T18:21:00Z")
        ));
    }

    #[test]
    fn the_article_keeps_its_fields_unless_overwrite_allows_and_tags_are_a_union() {
        let mut article = Article {
            title: Some(Text::plain("Ours")),
            tags: vec![Tag::new("Belarus")],
            content: Some(Text::plain("short")),
            ..Article::default()
        };
        let page = Article {
            title: Some(Text::plain("Theirs")),
            summary: Some(Text::plain("A summary")),
            tags: vec![Tag::new("belarus"), Tag::new("North Korea")],
            content: Some(Text::html("<p>a much longer body</p>")),
            ..Article::default()
        };
        apply(&mut article, page.clone(), &Overwrite::default());
        assert_eq!(article.title, Some(Text::plain("Ours")));
        assert_eq!(article.summary, Some(Text::plain("A summary")));
        assert_eq!(article.content, page.content);
        let terms: Vec<_> = article.tags.iter().map(|t| t.term.as_str()).collect();
        assert_eq!(terms, ["Belarus", "North Korea"]);
        let overwrite = Overwrite {
            title: true,
            ..Overwrite::default()
        };
        apply(&mut article, page, &overwrite);
        assert_eq!(article.title, Some(Text::plain("Theirs")));
    }
}
