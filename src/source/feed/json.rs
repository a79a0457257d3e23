//! Reads JSON Feed 1.0 and 1.1 into the model.
//!
//! Policy: lenient about types (a numeric `id`, a single `author` object, a string where a
//! list is expected); a value of the wrong shape is skipped with a warning. Only JSON that
//! does not parse, or JSON with neither `version` nor `items`, is an error.

use serde_json::{Map, Value};
use url::Url;

use super::{FeedFormat, ReadError, ReadOptions, ReadOutcome, Warning, WarningKind};
use crate::model::{Article, Enclosure, Feed, Image, Link, Person, Tag, Text};
use crate::source::date;

pub(super) fn read(text: &str, options: &ReadOptions) -> Result<ReadOutcome, ReadError> {
    let value: Value = serde_json::from_str(text).map_err(|error| ReadError::NotAFeed {
        reason: json_problem(&error),
    })?;
    let Value::Object(root) = value else {
        return Err(ReadError::NotAFeed {
            reason: "JSON document is not an object".into(),
        });
    };
    let version = root.get("version").and_then(Value::as_str).unwrap_or("");
    if !version.contains("jsonfeed.org") && !root.contains_key("items") {
        return Err(ReadError::NotAFeed {
            reason: "JSON document has neither a JSON Feed `version` nor `items`".into(),
        });
    }
    let format = if version.ends_with("/1") {
        FeedFormat::Json10
    } else {
        FeedFormat::Json11
    };
    let base = options
        .url
        .as_deref()
        .and_then(|u| Url::parse(u).ok())
        .or_else(|| string(&root, "feed_url").and_then(|u| Url::parse(&u).ok()));
    let mut reader = JsonReader {
        base,
        warnings: Vec::new(),
    };
    let feed = reader.feed(&root);
    Ok(ReadOutcome {
        feed,
        format,
        encoding: String::new(),
        warnings: reader.warnings,
    })
}

/// serde_json's own limit on nesting (arrays and objects), which keeps its recursion off
/// the end of the stack.
const MAX_JSON_NESTING: usize = 128;

/// Why the text is not JSON, saying which limit a too deeply nested document hit.
fn json_problem(error: &serde_json::Error) -> String {
    let message = error.to_string();
    if message.starts_with("recursion limit exceeded") {
        format!(
            "JSON nested deeper than {MAX_JSON_NESTING} levels (line {}, column {})",
            error.line(),
            error.column()
        )
    } else {
        format!("invalid JSON: {message}")
    }
}

struct JsonReader {
    base: Option<Url>,
    warnings: Vec<Warning>,
}

fn string(object: &Map<String, Value>, key: &str) -> Option<String> {
    match object.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl JsonReader {
    fn warn(&mut self, message: String) {
        self.warnings.push(Warning {
            kind: WarningKind::Value,
            message,
            line: None,
        });
    }

    fn url(&self, object: &Map<String, Value>, key: &str) -> Option<String> {
        let raw = string(object, key)?;
        Some(match &self.base {
            Some(base) => base.join(&raw).map(String::from).unwrap_or(raw),
            None => raw,
        })
    }

    fn feed(&mut self, root: &Map<String, Value>) -> Feed {
        let mut feed = Feed {
            title: string(root, "title").map(Text::plain),
            link: self.url(root, "home_page_url"),
            self_link: self.url(root, "feed_url"),
            description: string(root, "description").map(Text::plain),
            language: string(root, "language"),
            icon: self.url(root, "favicon"),
            image: self.url(root, "icon").map(|url| Image {
                url,
                ..Image::default()
            }),
            authors: self.authors(root),
            ..Feed::default()
        };
        if let Some(link) = &feed.link {
            feed.links.push(Link {
                href: link.clone(),
                rel: Some("alternate".into()),
                ..Link::default()
            });
        }
        match root.get("items") {
            Some(Value::Array(items)) => {
                for (idx, item) in items.iter().enumerate() {
                    match item {
                        Value::Object(item) => {
                            let article = self.article(item, feed.language.as_deref());
                            feed.articles.push(article);
                        }
                        _ => self.warn(format!("items[{idx}] is not an object; skipped")),
                    }
                }
            }
            Some(_) => self.warn("`items` is not a list; no articles read".into()),
            None => {}
        }
        feed
    }

    fn article(&mut self, item: &Map<String, Value>, _feed_language: Option<&str>) -> Article {
        // Prefer the plain text when the HTML is only that text escaped (as we write it).
        let content_text = string(item, "content_text").map(Text::plain);
        let content = match (string(item, "content_html").map(Text::html), content_text) {
            (Some(html), Some(text)) if html.value == text.to_html() => Some(text),
            (html, text) => html.or(text),
        };
        let mut article = Article {
            id: string(item, "id").unwrap_or_default(),
            title: string(item, "title").map(Text::plain),
            link: self.url(item, "url"),
            published: self.date(item, "date_published"),
            updated: self.date(item, "date_modified"),
            authors: self.authors(item),
            summary: string(item, "summary").map(Text::plain),
            content,
            image: self
                .url(item, "image")
                .or_else(|| self.url(item, "banner_image")),
            language: string(item, "language"),
            ..Article::default()
        };
        if let Some(link) = &article.link {
            article.links.push(Link {
                href: link.clone(),
                rel: Some("alternate".into()),
                ..Link::default()
            });
        }
        if let Some(external) = self.url(item, "external_url") {
            article.links.push(Link {
                href: external,
                rel: Some("related".into()),
                ..Link::default()
            });
        }
        if let Some(Value::Array(tags)) = item.get("tags") {
            article.tags = tags
                .iter()
                .filter_map(Value::as_str)
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(Tag::new)
                .collect();
        }
        if let Some(Value::Array(attachments)) = item.get("attachments") {
            for attachment in attachments.iter().filter_map(Value::as_object) {
                if let Some(url) = self.url(attachment, "url") {
                    article.enclosures.push(Enclosure {
                        url,
                        media_type: string(attachment, "mime_type"),
                        length: attachment.get("size_in_bytes").and_then(Value::as_u64),
                    });
                }
            }
        }
        article
    }

    fn date(&mut self, object: &Map<String, Value>, key: &str) -> Option<crate::model::Timestamp> {
        let raw = string(object, key)?;
        let parsed = date::parse(&raw);
        if parsed.is_none() {
            self.warnings.push(Warning {
                kind: WarningKind::Date,
                message: format!("could not understand the date `{raw}` in `{key}`"),
                line: None,
            });
        }
        parsed
    }

    /// JSON Feed 1.1 `authors`, or 1.0's single `author`.
    fn authors(&mut self, object: &Map<String, Value>) -> Vec<Person> {
        let list: Vec<&Value> = match (object.get("authors"), object.get("author")) {
            (Some(Value::Array(authors)), _) => authors.iter().collect(),
            (_, Some(author)) => vec![author],
            _ => Vec::new(),
        };
        list.into_iter()
            .filter_map(|value| match value {
                Value::Object(author) => Some(Person {
                    name: string(author, "name"),
                    email: None,
                    uri: self.url(author, "url"),
                }),
                Value::String(name) => Some(Person {
                    name: Some(name.clone()),
                    ..Person::default()
                }),
                _ => None,
            })
            .filter(|person| !person.is_empty())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_nested_past_the_limit_is_not_a_feed_and_says_so() {
        let deep = format!(
            r#"{{"version":"https://jsonfeed.org/version/1.1","items":[{{"_x":{}1{}}}]}}"#,
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let error = read(&deep, &ReadOptions::default()).expect_err("too deep");
        assert!(
            error
                .to_string()
                .contains("JSON nested deeper than 128 levels (line 1, column"),
            "{error}"
        );
    }

    #[test]
    fn json_feed_items_are_read_with_tags_and_attachments() {
        let text = r#"{"version":"https://jsonfeed.org/version/1.1","title":"T",
            "items":[{"id":1,"url":"/a","title":"A","content_html":"<p>x</p>",
            "date_published":"2025-09-09T18:21:00+09:00","tags":["Belarus"],
            "attachments":[{"url":"/a.mp3","mime_type":"audio/mpeg","size_in_bytes":10}]}]}"#;
        let options = ReadOptions {
            url: Some("https://example.com/feed.json".into()),
            ..ReadOptions::default()
        };
        let outcome = read(text, &options).unwrap();
        let article = &outcome.feed.articles[0];
        assert_eq!(article.id, "1");
        assert_eq!(article.link.as_deref(), Some("https://example.com/a"));
        assert_eq!(article.tags[0].term, "Belarus");
        assert_eq!(article.enclosures[0].length, Some(10));
        assert_eq!(
            article.published.unwrap().offset().local_minus_utc(),
            9 * 3600
        );
    }

    #[test]
    fn json_that_is_not_a_feed_is_an_error() {
        assert!(read(r#"{"hello": 1}"#, &ReadOptions::default()).is_err());
    }
}
