//! The feed definition file as written in TOML: [`FeedFileToml`] and the tables in it.
//!
//! Policy: serde checks only the shape (unknown keys are refused, values keep their spans);
//! what the values mean is checked by [`super::validate`], which reports every problem.

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
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FeedFileToml {
    /// What the merged feed says about itself. Required.
    pub feed: Spanned<FeedToml>,
    /// The sources the feed's articles come from, at least one, as `[[source]]` tables.
    #[serde(default)]
    pub source: Vec<Spanned<SourceToml>>,
}

/// The `[feed]` table: the merged feed's own metadata.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FeedToml {
    /// The feed's title, e.g. `"JoongAng Daily — North Korea"`. Required, not empty.
    pub title: Spanned<String>,
    /// A sentence about the feed. Default: none.
    pub description: Option<Spanned<String>>,
    /// The web page the feed stands for, an absolute http(s) URL. Default: none.
    pub link: Option<Spanned<String>>,
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
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SourceToml {
    /// Unique name within the file; used in logs and errors. Required.
    pub name: Spanned<String>,
    /// Where to fetch the source, an absolute http(s) URL. Exactly one of `url` and `file`.
    pub url: Option<Spanned<String>>,
    /// A local file to read instead, relative to the definition file's directory.
    /// Exactly one of `url` and `file`.
    pub file: Option<Spanned<String>>,
    /// `"feed"` (RSS, Atom or JSON Feed, detected from the content) or `"page"` (an HTML
    /// listing read with the selectors of `[source.page]`).
    /// Default: `"page"` when `[source.page]` is present, else `"feed"`.
    pub kind: Option<Spanned<String>>,
    /// The IANA time zone of dates written without one, e.g. `"Asia/Seoul"`. Default: UTC.
    pub time_zone: Option<Spanned<String>>,
    /// The CSS selectors of a page source ([`PageSelectorsToml`]). Required for
    /// `kind = "page"`, refused for `kind = "feed"`.
    pub page: Option<Spanned<PageSelectorsToml>>,
    /// How to fill in each article from its own page ([`EnrichToml`]: tags, section,
    /// dates, full text…, and `max-concurrent`, default 4, 1 to 16). Allowed on any
    /// source. Default: none (articles are kept as the source gives them).
    pub enrich: Option<Spanned<EnrichToml>>,
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
        assert!(toml::from_str::<SourceToml>("name = \"a\"\nrefresh = \"1h\"").is_err());
    }
}
