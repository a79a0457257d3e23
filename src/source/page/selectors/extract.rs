//! Taking values out of matched elements, and making URLs absolute.
//!
//! Policy: never fail; a match without the wanted attribute, or a value the regex does not
//! match, gives no value, and the caller counts it.

use scraper::{ElementRef, Html, Selector};
use url::Url;

use super::html;
use super::validate::{Extract, FieldSelector};

/// What one field selector found in one scope (an item, or the whole page).
pub(super) struct Matched {
    /// Elements the selector matched (1 for the item element itself).
    pub nodes: usize,
    /// The non-empty values taken: the first only, unless the field takes all.
    pub values: Vec<String>,
}

/// Runs `field` inside `scope` and takes its values; `base` makes URLs inside HTML absolute.
pub(super) fn extract(scope: ElementRef<'_>, field: &FieldSelector, base: Option<&Url>) -> Matched {
    let elements: Vec<ElementRef<'_>> = match &field.selector {
        Some(selector) => scope.select(selector).collect(),
        None => vec![scope],
    };
    let mut values = Vec::new();
    for element in &elements {
        let Some(value) = raw_value(*element, &field.extract, base) else {
            continue;
        };
        let Some(value) = apply_regex(field, value) else {
            continue;
        };
        values.push(value);
        if !field.all {
            break;
        }
    }
    Matched {
        nodes: elements.len(),
        values,
    }
}

fn raw_value(element: ElementRef<'_>, extract: &Extract, base: Option<&Url>) -> Option<String> {
    let value = match extract {
        Extract::Text => collapse_whitespace(&element.text().collect::<String>()),
        Extract::Html => html::inner_html(element, base).trim().to_owned(),
        Extract::Attr(name) => collapse_whitespace(element.attr(name)?),
    };
    (!value.is_empty()).then_some(value)
}

fn apply_regex(field: &FieldSelector, value: String) -> Option<String> {
    let Some(regex) = &field.regex else {
        return Some(value);
    };
    let captures = regex.captures(&value)?;
    let matched = captures.get(1).or_else(|| captures.get(0))?;
    let matched = matched.as_str().trim();
    (!matched.is_empty()).then(|| matched.to_owned())
}

/// Runs of whitespace become one space; the ends are trimmed.
pub(super) fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The base for the page's relative links: its first `<base href>`, itself resolved against
/// the page URL, else the page URL; and the `<base href>` value when it could not be used.
pub(super) fn base_url(html: &Html, page_url: Option<&Url>) -> (Option<Url>, Option<String>) {
    let base_href = Selector::parse("base[href]")
        .ok()
        .and_then(|selector| html.select(&selector).next())
        .and_then(|base| base.attr("href"))
        .map(str::trim);
    let Some(href) = base_href else {
        return (page_url.cloned(), None);
    };
    match resolve(href, page_url) {
        Resolved::Absolute(url) => (Some(url), None),
        Resolved::Relative | Resolved::Invalid => (page_url.cloned(), Some(href.to_owned())),
    }
}

/// A URL value made absolute, or why it could not be.
pub(super) enum Resolved {
    /// An absolute URL.
    Absolute(Url),
    /// A relative reference, and no base to resolve it against.
    Relative,
    /// Not a URL at all.
    Invalid,
}

/// Resolves `value` against `base`.
pub(super) fn resolve(value: &str, base: Option<&Url>) -> Resolved {
    match Url::parse(value) {
        Ok(url) => Resolved::Absolute(url),
        Err(url::ParseError::RelativeUrlWithoutBase) => match base {
            Some(base) => base
                .join(value)
                .map_or(Resolved::Invalid, Resolved::Absolute),
            None => Resolved::Relative,
        },
        Err(_) => Resolved::Invalid,
    }
}
