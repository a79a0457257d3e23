//! The feed definition file as written in TOML: [`FeedFileToml`] and the tables in it.
//!
//! Policy: serde checks only the shape (unknown keys are refused, values keep their spans);
//! what the values mean is checked by [`super::validate`], which reports every problem.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use crate::source::page::enrich::EnrichToml;
use crate::source::page::selectors::PageSelectorsToml;

/// One feed definition file, `feeds/NAME.toml`: a `[feed]` table and its `[[source]]`s.
///
/// [`super::validate`] reads these tables one by one, so that a shape error in one does
/// not hide those in the others; this type reads the whole file in one go.
///
/// ```toml
/// [feed]
/// title = "Harbour news"
///
/// [[source]]
/// name = "harbour-feed"
/// url = "https://news.example.org/harbour.xml"
/// ```
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FeedFileToml {
    /// What the merged feed says about itself. Required.
    #[schemars(with = "FeedToml")]
    pub feed: Spanned<FeedToml>,
    /// The sources the feed's articles come from, at least one, as `[[source]]` tables.
    #[serde(default)]
    #[schemars(with = "Vec<SourceToml>")]
    pub source: Vec<Spanned<SourceToml>>,
    /// Tag aliases, written form → the tag it stands for: `"DPRK" = "North Korea"`.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, String>")]
    pub aliases: BTreeMap<String, Spanned<String>>,
}

/// The `[feed]` table: the merged feed's own metadata.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FeedToml {
    /// The feed's title, e.g. `"JoongAng Daily — North Korea"`. Required, not empty.
    #[schemars(with = "String", length(min = 1))]
    pub title: Spanned<String>,
    /// A sentence about the feed. Default: none.
    #[schemars(with = "Option<String>")]
    pub description: Option<Spanned<String>>,
    /// The web page the feed stands for, an absolute http(s) URL. Default: none.
    #[schemars(with = "Option<super::schema::HttpUrl>")]
    pub link: Option<Spanned<String>>,
    /// The name output files and URLs use (`public/NAME.atom`): letters, digits, `-`,
    /// `_` and `.`, not starting with `.`. Default: the definition file's stem.
    #[schemars(with = "Option<super::schema::OutputName>")]
    pub name: Option<Spanned<String>>,
    /// The feed's stable id (Atom `id`). Default: the `link`, else `urn:feedmill:NAME`.
    #[schemars(with = "Option<String>")]
    pub id: Option<Spanned<String>>,
    /// At most this many articles in the output, newest first. Default: 100.
    #[schemars(with = "Option<i64>", range(min = 1))]
    pub limit: Option<Spanned<i64>>,
    /// How long an article that left its source (scrolled off a listing page, or a
    /// failing source) stays in the output, e.g. `"30d"`. Default: the settings'
    /// `retention` (30 days).
    #[schemars(with = "Option<super::schema::Duration>")]
    pub retention: Option<Spanned<String>>,
    /// The formats written, from `"rss"`, `"atom"` and `"json"`. Default: all three.
    #[schemars(with = "Option<Vec<super::schema::Format>>")]
    pub formats: Option<Spanned<Vec<Spanned<String>>>>,
    /// Also write one feed per tag (`public/NAME/tags/SLUG.atom`) and an index of them.
    /// Default: false.
    #[schemars(with = "Option<bool>")]
    pub per_tag: Option<Spanned<bool>>,
    /// Filters applied to the merged articles ([`FilterToml`]). Default: none.
    #[schemars(with = "Option<FilterToml>")]
    pub filter: Option<Spanned<FilterToml>>,
    /// A token that opens this feed on `feedmill serve` (`?key=TOKEN` or
    /// `Authorization: Bearer TOKEN`), at least 16 characters. Default: none (public
    /// unless the settings' `[serve] token` is set).
    #[schemars(with = "Option<String>", length(min = 16))]
    pub token: Option<Spanned<String>>,
    /// How duplicates across sources are recognised ([`DedupToml`]). Default: by URL,
    /// id and near-identical title within 48 hours.
    #[schemars(with = "Option<DedupToml>")]
    pub dedup: Option<Spanned<DedupToml>>,
}

/// A filter chain, `[feed.filter]` or `[source.filter]`: every rule given must pass.
///
/// ```toml
/// [feed.filter]
/// tags-any = ["Belarus", "North Korea"]
/// exclude = ["sponsored"]
/// since = "30d"
/// ```
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FilterToml {
    /// Keep articles with at least one of these tags (case, spacing and Unicode forms
    /// ignored; `[aliases]` applied).
    #[schemars(with = "Option<Vec<String>>")]
    pub tags_any: Option<Spanned<Vec<Spanned<String>>>>,
    /// Keep articles with every one of these tags.
    #[schemars(with = "Option<Vec<String>>")]
    pub tags_all: Option<Spanned<Vec<Spanned<String>>>>,
    /// Drop articles with any of these tags.
    #[schemars(with = "Option<Vec<String>>")]
    pub tags_none: Option<Spanned<Vec<Spanned<String>>>>,
    /// Keep articles where one of these keywords appears (whole words, case ignored).
    #[schemars(with = "Option<Vec<String>>")]
    pub include: Option<Spanned<Vec<Spanned<String>>>>,
    /// Drop articles where one of these keywords appears.
    #[schemars(with = "Option<Vec<String>>")]
    pub exclude: Option<Spanned<Vec<Spanned<String>>>>,
    /// Keep articles where one of these regular expressions matches.
    #[schemars(with = "Option<Vec<String>>")]
    pub include_regex: Option<Spanned<Vec<Spanned<String>>>>,
    /// Drop articles where one of these regular expressions matches.
    #[schemars(with = "Option<Vec<String>>")]
    pub exclude_regex: Option<Spanned<Vec<Spanned<String>>>>,
    /// Where keywords and expressions look: `"title"`, `"summary"`, `"content"`,
    /// `"author"`, `"link"`, `"tags"`. Default: all of them.
    #[schemars(with = "Option<Vec<super::schema::FilterField>>")]
    pub fields: Option<Spanned<Vec<Spanned<String>>>>,
    /// Drop articles older than this: a duration back from now (`"30d"`), a date
    /// (`"2025-09-01"`) or an instant (`"2025-09-01T00:00:00+09:00"`).
    #[schemars(with = "Option<super::schema::TimeBound>")]
    pub since: Option<Spanned<String>>,
    /// Drop articles newer than this (same forms as `since`).
    #[schemars(with = "Option<super::schema::TimeBound>")]
    pub until: Option<Spanned<String>>,
    /// Keep articles in these languages (`"en"` matches `en-GB`); articles that state
    /// none are kept.
    #[schemars(with = "Option<Vec<String>>")]
    pub language: Option<Spanned<Vec<Spanned<String>>>>,
    /// Keep at most this many articles, newest first.
    #[schemars(with = "Option<i64>", range(min = 1))]
    pub limit: Option<Spanned<i64>>,
}

/// `[feed.dedup]`: how the same story from two sources is recognised.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DedupToml {
    /// The keys compared: `"url"` (canonical URL), `"id"` (stated guid), `"title"`
    /// (near-identical title). Default: all three.
    #[schemars(with = "Option<Vec<super::schema::DedupKey>>")]
    pub by: Option<Spanned<Vec<Spanned<String>>>>,
    /// How alike titles must be, 0.0 to 1.0. Default: 0.9.
    #[schemars(with = "Option<f64>", range(min = 0.0, max = 1.0))]
    pub title_similarity: Option<Spanned<f64>>,
    /// How far apart near-identical titles may be published, e.g. `"48h"`. Default: 48h.
    #[schemars(with = "Option<super::schema::Duration>")]
    pub title_window: Option<Spanned<String>>,
}

/// One `[[source]]` table: where articles come from and how to read them.
///
/// ```toml
/// [[source]]
/// name = "harbour-page"
/// url = "https://news.example.org/tags/harbour/"
/// kind = "page"
/// time-zone = "Asia/Seoul"
/// [source.page]
/// items = "article.story"
/// ```
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(extend("oneOf" = [
    { "required": ["url"] },
    { "required": ["file"] },
    { "required": ["feed"] },
]))]
#[schemars(extend(
    "if" = { "required": ["kind"], "properties": { "kind": { "const": "feed" } } },
    "then" = { "not": { "required": ["page"] } },
))]
pub struct SourceToml {
    /// Unique name within the file; used in logs and errors. Required.
    #[schemars(with = "String", length(min = 1))]
    pub name: Spanned<String>,
    /// Where to fetch the source, an absolute http(s) URL. Exactly one of `url` and `file`.
    #[schemars(with = "Option<super::schema::HttpUrl>")]
    pub url: Option<Spanned<String>>,
    /// A local file to read instead, relative to the definition file's directory.
    /// Exactly one of `url` and `file`.
    #[schemars(with = "Option<String>")]
    pub file: Option<Spanned<String>>,
    /// `"feed"` (RSS, Atom or JSON Feed, detected from the content) or `"page"` (an HTML
    /// listing read with the selectors of `[source.page]`).
    /// Default: `"page"` when `[source.page]` is present, else `"feed"`.
    #[schemars(with = "Option<super::schema::SourceKind>")]
    pub kind: Option<Spanned<String>>,
    /// The IANA time zone of dates written without one, e.g. `"Asia/Seoul"`. Default: UTC.
    #[schemars(with = "Option<String>")]
    pub time_zone: Option<Spanned<String>>,
    /// The CSS selectors of a page source ([`PageSelectorsToml`]). Required for
    /// `kind = "page"`, refused for `kind = "feed"`.
    #[schemars(with = "Option<PageSelectorsToml>")]
    pub page: Option<Spanned<PageSelectorsToml>>,
    /// How to fill in each article from its own page ([`EnrichToml`]: tags, section,
    /// dates, full text…, and `max-concurrent`, default 4, 1 to 16). Allowed on any
    /// source. Default: none (articles are kept as the source gives them).
    #[schemars(with = "Option<EnrichToml>")]
    pub enrich: Option<Spanned<EnrichToml>>,
    /// Read the articles of another generated feed, by its `[feed] name` (its file
    /// stem by default), instead of `url` or `file`.
    #[schemars(with = "Option<super::schema::OutputName>")]
    pub feed: Option<Spanned<String>>,
    /// Extra HTTP request headers, e.g. `{ "Accept-Language" = "en" }`. Default: none.
    #[schemars(with = "Option<BTreeMap<String, String>>")]
    pub headers: Option<Spanned<BTreeMap<String, Spanned<String>>>>,
    /// Cookies sent with the request, e.g. `{ consent = "yes" }`. Default: none.
    #[schemars(with = "Option<BTreeMap<String, String>>")]
    pub cookies: Option<Spanned<BTreeMap<String, Spanned<String>>>>,
    /// Filters applied to this source's articles before merging ([`FilterToml`]).
    #[schemars(with = "Option<FilterToml>")]
    pub filter: Option<Spanned<FilterToml>>,
    /// Fetch this source at most this often, e.g. `"6h"` for a slow site: a run (or a
    /// `serve` refresh) before then uses what the store kept. Default: every run.
    #[schemars(with = "Option<super::schema::Duration>")]
    pub refresh: Option<Spanned<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whole_file_reads_in_one_go_with_its_page_selectors() {
        let file: FeedFileToml = toml::from_str(
            "[feed]\ntitle = \"t\"\n[[source]]\nname = \"p\"\nfile = \"p.html\"\ntime-zone = \"Asia/Seoul\"\n[source.page]\nitems = \"li\"\n",
        )
        .expect("valid TOML");
        assert_eq!(file.feed.get_ref().title.get_ref(), "t");
        let source = file.source[0].get_ref();
        assert_eq!(
            source.file.as_ref().map(|f| f.get_ref().as_str()),
            Some("p.html")
        );
        assert!(source.page.is_some());
    }

    #[test]
    fn unknown_keys_are_refused_in_feed_and_source_tables() {
        assert!(toml::from_str::<FeedToml>("title = \"t\"\nlanguage = \"en\"").is_err());
        assert!(toml::from_str::<SourceToml>("name = \"a\"\nevery = \"1h\"").is_err());
    }
}
