//! Reads one source's bytes into a [`Feed`] the way its definition says: a feed document,
//! a page read with selectors (following `next-page`), or a page read by auto-extraction.

use chrono::{DateTime, Utc};
use url::Url;

use crate::config::{SourceDefinition, SourceKind};
use crate::model::Feed;
use crate::source::feed::{self, ReadOptions, Warning, WarningKind};
use crate::source::page::selectors::{self, HumanDateParser, ScrapeOptions};
use crate::source::page::{self, PageOptions};

/// A source's bytes and what the transport said about them.
#[derive(Debug, Clone, Default)]
pub struct Body {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// Where they came from (after redirects), an http(s) or `file:` URL.
    pub url: Option<Url>,
    /// The `Content-Type` header.
    pub content_type: Option<String>,
    /// The `Content-Location` header.
    pub content_location: Option<String>,
    /// The `Content-Language` header.
    pub content_language: Option<String>,
}

/// A source read: its feed (articles and metadata) and the problems recovered from.
#[derive(Debug, Clone)]
pub struct SourceRead {
    /// The feed; for a page source, its articles and the page's title.
    pub feed: Feed,
    /// Recovered problems, in order.
    pub warnings: Vec<Warning>,
}

/// Reads `body` as `source` says. `now` is what relative dates on pages count back from;
/// `fetch_next` loads the next page of a paginated listing (an error becomes a warning).
///
/// Fails only when there is nothing usable: not a feed, not an HTML page.
pub fn read_source(
    source: &SourceDefinition,
    body: &Body,
    now: DateTime<Utc>,
    fetch_next: &mut dyn FnMut(&Url) -> Result<Vec<u8>, String>,
) -> Result<SourceRead, String> {
    match &source.kind {
        SourceKind::Feed => {
            let options = ReadOptions {
                content_type: body.content_type.clone(),
                url: body.url.as_ref().map(Url::to_string),
                content_location: body.content_location.clone(),
                content_language: body.content_language.clone(),
            };
            let outcome = feed::read(&body.bytes, &options).map_err(|error| error.to_string())?;
            Ok(SourceRead {
                feed: outcome.feed,
                warnings: outcome.warnings,
            })
        }
        SourceKind::AutoPage => {
            let options = PageOptions {
                url: body.url.as_ref().map(Url::to_string),
                content_type: body.content_type.clone(),
                expect: None,
                time_zone: Some(source.time_zone),
                now: Some(now),
            };
            let outcome =
                page::read_page(&body.bytes, &options).map_err(|error| error.to_string())?;
            Ok(SourceRead {
                feed: outcome.feed,
                warnings: outcome.warnings,
            })
        }
        SourceKind::Page(selectors_config) => {
            let (text, mut warnings) = selectors::decode_page(
                &body.bytes,
                body.content_type.as_deref(),
                body.url.as_ref(),
            );
            let date_parser = HumanDateParser {
                zone: Some(source.time_zone),
                now: Some(now),
            };
            let mut fetch_errors = Vec::new();
            let next = |url: &Url| match fetch_next(url) {
                Ok(bytes) => Some(selectors::decode_page(&bytes, None, Some(url)).0),
                Err(error) => {
                    fetch_errors.push(error);
                    None
                }
            };
            let mut result = selectors::scrape_pages_with(
                &text,
                body.url.as_ref(),
                selectors_config,
                ScrapeOptions {
                    date_parser: &date_parser,
                },
                next,
            );
            warnings.append(&mut result.warnings);
            warnings.extend(fetch_errors.into_iter().map(|message| Warning {
                kind: WarningKind::Value,
                message,
                line: None,
            }));
            let feed = Feed {
                link: body.url.as_ref().map(Url::to_string),
                articles: result.articles,
                ..Feed::default()
            };
            Ok(SourceRead { feed, warnings })
        }
    }
}
