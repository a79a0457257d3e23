//! Full text: the readable body of an article page, found by readability (`dom_smoothie`,
//! a port of Mozilla's readability.js), optionally narrowed first to a configured content
//! element and with configured clutter (ads, comments, "related" boxes) removed.
//!
//! Policy: never fail. A content selector that matches nothing falls back to the whole
//! page, and a page with nothing readable gives no text; both are [`Warning`]s. The HTML
//! returned is not sanitized (the writers do that), but `<script>`, `<style>`, `<noscript>`
//! and `<template>` are always dropped, and so are ad slots (`adblock`: readability keeps
//! those whose class names it does not know, `werbung`, `ad-slot`, `publicidad`); links
//! and images are made absolute against `<base href>` and the page URL. Entry points: [`full_text`] and [`FullTextOptions`].

use scraper::{Html, Selector};
use url::Url;

use super::adblock;
use super::document::{select, warning};
use super::{Warning, WarningKind};

/// Elements dropped from every page before reading: they never hold article text.
const ALWAYS_DROPPED: &str = "script, style, noscript, template, base";

/// How to find an article's body on its page.
#[derive(Debug, Clone, Default)]
pub struct FullTextOptions {
    /// Narrow the page to the elements matching this selector (e.g. `.article-body`)
    /// before readability runs. Default: the whole page.
    pub content: Option<Selector>,
    /// Remove every element matching this selector (e.g. `.ad, .comments`) first.
    /// Default: nothing beyond scripts and styles.
    pub exclude: Option<Selector>,
}

/// An invalid selector given to [`FullTextOptions::new`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{key}: invalid CSS selector {css:?}: {message}")]
pub struct InvalidFullTextSelector {
    /// Which option was invalid: `content` or `exclude`.
    pub key: &'static str,
    /// The selector as written.
    pub css: String,
    /// What the CSS parser said.
    pub message: String,
}

impl FullTextOptions {
    /// Options from selectors written as text; blank ones mean "not set".
    pub fn new(
        content: Option<&str>,
        exclude: Option<&str>,
    ) -> Result<Self, InvalidFullTextSelector> {
        Ok(FullTextOptions {
            content: compile("content", content)?,
            exclude: compile("exclude", exclude)?,
        })
    }
}

/// Compiles an optional selector written by a user, naming `key` when it is invalid.
pub(super) fn compile(
    key: &'static str,
    css: Option<&str>,
) -> Result<Option<Selector>, InvalidFullTextSelector> {
    let Some(css) = css.map(str::trim).filter(|css| !css.is_empty()) else {
        return Ok(None);
    };
    Selector::parse(css)
        .map(Some)
        .map_err(|error| InvalidFullTextSelector {
            key,
            css: css.to_owned(),
            message: error.to_string(),
        })
}

/// An article's body as found on its page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FullText {
    /// The body as HTML, with absolute links and images; not sanitized.
    pub html: String,
    /// Length of the body's text in characters, a measure of how much was found.
    pub text_len: usize,
}

/// What [`full_text`] found, with the warnings met on the way.
#[derive(Debug, Clone, Default)]
pub struct FullTextOutcome {
    /// The body; `None` when nothing readable was found.
    pub text: Option<FullText>,
    /// Fallbacks taken: a content selector that matched nothing, no readable text.
    pub warnings: Vec<Warning>,
}

/// Finds the readable body of the article page `html` (already decoded text).
///
/// `page_url` is where the page was read from; with `<base href>` it is the base that
/// links and images are made absolute against. Without it, relative URLs stay relative.
///
/// ```
/// use feedmill::source::page::fulltext::{full_text, FullTextOptions};
///
/// let html = r#"<html><body><div class="ad">Buy</div>
///   <div class="story"><p>First paragraph of the story.</p><img src="/a.png"></div>
///   </body></html>"#;
/// let options = FullTextOptions::new(Some(".story"), Some(".ad")).unwrap();
/// let url = url::Url::parse("https://example.com/news/1").unwrap();
/// let found = full_text(html, Some(&url), &options).text.unwrap();
/// assert!(found.html.contains("First paragraph"));
/// assert!(found.html.contains("https://example.com/a.png"));
/// assert!(!found.html.contains("Buy"));
/// ```
pub fn full_text(html: &str, page_url: Option<&Url>, options: &FullTextOptions) -> FullTextOutcome {
    let document = Html::parse_document(html);
    let base = base_url(&document, page_url);
    full_text_of(document, base.as_ref(), options)
}

/// [`full_text`] on a parsed page whose base URL is already known.
pub(super) fn full_text_of(
    mut document: Html,
    base: Option<&Url>,
    options: &FullTextOptions,
) -> FullTextOutcome {
    let mut warnings = Vec::new();
    remove_matching(&mut document, options.exclude.as_ref());
    if let Ok(always) = Selector::parse(ALWAYS_DROPPED) {
        remove_matching(&mut document, Some(&always));
    }
    adblock::remove_ad_slots(&mut document);
    let narrowed = options
        .content
        .as_ref()
        .and_then(|content| narrow(&document, content));
    if options.content.is_some() && narrowed.is_none() {
        warnings.push(warning(
            WarningKind::Value,
            "full text: the content selector matched nothing; read the whole page".into(),
        ));
    }
    let source = narrowed.clone().unwrap_or_else(|| document.html());
    let text = match readable(&source, base) {
        Some(text) => Some(text),
        // Readability wants a page's worth of text; a narrowed body may be shorter, and
        // the configured selector already said where the body is.
        None => narrowed.and_then(|body| as_is(&body, base)),
    };
    if text.is_none() {
        warnings.push(warning(
            WarningKind::Value,
            "full text: nothing readable found on the page".into(),
        ));
    }
    FullTextOutcome { text, warnings }
}

/// The page's base: `<base href>` resolved against the page URL, else the page URL.
pub(super) fn base_url(document: &Html, page_url: Option<&Url>) -> Option<Url> {
    let href = select(document.root_element(), "base[href]")
        .next()
        .and_then(|base| base.attr("href"))
        .map(str::trim);
    match (href, page_url) {
        (Some(href), Some(url)) => url.join(href).ok().or_else(|| Some(url.clone())),
        (Some(href), None) => Url::parse(href).ok(),
        (None, url) => url.cloned(),
    }
}

/// Detaches every element matching `selector` from the document.
fn remove_matching(document: &mut Html, selector: Option<&Selector>) {
    let Some(selector) = selector else { return };
    let ids: Vec<_> = document
        .select(selector)
        .map(|element| element.id())
        .collect();
    for id in ids {
        if let Some(mut node) = document.tree.get_mut(id) {
            node.detach();
        }
    }
}

/// A document holding only the outermost elements matching `content`; `None` when none
/// match. Matches inside an earlier match are not repeated.
fn narrow(document: &Html, content: &Selector) -> Option<String> {
    let matches: Vec<_> = document.select(content).collect();
    let outermost = matches.iter().filter(|element| {
        !element
            .ancestors()
            .any(|ancestor| matches.iter().any(|m| m.id() == ancestor.id()))
    });
    let body: String = outermost.map(|element| element.html()).collect();
    (!matches.is_empty()).then(|| format!("<html><head></head><body>{body}</body></html>"))
}

/// Runs readability over `html`; `None` when it finds no body with text.
fn readable(html: &str, base: Option<&Url>) -> Option<FullText> {
    let base = base.filter(|url| matches!(url.scheme(), "http" | "https"));
    let mut readability = dom_smoothie::Readability::new(html, base.map(Url::as_str), None).ok()?;
    let article = readability.parse().ok()?;
    let text_len = article.text_content.trim().chars().count();
    (text_len > 0).then(|| FullText {
        html: article.content.to_string(),
        text_len,
    })
}

/// The narrowed body itself, with URLs made absolute, for when readability gives up.
fn as_is(html: &str, base: Option<&Url>) -> Option<FullText> {
    let document = Html::parse_document(html);
    let body = select(document.root_element(), "body").next()?;
    let text_len = body.text().collect::<String>().trim().chars().count();
    (text_len > 0).then(|| FullText {
        html: super::selectors::inner_html_absolute(body, base)
            .trim()
            .to_owned(),
        text_len,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<html><head><title>Story</title><base href="/news/">
        <style>p { color: red }</style></head><body>
        <nav><a href="/">Home</a> <a href="/world">World</a></nav>
        <div class="ad">Advertisement: buy now</div>
        <div class="story">
          <p>The harbour council voted on Tuesday to widen the northern quay, a project
             that has been discussed for more than a decade by fishermen and ferry operators.</p>
          <script>track()</script>
          <p>Work will begin in spring, the council said, and should take two years to
             complete if the weather allows; the cost is shared with the regional government.</p>
          <p><img src="quay.jpg" alt="The quay"> <a href="../about">About us</a></p>
        </div>
        <section class="comments"><p>First!</p></section>
        </body></html>"#;

    fn url() -> Url {
        Url::parse("https://example.org/a/story").expect("a valid URL")
    }

    #[test]
    fn a_narrowed_body_keeps_its_paragraphs_with_absolute_urls_and_no_scripts() {
        let options =
            FullTextOptions::new(Some(".story"), Some(".ad, .comments")).expect("valid selectors");
        let outcome = full_text(PAGE, Some(&url()), &options);
        let text = outcome.text.expect("a body");
        assert!(text.html.contains("northern quay"), "{}", text.html);
        assert!(text.html.contains("Work will begin"), "{}", text.html);
        assert!(text.html.contains("https://example.org/news/quay.jpg"));
        assert!(text.html.contains("https://example.org/about"));
        for absent in ["track()", "Advertisement", "First!", "Home", "color: red"] {
            assert!(!text.html.contains(absent), "{absent} in {}", text.html);
        }
        assert!(outcome.warnings.is_empty(), "{:?}", outcome.warnings);
        assert!(text.text_len > 100);
    }

    #[test]
    fn a_content_selector_that_matches_nothing_falls_back_to_the_whole_page() {
        let options =
            FullTextOptions::new(Some(".missing"), Some(".ad, .comments")).expect("valid");
        let outcome = full_text(PAGE, Some(&url()), &options);
        assert!(outcome.text.is_some());
        assert_eq!(outcome.warnings.len(), 1, "{:?}", outcome.warnings);
    }

    #[test]
    fn a_page_without_text_gives_a_warning_and_no_body() {
        let outcome = full_text(
            "<html><body><script>x()</script></body></html>",
            None,
            &FullTextOptions::default(),
        );
        assert!(outcome.text.is_none());
        assert!(outcome.warnings[0].message.contains("nothing readable"));
    }

    #[test]
    fn invalid_selectors_name_their_option() {
        let error = FullTextOptions::new(None, Some("div[")).expect_err("invalid");
        assert_eq!(error.key, "exclude");
    }
}
