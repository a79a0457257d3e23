//! One scraping run over one or more pages: articles, counts and warnings accumulate here,
//! and the "matched nothing" warnings are decided once, at the end.

use std::collections::HashSet;

use scraper::Html;
use url::Url;

use super::extract::{self, Resolved};
use super::validate::{Extract, FieldName, PageSelectors};
use super::{ScrapeOptions, ScrapeResult, SelectorReport};
use crate::model::{Article, Link, Person, Tag, Text};
use crate::source::feed::{Warning, WarningKind};

/// The state of one run: the result so far, and the ids already taken.
pub(super) struct Run<'a> {
    selectors: &'a PageSelectors,
    options: ScrapeOptions<'a>,
    result: ScrapeResult,
    ids: HashSet<String>,
}

/// Where in the run a value came from, for warnings: `page 2, item 3`.
struct Place {
    page: usize,
    item: usize,
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "page {}, item {}", self.page, self.item)
    }
}

/// An article being scraped, with what its values need: where it is and the page's base.
struct Draft<'u> {
    article: Article,
    raw_date: Option<String>,
    place: Place,
    base: Option<&'u Url>,
}

impl<'a> Run<'a> {
    pub(super) fn new(selectors: &'a PageSelectors, options: ScrapeOptions<'a>) -> Self {
        let report = |field, selector: &str| SelectorReport {
            field,
            selector: selector.to_owned(),
            nodes: 0,
            values: 0,
        };
        let mut matches = vec![report(FieldName::Items, &selectors.items_css)];
        for (name, field) in &selectors.fields {
            matches.push(report(*name, &field.css));
        }
        if let Some(next_page) = &selectors.next_page {
            matches.push(report(FieldName::NextPage, &next_page.css));
        }
        Run {
            selectors,
            options,
            result: ScrapeResult {
                matches,
                ..ScrapeResult::default()
            },
            ids: HashSet::new(),
        }
    }

    /// Pages read so far.
    pub(super) fn pages(&self) -> usize {
        self.result.pages
    }

    pub(super) fn warn(&mut self, kind: WarningKind, message: String) {
        self.result.warnings.push(Warning {
            kind,
            message,
            line: None,
        });
    }

    fn count(&mut self, field: FieldName, nodes: usize, values: usize) {
        if let Some(report) = self.result.matches.iter_mut().find(|r| r.field == field) {
            report.nodes += nodes;
            report.values += values;
        }
    }

    /// Scrapes one page and returns its next-page link, made absolute.
    pub(super) fn page(&mut self, html: &Html, page_url: Option<&Url>) -> Option<Url> {
        self.result.pages += 1;
        let page = self.result.pages;
        let (base, bad_base) = extract::base_url(html, page_url);
        if let Some(href) = bad_base {
            self.warn(
                WarningKind::Value,
                format!("page {page}: `<base href=\"{href}\">` is not a usable URL; ignored"),
            );
        }
        let selectors = self.selectors;
        for (item_idx, item) in html.select(&selectors.items).enumerate() {
            self.count(FieldName::Items, 1, 0);
            let mut draft = Draft {
                article: Article::default(),
                raw_date: None,
                place: Place {
                    page,
                    item: item_idx + 1,
                },
                base: base.as_ref(),
            };
            for (name, field) in &selectors.fields {
                let matched = extract::extract(item, field, base.as_ref());
                self.count(*name, matched.nodes, matched.values.len());
                let html = field.extract == Extract::Html;
                for value in matched.values {
                    self.assign(&mut draft, *name, value, html);
                }
            }
            self.push_article(draft);
        }
        let field = selectors.next_page.as_ref()?;
        let matched = extract::extract(html.root_element(), field, base.as_ref());
        self.count(FieldName::NextPage, matched.nodes, matched.values.len());
        let href = matched.values.into_iter().next()?;
        let place = format!("page {page}");
        self.absolute(FieldName::NextPage, &href, base.as_ref(), &place)
    }

    /// Puts one value of `field` into the draft article.
    fn assign(&mut self, draft: &mut Draft<'_>, field: FieldName, value: String, html: bool) {
        let Draft {
            article,
            raw_date,
            place,
            base,
        } = draft;
        let base = *base;
        let text = |value: String| {
            if html {
                Text::html(value)
            } else {
                Text::plain(value)
            }
        };
        match field {
            FieldName::Title => article.title = Some(text(value)),
            FieldName::Summary => article.summary = Some(text(value)),
            FieldName::Content => article.content = Some(text(value)),
            FieldName::Author => article.authors.push(Person {
                name: Some(value),
                ..Person::default()
            }),
            FieldName::Tags => article.tags.push(Tag::new(value)),
            FieldName::Date => {
                article.published = self
                    .options
                    .date_parser
                    .parse_date(&value, self.selectors.date_format());
                if article.published.is_none() {
                    self.warn(
                        WarningKind::Date,
                        format!("{place}: page.date {value:?} could not be read; dropped"),
                    );
                }
                *raw_date = Some(value);
            }
            FieldName::Link => {
                let place = place.to_string();
                let href = match self.absolute(field, &value, base, &place) {
                    Some(url) => url.into(),
                    None => value,
                };
                article.links.push(Link {
                    href: href.clone(),
                    rel: Some("alternate".into()),
                    ..Link::default()
                });
                article.link = Some(href);
            }
            FieldName::Image => {
                let place = place.to_string();
                article.image = self.absolute(field, &value, base, &place).map(Into::into);
            }
            FieldName::Items | FieldName::NextPage => {}
        }
    }

    /// Makes `value` absolute, warning when it cannot be.
    fn absolute(
        &mut self,
        field: FieldName,
        value: &str,
        base: Option<&Url>,
        place: &str,
    ) -> Option<Url> {
        let why = match extract::resolve(value, base) {
            Resolved::Absolute(url) => return Some(url),
            Resolved::Relative => "is relative and the page has no URL",
            Resolved::Invalid => "is not a URL",
        };
        self.warn(
            WarningKind::Value,
            format!("{place}: page.{field} `{value}` {why}"),
        );
        None
    }

    /// Keeps the draft's article unless it is empty or a repeat.
    fn push_article(&mut self, draft: Draft<'_>) {
        let Draft {
            mut article,
            raw_date,
            place,
            ..
        } = draft;
        let has_body = article.title.is_some()
            || article.link.is_some()
            || article.summary.is_some()
            || article.content.is_some();
        if !has_body && !self.selectors.keep_empty_items {
            self.warn(
                WarningKind::Value,
                format!("{place}: no title, link, summary or content; skipped"),
            );
            return;
        }
        // Only an absolute link is a stable id; a relative one yields a hash instead.
        let relative_link = article.link.take_if(|link| url::Url::parse(link).is_err());
        article.ensure_id();
        article.link = article.link.or(relative_link);
        if !self.ids.insert(article.id.clone()) {
            return;
        }
        self.count(FieldName::Items, 0, 1);
        self.result.articles.push(article);
        self.result.raw_dates.push(raw_date);
    }

    /// Adds the warnings for selectors that matched nothing, and returns the result.
    pub(super) fn finish(mut self, next_page: Option<Url>) -> ScrapeResult {
        let pages = self.result.pages;
        let no_items = self
            .result
            .matches
            .first()
            .is_some_and(|items| items.nodes == 0);
        let mut warnings = Vec::new();
        for report in &self.result.matches {
            let scoped = !matches!(report.field, FieldName::Items | FieldName::NextPage);
            if scoped && no_items {
                continue;
            }
            let selector = if report.selector.is_empty() {
                "(the item itself)".to_owned()
            } else {
                format!("`{}`", report.selector)
            };
            let where_ = if pages == 1 {
                "on the page".to_owned()
            } else {
                format!("on {pages} pages")
            };
            let message = if report.nodes == 0 {
                format!(
                    "page.{}: selector {selector} matched nothing {where_}",
                    report.field
                )
            } else if report.values == 0 && report.field != FieldName::Items {
                format!(
                    "page.{}: selector {selector} matched {} elements {where_} but gave no value",
                    report.field, report.nodes
                )
            } else {
                continue;
            };
            warnings.push(Warning {
                kind: WarningKind::Value,
                message,
                line: None,
            });
        }
        self.result.warnings.extend(warnings);
        self.result.next_page = next_page;
        self.result
    }
}
