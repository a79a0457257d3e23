//! The `[source.enrich]` table as written in TOML: [`EnrichToml`], and its validation into
//! [`EnrichOptions`].
//!
//! Policy: serde checks the shape (unknown keys are refused); `validate` compiles every
//! selector once, through the page selectors' own validation, and reports every problem
//! together, each with its key (`enrich.tags`) and the span of its value.

use serde::Deserialize;
use toml::Spanned;

use super::{EnrichOptions, Overwrite};
use crate::source::page::fulltext::{self, FullTextOptions, InvalidFullTextSelector};
use crate::source::page::selectors::{
    FieldTableToml, FieldToml, InvalidSelectors, PageSelectorsToml, Problem, split_short_form,
};

/// How to enrich a source's articles from their own pages, as written under
/// `[source.enrich]`.
///
/// ```toml
/// tags = ".tags a"                # every match is a tag
/// section = ".breadcrumb a"       # every match is a section
/// date = "p.published"
/// date-format = "%d %b. %Y, %H:%M"
/// full-text = true
/// content = ".article-body"       # narrow the full text to this element
/// exclude = ".ad, .comments"      # and drop these first
/// overwrite = ["summary"]
/// max-concurrent = 4             # article pages fetched at once
/// ```
///
/// Field selectors (`title`, `date`, `summary`, `author`, `tags`, `image`) take the forms
/// of `[source.page]` fields, matched in the whole page; `tags` and `author` take every
/// match.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct EnrichToml {
    /// Read the page's own metadata (JSON-LD, OpenGraph, microdata). Default: true.
    pub auto: Option<bool>,
    /// Use the page's full text as the article's content. Default: true when `content`
    /// or `exclude` is set, else false.
    pub full_text: Option<bool>,
    /// CSS selector of the article body, to narrow the full text to. Default: readability
    /// finds it.
    #[schemars(with = "Option<String>")]
    pub content: Option<Spanned<String>>,
    /// CSS selector of elements to drop before finding the full text, e.g.
    /// `".ad, .comments, .related"`. Default: none.
    #[schemars(with = "Option<String>")]
    pub exclude: Option<Spanned<String>>,
    /// CSS selector whose every match is a section, e.g. `".breadcrumb a"`. Default: none.
    #[schemars(with = "Option<String>")]
    pub section: Option<Spanned<String>>,
    /// The title. Default: none.
    #[schemars(with = "Option<FieldToml>")]
    pub title: Option<Spanned<FieldToml>>,
    /// The publication date. Default: none.
    #[schemars(with = "Option<FieldToml>")]
    pub date: Option<Spanned<FieldToml>>,
    /// A `chrono` strftime format for `date`. Default: any format feeds use.
    #[schemars(with = "Option<String>")]
    pub date_format: Option<Spanned<String>>,
    /// The summary. Default: none.
    #[schemars(with = "Option<FieldToml>")]
    pub summary: Option<Spanned<FieldToml>>,
    /// The authors, one per match. Default: none.
    #[schemars(with = "Option<FieldToml>")]
    pub author: Option<Spanned<FieldToml>>,
    /// The tags, one per match. Default: none.
    #[schemars(with = "Option<FieldToml>")]
    pub tags: Option<Spanned<FieldToml>>,
    /// A representative image (default attribute `src`). Default: none.
    #[schemars(with = "Option<FieldToml>")]
    pub image: Option<Spanned<FieldToml>>,
    /// Fields the page may replace when the article has them. Default: none.
    pub overwrite: Option<Vec<EnrichField>>,
    /// How many article pages are fetched at once, 1 to [`MAX_CONCURRENT_CAP`].
    /// Default: [`DEFAULT_MAX_CONCURRENT`]. Read with [`EnrichToml::max_concurrent`].
    #[schemars(with = "Option<i64>", range(min = 1, max = MAX_CONCURRENT_CAP))]
    pub max_concurrent: Option<Spanned<i64>>,
}

/// `max-concurrent` when the table does not set it.
pub const DEFAULT_MAX_CONCURRENT: usize = 4;

/// The largest `max-concurrent` accepted.
pub const MAX_CONCURRENT_CAP: usize = 16;

/// A field named in `overwrite`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum EnrichField {
    /// `title`.
    Title,
    /// `summary`.
    Summary,
    /// `content`.
    Content,
    /// `image`.
    Image,
    /// `authors`.
    Authors,
    /// `dates`: published and updated.
    Dates,
}

impl EnrichToml {
    /// Compiles every selector, checks every value, and reports all problems.
    pub fn validate(&self) -> Result<EnrichOptions, InvalidSelectors> {
        let mut problems = Vec::new();
        let selectors = self.selectors_toml().map(|toml| toml.validate());
        let selectors = match selectors {
            Some(Ok(selectors)) => Some(selectors),
            Some(Err(invalid)) => {
                problems.extend(invalid.problems.into_iter().map(|problem| Problem {
                    key: problem.key.replacen("page.", "enrich.", 1),
                    ..problem
                }));
                None
            }
            None => None,
        };
        let section = compile_with(
            &self.section,
            "enrich.section",
            &mut problems,
            fulltext::compile,
        );
        let content = compile_with(
            &self.content,
            "enrich.content",
            &mut problems,
            fulltext::compile_matcher,
        );
        let exclude = compile_with(
            &self.exclude,
            "enrich.exclude",
            &mut problems,
            fulltext::compile_matcher,
        );
        if let Some(value) = &self.max_concurrent
            && !(1..=MAX_CONCURRENT_CAP as i64).contains(value.get_ref())
        {
            problems.push(Problem {
                key: "enrich.max-concurrent".to_owned(),
                message: format!(
                    "must be between 1 and {MAX_CONCURRENT_CAP}, not {}",
                    value.get_ref()
                ),
                span: Some(value.span()),
            });
        }
        let narrowing = self.content.is_some() || self.exclude.is_some();
        if self.full_text == Some(false) && narrowing {
            problems.push(Problem {
                key: "enrich.full-text".to_owned(),
                message: "is false, but `content` or `exclude` is set".to_owned(),
                span: None,
            });
        }
        let full_text = self
            .full_text
            .unwrap_or(narrowing)
            .then(|| FullTextOptions::from_matchers(content, exclude));
        if !problems.is_empty() {
            return Err(InvalidSelectors { problems });
        }
        let mut overwrite = Overwrite::default();
        for field in self.overwrite.iter().flatten() {
            let flag = match field {
                EnrichField::Title => &mut overwrite.title,
                EnrichField::Summary => &mut overwrite.summary,
                EnrichField::Content => &mut overwrite.content,
                EnrichField::Image => &mut overwrite.image,
                EnrichField::Authors => &mut overwrite.authors,
                EnrichField::Dates => &mut overwrite.dates,
            };
            *flag = true;
        }
        Ok(EnrichOptions {
            auto: self.auto.unwrap_or(true),
            selectors,
            section,
            full_text,
            overwrite,
            date_parser: None,
            time_zone: None,
            now: None,
        })
    }

    /// How many article pages to fetch at once: `max-concurrent`, or
    /// [`DEFAULT_MAX_CONCURRENT`] when unset or out of range ([`EnrichToml::validate`]
    /// reports the latter).
    pub fn max_concurrent(&self) -> usize {
        self.max_concurrent
            .as_ref()
            .and_then(|value| usize::try_from(*value.get_ref()).ok())
            .filter(|value| (1..=MAX_CONCURRENT_CAP).contains(value))
            .unwrap_or(DEFAULT_MAX_CONCURRENT)
    }

    /// The field selectors as a page selector table whose one item is the whole page;
    /// `None` when no field selector is set.
    fn selectors_toml(&self) -> Option<PageSelectorsToml> {
        let fields = [
            &self.title,
            &self.date,
            &self.summary,
            &self.author,
            &self.tags,
            &self.image,
        ];
        if fields.iter().all(|field| field.is_none()) && self.date_format.is_none() {
            return None;
        }
        Some(PageSelectorsToml {
            items: Spanned::new(0..0, "html".to_owned()),
            title: self.title.clone(),
            link: None,
            date: self.date.clone(),
            summary: self.summary.clone(),
            content: None,
            author: self.author.clone().map(every_match),
            tags: self.tags.clone().map(every_match),
            image: self.image.clone(),
            date_format: self.date_format.clone(),
            next_page: None,
            max_pages: None,
        })
    }
}

/// A field selector that takes every match: the short form becomes a table with `all`.
fn every_match(field: Spanned<FieldToml>) -> Spanned<FieldToml> {
    let span = field.span();
    let table = match field.into_inner() {
        FieldToml::Short(short) => {
            let (css, attr) = split_short_form(&short);
            FieldTableToml {
                selector: Some(css.to_owned()),
                attr,
                all: Some(true),
                ..FieldTableToml::default()
            }
        }
        FieldToml::Table(table) => FieldTableToml {
            all: Some(table.all.unwrap_or(true)),
            ..table
        },
    };
    Spanned::new(span, FieldToml::Table(table))
}

/// Compiles an optional selector with `parse`, recording a problem when it is invalid.
fn compile_with<T>(
    css: &Option<Spanned<String>>,
    key: &'static str,
    problems: &mut Vec<Problem>,
    parse: impl Fn(&'static str, Option<&str>) -> Result<Option<T>, InvalidFullTextSelector>,
) -> Option<T> {
    let css = css.as_ref()?;
    match parse(key, Some(css.get_ref())) {
        Ok(compiled) => compiled,
        Err(error) => {
            problems.push(Problem {
                key: key.to_owned(),
                message: format!("invalid CSS selector {:?}: {}", error.css, error.message),
                span: Some(css.span()),
            });
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_enrich_table_turns_on_full_text_and_takes_every_tag() {
        let toml: EnrichToml = toml::from_str(
            "tags = \".tags a\"\ncontent = \".body\"\nexclude = \".ad\"\noverwrite = [\"summary\"]",
        )
        .expect("valid TOML");
        let options = toml.validate().expect("valid selectors");
        assert!(options.auto);
        assert!(options.full_text.is_some());
        assert!(options.overwrite.summary && !options.overwrite.title);
        let selectors = options.selectors.expect("selectors");
        let tags = selectors
            .field(crate::source::page::selectors::FieldName::Tags)
            .expect("a tags selector");
        assert!(tags.takes_all());
    }

    #[test]
    fn every_problem_is_reported_with_an_enrich_key() {
        let toml: EnrichToml =
            toml::from_str("tags = \"a[\"\nexclude = \"div[\"\nsection = \"\"").expect("TOML");
        let error = toml.validate().expect_err("invalid selectors");
        let keys: Vec<_> = error.problems.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(keys, ["enrich.tags.selector", "enrich.exclude"]);
        assert!(toml::from_str::<EnrichToml>("colour = 1").is_err());
        let toml: EnrichToml = toml::from_str("date-format = \"%Y\"").expect("TOML");
        let error = toml.validate().expect_err("a format without a date");
        assert_eq!(error.problems[0].key, "enrich.date-format");
    }

    #[test]
    fn max_concurrent_defaults_to_4_and_must_be_1_to_16() {
        let toml: EnrichToml = toml::from_str("tags = \".t\"").expect("TOML");
        assert_eq!(toml.max_concurrent(), DEFAULT_MAX_CONCURRENT);
        let toml: EnrichToml = toml::from_str("max-concurrent = 16").expect("TOML");
        assert!(toml.validate().is_ok());
        assert_eq!(toml.max_concurrent(), 16);
        for bad in ["0", "17", "-1"] {
            let toml: EnrichToml =
                toml::from_str(&format!("max-concurrent = {bad}")).expect("TOML");
            let error = toml.validate().expect_err("out of range");
            assert_eq!(error.problems[0].key, "enrich.max-concurrent");
            assert_eq!(toml.max_concurrent(), DEFAULT_MAX_CONCURRENT);
        }
    }
}
