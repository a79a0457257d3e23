//! What a selector table means once checked: [`PageSelectors`], made by
//! [`PageSelectorsToml::validate`], and the [`Problem`]s that stop it.
//!
//! Policy: every selector and regex is compiled here, once, and every problem is reported
//! together, each naming its key (`page.date.selector: …`) and the byte span of its value
//! in the TOML text, so scraping itself cannot fail.

use std::fmt;
use std::ops::Range;

use regex::Regex;
use scraper::Selector;
use toml::Spanned;

use super::config::{FieldToml, MAX_PAGES_CAP, PageSelectorsToml};

/// Which article field (or page-level selector) a selector fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FieldName {
    /// `items`: the articles themselves.
    Items,
    /// `title`.
    Title,
    /// `link`.
    Link,
    /// `date`.
    Date,
    /// `summary`.
    Summary,
    /// `content`.
    Content,
    /// `author`.
    Author,
    /// `tags`.
    Tags,
    /// `image`.
    Image,
    /// `next-page`.
    NextPage,
}

impl FieldName {
    /// The field's TOML key, e.g. `next-page`.
    pub fn key(self) -> &'static str {
        match self {
            FieldName::Items => "items",
            FieldName::Title => "title",
            FieldName::Link => "link",
            FieldName::Date => "date",
            FieldName::Summary => "summary",
            FieldName::Content => "content",
            FieldName::Author => "author",
            FieldName::Tags => "tags",
            FieldName::Image => "image",
            FieldName::NextPage => "next-page",
        }
    }

    fn default_extract(self) -> Extract {
        match self {
            FieldName::Link | FieldName::NextPage => Extract::Attr("href".to_owned()),
            FieldName::Image => Extract::Attr("src".to_owned()),
            _ => Extract::Text,
        }
    }

    fn takes_html(self) -> bool {
        matches!(
            self,
            FieldName::Title | FieldName::Summary | FieldName::Content
        )
    }

    fn takes_all(self) -> bool {
        matches!(self, FieldName::Tags | FieldName::Author)
    }
}

impl fmt::Display for FieldName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// What to take from a matched element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Extract {
    /// Its text, with runs of whitespace collapsed to one space and the ends trimmed.
    Text,
    /// Its inner HTML.
    Html,
    /// The value of this attribute.
    Attr(String),
}

/// A validated field selector: what to match and what to take from the match.
#[derive(Debug, Clone)]
pub struct FieldSelector {
    /// The CSS selector as written; empty for the item element itself.
    pub(super) css: String,
    /// `None` for the item element itself.
    pub(super) selector: Option<Selector>,
    pub(super) extract: Extract,
    pub(super) regex: Option<Regex>,
    pub(super) all: bool,
}

impl FieldSelector {
    /// The CSS selector as written; empty when the field reads the item element itself.
    pub fn css(&self) -> &str {
        &self.css
    }

    /// What is taken from each match.
    pub fn extract(&self) -> &Extract {
        &self.extract
    }

    /// True when every match gives a value, not only the first.
    pub fn takes_all(&self) -> bool {
        self.all
    }
}

/// The validated selectors of one page source; made by [`PageSelectorsToml::validate`].
#[derive(Debug, Clone)]
pub struct PageSelectors {
    pub(super) items_css: String,
    pub(super) items: Selector,
    /// Article fields in a fixed order: title, link, date, summary, content, author, tags,
    /// image; only those configured.
    pub(super) fields: Vec<(FieldName, FieldSelector)>,
    pub(super) next_page: Option<FieldSelector>,
    pub(super) date_format: Option<String>,
    pub(super) max_pages: usize,
    /// Keep items with no title, link, summary or content (a detail page read as one
    /// item, for its tags or date only).
    pub(super) keep_empty_items: bool,
}

impl PageSelectors {
    /// The `date-format` to hand to a date parser, if one was configured.
    pub fn date_format(&self) -> Option<&str> {
        self.date_format.as_deref()
    }

    /// The same selectors, keeping items that have no title, link, summary or content:
    /// enrichment reads a detail page as one item for whatever fields it has.
    pub(in crate::source::page) fn keeping_empty_items(mut self) -> Self {
        self.keep_empty_items = true;
        self
    }

    /// How many pages to read at most (1 to [`MAX_PAGES_CAP`]).
    pub fn max_pages(&self) -> usize {
        self.max_pages
    }

    /// The selector configured for `field`, if any (`Items` has no [`FieldSelector`]).
    pub fn field(&self, field: FieldName) -> Option<&FieldSelector> {
        if field == FieldName::NextPage {
            return self.next_page.as_ref();
        }
        self.fields
            .iter()
            .find(|(name, _)| *name == field)
            .map(|(_, selector)| selector)
    }
}

/// One problem in a selector table, naming its key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{key}: {message}")]
pub struct Problem {
    /// The dotted key, e.g. `page.date.selector`.
    pub key: String,
    /// What is wrong, e.g. `invalid CSS selector "time[": …`.
    pub message: String,
    /// Byte range of the value in the TOML text, where it was kept.
    pub span: Option<Range<usize>>,
}

/// Every problem [`PageSelectorsToml::validate`] found, in key order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid page selectors: {}", join(.problems))]
pub struct InvalidSelectors {
    /// The problems, at least one.
    pub problems: Vec<Problem>,
}

fn join(problems: &[Problem]) -> String {
    let rendered: Vec<String> = problems.iter().map(Problem::to_string).collect();
    rendered.join("; ")
}

/// Collects problems while validating.
struct Problems(Vec<Problem>);

impl Problems {
    fn push(&mut self, key: String, message: String, span: Range<usize>) {
        self.0.push(Problem {
            key,
            message,
            span: Some(span),
        });
    }
}

impl PageSelectorsToml {
    /// Compiles every selector and regex, checks every value, and reports all problems.
    pub fn validate(&self) -> Result<PageSelectors, InvalidSelectors> {
        let mut problems = Problems(Vec::new());
        let items = compile_css(
            "page.items",
            self.items.get_ref(),
            self.items.span(),
            &mut problems,
        );
        let configured = [
            (FieldName::Title, &self.title),
            (FieldName::Link, &self.link),
            (FieldName::Date, &self.date),
            (FieldName::Summary, &self.summary),
            (FieldName::Content, &self.content),
            (FieldName::Author, &self.author),
            (FieldName::Tags, &self.tags),
            (FieldName::Image, &self.image),
        ];
        let mut fields = Vec::new();
        for (name, field) in configured {
            let Some(field) = field else { continue };
            if let Some(selector) = validate_field(name, field, &mut problems) {
                fields.push((name, selector));
            }
        }
        let next_page = self
            .next_page
            .as_ref()
            .and_then(|field| validate_field(FieldName::NextPage, field, &mut problems));
        let date_format = self
            .date_format
            .as_ref()
            .and_then(|format| validate_date_format(format, self.date.is_some(), &mut problems));
        let max_pages = match &self.max_pages {
            None => 1,
            Some(max) => match usize::try_from(*max.get_ref()) {
                Ok(n @ 1..=MAX_PAGES_CAP) => n,
                _ => {
                    problems.push(
                        "page.max-pages".to_owned(),
                        format!("must be from 1 to {MAX_PAGES_CAP}, not {}", max.get_ref()),
                        max.span(),
                    );
                    1
                }
            },
        };
        match items {
            Some(items) if problems.0.is_empty() => Ok(PageSelectors {
                items_css: self.items.get_ref().trim().to_owned(),
                items,
                fields,
                next_page,
                date_format,
                max_pages,
                keep_empty_items: false,
            }),
            _ => Err(InvalidSelectors {
                problems: problems.0,
            }),
        }
    }
}

fn validate_date_format(
    format: &Spanned<String>,
    has_date: bool,
    problems: &mut Problems,
) -> Option<String> {
    let key = "page.date-format".to_owned();
    let text = format.get_ref();
    let broken = chrono::format::StrftimeItems::new(text)
        .any(|item| matches!(item, chrono::format::Item::Error));
    if text.trim().is_empty() || broken {
        problems.push(key, format!("invalid date format {text:?}"), format.span());
        return None;
    }
    if !has_date {
        problems.push(
            key,
            "is set but there is no `date` selector".to_owned(),
            format.span(),
        );
        return None;
    }
    Some(text.clone())
}

fn validate_field(
    name: FieldName,
    field: &Spanned<FieldToml>,
    problems: &mut Problems,
) -> Option<FieldSelector> {
    let span = field.span();
    let key = format!("page.{}", name.key());
    let before = problems.0.len();
    let (css, extract, regex, all, css_key) = match field.get_ref() {
        FieldToml::Short(short) => {
            let (css, attr) = split_short_form(short);
            let extract = attr.map_or_else(|| name.default_extract(), Extract::Attr);
            (css.to_owned(), extract, None, false, key.clone())
        }
        FieldToml::Table(table) => {
            let html = table.html.unwrap_or(false);
            let extract = match (&table.attr, html) {
                (Some(_), true) => {
                    problems.push(
                        key.clone(),
                        "`attr` and `html = true` exclude each other".to_owned(),
                        span.clone(),
                    );
                    Extract::Html
                }
                (Some(attr), false) => {
                    if !is_attribute_name(attr) {
                        problems.push(
                            format!("{key}.attr"),
                            format!("invalid attribute name {attr:?}"),
                            span.clone(),
                        );
                    }
                    Extract::Attr(attr.clone())
                }
                (None, true) => Extract::Html,
                (None, false) if table.html.is_some() => Extract::Text,
                (None, false) => name.default_extract(),
            };
            if html && !name.takes_html() {
                problems.push(
                    format!("{key}.html"),
                    "only `title`, `summary` and `content` take `html`".to_owned(),
                    span.clone(),
                );
            }
            let all = table.all.unwrap_or(false);
            if all && !name.takes_all() {
                problems.push(
                    format!("{key}.all"),
                    "only `tags` and `author` take `all`".to_owned(),
                    span.clone(),
                );
            }
            let regex = table.regex.as_deref().and_then(|pattern| {
                compile_regex(&format!("{key}.regex"), pattern, span.clone(), problems)
            });
            let css = table.selector.clone().unwrap_or_default();
            (css, extract, regex, all, format!("{key}.selector"))
        }
    };
    let css = css.trim().to_owned();
    let selector = if css.is_empty() && name == FieldName::NextPage {
        // `next-page` is matched in the whole page, which has no "item itself".
        problems.push(css_key, "needs a CSS selector".to_owned(), span);
        None
    } else if css.is_empty() {
        None
    } else {
        compile_css(&css_key, &css, span, problems)
    };
    if problems.0.len() > before {
        return None;
    }
    Some(FieldSelector {
        css,
        selector,
        extract,
        regex,
        all,
    })
}

fn compile_css(
    key: &str,
    css: &str,
    span: Range<usize>,
    problems: &mut Problems,
) -> Option<Selector> {
    if css.trim().is_empty() {
        problems.push(key.to_owned(), "empty CSS selector".to_owned(), span);
        return None;
    }
    match Selector::parse(css) {
        Ok(selector) => Some(selector),
        Err(error) => {
            problems.push(
                key.to_owned(),
                format!("invalid CSS selector {css:?}: {error}"),
                span,
            );
            None
        }
    }
}

fn compile_regex(
    key: &str,
    pattern: &str,
    span: Range<usize>,
    problems: &mut Problems,
) -> Option<Regex> {
    match Regex::new(pattern) {
        Ok(regex) => Some(regex),
        Err(error) => {
            // The regex crate's message spans lines; the first says what is wrong.
            let detail = error.to_string().replace('\n', " ");
            let detail = detail.split_whitespace().collect::<Vec<_>>().join(" ");
            problems.push(
                key.to_owned(),
                format!("invalid regex {pattern:?}: {detail}"),
                span,
            );
            None
        }
    }
}

/// Splits `"h2 a@href"` into the selector and the attribute. The `@` counts only when what
/// follows it is an attribute name, so `a[href^="mailto:x@y"]` stays one selector.
pub(in crate::source::page) fn split_short_form(short: &str) -> (&str, Option<String>) {
    match short.rsplit_once('@') {
        Some((css, attr)) if is_attribute_name(attr.trim()) => (css, Some(attr.trim().to_owned())),
        _ => (short, None),
    }
}

fn is_attribute_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_' || first == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_forms_split_at_an_attribute_name_only() {
        assert_eq!(split_short_form("h2 a"), ("h2 a", None));
        assert_eq!(
            split_short_form("h2 a@href"),
            ("h2 a", Some("href".to_owned()))
        );
        assert_eq!(
            split_short_form("@data-id"),
            ("", Some("data-id".to_owned()))
        );
        let mailto = r#"a[href^="mailto:x@y"]"#;
        assert_eq!(split_short_form(mailto), (mailto, None));
    }
}
