//! Puts finished fields into the feed or article being built, with the precedence rules
//! between alternatives (`pubDate` over `dc:date`, `description` over `itunes:summary` …).
//!
//! Policy: the first value of a field wins; fallbacks fill only what is still empty;
//! a date that cannot be parsed is dropped with a warning.

use std::borrow::Cow;
use std::sync::Arc;

use url::Url;

use super::capture::{Attributes, Finished, attribute, attribute_values};
use super::elements::{AttrElement, Context, Field};
use super::markup::resolve_url;
use super::names::Ns;
use super::target::Target;
use super::values::{
    alternate, field_element_name, format_for_root, looks_like_url, parse_duration, parse_explicit,
    parse_rss_person, resolve_relative_id, set_if_none,
};
use crate::model::{
    Article, Enclosure, Feed, Generator, Image, Link, Person, SourceRef, Text, TextKind, Timestamp,
};
use crate::source::date;
use crate::source::feed::{FeedFormat, Warning, WarningKind};

/// What a feed or article collected that only decides something at its end.
#[derive(Debug, Default)]
struct Pending {
    dc_date: Option<Timestamp>,
    created: Option<Timestamp>,
    fallback_title: Option<Text>,
    fallback_summary: Option<Text>,
    permalink_guid: Option<String>,
    rdf_about: Option<String>,
    contributors: Vec<Person>,
}

/// Builds the model from the reader's callbacks.
#[derive(Debug, Default)]
pub(super) struct Builder {
    pub format: Option<FeedFormat>,
    pub root_name: String,
    pub warnings: Vec<Warning>,
    feed: Feed,
    feed_pending: Pending,
    article: Option<(Article, Pending)>,
    person: Option<(Person, bool)>,
    image: Option<Image>,
    root_language: Option<String>,
    /// The transport's `Content-Language`, used when the document states no language.
    default_language: Option<String>,
    /// The text buffer of the last date read, emptied, for the next date to read into.
    spare: String,
}

impl Builder {
    /// A builder whose feed falls back to `default_language` (the transport's
    /// `Content-Language`) when the document states none.
    pub fn new(default_language: Option<String>) -> Self {
        Builder {
            default_language,
            ..Builder::default()
        }
    }

    /// An empty buffer for a field's text: for a date, the last date's buffer (dates
    /// are short and alike, so one buffer serves a whole document's dates).
    pub fn buffer_for(&mut self, field: Field) -> String {
        if is_date(field) {
            std::mem::take(&mut self.spare)
        } else {
            String::new()
        }
    }

    pub fn root(&mut self, ns: Ns, local: &str, attributes: &Attributes<'_>) {
        self.root_name = local.to_owned();
        let version = attribute(attributes, "version");
        self.format = format_for_root(ns, local, version);
        if self.format == Some(FeedFormat::Rss10)
            && attributes.iter().any(|(key, value)| {
                *key == "xmlns" && value.contains("netscape.com/rdf/simple/0.9")
            })
        {
            self.format = Some(FeedFormat::Rss090);
        }
    }

    /// True when the root element is an Atom `<entry>` (an Atom Entry Document).
    pub fn is_entry_document(&self) -> bool {
        self.root_name == "entry" && self.is_atom()
    }

    pub fn is_atom(&self) -> bool {
        matches!(self.format, Some(FeedFormat::Atom03 | FeedFormat::Atom10))
    }

    /// The Atom namespace matching the document's version.
    pub fn atom_ns(&self) -> Ns {
        match self.format {
            Some(FeedFormat::Atom03) => Ns::Atom03,
            _ => Ns::Atom10,
        }
    }

    pub fn root_language(&mut self, lang: String) {
        self.root_language.get_or_insert(lang);
    }

    pub fn start_article(&mut self, attributes: &Attributes<'_>, lang: Option<String>) {
        let pending = Pending {
            rdf_about: attribute(attributes, "about").map(|a| a.trim().to_owned()),
            ..Pending::default()
        };
        let article = Article {
            language: lang,
            ..Article::default()
        };
        self.article = Some((article, pending));
    }

    pub fn end_article(&mut self) {
        let Some((mut article, pending)) = self.article.take() else {
            return;
        };
        if article.published.is_none() {
            article.published = pending.created;
        }
        match (article.published, article.updated) {
            (None, _) => article.published = pending.dc_date,
            (Some(_), None) => article.updated = pending.dc_date,
            _ => {}
        }
        if article.title.is_none() {
            article.title = pending.fallback_title;
        }
        if article.summary.is_none() {
            article.summary = pending.fallback_summary;
        }
        if article.link.is_none() {
            article.link = pending.permalink_guid;
        }
        if article.id.is_empty() {
            article.id = pending.rdf_about.unwrap_or_default();
        }
        article.authors.extend(pending.contributors);
        self.feed.articles.push(article);
    }

    /// Drops an article the document ended in the middle of.
    pub fn abandon_open_article(&mut self) {
        self.article = None;
        self.person = None;
        self.image = None;
    }

    pub fn start_person(&mut self, contributor: bool) {
        self.person = Some((Person::default(), contributor));
    }

    pub fn end_person(&mut self) {
        let Some((person, contributor)) = self.person.take() else {
            return;
        };
        if person.is_empty() {
            return;
        }
        match (&mut self.article, contributor) {
            (Some((_, pending)), true) => pending.contributors.push(person),
            (Some((article, _)), false) => article.authors.push(person),
            (None, true) => self.feed_pending.contributors.push(person),
            (None, false) => self.feed.authors.push(person),
        }
    }

    pub fn start_image(&mut self) {
        self.image = Some(Image::default());
    }

    pub fn end_image(&mut self) {
        if let Some(image) = self.image.take().filter(|image| !image.url.is_empty()) {
            self.feed.image.get_or_insert(image);
        }
    }

    fn date(&mut self, value: &str, element: &str) -> Option<Timestamp> {
        let value = value.trim();
        if value.is_empty() {
            return None;
        }
        let parsed = date::parse(value);
        if parsed.is_none() {
            self.warnings.push(Warning {
                kind: WarningKind::Date,
                message: format!("could not understand the date `{value}` in <{element}>"),
                line: None,
            });
        }
        parsed
    }

    /// Stores a finished field in the person, image, article or feed being built.
    pub fn apply(&mut self, finished: Finished, context: Option<Context>) {
        match context {
            Some(Context::Person) => return self.apply_person(finished),
            Some(Context::Image) => return self.apply_image(finished),
            _ => {}
        }
        let Finished {
            field,
            value,
            attributes,
            base,
        } = finished;
        let attribute = |name: &str| attribute(&attributes, name);
        // Text constructs move their value into the model whole; the other fields read
        // it as a string, which is moved out rather than copied.
        let (text, plain) = if field.is_text_construct() {
            (value, String::new())
        } else if value.kind == TextKind::Html && value.value.contains('<') {
            // Child elements in a plain field (an `<image>` inside a `<category>`) are
            // not its value: only its own text is, as feedparser reads it.
            (Text::default(), own_text(&value.value))
        } else {
            (Text::default(), value.value)
        };
        let (date, plain) = if is_date(field) {
            let date = self.date(&plain, field_element_name(field));
            // A date keeps nothing of its text: the buffer serves the next date.
            let mut buffer = plain;
            buffer.clear();
            self.spare = buffer;
            (date, String::new())
        } else {
            (None, plain)
        };
        let in_article = self.article.is_some();
        let (target, pending) = match self.article.as_mut() {
            Some((article, pending)) => (Target::Article(article), pending),
            None => (Target::Feed(&mut self.feed), &mut self.feed_pending),
        };
        match field {
            Field::Title => target.set_title(text),
            Field::FallbackTitle => set_if_none(&mut pending.fallback_title, text),
            Field::Summary => target.set_summary(text),
            Field::FallbackSummary => set_if_none(&mut pending.fallback_summary, text),
            Field::Content => match target {
                Target::Article(article) => set_if_none(&mut article.content, text),
                Target::Feed(_) => {}
            },
            Field::Link => {
                if !plain.is_empty() {
                    let href = resolve_url(base.as_deref(), &plain);
                    target.add_link(alternate(href), true);
                }
            }
            Field::Id => target.set_id(resolve_relative_id(base.as_deref(), plain)),
            Field::Guid => {
                let permalink =
                    attribute("ispermalink").is_none_or(|v| v.trim().eq_ignore_ascii_case("true"));
                if permalink && in_article && looks_like_url(&plain) {
                    pending.permalink_guid = Some(resolve_url(base.as_deref(), &plain));
                }
                target.set_id(plain);
            }
            Field::Published => target.set_published(date),
            Field::Updated => target.set_updated(date),
            Field::Created => pending.created = pending.created.or(date),
            Field::DcDate => pending.dc_date = pending.dc_date.or(date),
            Field::RssAuthor => target.add_author(parse_rss_person(&plain)),
            Field::Creator => target.add_author(Person {
                name: Some(plain).filter(|n| !n.is_empty()),
                ..Person::default()
            }),
            Field::Category => {
                let scheme = attribute("domain").map(|d| d.trim().to_owned());
                target.add_tag(plain, scheme.filter(|s| !s.is_empty()), None);
            }
            Field::Keywords => {
                target.add_tags(plain.split(',').map(|k| k.trim().to_owned()));
            }
            Field::Comments => {
                if let Target::Article(article) = target {
                    set_if_none(&mut article.comments, resolve_url(base.as_deref(), &plain));
                }
            }
            Field::Language => target.set_language(plain),
            Field::Rights => target.set_rights(text),
            Field::Generator => {
                if let Target::Feed(feed) = target {
                    let uri = attribute("uri").or(attribute("url"));
                    feed.generator.get_or_insert(Generator {
                        name: plain,
                        uri: uri.map(|u| resolve_url(base.as_deref(), u)),
                        version: attribute("version").map(str::to_owned),
                    });
                }
            }
            Field::Icon => {
                if let Target::Feed(feed) = target {
                    set_if_none(&mut feed.icon, resolve_url(base.as_deref(), &plain));
                }
            }
            Field::Logo => {
                if let Target::Feed(feed) = target {
                    feed.image.get_or_insert(Image {
                        url: resolve_url(base.as_deref(), &plain),
                        ..Image::default()
                    });
                }
            }
            Field::Source => {
                if let Target::Article(article) = target {
                    article.source.get_or_insert_with(|| {
                        Arc::new(SourceRef {
                            title: Some(plain).filter(|t| !t.is_empty()),
                            url: attribute("url").map(|u| resolve_url(base.as_deref(), u)),
                            link: None,
                        })
                    });
                }
            }
            Field::Duration => {
                if let Target::Article(article) = target {
                    article.duration_seconds = parse_duration(&plain);
                }
            }
            Field::Explicit => target.set_explicit(parse_explicit(&plain)),
            Field::PersonName
            | Field::PersonEmail
            | Field::PersonUri
            | Field::ImageUrl
            | Field::ImageTitle
            | Field::ImageLink => {}
        }
    }

    fn apply_person(&mut self, finished: Finished) {
        let Some((person, _)) = self.person.as_mut() else {
            return;
        };
        let value = into_plain(finished.value);
        if value.is_empty() {
            return;
        }
        match finished.field {
            Field::PersonName => set_if_none(&mut person.name, value),
            Field::PersonEmail => set_if_none(&mut person.email, value),
            Field::PersonUri => {
                set_if_none(
                    &mut person.uri,
                    resolve_url(finished.base.as_deref(), &value),
                );
            }
            _ => {}
        }
    }

    fn apply_image(&mut self, finished: Finished) {
        let Some(image) = self.image.as_mut() else {
            return;
        };
        let value = into_plain(finished.value);
        match finished.field {
            Field::ImageUrl => image.url = resolve_url(finished.base.as_deref(), &value),
            Field::ImageTitle => image.title = Some(value),
            Field::ImageLink => image.link = Some(resolve_url(finished.base.as_deref(), &value)),
            _ => {}
        }
    }

    /// Reads an element that carries its data in attributes (Atom links and categories,
    /// enclosures, Media RSS, iTunes images and categories).
    pub fn attributes_element(
        &mut self,
        element: AttrElement,
        attributes: &Attributes<'_>,
        base: Option<&Url>,
    ) {
        let target = match self.article.as_mut() {
            Some((article, _)) => Target::Article(article),
            None => Target::Feed(&mut self.feed),
        };
        match element {
            AttrElement::AtomLink => {
                let [href, url, rel, media_type, title, hreflang, length] = attribute_values(
                    attributes,
                    ["href", "url", "rel", "type", "title", "hreflang", "length"],
                );
                let Some(href) = href.or(url) else {
                    return;
                };
                let link = Link {
                    href: resolve_url(base, href),
                    rel: Some(rel.map_or(Cow::Borrowed("alternate"), Link::shared_rel)),
                    media_type: media_type.map(Link::shared_media_type),
                    title: title.map(str::to_owned),
                    hreflang: hreflang.map(str::to_owned),
                    length: length.and_then(|l| l.parse().ok()),
                };
                target.add_atom_link(link);
            }
            AttrElement::AtomCategory => {
                let [term, scheme, label] =
                    attribute_values(attributes, ["term", "scheme", "label"]);
                if let Some(term) = term {
                    target.add_tag(
                        term.to_owned(),
                        scheme.map(str::to_owned),
                        label.map(str::to_owned),
                    );
                }
            }
            AttrElement::Enclosure | AttrElement::MediaContent => {
                let [url, media_type, length, file_size, medium] =
                    attribute_values(attributes, ["url", "type", "length", "filesize", "medium"]);
                let Some(url) = url else {
                    return;
                };
                let enclosure = Enclosure {
                    url: resolve_url(base, url),
                    media_type: media_type.map(str::to_owned),
                    length: length.or(file_size).and_then(|l| l.parse().ok()),
                };
                let is_image =
                    medium == Some("image") || media_type.is_some_and(|t| t.starts_with("image/"));
                if let Target::Article(article) = target {
                    if element == AttrElement::MediaContent && is_image && article.image.is_none() {
                        article.image = Some(enclosure.url.clone());
                    }
                    if !article.enclosures.iter().any(|e| e.url == enclosure.url) {
                        article.enclosures.push(enclosure);
                    }
                }
            }
            AttrElement::MediaThumbnail | AttrElement::ItunesImage => {
                let [url, href] = attribute_values(attributes, ["url", "href"]);
                let Some(url) = url.or(href) else {
                    return;
                };
                let url = resolve_url(base, url);
                match target {
                    Target::Article(article) => set_if_none(&mut article.image, url),
                    Target::Feed(feed) => {
                        feed.image.get_or_insert(Image {
                            url,
                            ..Image::default()
                        });
                    }
                }
            }
            AttrElement::ItunesCategory => {
                let [text] = attribute_values(attributes, ["text"]);
                if let Some(text) = text {
                    target.add_tag(text.to_owned(), Some("itunes".to_owned()), None);
                }
            }
        }
    }

    /// Completes the feed: fallbacks, then the feed's language.
    pub fn into_feed(mut self) -> (Feed, Vec<Warning>) {
        let pending = std::mem::take(&mut self.feed_pending);
        let feed = &mut self.feed;
        if feed.updated.is_none() {
            feed.updated = pending.dc_date;
        }
        if feed.published.is_none() {
            feed.published = pending.created;
        }
        if feed.title.is_none() {
            feed.title = pending.fallback_title;
        }
        if feed.description.is_none() {
            feed.description = pending.fallback_summary;
        }
        feed.authors.extend(pending.contributors);
        if feed.language.is_none() {
            feed.language = self
                .root_language
                .take()
                .or(self.default_language.take())
                .filter(|l| !l.is_empty());
        }
        if let Some(language) = feed.language.as_mut() {
            *language = language.trim().replace('_', "-");
        }
        (self.feed, self.warnings)
    }
}

/// True for the fields read as dates, whose text is not kept once parsed.
fn is_date(field: Field) -> bool {
    matches!(
        field,
        Field::Published | Field::Updated | Field::Created | Field::DcDate
    )
}

/// The value as plain text, moved out when it already is.
fn into_plain(text: Text) -> String {
    match text.kind {
        TextKind::Plain => text.value,
        TextKind::Html => text.to_plain(),
    }
}

/// The text directly inside a field's collected markup (well-formed: the capture wrote
/// it), outside its child elements, entities decoded and whitespace collapsed.
fn own_text(markup: &str) -> String {
    let mut outside = String::new();
    let mut depth = 0_usize;
    let mut rest = markup;
    while let Some(lt) = rest.find('<') {
        if depth == 0 {
            outside.push_str(&rest[..lt]);
            outside.push(' ');
        }
        let tag = &rest[lt..];
        let end = tag.find('>').map_or(tag.len(), |gt| gt + 1);
        if tag.starts_with("</") {
            depth = depth.saturating_sub(1);
        } else if !tag[..end].ends_with("/>") {
            depth += 1;
        }
        rest = &tag[end..];
    }
    if depth == 0 {
        outside.push_str(rest);
    }
    // Only entities are left to resolve; the HTML parser knows them all.
    let text = scraper::Html::parse_fragment(&outside)
        .root_element()
        .text()
        .collect::<String>();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::own_text;
    use crate::source::feed::{ReadOptions, read};

    #[test]
    fn each_date_is_read_on_its_own_though_dates_share_a_buffer() {
        let xml = "<feed xmlns='http://www.w3.org/2005/Atom'>\
            <entry><id>a</id><published>2024-03-30T18:04:11Z</published>\
            <updated>2024-03-31T08:00:00+02:00</updated></entry>\
            <entry><id>b</id><published>2025-01-02T03:04:05-05:00</published></entry></feed>";
        let outcome = read(xml.as_bytes(), &ReadOptions::default()).expect("a feed");
        let dates: Vec<_> = outcome
            .feed
            .articles
            .iter()
            .map(|a| {
                (
                    a.published.map(|d| d.to_rfc3339()),
                    a.updated.map(|d| d.to_rfc3339()),
                )
            })
            .collect();
        assert_eq!(
            dates,
            [
                (
                    Some("2024-03-30T18:04:11+00:00".to_owned()),
                    Some("2024-03-31T08:00:00+02:00".to_owned())
                ),
                (Some("2025-01-02T03:04:05-05:00".to_owned()), None),
            ]
        );
        assert!(outcome.warnings.is_empty());
    }

    #[test]
    fn a_plain_field_keeps_its_own_text_and_drops_child_elements() {
        assert_eq!(
            own_text("Example category\n  <image><link>https://x.example/</link></image>\n"),
            "Example category"
        );
        assert_eq!(own_text("Q&amp;A <b>bold</b> tail"), "Q&A tail");
    }
}
