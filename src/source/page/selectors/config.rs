//! The `[source.page]` selector table as written in TOML: [`PageSelectorsToml`], the wire
//! format of a page source's selectors.
//!
//! Policy: serde checks only the shape (unknown keys are refused, each field is a string or
//! a table); what the values mean is checked by `validate`, which keeps the spans taken here.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, MapAccess, Visitor, value::MapAccessDeserializer};
use toml::Spanned;

/// How many pages `max-pages` allows at most.
pub const MAX_PAGES_CAP: usize = 20;

/// The selectors of one page source, as written under `[source.page]`.
///
/// ```toml
/// items = "article.story"
/// title = "h2 a"
/// link = "h2 a@href"
/// date = { selector = "time", attr = "datetime" }
/// tags = { selector = ".tags a", all = true }
/// next-page = "a.next@href"
/// max-pages = 3
/// ```
///
/// Every field but `items` takes either a short form, `"css selector"` (the text of the
/// first match) or `"css selector@attribute"` (that attribute), or a table
/// ([`FieldTableToml`]). Field selectors match inside each item; an empty selector, as in
/// `link = "@href"`, means the item element itself.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PageSelectorsToml {
    /// CSS selector matching each article on the page, e.g. `"article.story"`. Required.
    #[schemars(with = "String", length(min = 1))]
    pub items: Spanned<String>,
    /// The article's title. Default extractor: text. Takes `html = true`.
    #[schemars(with = "Option<FieldToml>")]
    pub title: Option<Spanned<FieldToml>>,
    /// The article's link, resolved against `<base href>` and the page URL.
    /// Default extractor: the `href` attribute.
    #[schemars(with = "Option<FieldToml>")]
    pub link: Option<Spanned<FieldToml>>,
    /// The article's publication date, e.g. `{ selector = "time", attr = "datetime" }`.
    /// Default extractor: text.
    #[schemars(with = "Option<FieldToml>")]
    pub date: Option<Spanned<FieldToml>>,
    /// The article's summary. Default extractor: text. Takes `html = true`.
    #[schemars(with = "Option<FieldToml>")]
    pub summary: Option<Spanned<FieldToml>>,
    /// The article's content. Default extractor: text. Takes `html = true`.
    #[schemars(with = "Option<FieldToml>")]
    pub content: Option<Spanned<FieldToml>>,
    /// The article's author (a name). Default extractor: text. Takes `all = true`.
    #[schemars(with = "Option<FieldToml>")]
    pub author: Option<Spanned<FieldToml>>,
    /// The article's tags, one per value. Default extractor: text. Takes `all = true`;
    /// without it only the first match is a tag.
    #[schemars(with = "Option<FieldToml>")]
    pub tags: Option<Spanned<FieldToml>>,
    /// A representative image, resolved like `link`. Default extractor: the `src` attribute.
    #[schemars(with = "Option<FieldToml>")]
    pub image: Option<Spanned<FieldToml>>,
    /// A `chrono` strftime format for dates written for humans, e.g. `"%d %b. %Y, %H:%M"`.
    /// Default: none; dates are read in any format feeds use.
    #[schemars(with = "Option<String>")]
    pub date_format: Option<Spanned<String>>,
    /// The link to the next listing page, matched in the whole page and resolved like
    /// `link`. Default extractor: the `href` attribute. Default: no pagination.
    #[schemars(with = "Option<FieldToml>")]
    pub next_page: Option<Spanned<FieldToml>>,
    /// How many pages to read, following `next-page`, from 1 to 20. Default: 1.
    #[schemars(with = "Option<i64>", range(min = 1, max = MAX_PAGES_CAP))]
    pub max_pages: Option<Spanned<i64>>,
}

/// One field's selector: the short form or a table.
#[derive(Debug, Clone, PartialEq, Eq, schemars::JsonSchema)]
#[schemars(untagged)]
pub enum FieldToml {
    /// `"css selector"` or `"css selector@attribute"`.
    Short(String),
    /// `{ selector = "…", attr = "…", html = …, regex = "…", all = … }`.
    Table(FieldTableToml),
}

/// The table form of a field's selector.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FieldTableToml {
    /// CSS selector, matched inside the item. Default: `""`, the item element itself.
    pub selector: Option<String>,
    /// Take this attribute's value instead of the text. Default: the field's own default.
    pub attr: Option<String>,
    /// Take the inner HTML instead of the text (`title`, `summary`, `content` only).
    /// Default: false.
    pub html: Option<bool>,
    /// A regex applied to the extracted string; its first capture group (or the whole
    /// match, when it has no group) is the value. Default: none.
    pub regex: Option<String>,
    /// Take every match, one value each (`tags`, `author` only). Default: false.
    pub all: Option<bool>,
}

impl<'de> Deserialize<'de> for FieldToml {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldVisitor;
        impl<'de> Visitor<'de> for FieldVisitor {
            type Value = FieldToml;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a selector string or a table with `selector`")
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<FieldToml, E> {
                Ok(FieldToml::Short(value.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<FieldToml, A::Error> {
                FieldTableToml::deserialize(MapAccessDeserializer::new(map)).map(FieldToml::Table)
            }
        }
        deserializer.deserialize_any(FieldVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_may_be_a_string_or_a_table_but_not_a_number() {
        let parsed: PageSelectorsToml =
            toml::from_str("items = \"li\"\ntitle = \"a\"\ndate = { selector = \"time\" }")
                .expect("valid TOML");
        assert_eq!(
            parsed.title.map(Spanned::into_inner),
            Some(FieldToml::Short("a".to_owned()))
        );
        assert!(matches!(
            parsed.date.map(Spanned::into_inner),
            Some(FieldToml::Table(_))
        ));
        let error = toml::from_str::<PageSelectorsToml>("items = \"li\"\ntitle = 3")
            .expect_err("a number is no selector");
        assert!(error.to_string().contains("a selector string or a table"));
    }

    #[test]
    fn unknown_keys_in_a_field_table_are_refused() {
        let error = toml::from_str::<PageSelectorsToml>(
            "items = \"li\"\ndate = { selector = \"time\", atr = \"datetime\" }",
        )
        .expect_err("`atr` is a typo");
        assert!(error.to_string().contains("atr"), "{error}");
    }
}
