//! JSON Feed 1.1 rules (<https://www.jsonfeed.org/version/1.1/>).

use serde_json::{Map, Value};

use super::{is_absolute_uri, is_language_tag, is_mime_type, is_rfc3339, shown};

const VERSION: &str = "https://jsonfeed.org/version/1.1";

/// Top-level keys JSON Feed 1.1 defines; others must be extensions (`_name`).
const FEED_KEYS: [&str; 15] = [
    "version",
    "title",
    "home_page_url",
    "feed_url",
    "description",
    "user_comment",
    "next_url",
    "icon",
    "favicon",
    "authors",
    "language",
    "expired",
    "hubs",
    "items",
    // Deprecated in 1.1, reported on its own below.
    "author",
];
const ITEM_KEYS: [&str; 16] = [
    "id",
    "url",
    "external_url",
    "title",
    "content_html",
    "content_text",
    "summary",
    "image",
    "banner_image",
    "date_published",
    "date_modified",
    "authors",
    "tags",
    "language",
    "attachments",
    // Deprecated in 1.1, reported on its own below.
    "author",
];
const ATTACHMENT_KEYS: [&str; 5] = [
    "url",
    "mime_type",
    "title",
    "size_in_bytes",
    "duration_in_seconds",
];

pub fn check(bytes: &[u8]) -> Vec<String> {
    let mut errors = Vec::new();
    let document: Value = match serde_json::from_slice(bytes) {
        Ok(document) => document,
        Err(err) => return vec![format!("not JSON: {err}")],
    };
    let Some(feed) = document.as_object() else {
        return vec!["top level is not an object".to_owned()];
    };
    check_keys(feed, "feed", &FEED_KEYS, &mut errors);
    match feed.get("version") {
        Some(Value::String(version)) if version == VERSION => {}
        other => errors.push(format!(
            "feed: version is {}, not `{VERSION}`",
            found(other)
        )),
    }
    match feed.get("title") {
        Some(Value::String(title)) if !title.trim().is_empty() => {}
        Some(Value::String(_)) => errors.push("feed: title is empty".to_owned()),
        other => errors.push(format!("feed: title is {}, not a string", found(other))),
    }
    for key in ["description", "user_comment"] {
        check_string(feed, key, "feed", &mut errors);
    }
    for key in ["home_page_url", "feed_url", "next_url", "icon", "favicon"] {
        check_url(feed, key, "feed", &mut errors);
    }
    check_language(feed, "feed", &mut errors);
    check_authors(feed, "feed", &mut errors);
    if feed
        .get("expired")
        .is_some_and(|expired| !expired.is_boolean())
    {
        errors.push("feed: expired is not a boolean".to_owned());
    }
    if let Some(hubs) = feed.get("hubs") {
        check_hubs(hubs, &mut errors);
    }
    match feed.get("items") {
        Some(Value::Array(items)) => {
            for (idx, item) in items.iter().enumerate() {
                check_item(item, &format!("items[{idx}]"), &mut errors);
            }
        }
        other => errors.push(format!("feed: items is {}, not an array", found(other))),
    }
    errors
}

fn check_item(item: &Value, at: &str, errors: &mut Vec<String>) {
    let Some(item) = item.as_object() else {
        errors.push(format!("{at}: not an object"));
        return;
    };
    check_keys(item, at, &ITEM_KEYS, errors);
    match item.get("id") {
        Some(Value::String(id)) if !id.trim().is_empty() => {}
        Some(Value::String(_)) => errors.push(format!("{at}: id is empty")),
        other => errors.push(format!("{at}: id is {}, not a string", found(other))),
    }
    let html = item.get("content_html");
    let text = item.get("content_text");
    if html.is_none() && text.is_none() {
        errors.push(format!("{at}: neither content_html nor content_text"));
    }
    for key in ["content_html", "content_text", "title", "summary"] {
        check_string(item, key, at, errors);
    }
    for key in ["url", "external_url", "image", "banner_image"] {
        check_url(item, key, at, errors);
    }
    for key in ["date_published", "date_modified"] {
        match item.get(key) {
            None => {}
            Some(Value::String(date)) if is_rfc3339(date) => {}
            Some(other) => errors.push(format!(
                "{at}: {key} {} is not an RFC 3339 date-time",
                shown(&other.to_string())
            )),
        }
    }
    if let Some(tags) = item.get("tags") {
        match tags.as_array() {
            Some(tags) if tags.iter().all(Value::is_string) => {}
            _ => errors.push(format!("{at}: tags is not an array of strings")),
        }
    }
    check_language(item, at, errors);
    check_authors(item, at, errors);
    if let Some(attachments) = item.get("attachments") {
        match attachments.as_array() {
            Some(attachments) => {
                for (idx, attachment) in attachments.iter().enumerate() {
                    check_attachment(attachment, &format!("{at}/attachments[{idx}]"), errors);
                }
            }
            None => errors.push(format!("{at}: attachments is not an array")),
        }
    }
}

fn check_attachment(attachment: &Value, at: &str, errors: &mut Vec<String>) {
    let Some(attachment) = attachment.as_object() else {
        errors.push(format!("{at}: not an object"));
        return;
    };
    check_keys(attachment, at, &ATTACHMENT_KEYS, errors);
    match attachment.get("url") {
        Some(Value::String(_)) => check_url(attachment, "url", at, errors),
        _ => errors.push(format!("{at}: no url string")),
    }
    match attachment.get("mime_type") {
        Some(Value::String(kind)) if is_mime_type(kind) => {}
        Some(Value::String(kind)) => {
            errors.push(format!(
                "{at}: mime_type `{}` is not a MIME type",
                shown(kind)
            ));
        }
        _ => errors.push(format!("{at}: no mime_type string")),
    }
    check_string(attachment, "title", at, errors);
    for key in ["size_in_bytes", "duration_in_seconds"] {
        if let Some(number) = attachment.get(key)
            && number.as_f64().is_none_or(|n| n < 0.0)
        {
            errors.push(format!("{at}: {key} is not a non-negative number"));
        }
    }
}

/// `authors`: an array of objects, each with a name, url or avatar; never 1.0's `author`.
fn check_authors(object: &Map<String, Value>, at: &str, errors: &mut Vec<String>) {
    if object.contains_key("author") {
        errors.push(format!("{at}: deprecated JSON Feed 1.0 `author` key"));
    }
    let Some(authors) = object.get("authors") else {
        return;
    };
    let Some(authors) = authors.as_array() else {
        errors.push(format!("{at}: authors is not an array"));
        return;
    };
    for (idx, author) in authors.iter().enumerate() {
        let author_at = format!("{at}/authors[{idx}]");
        let Some(author) = author.as_object() else {
            errors.push(format!("{author_at}: not an object"));
            continue;
        };
        check_keys(author, &author_at, &["name", "url", "avatar"], errors);
        if !["name", "url", "avatar"]
            .iter()
            .any(|key| author.contains_key(*key))
        {
            errors.push(format!("{author_at}: none of name, url, avatar"));
        }
        check_string(author, "name", &author_at, errors);
        check_url(author, "url", &author_at, errors);
        check_url(author, "avatar", &author_at, errors);
    }
}

fn check_hubs(hubs: &Value, errors: &mut Vec<String>) {
    let Some(hubs) = hubs.as_array() else {
        errors.push("feed: hubs is not an array".to_owned());
        return;
    };
    for (idx, hub) in hubs.iter().enumerate() {
        let at = format!("feed/hubs[{idx}]");
        match hub.as_object() {
            Some(hub) if hub.get("type").is_some_and(Value::is_string) => {
                check_url(hub, "url", &at, errors);
                if !hub.contains_key("url") {
                    errors.push(format!("{at}: no url"));
                }
            }
            _ => errors.push(format!("{at}: not an object with a type and url")),
        }
    }
}

/// Keys are defined by the spec or are extensions starting with `_`.
fn check_keys(object: &Map<String, Value>, at: &str, known: &[&str], errors: &mut Vec<String>) {
    for key in object.keys() {
        if !known.contains(&key.as_str()) && !key.starts_with('_') {
            errors.push(format!(
                "{at}: unknown key `{key}` (extensions start with `_`)"
            ));
        }
    }
}

fn check_string(object: &Map<String, Value>, key: &str, at: &str, errors: &mut Vec<String>) {
    if object.get(key).is_some_and(|value| !value.is_string()) {
        errors.push(format!("{at}: {key} is not a string"));
    }
}

fn check_url(object: &Map<String, Value>, key: &str, at: &str, errors: &mut Vec<String>) {
    match object.get(key) {
        None => {}
        Some(Value::String(url)) if is_absolute_uri(url) => {}
        Some(other) => errors.push(format!(
            "{at}: {key} {} is not an absolute URL",
            shown(&other.to_string())
        )),
    }
}

fn check_language(object: &Map<String, Value>, at: &str, errors: &mut Vec<String>) {
    match object.get("language") {
        None => {}
        Some(Value::String(language)) if is_language_tag(language) => {}
        Some(other) => errors.push(format!(
            "{at}: language {} is not a language tag",
            shown(&other.to_string())
        )),
    }
}

/// A value for an error message: `missing`, or its JSON, shortened.
fn found(value: Option<&Value>) -> String {
    value.map_or_else(|| "missing".to_owned(), |value| shown(&value.to_string()))
}
