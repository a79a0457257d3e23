//! A decoded, parsed page with its base URL: what every page reader (auto-extraction,
//! selectors) works from, plus the small helpers they share (URL resolution, text, dates).
//!
//! Policy: parsing never fails once the bytes look like HTML; html5ever recovers from any
//! markup. Entry point: [`Page::parse`].

use std::cell::Cell;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use scraper::{ElementRef, Html, Selector};
use url::Url;

use super::{PageError, PageOptions, Warning, WarningKind, charset};
use crate::model::{MAX_HTML_NESTING, Timestamp, limit_html_nesting};
use crate::source::date;

/// A page ready for extraction.
#[derive(Debug)]
pub(crate) struct Page {
    /// The parsed document.
    pub html: Html,
    /// The decoded text it was parsed from, for readers that need their own DOM
    /// (readability works on dom_query's, not scraper's).
    pub text: String,
    /// The page's own URL, when the caller gave a valid one.
    pub url: Option<Url>,
    /// The base for relative URLs: `<base href>` resolved against `url`, else `url`.
    pub base: Option<Url>,
    /// The name of the charset used to decode the bytes.
    pub encoding: String,
    /// Problems met while decoding and parsing.
    pub warnings: Vec<Warning>,
    /// The zone zone-less dates are read in; `None` is UTC.
    pub time_zone: Option<Tz>,
    /// The instant relative dates count back from; `None` leaves them unread.
    pub now: Option<DateTime<Utc>>,
    /// Whether a zone-less date has been reported already (one warning per page).
    zone_warned: Cell<bool>,
}

impl Page {
    /// Decodes and parses `bytes`; fails only when they are not an HTML page.
    pub(crate) fn parse(bytes: &[u8], options: &PageOptions) -> Result<Page, PageError> {
        let mut warnings = Vec::new();
        let url = match options.url.as_deref().map(Url::parse) {
            Some(Ok(url)) => Some(url),
            Some(Err(error)) => {
                warnings.push(warning(
                    WarningKind::Value,
                    format!(
                        "the page URL is not a valid URL ({error}); relative links stay relative"
                    ),
                ));
                None
            }
            None => None,
        };
        let tld = url
            .as_ref()
            .and_then(Url::host_str)
            .and_then(|host| host.rsplit('.').next())
            .map(str::to_owned);
        let decoded = charset::decode(bytes, options.content_type.as_deref(), tld.as_deref());
        check_is_html(&decoded.text)?;
        warnings.splice(0..0, decoded.warnings);
        let (limited, dropped) = limit_html_nesting(&decoded.text, MAX_HTML_NESTING);
        let text = if dropped {
            warnings.push(warning(
                WarningKind::Syntax,
                nesting_warning(MAX_HTML_NESTING),
            ));
            limited.into_owned()
        } else {
            decoded.text
        };
        let html = Html::parse_document(&text);
        let base_href = select(html.root_element(), "base[href]")
            .next()
            .and_then(|base| base.attr("href"));
        let base = match base_href {
            Some(href) => match url
                .as_ref()
                .map_or_else(|| Url::parse(href), |u| u.join(href))
            {
                Ok(base) => Some(base),
                Err(error) => {
                    warnings.push(warning(
                        WarningKind::Value,
                        format!("`<base href=\"{href}\">` is not a usable URL ({error})"),
                    ));
                    url.clone()
                }
            },
            None => url.clone(),
        };
        Ok(Page {
            html,
            text,
            url,
            base,
            encoding: decoded.label,
            warnings,
            time_zone: options.time_zone,
            now: options.now,
            zone_warned: Cell::new(false),
        })
    }

    /// The document's root element (`<html>`).
    pub(crate) fn root(&self) -> ElementRef<'_> {
        self.html.root_element()
    }

    /// `href` made absolute against the base; as written when there is no base, and
    /// `None` when it is empty or cannot be resolved.
    pub(crate) fn resolve(&self, href: &str) -> Option<String> {
        let href = href.trim();
        if href.is_empty()
            || href
                .get(..11)
                .is_some_and(|s| s.eq_ignore_ascii_case("javascript:"))
        {
            return None;
        }
        match &self.base {
            Some(base) => base.join(href).ok().map(String::from),
            None => Some(
                Url::parse(href)
                    .map(String::from)
                    .unwrap_or_else(|_| href.to_owned()),
            ),
        }
    }

    /// Parses a machine-readable date found at `origin`; one without a zone is placed in
    /// the page's time zone, and the first such date is reported. An unparsable one is a
    /// [`WarningKind::Date`] warning.
    pub(crate) fn parse_date(
        &self,
        raw: &str,
        origin: &str,
        warnings: &mut Vec<Warning>,
    ) -> Option<Timestamp> {
        let raw = raw.trim();
        if raw.is_empty() {
            return None;
        }
        let Some((parsed, zone_assumed)) = date::parse_in_zone(raw, self.time_zone) else {
            warnings.push(warning(
                WarningKind::Date,
                format!("cannot read the date `{raw}` in {origin}; dropped"),
            ));
            return None;
        };
        if zone_assumed && !self.zone_warned.replace(true) {
            warnings.push(warning(
                WarningKind::Date,
                format!(
                    "the date `{raw}` in {origin} has no time zone; dates without one are read in {}",
                    self.zone_name()
                ),
            ));
        }
        Some(parsed)
    }

    /// The page's time zone as messages name it: the IANA name, or `UTC (assumed)`.
    pub(crate) fn zone_name(&self) -> String {
        self.time_zone
            .map_or_else(|| "UTC (assumed)".to_owned(), |zone| zone.name().to_owned())
    }

    /// The root of the site (`https://host/`) of `url`, else of the page URL.
    /// True when `href` (as written in the page) points at the site's home page: `/`, or
    /// an absolute URL whose path is `/` without a query. Breadcrumbs leave it out.
    pub(crate) fn is_home_link(&self, href: &str) -> bool {
        let href = href.trim();
        if href == "/" || href.is_empty() {
            return true;
        }
        let absolute = Url::parse(href).ok().or_else(|| {
            self.resolve(href)
                .and_then(|resolved| Url::parse(&resolved).ok())
        });
        absolute.is_some_and(|url| url.path() == "/" && url.query().is_none())
    }

    pub(crate) fn site_root(&self, url: Option<&str>) -> Option<String> {
        let url = url
            .and_then(|u| Url::parse(u).ok())
            .or_else(|| self.url.clone())?;
        let host = url.host_str()?;
        let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
        Some(format!("{}://{host}{port}/", url.scheme()))
    }
}

/// Elements under `root` matching `css`, a selector written in the code (never input).
pub(crate) fn select<'a>(root: ElementRef<'a>, css: &str) -> impl Iterator<Item = ElementRef<'a>> {
    let selector = Selector::parse(css).ok();
    let matches: Vec<ElementRef<'a>> = selector
        .map(|selector| root.select(&selector).collect())
        .unwrap_or_default();
    matches.into_iter()
}

/// An element's text with runs of whitespace collapsed to one space, trimmed.
pub(crate) fn collapsed_text(element: ElementRef<'_>) -> String {
    collapse(&element.text().collect::<String>())
}

/// `text` with runs of whitespace collapsed to one space, trimmed.
pub(crate) fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A warning without a line.
pub(crate) fn warning(kind: WarningKind, message: String) -> Warning {
    Warning {
        kind,
        message,
        line: None,
    }
}

/// The warning for a page nested deeper than `max_depth` elements.
pub(crate) fn nesting_warning(max_depth: usize) -> String {
    format!(
        "HTML nested deeper than {max_depth} elements: the tags below that depth were dropped, their text kept"
    )
}

/// Refuses text that is not an HTML page: empty input, feeds, JSON and plain text.
fn check_is_html(text: &str) -> Result<(), PageError> {
    let trimmed = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if trimmed.is_empty() {
        return Err(PageError::Empty);
    }
    if trimmed.starts_with(['{', '[']) {
        return Err(not_html("the document is JSON"));
    }
    let mut end = trimmed.len().min(4096);
    while !trimmed.is_char_boundary(end) {
        end -= 1;
    }
    let head = trimmed[..end].to_ascii_lowercase();
    let has_html_markup = [
        "<html",
        "<head",
        "<body",
        "<!doctype html",
        "<meta",
        "<title",
    ]
    .iter()
    .any(|needle| head.contains(needle));
    let has_feed_root = ["<rss", "<feed", "<rdf:rdf"]
        .iter()
        .any(|needle| head.contains(needle));
    if has_feed_root && !head.contains("<head") && !head.contains("<body") {
        return Err(not_html("the document is an RSS or Atom feed"));
    }
    let starts_with_markup = trimmed.starts_with('<');
    let has_any_markup = ["<div", "<p", "<a ", "<article", "<ul", "<section"]
        .iter()
        .any(|needle| head.contains(needle));
    if has_html_markup || (starts_with_markup && has_any_markup) {
        Ok(())
    } else {
        Err(not_html("no HTML markup in the first 4 KiB"))
    }
}

fn not_html(reason: &str) -> PageError {
    PageError::NotHtml {
        reason: reason.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(html: &str, url: Option<&str>) -> Page {
        let options = PageOptions {
            url: url.map(str::to_owned),
            ..PageOptions::default()
        };
        Page::parse(html.as_bytes(), &options).expect("an HTML page")
    }

    #[test]
    fn base_href_is_resolved_against_the_page_url() {
        let page = page(
            "<html><head><base href='/news/'></head><body><a href='x'>x</a></body></html>",
            Some("https://example.com/a/b?c"),
        );
        assert_eq!(
            page.resolve("story-1").as_deref(),
            Some("https://example.com/news/story-1")
        );
        assert_eq!(page.resolve("javascript:void(0)"), None);
        assert_eq!(
            page.site_root(None).as_deref(),
            Some("https://example.com/")
        );
    }

    #[test]
    fn feeds_json_and_plain_text_are_not_pages() {
        for text in [
            "<?xml version='1.0'?><rss version='2.0'><channel/></rss>",
            "{\"a\":1}",
            "hello",
        ] {
            let error = Page::parse(text.as_bytes(), &PageOptions::default()).unwrap_err();
            assert!(matches!(error, PageError::NotHtml { .. }), "{text}");
        }
        let error = Page::parse(b"  \n", &PageOptions::default()).unwrap_err();
        assert!(matches!(error, PageError::Empty));
    }
}
