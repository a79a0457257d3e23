//! Writes a prepared feed as JSON Feed 1.1 through serde structs of our own.
//!
//! Policy: HTML titles go out as their sanitized HTML string (as feedparser-based tools
//! expect), plain ones as text; `summary` is always plain text, as the spec says. Every item has `content_html` or
//! `content_text` (plain text goes out as both; falling back to the summary, the title, then empty text), and dates
//! are RFC 3339 with their original offset. Entry point: [`write()`].

use std::borrow::Cow;

use serde::Serialize;

use super::prepare::Prepared;
use super::{EmitError, OutputFormat};
use crate::model::{self, Article, Text, TextKind, Timestamp};

const VERSION: &str = "https://jsonfeed.org/version/1.1";
/// JSON Feed requires an attachment type; this is the type of "some bytes".
const UNKNOWN_MEDIA_TYPE: &str = "application/octet-stream";

/// Writes `prepared` as a JSON Feed 1.1 document.
pub(super) fn write(prepared: &Prepared) -> Result<Vec<u8>, EmitError> {
    let mut bytes = serde_json::to_vec_pretty(&document(prepared))
        .map_err(|err| EmitError::serialize(OutputFormat::Json, err))?;
    bytes.push(b'\n');
    Ok(bytes)
}

#[derive(Debug, Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    home_page_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    feed_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    icon: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    favicon: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<JsonAuthor<'a>>,
    items: Vec<JsonItem<'a>>,
}

#[derive(Debug, Serialize)]
struct JsonItem<'a> {
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    external_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_html: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_text: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_published: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_modified: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<JsonAuthor<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attachments: Vec<JsonAttachment<'a>>,
    /// The JSON Feed extension naming the configured sources a merged article came
    /// from (`"_feedmill": {"sources": [{"title": …, "url": …}]}`).
    #[serde(rename = "_feedmill", skip_serializing_if = "Option::is_none")]
    feedmill: Option<JsonExtension<'a>>,
}

#[derive(Debug, Serialize)]
struct JsonExtension<'a> {
    sources: Vec<JsonSource<'a>>,
}

#[derive(Debug, Serialize)]
struct JsonSource<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
}

#[derive(Debug, Serialize)]
struct JsonAuthor<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

#[derive(Debug, Serialize)]
struct JsonAttachment<'a> {
    url: &'a str,
    mime_type: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    size_in_bytes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    duration_in_seconds: Option<u64>,
}

fn document<'a>(prepared: &'a Prepared<'a>) -> JsonFeed<'a> {
    let feed = &prepared.feed;
    JsonFeed {
        version: VERSION,
        title: prepared.title().value,
        home_page_url: feed.link.as_deref(),
        feed_url: prepared.self_url,
        description: feed.description.as_ref().map(|d| d.value.as_str()),
        icon: feed.image.as_ref().map(|image| image.url.as_str()),
        favicon: feed.icon.as_deref(),
        language: feed.language.as_deref(),
        authors: feed.authors.iter().map(author).collect(),
        items: (prepared.articles().iter())
            .zip(prepared.plain_summaries())
            .map(|(article, summary)| item(article, summary))
            .collect(),
    }
}

/// The item for `article`, whose summary as plain text is `summary`.
fn item<'a>(article: &'a Article, summary: Option<&'a str>) -> JsonItem<'a> {
    static EMPTY: Text = Text {
        kind: TextKind::Plain,
        value: String::new(),
    };
    // The spec asks for at least one of content_html and content_text.
    let content = [&article.content, &article.summary, &article.title]
        .into_iter()
        .find_map(Option::as_ref)
        .unwrap_or(&EMPTY);
    // Plain text goes out both ways: readers that only show `content_html` (most of
    // them) still get it, escaped.
    let (content_html, content_text) = match content.kind {
        TextKind::Html => (Some(Cow::Borrowed(content.value.as_str())), None),
        TextKind::Plain if content.value.is_empty() => (None, Some(content.value.as_str())),
        TextKind::Plain => (
            Some(Cow::Owned(content.to_html())),
            Some(content.value.as_str()),
        ),
    };
    JsonItem {
        id: &article.id,
        url: article.link.as_deref(),
        external_url: article
            .links
            .iter()
            .find(|link| link.rel.as_deref() == Some("related"))
            .map(|link| link.href.as_str()),
        title: article.title.as_ref().map(|title| title.value.as_str()),
        content_html,
        content_text,
        summary,
        image: article.image.as_deref(),
        date_published: article.published.as_ref().map(rfc3339),
        date_modified: article.updated.as_ref().map(rfc3339),
        authors: article.authors.iter().map(author).collect(),
        tags: article.tags.iter().map(|tag| tag.term.as_str()).collect(),
        language: article.language.as_deref(),
        attachments: article
            .enclosures
            .iter()
            .map(|enclosure| attachment(enclosure, article.duration_seconds))
            .collect(),
        feedmill: (!article.merged_from.is_empty()).then(|| JsonExtension {
            sources: article
                .merged_from
                .iter()
                .map(|source| JsonSource {
                    title: source.title.as_deref(),
                    url: source.url.as_deref(),
                })
                .collect(),
        }),
    }
}

/// RFC 3339 with the offset the time was written in (`+09:00` stays `+09:00`).
fn rfc3339(at: &Timestamp) -> String {
    at.to_rfc3339()
}

/// A JSON Feed author: the e-mail becomes a `mailto:` URL when there is no home page.
fn author(person: &model::Person) -> JsonAuthor<'_> {
    JsonAuthor {
        name: person.name.as_deref(),
        url: person
            .uri
            .clone()
            .or_else(|| person.email.as_ref().map(|email| format!("mailto:{email}"))),
    }
}

fn attachment(enclosure: &model::Enclosure, duration_seconds: Option<u64>) -> JsonAttachment<'_> {
    JsonAttachment {
        url: &enclosure.url,
        mime_type: enclosure
            .media_type
            .as_deref()
            .unwrap_or(UNKNOWN_MEDIA_TYPE),
        size_in_bytes: enclosure.length,
        duration_in_seconds: duration_seconds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::prepare::Cleaned;

    #[test]
    fn an_item_without_content_uses_its_summary_then_its_title_as_content() {
        let with_summary = Article {
            summary: Some(Text::html("<p>s</p>")),
            title: Some(Text::plain("t")),
            ..Article::default()
        };
        let with_title = Article {
            title: Some(Text::plain("t")),
            ..Article::default()
        };
        let feed = model::Feed {
            articles: vec![with_summary, with_title, Article::default()],
            ..model::Feed::default()
        };
        let cleaned = Cleaned::new(&feed, &crate::emit::EmitOptions::default());
        let prepared = cleaned.whole();
        let items = document(&prepared).items;
        assert_eq!(items[0].content_html.as_deref(), Some("<p>s</p>"));
        assert_eq!(items[0].summary, Some("s"));
        assert_eq!(items[1].content_text, Some("t"));
        assert_eq!(items[1].summary, None);
        assert_eq!(items[2].content_text, Some(""));
    }

    #[test]
    fn an_author_known_only_by_email_gets_a_mailto_url() {
        let person = model::Person {
            email: Some("kim@example.com".into()),
            ..model::Person::default()
        };
        assert_eq!(
            author(&person).url.as_deref(),
            Some("mailto:kim@example.com")
        );
    }
}
