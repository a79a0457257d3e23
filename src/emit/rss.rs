//! Writes a prepared feed as RSS 2.0 with the `rss` crate.
//!
//! Policy: channel title, link and description are always present and non-empty; titles
//! go out as plain text and descriptions as HTML; since many readers take an RSS title
//! (or author) as HTML anyway, a `<` that would open a tag there is written as `&lt;`
//! inside the text ([`inert`]), so a plain "<img onerror=…>" stays text either way; an author with an e-mail fills `author`
//! (RSS requires one there), every other author becomes `dc:creator`; `content:encoded`
//! appears only when the content says more than the summary; the first http(s) enclosure
//! is the `<enclosure>` (RSS allows no other scheme there), the rest are Media RSS.
//! Entry point: [`write()`].

use std::collections::BTreeMap;

use rss::extension::dublincore::DublinCoreExtension;
use rss::extension::{Extension, ExtensionMap};
use rss::{Category, Channel, Enclosure, Guid, Image, Item, Source};

use super::prepare::{Prepared, fallback_article_title};
use super::syntax::{is_uri, is_web_uri};
use super::{EmitError, OutputFormat, finish_xml};
use crate::model::{self, Article, Person, Tag, Text};

const ATOM_NAMESPACE: &str = "http://www.w3.org/2005/Atom";
const MEDIA_PREFIX: &str = "media";
const MEDIA_NAMESPACE: &str = "http://search.yahoo.com/mrss/";
const GENERATOR: &str = "feedmill";
/// RSS requires an enclosure type; this is the type of "some bytes".
const UNKNOWN_MEDIA_TYPE: &str = "application/octet-stream";

/// Writes `prepared` as an RSS 2.0 document.
pub(super) fn write(prepared: &Prepared) -> Result<Vec<u8>, EmitError> {
    write_channel(&channel(prepared))
}

/// Writes `prepared` without its items, declaring `namespaces` (those the items to be
/// written into it need, see [`item_namespaces`]).
pub(super) fn write_shell(
    prepared: &Prepared,
    namespaces: &BTreeMap<String, String>,
) -> Result<Vec<u8>, EmitError> {
    let mut channel = channel(&prepared.shell());
    (channel.namespaces).extend(namespaces.iter().map(|(k, v)| (k.clone(), v.clone())));
    write_channel(&channel)
}

/// The namespaces the item of `article` needs the channel to declare: Media RSS when it
/// has extra enclosures, and those the `rss` crate declares for what the item holds
/// (`content:encoded`, Dublin Core), read from a channel holding only that item.
pub(super) fn item_namespaces(
    article: &Article,
    feed_language: Option<&str>,
) -> Result<BTreeMap<String, String>, EmitError> {
    let item = item(article, feed_language);
    let mut namespaces = BTreeMap::new();
    if item.extensions.contains_key(MEDIA_PREFIX) {
        namespaces.insert(MEDIA_PREFIX.to_owned(), MEDIA_NAMESPACE.to_owned());
    }
    let alone = Channel {
        items: vec![item],
        ..Channel::default()
    };
    let bytes = alone
        .write_to(Vec::new())
        .map_err(|err| EmitError::serialize(OutputFormat::Rss, err))?;
    let mut reader = quick_xml::Reader::from_reader(bytes.as_slice());
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(root)) => {
                for attribute in root.attributes().flatten() {
                    let key: &str = attribute.key.as_ref();
                    if let Some(prefix) = key.strip_prefix("xmlns:") {
                        namespaces.insert(prefix.to_owned(), attribute.value.into_owned());
                    }
                }
                return Ok(namespaces);
            }
            Ok(quick_xml::events::Event::Eof) | Err(_) => return Ok(namespaces),
            Ok(_) => {}
        }
    }
}

fn write_channel(channel: &Channel) -> Result<Vec<u8>, EmitError> {
    let bytes = channel
        .pretty_write_to(Vec::new(), b' ', 2)
        .map_err(|err| EmitError::serialize(OutputFormat::Rss, err))?;
    finish_xml(bytes, OutputFormat::Rss)
}

fn declare_media(channel: &mut Channel) {
    channel
        .namespaces
        .insert(MEDIA_PREFIX.to_owned(), MEDIA_NAMESPACE.to_owned());
}

fn channel(prepared: &Prepared) -> Channel {
    let feed = &prepared.feed;
    let title = inert(prepared.plain_title());
    let link = channel_link(prepared);
    let description = feed
        .description
        .clone()
        .unwrap_or_else(|| Text::plain(title.clone()))
        .to_html();
    let (managing_editor, creators) = split_authors(&feed.authors);
    let mut channel = Channel {
        language: feed.language.clone(),
        copyright: feed.rights.as_ref().map(Text::to_plain).map(inert),
        managing_editor,
        pub_date: feed.published.map(|at| at.to_rfc2822()),
        last_build_date: prepared.known_updated().map(|at| at.to_rfc2822()),
        categories: feed.tags.iter().map(category).collect(),
        generator: Some(GENERATOR.to_owned()),
        image: feed
            .image
            .as_ref()
            .filter(|image| is_web_uri(&image.url))
            .map(|image| channel_image(image, &title, &link)),
        dublin_core_ext: dublin_core(creators, None, None),
        items: prepared
            .articles()
            .iter()
            .map(|article| item(article, feed.language.as_deref()))
            .collect(),
        title,
        link,
        description,
        ..Channel::default()
    };
    if let Some(self_url) = &prepared.self_url {
        channel.extensions = self_link(self_url);
        channel
            .namespaces
            .insert("atom".to_owned(), ATOM_NAMESPACE.to_owned());
    }
    if channel
        .items
        .iter()
        .any(|item| item.extensions.contains_key(MEDIA_PREFIX))
    {
        declare_media(&mut channel);
    }
    channel
}

/// The link RSS requires: the feed's home page or another link for it, else its id when
/// that is an ASCII URI, else a `urn:uuid:` derived from the id.
fn channel_link(prepared: &Prepared) -> String {
    prepared.any_link().unwrap_or_else(|| {
        let id = prepared.feed_id();
        if is_uri(&id) {
            id
        } else {
            model::derived_urn(&["id", &id])
        }
    })
}

fn channel_image(image: &model::Image, channel_title: &str, channel_link: &str) -> Image {
    Image {
        url: image.url.clone(),
        title: image
            .title
            .clone()
            .unwrap_or_else(|| channel_title.to_owned()),
        link: image
            .link
            .clone()
            .unwrap_or_else(|| channel_link.to_owned()),
        ..Image::default()
    }
}

/// `<atom:link rel="self">`, which RSS lacks and validators ask for.
fn self_link(self_url: &str) -> ExtensionMap {
    let link = Extension {
        name: "atom:link".to_owned(),
        attrs: BTreeMap::from([
            ("href".to_owned(), self_url.to_owned()),
            ("rel".to_owned(), "self".to_owned()),
            ("type".to_owned(), "application/rss+xml".to_owned()),
        ]),
        ..Extension::default()
    };
    let by_name = BTreeMap::from([("link".to_owned(), vec![link])]);
    BTreeMap::from([("atom".to_owned(), by_name)])
}

fn item(article: &Article, feed_language: Option<&str>) -> Item {
    let (author, creators) = split_authors(&article.authors);
    let description = article
        .summary
        .as_ref()
        .or(article.content.as_ref())
        .map(Text::to_html);
    let content = article
        .summary
        .as_ref()
        .and(article.content.as_ref())
        .map(Text::to_html)
        .filter(|content| Some(content) != description.as_ref());
    // RSS needs a title or a description on every item; an HTML title without text
    // (only an image) counts as none.
    let title = article
        .title
        .as_ref()
        .map(Text::to_plain)
        .filter(|title| !title.trim().is_empty())
        .map(inert);
    let title = match (title, &description) {
        (Some(title), _) => Some(title),
        (None, Some(_)) => None,
        (None, None) => Some(fallback_article_title(article)),
    };
    let language = article
        .language
        .clone()
        .filter(|language| Some(language.as_str()) != feed_language);
    let first_web = article
        .enclosures
        .iter()
        .position(|enclosure| is_web_uri(&enclosure.url));
    let extra = article
        .enclosures
        .iter()
        .enumerate()
        .filter(|&(idx, _)| Some(idx) != first_web)
        .map(|(_, other)| enclosure(other))
        .collect();
    Item {
        title,
        link: article.link.clone(),
        description,
        author,
        categories: article.tags.iter().map(category).collect(),
        comments: article.comments.clone(),
        enclosure: first_web.map(|idx| enclosure(&article.enclosures[idx])),
        guid: Some(Guid {
            value: article.id.clone(),
            permalink: article.link.as_deref() == Some(article.id.as_str()),
        }),
        pub_date: article
            .published
            .or(article.updated)
            .map(|at| at.to_rfc2822()),
        source: article.source.as_ref().and_then(|source| {
            Some(Source {
                url: source.url.clone()?,
                title: source.title.clone(),
            })
        }),
        content,
        extensions: extra_enclosures(extra),
        dublin_core_ext: dublin_core(
            creators,
            language,
            article.rights.as_ref().map(Text::to_plain),
        ),
        ..Item::default()
    }
}

/// Splits people into the one RSS `author`/`managingEditor` value (`email (name)`, which
/// needs an e-mail) and the names for `dc:creator`.
fn split_authors(people: &[Person]) -> (Option<String>, Vec<String>) {
    let with_email = people.iter().position(|person| person.email.is_some());
    let author = with_email.and_then(|idx| {
        let person = &people[idx];
        let email = person.email.as_deref()?;
        Some(inert(match &person.name {
            Some(name) => format!("{email} ({name})"),
            None => email.to_owned(),
        }))
    });
    let creators = people
        .iter()
        .enumerate()
        .filter(|&(idx, _)| Some(idx) != with_email)
        .filter_map(|(_, person)| {
            person
                .name
                .as_ref()
                .or(person.email.as_ref())
                .or(person.uri.as_ref())
                .cloned()
                .map(inert)
        })
        .collect();
    (author, creators)
}

/// Plain text for an element readers may take as HTML: every `<` that would open a tag,
/// comment or declaration (followed by a letter, `/`, `!` or `?`) becomes the entity
/// `&lt;` in the text, so a reader taking the text as HTML shows the `<` instead of
/// running markup; other text is unchanged.
fn inert(text: String) -> String {
    let opens_tag = |rest: &str| {
        rest.chars()
            .next()
            .is_some_and(|ch| ch.is_ascii_alphabetic() || matches!(ch, '/' | '!' | '?'))
    };
    if !text
        .match_indices('<')
        .any(|(idx, _)| opens_tag(&text[idx + 1..]))
    {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text.as_str();
    while let Some(idx) = rest.find('<') {
        out.push_str(&rest[..idx]);
        out.push_str(if opens_tag(&rest[idx + 1..]) {
            "&lt;"
        } else {
            "<"
        });
        rest = &rest[idx + 1..];
    }
    out.push_str(rest);
    out
}

fn dublin_core(
    creators: Vec<String>,
    language: Option<String>,
    rights: Option<String>,
) -> Option<DublinCoreExtension> {
    if creators.is_empty() && language.is_none() && rights.is_none() {
        return None;
    }
    Some(DublinCoreExtension {
        creators,
        languages: language.into_iter().collect(),
        rights: rights.into_iter().collect(),
        ..DublinCoreExtension::default()
    })
}

fn category(tag: &Tag) -> Category {
    Category {
        name: tag.term.clone(),
        domain: tag.scheme.clone(),
    }
}

fn enclosure(enclosure: &model::Enclosure) -> Enclosure {
    Enclosure {
        url: enclosure.url.clone(),
        // The RSS Advisory Board's advice for an unknown size.
        length: enclosure.length.unwrap_or(0).to_string(),
        mime_type: enclosure
            .media_type
            .clone()
            .unwrap_or_else(|| UNKNOWN_MEDIA_TYPE.to_owned()),
    }
}

/// Enclosures besides the first http(s) one, as Media RSS `<media:content>`. RSS 2.0
/// leaves unclear whether an item may carry several `<enclosure>`s and readers disagree
/// (some keep the first, some the last), so only one is an `<enclosure>`.
fn extra_enclosures(extra: Vec<Enclosure>) -> ExtensionMap {
    if extra.is_empty() {
        return ExtensionMap::new();
    }
    let elements = extra
        .into_iter()
        .map(|enclosure| {
            let mut attrs = BTreeMap::from([
                ("url".to_owned(), enclosure.url),
                ("type".to_owned(), enclosure.mime_type),
            ]);
            if enclosure.length != "0" {
                attrs.insert("fileSize".to_owned(), enclosure.length);
            }
            Extension {
                name: "media:content".to_owned(),
                attrs,
                ..Extension::default()
            }
        })
        .collect();
    let by_name = BTreeMap::from([("content".to_owned(), elements)]);
    BTreeMap::from([(MEDIA_PREFIX.to_owned(), by_name)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::prepare::Cleaned;

    fn person(name: Option<&str>, email: Option<&str>) -> Person {
        Person {
            name: name.map(str::to_owned),
            email: email.map(str::to_owned),
            uri: None,
        }
    }

    #[test]
    fn the_first_author_with_an_email_becomes_author_and_the_rest_dc_creators() {
        let people = [
            person(Some("Kim"), None),
            person(Some("Lee"), Some("lee@example.com")),
            person(None, Some("park@example.com")),
        ];
        let (author, creators) = split_authors(&people);
        assert_eq!(author.as_deref(), Some("lee@example.com (Lee)"));
        assert_eq!(creators, ["Kim", "park@example.com"]);
    }

    #[test]
    fn authors_without_any_email_all_become_dc_creators() {
        let (author, creators) = split_authors(&[person(Some("Kim"), None)]);
        assert_eq!(author, None);
        assert_eq!(creators, ["Kim"]);
    }

    #[test]
    fn tag_like_text_in_a_plain_title_stays_text_for_readers_taking_it_as_html() {
        assert_eq!(inert("a < b, x <3".to_owned()), "a < b, x <3");
        assert_eq!(
            inert("Item <img src=x onerror=alert(1)> </b> <!-- c -->".to_owned()),
            "Item &lt;img src=x onerror=alert(1)> &lt;/b> &lt;!-- c -->"
        );
        let feed = model::Feed {
            title: Some(Text::plain("<script>feed</script>")),
            articles: vec![Article {
                title: Some(Text::plain("<b onclick=x()>bold</b>")),
                ..Article::default()
            }],
            ..model::Feed::default()
        };
        let written = String::from_utf8(
            crate::emit::write(
                &feed,
                OutputFormat::Rss,
                &crate::emit::EmitOptions::default(),
            )
            .unwrap(),
        )
        .unwrap();
        assert!(
            written.contains("<title>&amp;lt;b onclick=x()&gt;bold&amp;lt;/b&gt;</title>"),
            "{written}"
        );
        assert!(
            written.contains("<title>&amp;lt;script&gt;feed&amp;lt;/script&gt;</title>"),
            "{written}"
        );
    }

    #[test]
    fn titles_without_text_fall_back_and_only_http_files_are_enclosures() {
        let feed = model::Feed {
            title: Some(Text::html("<img src=\"https://example.com/logo.png\">")),
            image: Some(model::Image {
                url: "ftp://example.com/logo.png".into(),
                ..model::Image::default()
            }),
            articles: vec![Article {
                id: "a".into(),
                title: Some(Text::html("<img src=\"https://example.com/a.png\">")),
                enclosures: vec![
                    model::Enclosure {
                        url: "ftp://example.com/a.ogg".into(),
                        ..model::Enclosure::default()
                    },
                    model::Enclosure {
                        url: "https://example.com/a.mp3".into(),
                        ..model::Enclosure::default()
                    },
                ],
                ..Article::default()
            }],
            ..model::Feed::default()
        };
        let channel = channel(&Cleaned::new(&feed, &crate::emit::EmitOptions::default()).whole());
        assert_eq!(channel.title, "Untitled feed");
        assert_eq!(channel.description, "Untitled feed");
        assert!(channel.image.is_none(), "an RSS image must be http(s)");
        let item = &channel.items[0];
        assert_eq!(item.title.as_deref(), Some("Untitled"));
        let enclosure = item.enclosure.as_ref().map(|e| e.url.as_str());
        assert_eq!(enclosure, Some("https://example.com/a.mp3"));
        let extra = &item.extensions[MEDIA_PREFIX]["content"];
        assert_eq!(extra[0].attrs["url"], "ftp://example.com/a.ogg");
    }

    #[test]
    fn an_enclosure_without_size_or_type_gets_zero_and_octet_stream() {
        let written = enclosure(&model::Enclosure {
            url: "https://example.com/a.mp3".into(),
            media_type: None,
            length: None,
        });
        assert_eq!(written.length, "0");
        assert_eq!(written.mime_type, UNKNOWN_MEDIA_TYPE);
    }
}
