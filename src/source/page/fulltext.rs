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

use dom_query::{Document, Matcher, NodeRef};
use scraper::Selector;
use url::Url;

use super::adblock;
use super::document::warning;
use super::{Warning, WarningKind};

/// Elements dropped from every page before reading: they never hold article text.
const ALWAYS_DROPPED: &str = "script, style, noscript, template, base";

/// How to find an article's body on its page: built by [`FullTextOptions::new`] from
/// selectors written as text; the default reads the whole page.
#[derive(Debug, Clone, Default)]
pub struct FullTextOptions {
    /// Narrow the page to the elements matching this selector (e.g. `.article-body`)
    /// before readability runs. Default: the whole page.
    content: Option<Matcher>,
    /// Remove every element matching this selector (e.g. `.ad, .comments`) first.
    /// Default: nothing beyond scripts, styles and ad slots.
    exclude: Option<Matcher>,
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
            content: compile_matcher("content", content)?,
            exclude: compile_matcher("exclude", exclude)?,
        })
    }

    /// Options from selectors already compiled (by [`compile_matcher`]).
    pub(super) fn from_matchers(content: Option<Matcher>, exclude: Option<Matcher>) -> Self {
        FullTextOptions { content, exclude }
    }

    /// Whether a content selector narrows the page.
    pub fn has_content(&self) -> bool {
        self.content.is_some()
    }

    /// Whether an exclude selector removes elements.
    pub fn has_exclude(&self) -> bool {
        self.exclude.is_some()
    }
}

/// Compiles an optional selector written by a user for the page readers (scraper),
/// naming `key` when it is invalid.
pub(super) fn compile(
    key: &'static str,
    css: Option<&str>,
) -> Result<Option<Selector>, InvalidFullTextSelector> {
    let Some(css) = css.map(str::trim).filter(|css| !css.is_empty()) else {
        return Ok(None);
    };
    Selector::parse(css)
        .map(Some)
        .map_err(|error| invalid(key, css, error.to_string()))
}

/// Compiles an optional selector for the full text's document (dom_query, the DOM
/// readability works on), naming `key` when it is invalid.
pub(super) fn compile_matcher(
    key: &'static str,
    css: Option<&str>,
) -> Result<Option<Matcher>, InvalidFullTextSelector> {
    let Some(css) = css.map(str::trim).filter(|css| !css.is_empty()) else {
        return Ok(None);
    };
    // scraper's parser words its errors for people; both parse the same CSS.
    compile(key, Some(css))?;
    Matcher::new(css)
        .map(Some)
        .map_err(|error| invalid(key, css, format!("{error:?}")))
}

fn invalid(key: &'static str, css: &str, message: String) -> InvalidFullTextSelector {
    InvalidFullTextSelector {
        key,
        css: css.to_owned(),
        message,
    }
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
/// The page is parsed once, into the document readability works on.
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
    let (html, _) = crate::model::limit_html_nesting(html, crate::model::MAX_HTML_NESTING);
    let document = Document::from(html.as_ref());
    let base = base_url(&document, page_url);
    full_text_of(document, base.as_ref(), options)
}

/// [`full_text`] on a page parsed for readability whose base URL is already known.
pub(super) fn full_text_of(
    document: Document,
    base: Option<&Url>,
    options: &FullTextOptions,
) -> FullTextOutcome {
    let mut warnings = Vec::new();
    if let Some(exclude) = &options.exclude {
        document.select_matcher(exclude).remove();
    }
    if let Ok(always) = Matcher::new(ALWAYS_DROPPED) {
        document.select_matcher(&always).remove();
    }
    adblock::remove_ad_slots(&document);
    let narrowed = options
        .content
        .as_ref()
        .is_some_and(|content| narrow(&document, content));
    if options.content.is_some() && !narrowed {
        warnings.push(warning(
            WarningKind::Value,
            "full text: the content selector matched nothing; read the whole page".into(),
        ));
    }
    // Readability takes the document and changes it, so the narrowed body is written out
    // first, for when it gives up: it wants a page's worth of text, and the configured
    // selector already said where the body is.
    let fallback = if narrowed {
        as_is(&document, base)
    } else {
        None
    };
    let text = readable(document, base).or(fallback);
    if text.is_none() {
        warnings.push(warning(
            WarningKind::Value,
            "full text: nothing readable found on the page".into(),
        ));
    }
    FullTextOutcome { text, warnings }
}

/// The page's base: `<base href>` resolved against the page URL, else the page URL.
pub(super) fn base_url(document: &Document, page_url: Option<&Url>) -> Option<Url> {
    let href = Matcher::new("base[href]")
        .ok()
        .and_then(|matcher| document.select_single_matcher(&matcher).attr("href"));
    let href = href.as_deref().map(str::trim);
    match (href, page_url) {
        (Some(href), Some(url)) => url.join(href).ok().or_else(|| Some(url.clone())),
        (Some(href), None) => Url::parse(href).ok(),
        (None, url) => url.cloned(),
    }
}

/// Leaves in the body only the outermost elements matching `content`, in document order;
/// false (and the document untouched) when none match.
fn narrow(document: &Document, content: &Matcher) -> bool {
    let matches = document.select_matcher(content);
    let ids: Vec<_> = matches.nodes().iter().map(|node| node.id).collect();
    let outermost: Vec<NodeRef<'_>> = matches
        .nodes()
        .iter()
        .filter(|node| {
            !node
                .ancestors_it(None)
                .any(|ancestor| ids.contains(&ancestor.id))
        })
        .copied()
        .collect();
    let Some(body) = document.body() else {
        return false;
    };
    if outermost.is_empty() {
        return false;
    }
    // A selector matching the body or the whole document narrows nothing.
    if outermost
        .iter()
        .any(|node| node.id == body.id || node.ancestors_it(None).all(|a| a.id != body.id))
    {
        return true;
    }
    for node in &outermost {
        node.remove_from_parent();
    }
    body.remove_children();
    for node in &outermost {
        body.append_child(node);
    }
    true
}

/// Runs readability over the document; `None` when it finds no body with text.
fn readable(document: Document, base: Option<&Url>) -> Option<FullText> {
    let base = base.filter(|url| matches!(url.scheme(), "http" | "https"));
    let mut readability =
        dom_smoothie::Readability::with_document(document, base.map(Url::as_str), None).ok()?;
    let article = readability.parse().ok()?;
    let text_len = article.text_content.trim().chars().count();
    (text_len > 0).then(|| FullText {
        html: article.content.to_string(),
        text_len,
    })
}

/// The narrowed body itself, its URLs made absolute (in place), for when readability
/// gives up.
fn as_is(document: &Document, base: Option<&Url>) -> Option<FullText> {
    let body = document.body()?;
    let text_len = body.text().trim().chars().count();
    if text_len == 0 {
        return None;
    }
    if let Some(base) = base {
        // Collected first: the tree cannot change while it is being walked.
        let elements: Vec<_> = body
            .descendants()
            .into_iter()
            .filter(NodeRef::is_element)
            .collect();
        for element in elements {
            for attribute in element.attrs() {
                let name = attribute.name.local.as_ref();
                let value = attribute.value.as_ref();
                let resolved = super::selectors::resolve_attribute(name, value, base);
                if resolved != value {
                    element.set_attr(name, &resolved);
                }
            }
        }
    }
    Some(FullText {
        html: body.inner_html().trim().to_owned(),
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
    fn a_short_narrowed_body_readability_gives_up_on_is_kept_as_it_is() {
        let page = r#"<html><body><nav><a href="/">Home</a></nav>
            <div class="teaser"><p>Short note. <a href="more">More</a> <img src="i.png"></p></div>
            <div class="teaser"><p>Second note.</p></div></body></html>"#;
        let options = FullTextOptions::new(Some(".teaser"), None).expect("valid");
        let outcome = full_text(page, Some(&url()), &options);
        let text = outcome.text.expect("the narrowed body");
        assert!(text.html.contains("Short note."), "{}", text.html);
        assert!(text.html.contains("Second note."), "{}", text.html);
        assert!(text.html.contains(r#"href="https://example.org/a/more""#));
        assert!(text.html.contains(r#"src="https://example.org/a/i.png""#));
        assert!(!text.html.contains("Home"), "{}", text.html);
    }

    #[test]
    fn invalid_selectors_name_their_option() {
        let error = FullTextOptions::new(None, Some("div[")).expect_err("invalid");
        assert_eq!(error.key, "exclude");
    }
}
