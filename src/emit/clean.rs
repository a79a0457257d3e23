//! Cleans a feed for publishing: HTML sanitized, URLs absolute and safe, characters XML
//! cannot carry removed, dates no format can write dropped, and language tags, media
//! types, link relations and e-mail addresses repaired or dropped when malformed.
//!
//! Policy: a value that cannot be made valid is dropped, never written broken.
//! Entry point: [`clean_feed`].

use std::borrow::Cow;
use std::sync::Arc;

use url::Url;

use super::sanitize::{clean_html, strip_invalid_xml_chars};
use super::syntax::{
    is_email, is_link_relation, is_media_type, is_uri, is_uri_shaped, is_writable_date,
    language_tag,
};
use crate::model::{Article, Enclosure, Feed, Link, Person, Tag, Text, TextKind, Timestamp};

/// URL schemes that execute or embed code rather than point at a resource.
const DANGEROUS_SCHEMES: [&str; 3] = ["javascript", "vbscript", "data"];

/// `raw` as a URL fit to publish: an absolute URI, as written when it is one already and
/// otherwise in its normalized, percent-encoded form (spaces, non-ASCII paths and host
/// names). Relative references are resolved against `base`. `None` comes back for an
/// empty or unparsable URL, a relative one without a base (it would point wherever the
/// output happens to be published, not where its author meant) and one whose scheme runs
/// code (`javascript:`, `vbscript:`, `data:`).
pub(super) fn safe_url(raw: &str, base: Option<&Url>) -> Option<String> {
    checked_url(raw, base).map(|(written, _)| written)
}

/// [`safe_url`], with the parsed URL when the result is `raw` as written (trimmed): then
/// that parse is what parsing the result gives, and need not be done again.
fn checked_url(raw: &str, base: Option<&Url>) -> Option<(String, Option<Url>)> {
    let raw = strip_invalid_xml_chars(raw.trim());
    if raw.is_empty() {
        return None;
    }
    let (absolute, parsed_as_written) = match Url::parse(&raw) {
        Ok(url) => (url, true),
        Err(url::ParseError::RelativeUrlWithoutBase) => (base?.join(&raw).ok()?, false),
        Err(_) => return None,
    };
    if DANGEROUS_SCHEMES.contains(&absolute.scheme()) {
        return None;
    }
    // `is_uri` is its shape check plus a parse; `raw` parsed already, so the shape
    // decides (the common case: a URL written absolute and clean, parsed once).
    if parsed_as_written && is_uri_shaped(&raw) {
        return Some((raw.into_owned(), Some(absolute)));
    }
    let written = String::from(absolute);
    is_uri(&written).then_some((written, None))
}

/// `raw` parsed, if it is an absolute `http` or `https` URL: the only kind we resolve
/// relative URLs against.
pub(super) fn web_url(raw: &str) -> Option<Url> {
    Url::parse(raw).ok().filter(is_web)
}

fn is_web(url: &Url) -> bool {
    matches!(url.scheme(), "http" | "https")
}

/// Cleans `url` as [`clean_url`] does and returns what [`web_url`] gives for the result,
/// without parsing it again when the cleaning parsed it already.
fn clean_base_url(url: &mut Option<String>, base: Option<&Url>) -> Option<Url> {
    let (written, parsed) = url
        .as_deref()
        .and_then(|raw| checked_url(raw, base))
        .unzip();
    *url = written;
    match parsed.flatten() {
        Some(parsed) => Some(parsed).filter(is_web),
        None => url.as_deref().and_then(web_url),
    }
}

/// Cleans `feed` in place, resolving relative URLs against its own links, else
/// `base_url`; returns the base its texts and articles were resolved against. How an
/// article cleans depends on that base alone.
pub(super) fn clean_feed(feed: &mut Feed, base_url: Option<Url>) -> Option<Url> {
    let document_base = clean_base_url(&mut feed.self_link, None).or(base_url);
    let feed_base = clean_base_url(&mut feed.link, document_base.as_ref()).or(document_base);
    let base = feed_base.as_ref();

    clean_links(&mut feed.links, base);
    clean_string(&mut feed.id);
    clean_text(&mut feed.title, base);
    clean_text(&mut feed.description, base);
    clean_text(&mut feed.rights, base);
    clean_language(&mut feed.language);
    clean_date(&mut feed.updated);
    clean_date(&mut feed.published);
    feed.image = feed.image.take().and_then(|mut image| {
        image.url = safe_url(&image.url, base)?;
        clean_string(&mut image.title);
        clean_url(&mut image.link, base);
        Some(image)
    });
    clean_url(&mut feed.icon, base);
    clean_people(&mut feed.authors, base);
    if let Some(generator) = &mut feed.generator {
        strip_in_place(&mut generator.name);
        clean_string(&mut generator.version);
        clean_url(&mut generator.uri, base);
    }
    clean_tags(&mut feed.tags);
    for article in &mut feed.articles {
        clean_article(article, base);
    }
    feed_base
}

fn clean_article(article: &mut Article, feed_base: Option<&Url>) {
    let article_base = clean_base_url(&mut article.link, feed_base);
    let base = article_base.as_ref().or(feed_base);

    strip_in_place(&mut article.id);
    clean_text(&mut article.title, base);
    clean_links(&mut article.links, base);
    clean_people(&mut article.authors, base);
    clean_text(&mut article.summary, base);
    clean_text(&mut article.content, base);
    if article.content == article.summary {
        article.content = None;
    }
    clean_tags(&mut article.tags);
    clean_date(&mut article.published);
    clean_date(&mut article.updated);
    clean_enclosures(&mut article.enclosures, base);
    clean_url(&mut article.comments, base);
    clean_url(&mut article.image, base);
    clean_language(&mut article.language);
    clean_text(&mut article.rights, base);
    for source in article
        .source
        .iter_mut()
        .chain(article.merged_from.iter_mut())
    {
        let source = Arc::make_mut(source);
        clean_string(&mut source.title);
        clean_url(&mut source.url, feed_base);
        clean_url(&mut source.link, feed_base);
    }
    if article.id.trim().is_empty() {
        article.ensure_id();
    }
}

/// Sanitizes an HTML text (relative URLs resolved against `base`), strips characters XML
/// cannot carry, and drops a text left blank.
pub(super) fn clean_text(text: &mut Option<Text>, base: Option<&Url>) {
    *text = text.take().and_then(|text| {
        let value = match text.kind {
            TextKind::Html => strip_invalid_xml_chars(&clean_html(&text.value, base)).into_owned(),
            TextKind::Plain => strip_invalid_xml_chars(&text.value).into_owned(),
        };
        (!value.trim().is_empty()).then_some(Text {
            kind: text.kind,
            value,
        })
    });
}

/// Drops a date RFC 822 or RFC 3339 cannot write: chrono would panic writing the one and
/// write a five-digit year into the other.
pub(super) fn clean_date(date: &mut Option<Timestamp>) {
    *date = date.filter(is_writable_date);
}

fn clean_url(url: &mut Option<String>, base: Option<&Url>) {
    *url = url.as_deref().and_then(|raw| safe_url(raw, base));
}

fn clean_string(value: &mut Option<String>) {
    if let Some(inner) = value {
        strip_in_place(inner);
    }
    if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
        *value = None;
    }
}

/// [`clean_string`] for a value that may be a shared constant (link relations, media types).
fn clean_shared(value: &mut Option<Cow<'static, str>>) {
    if let Some(inner) = value
        && let Cow::Owned(stripped) = strip_invalid_xml_chars(inner)
    {
        *inner = Cow::Owned(stripped);
    }
    if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
        *value = None;
    }
}

fn strip_in_place(value: &mut String) {
    if let Cow::Owned(stripped) = strip_invalid_xml_chars(value) {
        *value = stripped;
    }
}

/// A language tag as BCP 47 writes it (`en_US` becomes `en-US`), or nothing.
fn clean_language(language: &mut Option<String>) {
    *language = language.as_deref().and_then(language_tag);
}

/// A media type, or nothing: `type/subtype` is what every format asks for.
fn clean_media_type(media_type: &mut Option<String>) {
    clean_string(media_type);
    *media_type = media_type.take().filter(|kind| is_media_type(kind));
}

/// An e-mail address (a `mailto:` prefix removed), or nothing. What was written there
/// instead still names the person when nothing else does.
fn clean_email(person: &mut Person) {
    clean_string(&mut person.email);
    let Some(raw) = person.email.take() else {
        return;
    };
    let address = raw.strip_prefix("mailto:").unwrap_or(&raw).trim();
    if is_email(address) {
        person.email = Some(address.to_owned());
    } else if person.name.is_none() {
        person.name = Some(raw);
    }
}

fn clean_links(links: &mut Vec<Link>, base: Option<&Url>) {
    links.retain_mut(|link| {
        let Some(href) = safe_url(&link.href, base) else {
            return false;
        };
        link.href = href;
        clean_shared(&mut link.rel);
        link.rel = link.rel.take().filter(|rel| is_link_relation(rel));
        clean_shared(&mut link.media_type);
        link.media_type = link.media_type.take().filter(|kind| is_media_type(kind));
        clean_string(&mut link.title);
        clean_language(&mut link.hreflang);
        true
    });
}

fn clean_people(people: &mut Vec<Person>, base: Option<&Url>) {
    for person in people.iter_mut() {
        clean_string(&mut person.name);
        clean_email(person);
        clean_url(&mut person.uri, base);
    }
    people.retain(|person| !person.is_empty());
}

fn clean_tags(tags: &mut Vec<Tag>) {
    for tag in tags.iter_mut() {
        strip_in_place(&mut tag.term);
        clean_string(&mut tag.label);
        clean_string(&mut tag.scheme);
    }
    tags.retain(|tag| !tag.term.trim().is_empty());
}

fn clean_enclosures(enclosures: &mut Vec<Enclosure>, base: Option<&Url>) {
    enclosures.retain_mut(|enclosure| {
        let Some(url) = safe_url(&enclosure.url, base) else {
            return false;
        };
        enclosure.url = url;
        clean_media_type(&mut enclosure.media_type);
        true
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://example.com/blog/").unwrap()
    }

    #[test]
    fn relative_urls_are_resolved_and_absolute_ones_kept_as_written() {
        assert_eq!(
            safe_url("post/1", Some(&base())).as_deref(),
            Some("https://example.com/blog/post/1")
        );
        assert_eq!(
            safe_url("https://Example.com", Some(&base())).as_deref(),
            Some("https://Example.com")
        );
    }

    #[test]
    fn relative_urls_without_a_base_are_dropped() {
        assert_eq!(safe_url("post/1", None), None);
        assert_eq!(safe_url("/home page/", None), None);
        assert_eq!(safe_url("//cdn.example.com/a.png", None), None);
    }

    #[test]
    fn non_ascii_urls_go_out_as_ascii_uris() {
        assert_eq!(
            safe_url("https://예시.example/에피소드.mp3", None).as_deref(),
            Some("https://xn--vv4b11d.example/%EC%97%90%ED%94%BC%EC%86%8C%EB%93%9C.mp3")
        );
        assert_eq!(
            safe_url("/posts/2?q=한국", Some(&base())).as_deref(),
            Some("https://example.com/posts/2?q=%ED%95%9C%EA%B5%AD")
        );
    }

    #[test]
    fn urls_that_run_code_or_do_not_parse_are_dropped() {
        assert_eq!(safe_url(" JavaScript:alert(1)", Some(&base())), None);
        assert_eq!(safe_url("vbscript:x", None), None);
        assert_eq!(safe_url("data:text/html,<script>", None), None);
        assert_eq!(safe_url("http://[::1", None), None);
        assert_eq!(safe_url("  ", None), None);
    }

    #[test]
    fn urls_with_spaces_go_out_percent_encoded() {
        assert_eq!(
            safe_url("https://example.com/a b", None).as_deref(),
            Some("https://example.com/a%20b")
        );
    }

    #[test]
    fn malformed_languages_media_types_relations_and_emails_are_repaired_or_dropped() {
        let feed = Feed {
            language: Some("ko_KR".into()),
            authors: vec![
                Person {
                    email: Some("mailto:kim@example.com".into()),
                    ..Person::default()
                },
                Person {
                    email: Some("Lee at the desk".into()),
                    ..Person::default()
                },
                Person {
                    name: Some("Park".into()),
                    email: Some("park@localhost".into()),
                    uri: None,
                },
            ],
            articles: vec![Article {
                id: "x".into(),
                language: Some("English".into()),
                links: vec![Link {
                    href: "https://example.com/a".into(),
                    rel: Some("two words".into()),
                    media_type: Some("html".into()),
                    hreflang: Some("en_GB".into()),
                    ..Link::default()
                }],
                enclosures: vec![Enclosure {
                    url: "https://example.com/a.mp3".into(),
                    media_type: Some("mp3".into()),
                    length: None,
                }],
                ..Article::default()
            }],
            ..Feed::default()
        };
        let mut prepared = feed;
        clean_feed(&mut prepared, None);
        assert_eq!(prepared.language.as_deref(), Some("ko-KR"));
        let people: Vec<_> = prepared
            .authors
            .iter()
            .map(|p| (p.name.as_deref(), p.email.as_deref()))
            .collect();
        assert_eq!(
            people,
            [
                (None, Some("kim@example.com")),
                (Some("Lee at the desk"), None),
                (Some("Park"), None),
            ]
        );
        let article = &prepared.articles[0];
        assert_eq!(article.language, None);
        let link = &article.links[0];
        assert_eq!(
            (link.rel.as_deref(), link.media_type.as_deref()),
            (None, None)
        );
        assert_eq!(link.hreflang.as_deref(), Some("en-GB"));
        assert_eq!(article.enclosures[0].media_type, None);
    }
}
