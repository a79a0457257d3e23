//! Turns a model [`Feed`] into the cleaned form every writer starts from.
//!
//! Policy: HTML is sanitized, URLs are made absolute (article link, then feed link, then
//! [`EmitOptions::base_url`]) and dropped when no base is known, when their scheme could
//! run code or when they cannot be written as a URI, characters XML
//! cannot carry are removed, dates no format can write (years past 9999) are dropped,
//! language tags, media types, link relations and e-mail addresses are repaired or
//! dropped when malformed, and every article gets an id. Values a format requires but the feed lacks get
//! deterministic fallbacks, never the wall clock.
//! Entry point: [`Prepared::new`].

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use url::Url;

use super::EmitOptions;
use super::sanitize::{clean_html, strip_invalid_xml_chars};
use super::syntax::{
    is_absolute_iri, is_email, is_link_relation, is_media_type, is_uri, is_writable_date,
    language_tag,
};
use crate::model::{Article, Enclosure, Feed, Link, Person, Tag, Text, TextKind, Timestamp};

/// Title used when a feed states none.
const UNTITLED_FEED: &str = "Untitled feed";
/// Title used when an article has neither title nor any text to take one from.
const UNTITLED_ARTICLE: &str = "Untitled";
/// How many characters of an article's text become its title when it has none.
const TITLE_EXCERPT_CHARS: usize = 80;
/// URL schemes that execute or embed code rather than point at a resource.
const DANGEROUS_SCHEMES: [&str; 3] = ["javascript", "vbscript", "data"];

/// A feed ready to write: cleaned, plus the fallbacks the writers share.
#[derive(Debug)]
pub(super) struct Prepared {
    /// The feed with HTML sanitized, URLs absolute and safe, strings XML-clean and an id
    /// on every article. Content equal to the summary is removed.
    pub(super) feed: Feed,
    /// The URL the output will be published at, if given and safe.
    pub(super) self_url: Option<String>,
    /// [`EmitOptions::base_url`], if given and safe.
    base_url: Option<String>,
    /// See [`Prepared::known_updated`].
    known_updated: Option<Timestamp>,
}

impl Prepared {
    /// Cleans `feed` for writing with `options`.
    pub(super) fn new(feed: &Feed, options: &EmitOptions) -> Self {
        let base_url = options.base_url.as_deref().and_then(|u| safe_url(u, None));
        let mut feed = feed.clone();
        clean_feed(&mut feed, base_url.as_deref().and_then(web_url));
        let known_updated = feed
            .updated
            .or_else(|| newest_article_date(&feed))
            .or(options.now.filter(is_writable_date));
        Prepared {
            feed,
            self_url: options.self_url.as_deref().and_then(|u| safe_url(u, None)),
            base_url,
            known_updated,
        }
    }

    /// The feed's title, or [`UNTITLED_FEED`].
    pub(super) fn title(&self) -> Text {
        self.feed
            .title
            .clone()
            .unwrap_or_else(|| Text::plain(UNTITLED_FEED))
    }

    /// The feed's title as plain text, or [`UNTITLED_FEED`] when it has none or it is
    /// markup without text (an HTML title holding only an image).
    pub(super) fn plain_title(&self) -> String {
        self.feed
            .title
            .as_ref()
            .map(Text::to_plain)
            .filter(|title| !title.trim().is_empty())
            .unwrap_or_else(|| UNTITLED_FEED.to_owned())
    }

    /// A link for the feed as a whole: its home page, else the output's or the source's
    /// own URL, else the base URL, else the site of its first linked article.
    pub(super) fn any_link(&self) -> Option<String> {
        let feed = &self.feed;
        feed.link
            .clone()
            .or_else(|| self.self_url.clone())
            .or_else(|| feed.self_link.clone())
            .or_else(|| self.base_url.clone())
            .or_else(|| {
                feed.articles
                    .iter()
                    .filter_map(|article| article.link.as_deref().and_then(web_url))
                    .map(|url| url.join("/").map_or_else(|_| url.to_string(), String::from))
                    .next()
            })
    }

    /// The feed's stable id, always an absolute IRI: the stated one (see [`iri_id`]),
    /// else the output URL, else the home page, else a `urn:uuid:` derived from title and
    /// description.
    pub(super) fn feed_id(&self) -> String {
        let feed = &self.feed;
        feed.id
            .as_deref()
            .map(iri_id)
            .or_else(|| self.self_url.clone())
            .or_else(|| feed.link.clone())
            .unwrap_or_else(|| {
                let title = feed.title.as_ref().map_or("", |t| t.value.as_str());
                let description = feed.description.as_ref().map_or("", |t| t.value.as_str());
                crate::model::derived_urn(&["feed", title, description])
            })
    }

    /// When the feed last changed: as stated, else its newest article, else
    /// [`EmitOptions::now`]; `None` when none of those is known.
    pub(super) fn known_updated(&self) -> Option<Timestamp> {
        self.known_updated
    }

    /// [`Prepared::known_updated`], falling back to the Unix epoch so output is
    /// reproducible.
    pub(super) fn updated(&self) -> Timestamp {
        self.known_updated()
            .unwrap_or_else(|| DateTime::<Utc>::UNIX_EPOCH.fixed_offset())
    }

    /// When `article` last changed: as stated, else when published, else the feed's
    /// [`Prepared::updated`] (the article existed by then).
    pub(super) fn article_updated(&self, article: &Article) -> Timestamp {
        article
            .updated
            .or(article.published)
            .unwrap_or_else(|| self.updated())
    }
}

/// The latest date any article carries (its updated, else its published date).
fn newest_article_date(feed: &Feed) -> Option<Timestamp> {
    feed.articles
        .iter()
        .filter_map(|article| article.updated.or(article.published))
        .max()
}

/// `id` as an absolute IRI, as Atom requires of every id: trimmed and as stated when it
/// is one, else a `urn:uuid:` derived from it, so the same id always maps to the same IRI.
pub(super) fn iri_id(id: &str) -> String {
    let trimmed = id.trim();
    if is_absolute_iri(trimmed) {
        trimmed.to_owned()
    } else {
        crate::model::derived_urn(&["id", id])
    }
}

/// The title to use for an article that has none: the start of its summary or content,
/// else [`UNTITLED_ARTICLE`].
pub(super) fn fallback_article_title(article: &Article) -> String {
    [&article.summary, &article.content]
        .into_iter()
        .flatten()
        .map(|text| excerpt(&text.to_plain(), TITLE_EXCERPT_CHARS))
        .find(|excerpt| !excerpt.is_empty())
        .unwrap_or_else(|| UNTITLED_ARTICLE.to_owned())
}

/// `raw` as a URL fit to publish: an absolute URI, as written when it is one already and
/// otherwise in its normalized, percent-encoded form (spaces, non-ASCII paths and host
/// names). Relative references are resolved against `base`. `None` comes back for an
/// empty or unparsable URL, a relative one without a base (it would point wherever the
/// output happens to be published, not where its author meant) and one whose scheme runs
/// code (`javascript:`, `vbscript:`, `data:`).
pub(super) fn safe_url(raw: &str, base: Option<&Url>) -> Option<String> {
    let raw = strip_invalid_xml_chars(raw.trim());
    if raw.is_empty() {
        return None;
    }
    let absolute = match Url::parse(&raw) {
        Ok(url) => url,
        Err(url::ParseError::RelativeUrlWithoutBase) => base?.join(&raw).ok()?,
        Err(_) => return None,
    };
    if DANGEROUS_SCHEMES.contains(&absolute.scheme()) {
        return None;
    }
    let written = if is_uri(&raw) {
        raw.into_owned()
    } else {
        String::from(absolute)
    };
    is_uri(&written).then_some(written)
}

/// `raw` parsed, if it is an absolute `http` or `https` URL: the only kind we resolve
/// relative URLs against.
fn web_url(raw: &str) -> Option<Url> {
    Url::parse(raw)
        .ok()
        .filter(|url| matches!(url.scheme(), "http" | "https"))
}

/// The first `max_chars` characters of `text`, whitespace collapsed, cut at a word
/// boundary and marked with an ellipsis when shortened.
fn excerpt(text: &str, max_chars: usize) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() <= max_chars {
        return collapsed;
    }
    let cut: String = collapsed.chars().take(max_chars).collect();
    let at_word = cut.rfind(' ').map_or(cut.as_str(), |space| &cut[..space]);
    format!("{}…", at_word.trim_end())
}

fn clean_feed(feed: &mut Feed, base_url: Option<Url>) {
    clean_url(&mut feed.self_link, None);
    let document_base = feed.self_link.as_deref().and_then(web_url).or(base_url);
    clean_url(&mut feed.link, document_base.as_ref());
    let base = feed.link.as_deref().and_then(web_url).or(document_base);
    let base = base.as_ref();

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
}

fn clean_article(article: &mut Article, feed_base: Option<&Url>) {
    clean_url(&mut article.link, feed_base);
    let article_base = article.link.as_deref().and_then(web_url);
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
    if let Some(source) = &mut article.source {
        clean_string(&mut source.title);
        clean_url(&mut source.url, feed_base);
        clean_url(&mut source.link, feed_base);
    }
    if article.id.trim().is_empty() {
        article.ensure_id();
    }
}

fn clean_text(text: &mut Option<Text>, base: Option<&Url>) {
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
fn clean_date(date: &mut Option<Timestamp>) {
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
        clean_string(&mut link.rel);
        link.rel = link.rel.take().filter(|rel| is_link_relation(rel));
        clean_media_type(&mut link.media_type);
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
    fn ids_that_are_not_iris_map_to_stable_urns() {
        assert_eq!(iri_id(" tag:example.com,2024:1 "), "tag:example.com,2024:1");
        assert_eq!(
            iri_id("https://example.com/한국"),
            "https://example.com/한국"
        );
        let derived = iri_id("harbor-times-2025-0909-0042");
        assert!(derived.starts_with("urn:uuid:"), "{derived}");
        assert_eq!(derived, iri_id("harbor-times-2025-0909-0042"));
        assert_ne!(derived, iri_id("harbor-times-2025-0909-0043"));
        assert!(iri_id("https://example.com/a b").starts_with("urn:uuid:"));
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
        let prepared = Prepared::new(&feed, &EmitOptions::default()).feed;
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

    #[test]
    fn long_text_is_cut_at_a_word_boundary_with_an_ellipsis() {
        assert_eq!(excerpt("one two  three", 80), "one two three");
        assert_eq!(excerpt("one two three", 9), "one two…");
    }

    #[test]
    fn articles_without_ids_take_their_link_or_a_content_hash() {
        let feed = Feed {
            articles: vec![
                Article {
                    link: Some("/a".into()),
                    ..Article::default()
                },
                Article {
                    title: Some(Text::plain("no link")),
                    ..Article::default()
                },
            ],
            ..Feed::default()
        };
        let options = EmitOptions {
            base_url: Some("https://example.com/".into()),
            ..EmitOptions::default()
        };
        let prepared = Prepared::new(&feed, &options);
        let [with_link, without] = &prepared.feed.articles[..] else {
            panic!("two articles expected");
        };
        assert_eq!(with_link.id, "https://example.com/a");
        assert_eq!(with_link.id_origin, crate::model::IdOrigin::FromLink);
        assert!(without.id.starts_with("urn:uuid:"));
        assert_eq!(without.id_origin, crate::model::IdOrigin::FromHash);
    }

    #[test]
    fn updated_prefers_the_feed_then_the_newest_article_then_now_then_the_epoch() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap();
        let mut feed = Feed {
            articles: vec![
                Article {
                    published: Some(at("2024-01-01T00:00:00+09:00")),
                    ..Article::default()
                },
                Article {
                    updated: Some(at("2024-02-01T00:00:00+09:00")),
                    ..Article::default()
                },
            ],
            ..Feed::default()
        };
        let options = EmitOptions {
            now: Some(at("2030-01-01T00:00:00Z")),
            ..EmitOptions::default()
        };
        let newest = Prepared::new(&feed, &options).updated();
        assert_eq!(newest.to_rfc3339(), "2024-02-01T00:00:00+09:00");

        feed.updated = Some(at("2023-05-05T05:05:05-04:00"));
        assert_eq!(
            Prepared::new(&feed, &options).updated(),
            feed.updated.unwrap()
        );

        feed.updated = None;
        feed.articles.clear();
        assert_eq!(
            Prepared::new(&feed, &options).updated(),
            options.now.unwrap()
        );
        let epoch = Prepared::new(&feed, &EmitOptions::default()).updated();
        assert_eq!(epoch.timestamp(), 0);
    }

    #[test]
    fn dates_no_format_can_write_are_dropped_so_fallbacks_apply() {
        use chrono::TimeZone;
        let far_future = Utc
            .with_ymd_and_hms(12_345, 1, 1, 0, 0, 0)
            .unwrap()
            .fixed_offset();
        let feed = Feed {
            updated: Some(far_future),
            articles: vec![Article {
                id: "x".into(),
                published: Some(far_future),
                updated: Some(far_future),
                ..Article::default()
            }],
            ..Feed::default()
        };
        let prepared = Prepared::new(&feed, &EmitOptions::default());
        assert_eq!(prepared.feed.updated, None);
        assert_eq!(prepared.feed.articles[0].published, None);
        assert_eq!(prepared.feed.articles[0].updated, None);
        assert_eq!(prepared.updated().timestamp(), 0);
    }

    #[test]
    fn content_equal_to_the_summary_is_dropped() {
        let feed = Feed {
            articles: vec![Article {
                id: "x".into(),
                summary: Some(Text::html("<p>same</p>")),
                content: Some(Text::html("<p>same</p>")),
                ..Article::default()
            }],
            ..Feed::default()
        };
        let prepared = Prepared::new(&feed, &EmitOptions::default());
        assert_eq!(prepared.feed.articles[0].content, None);
        assert!(prepared.feed.articles[0].summary.is_some());
    }
}
