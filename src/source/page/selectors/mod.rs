//! Reads a listing page into articles with the CSS selectors a page source configures.
//!
//! Policy: the selectors are validated once ([`PageSelectorsToml::validate`]), so scraping
//! never fails: a selector that matches nothing, a date that cannot be read or a link that
//! cannot be made absolute is a [`Warning`] beside the articles, and every selector's match
//! count is reported for a dry run. No IO: [`scrape_pages`] asks its caller for each next page.
//! Entry points: [`scrape`] (one parsed page) and [`scrape_pages`] (following `next-page`).

mod config;
mod extract;
mod html;
mod run;
mod validate;

use scraper::Html;
use url::Url;

use super::document::nesting_warning;
use crate::model::{Article, MAX_HTML_NESTING, Timestamp, limit_html_nesting};
use crate::source::feed::{Warning, WarningKind};

pub use config::{FieldTableToml, FieldToml, MAX_PAGES_CAP, PageSelectorsToml};
pub use validate::{Extract, FieldName, FieldSelector, InvalidSelectors, PageSelectors, Problem};

use run::Run;

/// The inner HTML of `element` with its URLs made absolute against `base`; shared with
/// the full-text reader.
pub(in crate::source::page) use html::resolve_attribute;
/// `"css@attr"` split into selector and attribute; shared with the enrichment config.
pub(in crate::source::page) use validate::split_short_form;

/// Turns a scraped date string into a [`Timestamp`]; the seam for human-date parsers.
///
/// `format` is the source's `date-format`, when it has one. Closures
/// `Fn(&str, Option<&str>) -> Option<Timestamp>` are date parsers too.
pub trait DateParser {
    /// Reads `raw`; `None` when it cannot be understood.
    fn parse_date(&self, raw: &str, format: Option<&str>) -> Option<Timestamp>;

    /// The instant relative dates count back from, when the parser has one, so the page
    /// readers around it can read relative dates alike. Default: none.
    fn now(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        None
    }
}

/// The default [`DateParser`]: every format feeds use ([`crate::source::date::parse`]),
/// ignoring `date-format`.
#[derive(Debug, Clone, Copy, Default)]
pub struct FeedDateParser;

impl DateParser for FeedDateParser {
    fn parse_date(&self, raw: &str, _format: Option<&str>) -> Option<Timestamp> {
        crate::source::date::parse(raw)
    }
}

impl<F> DateParser for F
where
    F: Fn(&str, Option<&str>) -> Option<Timestamp>,
{
    fn parse_date(&self, raw: &str, format: Option<&str>) -> Option<Timestamp> {
        self(raw, format)
    }
}

/// A [`DateParser`] for dates written for people: [`parse_human`] in a time zone, with the
/// source's `date-format` tried first.
///
/// The library never reads the clock, so `now` comes from the caller. Without it, a date
/// is kept only when two distant `now`s read it alike: relative (`3 hours ago`) and
/// year-less dates are left unread rather than counted from an invented clock.
///
/// [`parse_human`]: crate::source::date::parse_human
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HumanDateParser {
    /// The zone of dates written without one; `None` means UTC.
    pub zone: Option<chrono_tz::Tz>,
    /// The instant relative dates count back from; `None`: they are not read.
    pub now: Option<chrono::DateTime<chrono::Utc>>,
}

impl DateParser for HumanDateParser {
    fn parse_date(&self, raw: &str, format: Option<&str>) -> Option<Timestamp> {
        use crate::source::date::{HumanDateContext, parse_human};
        use chrono::TimeZone as _;
        let with_now = |now| {
            let context = HumanDateContext {
                format: format.map(str::to_owned),
                zone: self.zone,
                now,
            };
            parse_human(raw, &context)
        };
        if let Some(now) = self.now {
            return with_now(now);
        }
        let early = chrono::Utc.with_ymd_and_hms(2001, 3, 4, 5, 6, 7).single()?;
        let late = chrono::Utc
            .with_ymd_and_hms(2037, 10, 11, 12, 13, 14)
            .single()?;
        let found = with_now(early)?;
        (with_now(late) == Some(found)).then_some(found)
    }

    fn now(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.now
    }
}

/// What scraping needs besides the page and the selectors.
#[derive(Clone, Copy)]
pub struct ScrapeOptions<'a> {
    /// Reads scraped dates. Default: [`FeedDateParser`].
    pub date_parser: &'a dyn DateParser,
}

impl Default for ScrapeOptions<'_> {
    fn default() -> Self {
        ScrapeOptions {
            date_parser: &FeedDateParser,
        }
    }
}

impl std::fmt::Debug for ScrapeOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScrapeOptions").finish_non_exhaustive()
    }
}

/// The articles scraped from one or more listing pages, with what was found on the way.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScrapeResult {
    /// The articles, in page order then document order; an article whose id an earlier one
    /// already had (a listing that shifted between pages) is left out.
    pub articles: Vec<Article>,
    /// The date string scraped for each article, index-aligned with `articles`, for parsers
    /// and dry runs that want what the page said rather than what was understood.
    pub raw_dates: Vec<Option<String>>,
    /// The next page's URL on the last page read, when it was not followed.
    pub next_page: Option<Url>,
    /// How many pages were read.
    pub pages: usize,
    /// One report per configured selector, in key order: `items` first, `next-page` last.
    pub matches: Vec<SelectorReport>,
    /// Everything that went wrong but did not stop scraping.
    pub warnings: Vec<Warning>,
}

/// How often one selector matched, over every item of every page read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectorReport {
    /// The field the selector fills.
    pub field: FieldName,
    /// The CSS selector as written; empty when the field reads the item element itself.
    pub selector: String,
    /// Elements matched (for `items`, the items; for `next-page`, links on all pages).
    pub nodes: usize,
    /// Values taken: non-empty after the attribute and the regex (for `items`, articles).
    pub values: usize,
}

/// Scrapes one parsed page with the default [`ScrapeOptions`].
///
/// `page_url` is where the page was read from: the base for relative links, with the
/// page's `<base href>` taking precedence. `next-page` is reported, not followed.
///
/// ```
/// use feedmill::source::page::selectors::{PageSelectorsToml, scrape};
///
/// let config: PageSelectorsToml =
///     toml::from_str(r#"items = "li"
///                       title = "a"
///                       link = "a@href""#).unwrap();
/// let selectors = config.validate().unwrap();
/// let page = scraper::Html::parse_document(r#"<ul><li><a href="/one">One</a></li></ul>"#);
/// let url = url::Url::parse("https://example.com/news/").unwrap();
/// let result = scrape(&page, Some(&url), &selectors);
/// assert_eq!(result.articles[0].link.as_deref(), Some("https://example.com/one"));
/// ```
pub fn scrape(html: &Html, page_url: Option<&Url>, selectors: &PageSelectors) -> ScrapeResult {
    scrape_with(html, page_url, selectors, ScrapeOptions::default())
}

/// [`scrape`] with explicit options.
pub fn scrape_with(
    html: &Html,
    page_url: Option<&Url>,
    selectors: &PageSelectors,
    options: ScrapeOptions<'_>,
) -> ScrapeResult {
    let mut run = Run::new(selectors, options);
    let next_page = run.page(html, page_url);
    run.finish(next_page)
}

/// Decodes the bytes of a fetched or saved page to text for [`scrape_pages`], choosing the
/// charset as browsers do (byte-order mark, `content_type`'s charset, `<meta>`, detection
/// helped by `page_url`'s top-level domain), with the warnings of that choice.
///
/// ```
/// use feedmill::source::page::selectors::decode_page;
///
/// let latin1 = b"<p>caf\xe9</p>";
/// let (text, _) = decode_page(latin1, Some("text/html; charset=iso-8859-1"), None);
/// assert_eq!(text, "<p>caf\u{e9}</p>");
/// ```
pub fn decode_page(
    bytes: &[u8],
    content_type: Option<&str>,
    page_url: Option<&Url>,
) -> (String, Vec<Warning>) {
    let tld = page_url
        .and_then(Url::host_str)
        .and_then(|host| host.rsplit('.').next());
    let decoded = super::charset::decode(bytes, content_type, tld);
    (decoded.text, decoded.warnings)
}

/// Scrapes the first page, then follows `next-page` up to `max-pages` pages, with the
/// default [`ScrapeOptions`].
///
/// `fetch_next` does the IO: given the next page's absolute URL it returns the page's text,
/// or `None` to stop (a warning says so). A URL already read stops the walk too.
pub fn scrape_pages(
    first_page_html: &str,
    page_url: Option<&Url>,
    selectors: &PageSelectors,
    fetch_next: impl FnMut(&Url) -> Option<String>,
) -> ScrapeResult {
    scrape_pages_with(
        first_page_html,
        page_url,
        selectors,
        ScrapeOptions::default(),
        fetch_next,
    )
}

/// [`scrape_pages`] with explicit options.
pub fn scrape_pages_with(
    first_page_html: &str,
    page_url: Option<&Url>,
    selectors: &PageSelectors,
    options: ScrapeOptions<'_>,
    mut fetch_next: impl FnMut(&Url) -> Option<String>,
) -> ScrapeResult {
    let max_pages = selectors.max_pages.clamp(1, MAX_PAGES_CAP);
    let mut run = Run::new(selectors, options);
    let mut read: Vec<Url> = page_url.into_iter().cloned().collect();
    let mut current_url = page_url.cloned();
    let mut text = std::borrow::Cow::Borrowed(first_page_html);
    loop {
        let (limited, dropped) = limit_html_nesting(&text, MAX_HTML_NESTING);
        if dropped {
            run.warn(WarningKind::Syntax, nesting_warning(MAX_HTML_NESTING));
        }
        let next = run.page(&Html::parse_document(&limited), current_url.as_ref());
        let Some(next) = next else {
            return run.finish(None);
        };
        if run.pages() >= max_pages {
            return run.finish(Some(next));
        }
        if read.contains(&next) {
            run.warn(
                WarningKind::Value,
                format!("page.next-page: `{next}` was already read; stopped there"),
            );
            return run.finish(None);
        }
        let Some(body) = fetch_next(&next) else {
            run.warn(
                WarningKind::Value,
                format!(
                    "page.next-page: page {} `{next}` could not be fetched; stopped there",
                    run.pages() + 1
                ),
            );
            return run.finish(Some(next));
        };
        read.push(next.clone());
        current_url = Some(next);
        text = std::borrow::Cow::Owned(body);
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone as _, Utc};

    use super::{DateParser, HumanDateParser};

    #[test]
    fn the_human_date_parser_reads_in_its_zone_and_relative_dates_only_with_a_now() {
        let seoul = HumanDateParser {
            zone: Some(chrono_tz::Asia::Seoul),
            now: None,
        };
        let date = seoul.parse_date("14 Mar. 2026, 09:05", Some("%d %b. %Y, %H:%M"));
        assert_eq!(
            date.map(|date| date.to_rfc3339()).as_deref(),
            Some("2026-03-14T09:05:00+09:00")
        );
        assert_eq!(seoul.parse_date("3 hours ago", None), None, "no clock");
        let now = Utc.with_ymd_and_hms(2026, 3, 14, 12, 0, 0).single();
        let with_now = HumanDateParser { now, ..seoul };
        let date = with_now
            .parse_date("3 hours ago", None)
            .expect("a relative date");
        assert_eq!(
            date.timestamp(),
            now.map_or(0, |now| now.timestamp() - 3 * 3600)
        );
    }
}
