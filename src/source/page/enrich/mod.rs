//! Detail-page enrichment: fills in what an article (from a feed or a listing) lacks, or
//! what its own page states better, from that page: tags, sections, dates, authors, image,
//! summary, title and, when asked, the full text as content.
//!
//! Policy: never fail and never lose data. A page that cannot be fetched or read is a
//! [`Warning`] naming the article's URL, and the article keeps what it had. Fields are only
//! filled when missing unless [`Overwrite`] allows replacing them; tags are always a union.
//! No IO here: [`enrich`] takes the page's bytes, and [`enrich_all`] takes the fetch as a
//! function, running it for many articles on a bounded number of threads.
//! Entry points: [`enrich`], [`enrich_all`], [`EnrichOptions`] (wire form: [`EnrichToml`]).

mod config;
mod merge;

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use scraper::Selector;
use url::Url;

use super::document::{Page, collapsed_text, warning};
use super::fulltext::{FullTextOptions, full_text_of};
use super::selectors::{DateParser, PageSelectors, ScrapeOptions, scrape_with};
use super::{PageKind, PageOptions, Warning, WarningKind, auto};
use crate::fetch::{FetchError, Fetched, map_bounded};
use crate::model::{Article, Tag, Text};

pub use config::{DEFAULT_MAX_CONCURRENT, EnrichField, EnrichToml, MAX_CONCURRENT_CAP};
pub use merge::page_date_is_better;

/// How to enrich articles from their pages.
#[derive(Clone)]
pub struct EnrichOptions {
    /// Read the page's own metadata (JSON-LD, OpenGraph, `article:*`, microdata, `<time>`),
    /// as [`super::read_page`] does. Default: true.
    pub auto: bool,
    /// Read fields by CSS selectors: the first item the selectors find is the page's
    /// article (an `items` of `html` reads the whole page as one). Selector fields win
    /// over auto-extracted ones. Default: none.
    pub selectors: Option<PageSelectors>,
    /// Every element matching this selector is a section (a tag with scheme `section`),
    /// e.g. breadcrumb links. Default: none.
    pub section: Option<Selector>,
    /// Find the page's full text and use it as the article's content. Default: off.
    pub full_text: Option<FullTextOptions>,
    /// Which fields the page may replace when the article already has them.
    pub overwrite: Overwrite,
    /// Reads dates the selectors find (the seam for zone-aware human dates). Default: the
    /// formats feeds use.
    pub date_parser: Option<Arc<dyn DateParser + Send + Sync>>,
    /// The zone for dates the page writes without one (the source's `time-zone`).
    /// Default: none, read as UTC with a warning.
    pub time_zone: Option<chrono_tz::Tz>,
    /// The instant relative dates on the pages (`3 hours ago`) count back from, for
    /// auto-extraction as for selectors. Default: none, then the `date_parser`'s own
    /// (see [`DateParser::now`]); with neither, relative dates are left unread.
    pub now: Option<DateTime<Utc>>,
}

impl Default for EnrichOptions {
    fn default() -> Self {
        EnrichOptions {
            auto: true,
            selectors: None,
            section: None,
            full_text: None,
            overwrite: Overwrite::default(),
            date_parser: None,
            time_zone: None,
            now: None,
        }
    }
}

impl fmt::Debug for EnrichOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnrichOptions")
            .field("auto", &self.auto)
            .field("selectors", &self.selectors)
            .field("section", &self.section.is_some())
            .field("full_text", &self.full_text)
            .field("overwrite", &self.overwrite)
            .field("time_zone", &self.time_zone)
            .field("now", &self.now)
            .finish_non_exhaustive()
    }
}

/// Fields a page may replace when the article already has them. All false by default:
/// the page only fills gaps, except dates (see [`page_date_is_better`]) and content (a
/// full text longer than the article's content replaces it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Overwrite {
    /// The title.
    pub title: bool,
    /// The summary.
    pub summary: bool,
    /// The content, whatever its length.
    pub content: bool,
    /// The image.
    pub image: bool,
    /// The authors.
    pub authors: bool,
    /// The published and updated dates, whenever the page states them.
    pub dates: bool,
}

/// An article's page as fetched: its bytes and what the server said about them.
#[derive(Debug, Clone, Copy)]
pub struct DetailPage<'a> {
    /// The page's bytes, in any charset.
    pub body: &'a [u8],
    /// The URL that answered: the base for the page's relative links.
    pub url: Option<&'a Url>,
    /// The `Content-Type` header, if any.
    pub content_type: Option<&'a str>,
}

/// Enriches `article` from its page and returns the warnings, each naming the article.
///
/// ```
/// use feedmill::model::Article;
/// use feedmill::source::page::enrich::{enrich, DetailPage, EnrichOptions};
///
/// let mut article = Article { link: Some("https://example.com/a".into()), ..Article::default() };
/// let page = br#"<html><head><meta property="og:type" content="article">
///   <meta property="article:tag" content="Harbours"></head><body></body></html>"#;
/// let url = url::Url::parse("https://example.com/a").unwrap();
/// let detail = DetailPage { body: page, url: Some(&url), content_type: None };
/// enrich(&mut article, &detail, &EnrichOptions::default());
/// assert_eq!(article.tags[0].term, "Harbours");
/// ```
pub fn enrich(
    article: &mut Article,
    page: &DetailPage<'_>,
    options: &EnrichOptions,
) -> Vec<Warning> {
    let name = article_name(article);
    let (found, warnings) = read_detail(page, options);
    if let Some(found) = found {
        merge::apply(article, found, &options.overwrite);
    }
    named(&name, warnings)
}

/// Enriches every article that has an absolute http(s) link: fetches the pages with at
/// most `max_concurrent` fetches at once (and reads them on those threads), then merges
/// each into its article. Articles without such a link are left as they are.
///
/// A failed fetch is a warning naming the article's URL; that article keeps what it had.
pub fn enrich_all<F>(
    articles: &mut [Article],
    fetch: F,
    max_concurrent: usize,
    options: &EnrichOptions,
) -> Vec<Warning>
where
    F: Fn(&Url) -> Result<Fetched, FetchError> + Sync,
{
    let targets: Vec<(usize, Url)> = articles
        .iter()
        .enumerate()
        .filter_map(|(index, article)| {
            let url = Url::parse(article.link.as_deref()?).ok()?;
            // `file:` links (a local feed's) are offered too: the caller's fetch decides
            // whether it reads them.
            matches!(url.scheme(), "http" | "https" | "file").then_some((index, url))
        })
        .collect();
    let read = map_bounded(&targets, max_concurrent, |(_, url)| match fetch(url) {
        Ok(fetched) => {
            let page = DetailPage {
                body: &fetched.body,
                url: Some(&fetched.final_url),
                content_type: fetched.content_type.as_deref(),
            };
            read_detail(&page, options)
        }
        Err(error) => (
            None,
            vec![warning(
                WarningKind::Value,
                format!("cannot fetch its page ({error}); kept as it was"),
            )],
        ),
    });
    let mut warnings = Vec::new();
    for ((index, url), (found, page_warnings)) in targets.iter().zip(read) {
        if let (Some(found), Some(article)) = (found, articles.get_mut(*index)) {
            merge::apply(article, found, &options.overwrite);
        }
        warnings.extend(named(url.as_str(), page_warnings));
    }
    warnings
}

/// Reads what a detail page says about its article: auto-extracted fields, then selector
/// fields over them, sections, and the full text as content. `None` when the bytes are
/// not an HTML page (a warning says so).
pub(super) fn read_detail(
    detail: &DetailPage<'_>,
    options: &EnrichOptions,
) -> (Option<Article>, Vec<Warning>) {
    let page_options = PageOptions {
        url: detail.url.map(|url| url.as_str().to_owned()),
        content_type: detail.content_type.map(str::to_owned),
        expect: Some(PageKind::Article),
        time_zone: options.time_zone,
        now: options
            .now
            .or_else(|| options.date_parser.as_ref().and_then(|parser| parser.now())),
    };
    let page = match Page::parse(detail.body, &page_options) {
        Ok(page) => page,
        Err(error) => {
            let message = format!("its page cannot be read ({error}); kept as it was");
            return (None, vec![warning(WarningKind::Value, message)]);
        }
    };
    let mut warnings = page.warnings.clone();
    let mut found = Article::default();
    if options.auto {
        let (feed, _) = auto::extract(&page, Some(PageKind::Article), &mut warnings);
        if let Some(article) = feed.articles.into_iter().next() {
            found = article;
        }
    }
    if let Some(selectors) = &options.selectors {
        let from_selectors = scraped(&page, selectors, options, &mut warnings);
        if let Some(scraped) = from_selectors {
            found = merge::over(scraped, found);
        }
    }
    if let Some(section) = &options.section {
        let sections = page.html.select(section).filter_map(|element| {
            let term = collapsed_text(element);
            (!term.is_empty()).then(|| Tag {
                term,
                label: None,
                scheme: Some("section".to_owned()),
            })
        });
        found.tags.extend(sections);
    }
    dedup_tags(&mut found.tags);
    if let Some(full_text) = &options.full_text {
        // Readability needs its own DOM (dom_query's): the decoded text is parsed into it
        // once, rather than scraper's tree being copied, written out and parsed again.
        let document = dom_query::Document::from(page.text.as_str());
        let outcome = full_text_of(document, page.base.as_ref(), full_text);
        warnings.extend(outcome.warnings);
        found.content = outcome.text.map(|text| Text::html(text.html));
    }
    (Some(found), warnings)
}

/// The first article the selectors find on the page, if any.
fn scraped(
    page: &Page,
    selectors: &PageSelectors,
    options: &EnrichOptions,
    warnings: &mut Vec<Warning>,
) -> Option<Article> {
    let default = ScrapeOptions::default();
    let scrape_options = match &options.date_parser {
        Some(parser) => ScrapeOptions {
            date_parser: parser.as_ref(),
        },
        None => default,
    };
    // A detail page's one item may have no title or link: only tags or a date.
    let selectors = selectors.clone().keeping_empty_items();
    let result = scrape_with(&page.html, page.url.as_ref(), &selectors, scrape_options);
    warnings.extend(result.warnings.into_iter().map(|mut warning| {
        warning.message = as_enrich_message(&warning.message);
        warning
    }));
    result.articles.into_iter().next()
}

/// A selector warning reworded for a detail page: keys are `enrich.*`, and the place
/// (always page 1, item 1 here) is left out.
fn as_enrich_message(message: &str) -> String {
    let message = message.strip_prefix("page 1, item 1: ").unwrap_or(message);
    match message.strip_prefix("page.") {
        Some(rest) => format!("enrich.{rest}"),
        None => message.to_owned(),
    }
}

/// Removes tags whose term and scheme repeat an earlier one's, ignoring case.
pub(super) fn dedup_tags(tags: &mut Vec<Tag>) {
    let mut seen = HashSet::new();
    tags.retain(|tag| {
        seen.insert((
            tag.term.to_lowercase(),
            tag.scheme.as_deref().map(str::to_lowercase),
        ))
    });
}

/// How warnings name an article: its link, else its id.
fn article_name(article: &Article) -> String {
    article.link.clone().unwrap_or_else(|| article.id.clone())
}

/// Prefixes each warning with the article it concerns.
fn named(name: &str, warnings: Vec<Warning>) -> Vec<Warning> {
    warnings
        .into_iter()
        .map(|mut warning| {
            warning.message = format!("enriching `{name}`: {}", warning.message);
            warning
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detail<'a>(body: &'a [u8], url: &'a Url) -> DetailPage<'a> {
        DetailPage {
            body,
            url: Some(url),
            content_type: None,
        }
    }

    #[test]
    fn a_page_that_is_not_html_is_a_warning_naming_the_article_and_changes_nothing() {
        let url = Url::parse("https://example.com/a.pdf").expect("a valid URL");
        let mut article = Article {
            link: Some(url.to_string()),
            ..Article::default()
        };
        let before = article.clone();
        let warnings = enrich(
            &mut article,
            &detail(b"{\"a\": 1}", &url),
            &EnrichOptions::default(),
        );
        assert_eq!(article, before);
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0]
                .message
                .starts_with("enriching `https://example.com/a.pdf`: "),
            "{}",
            warnings[0].message
        );
    }

    #[test]
    fn a_relative_date_on_the_page_counts_from_the_options_or_the_parsers_now() {
        use crate::source::page::selectors::HumanDateParser;
        let url = Url::parse("https://example.com/news/1").expect("a valid URL");
        let page = br#"<html><head><meta property="og:type" content="article"></head><body>
            <h1>A headline</h1><p class="date">Posted 3 hours ago</p><p>Text.</p></body></html>"#;
        let now = DateTime::from_timestamp(1_762_257_600, 0).expect("an instant");
        let published = |options: &EnrichOptions| {
            let mut article = Article::default();
            enrich(&mut article, &detail(page, &url), options);
            article.published.map(|date| date.with_timezone(&Utc))
        };
        let three_hours_before = Some(now - chrono::Duration::hours(3));
        assert_eq!(published(&EnrichOptions::default()), None);
        let from_options = EnrichOptions {
            now: Some(now),
            ..EnrichOptions::default()
        };
        assert_eq!(published(&from_options), three_hours_before);
        // What `config`'s `enrich_at(now)` gives: the clock's `now` inside the parser.
        let from_parser = EnrichOptions {
            date_parser: Some(Arc::new(HumanDateParser {
                zone: None,
                now: Some(now),
            })),
            ..EnrichOptions::default()
        };
        assert_eq!(published(&from_parser), three_hours_before);
    }

    #[test]
    fn selector_warnings_name_enrich_keys() {
        assert_eq!(
            as_enrich_message("page.tags: selector `a.tag` matched nothing on the page"),
            "enrich.tags: selector `a.tag` matched nothing on the page"
        );
        assert_eq!(
            as_enrich_message("page 1, item 1: page.date \"x\" could not be read; dropped"),
            "enrich.date \"x\" could not be read; dropped"
        );
    }

    #[test]
    fn selector_fields_win_over_auto_extracted_ones_and_sections_are_tags() {
        let url = Url::parse("https://example.com/news/1").expect("a valid URL");
        let page = br#"<html><head><meta property="og:type" content="article">
            <meta property="og:image" content="/og.png">
            <meta property="article:tag" content="Harbour"></head><body>
            <ol class="crumbs"><li>News</li><li>Harbour</li></ol>
            <img class="lead" src="lead.png"><a class="tag" href="/t/harbour">harbour</a>
            <a class="tag" href="/t/quay">Quay</a></body></html>"#;
        let toml: EnrichToml =
            toml::from_str("tags = \"a.tag\"\nimage = \"img.lead\"\nsection = \".crumbs li\"")
                .expect("valid TOML");
        let options = toml.validate().expect("valid selectors");
        let mut article = Article::default();
        let warnings = enrich(&mut article, &detail(page, &url), &options);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            article.image.as_deref(),
            Some("https://example.com/news/lead.png")
        );
        let tags: Vec<_> = article
            .tags
            .iter()
            .map(|t| (t.term.as_str(), t.scheme.as_deref()))
            .collect();
        assert_eq!(
            tags,
            [
                ("harbour", None),
                ("Quay", None),
                ("News", Some("section")),
                ("Harbour", Some("section"))
            ]
        );
    }
}
