//! Writes a prepared feed as Atom 1.0 with `atom_syndication`.
//!
//! Policy: every element RFC 4287 requires is present (feed and entry id, title and
//! updated; a name on every person; an author for every entry; content or an alternate
//! link on every entry), taking deterministic fallbacks; ids are absolute IRIs (an id
//! that is not one goes out as a `urn:uuid:` derived from it); dates keep their offsets.
//! Entry point: [`write()`].

use atom_syndication::{
    Category, Content, Entry, Feed, Generator, Link, Person, Text as AtomText, WriteConfig,
};

use super::prepare::{Prepared, fallback_article_title};
use super::syntax::is_absolute_iri;
use super::{EmitError, OutputFormat, finish_xml};
use crate::model::{self, Article, Tag, Text, TextKind};

const GENERATOR: &str = "feedmill";
/// Name for a person known only by a home page, and for the feed-level author RFC 4287
/// requires when some entry has none.
const UNKNOWN_PERSON: &str = "unknown";

/// Writes `prepared` as an Atom 1.0 document.
pub(super) fn write(prepared: &Prepared) -> Result<Vec<u8>, EmitError> {
    let lacking_author = prepared.articles().iter().any(|a| a.authors.is_empty());
    write_feed(&feed(prepared, lacking_author))
}

/// Writes `prepared` without its entries, as if they included one without an author
/// when `lacking_author` (the feed then names an unknown one).
pub(super) fn write_shell(prepared: &Prepared, lacking_author: bool) -> Result<Vec<u8>, EmitError> {
    write_feed(&feed(&prepared.shell(), lacking_author))
}

/// Whether the entry of `article` depends on the document it is in: an undated one is
/// dated by the document's `updated`.
pub(super) fn entry_depends_on_document(article: &Article) -> bool {
    article.updated.is_none() && article.published.is_none()
}

fn write_feed(feed: &Feed) -> Result<Vec<u8>, EmitError> {
    let config = WriteConfig {
        write_document_declaration: true,
        indent_size: Some(2),
    };
    let bytes = feed
        .write_with_config(Vec::new(), config)
        .map_err(|err| EmitError::serialize(OutputFormat::Atom, err))?;
    finish_xml(bytes, OutputFormat::Atom)
}

/// The feed of `prepared`; an unknown author stands for the feed's when it has none and
/// `lacking_author` (some entry has none: Atom requires one or the other).
fn feed(prepared: &Prepared, lacking_author: bool) -> Feed {
    let feed = &prepared.feed;
    let mut authors: Vec<Person> = feed.authors.iter().map(person).collect();
    if authors.is_empty() && lacking_author {
        authors.push(Person {
            name: UNKNOWN_PERSON.to_owned(),
            ..Person::default()
        });
    }
    Feed {
        title: text(&prepared.title()),
        id: prepared.feed_id(),
        updated: prepared.updated(),
        authors,
        categories: feed.tags.iter().map(category).collect(),
        generator: Some(Generator {
            value: GENERATOR.to_owned(),
            ..Generator::default()
        }),
        icon: feed.icon.clone(),
        links: feed_links(prepared),
        logo: feed.image.as_ref().map(|image| image.url.clone()),
        rights: feed.rights.as_ref().map(text),
        subtitle: feed.description.as_ref().map(text),
        entries: (prepared.articles().iter())
            .zip(prepared.atom_ids())
            .map(|(article, id)| entry(article, id, prepared))
            .collect(),
        lang: feed.language.clone(),
        ..Feed::default()
    }
}

fn feed_links(prepared: &Prepared) -> Vec<Link> {
    let feed = &prepared.feed;
    let mut links = Vec::new();
    if let Some(href) = &feed.link {
        links.push(link(href, "alternate", Some("text/html")));
    }
    if let Some(href) = &prepared.self_url {
        links.push(link(href, "self", Some("application/atom+xml")));
    }
    // The source's own `self` described another document; ours is above.
    add_other_links(&mut links, &feed.links, &["alternate", "self"]);
    links
}

/// The entry for `article`, whose Atom id is `id`.
fn entry(article: &Article, id: &str, prepared: &Prepared) -> Entry {
    let mut links = Vec::new();
    if let Some(href) = &article.link {
        links.push(link(href, "alternate", None));
    }
    add_other_links(&mut links, &article.links, &["alternate", "enclosure"]);
    links.extend(article.enclosures.iter().map(enclosure_link));
    let (summary, content) = summary_and_content(article);
    Entry {
        title: article
            .title
            .as_ref()
            .map_or_else(|| AtomText::plain(fallback_article_title(article)), text),
        id: id.to_owned(),
        updated: prepared.article_updated(article),
        authors: article.authors.iter().map(person).collect(),
        categories: article.tags.iter().map(category).collect(),
        links,
        published: article.published,
        rights: article.rights.as_ref().map(text),
        summary: summary.map(text),
        content: content.map(|content| Content {
            lang: article.language.clone(),
            value: Some(content.value.clone()),
            content_type: Some(text_type(content.kind).to_owned()),
            ..Content::default()
        }),
        ..Entry::default()
    }
}

/// The entry's summary and content. An entry without an alternate link must carry
/// content (RFC 4287 §4.1.1.1), so then the summary, or an empty text, moves there.
fn summary_and_content(article: &Article) -> (Option<&Text>, Option<&Text>) {
    static EMPTY: Text = Text {
        kind: TextKind::Plain,
        value: String::new(),
    };
    match (&article.summary, &article.content, &article.link) {
        (summary, Some(content), _) => (summary.as_ref(), Some(content)),
        (summary, None, Some(_)) => (summary.as_ref(), None),
        (summary, None, None) => (None, Some(summary.as_ref().unwrap_or(&EMPTY))),
    }
}

/// Adds `from`'s links whose relation is not in `skip` (a missing relation means
/// `alternate`) and whose target is not listed yet.
fn add_other_links(links: &mut Vec<Link>, from: &[model::Link], skip: &[&str]) {
    for other in from {
        let rel = other.rel.as_deref().unwrap_or("alternate");
        if skip.contains(&rel) || links.iter().any(|known| known.href == other.href) {
            continue;
        }
        links.push(Link {
            href: other.href.clone(),
            rel: rel.to_owned(),
            hreflang: other.hreflang.clone(),
            mime_type: other.media_type.as_deref().map(str::to_owned),
            title: other.title.clone(),
            length: other.length.map(|length| length.to_string()),
        });
    }
}

fn link(href: &str, rel: &str, mime_type: Option<&str>) -> Link {
    Link {
        href: href.to_owned(),
        rel: rel.to_owned(),
        mime_type: mime_type.map(str::to_owned),
        ..Link::default()
    }
}

fn enclosure_link(enclosure: &model::Enclosure) -> Link {
    Link {
        href: enclosure.url.clone(),
        rel: "enclosure".to_owned(),
        mime_type: enclosure.media_type.clone(),
        length: enclosure.length.map(|length| length.to_string()),
        ..Link::default()
    }
}

fn text(value: &Text) -> AtomText {
    match value.kind {
        TextKind::Html => AtomText::html(value.value.clone()),
        TextKind::Plain => AtomText::plain(value.value.clone()),
    }
}

fn text_type(kind: TextKind) -> &'static str {
    match kind {
        TextKind::Html => "html",
        TextKind::Plain => "text",
    }
}

/// An Atom person; the name it requires falls back to the e-mail, then "unknown".
fn person(person: &model::Person) -> Person {
    Person {
        name: person
            .name
            .clone()
            .or_else(|| person.email.clone())
            .unwrap_or_else(|| UNKNOWN_PERSON.to_owned()),
        email: person.email.clone(),
        uri: person.uri.clone(),
        ..Person::default()
    }
}

/// An Atom category; its scheme must be an IRI (an RSS `domain` may be any text).
fn category(tag: &Tag) -> Category {
    Category {
        term: tag.term.clone(),
        scheme: tag.scheme.clone().filter(|scheme| is_absolute_iri(scheme)),
        label: tag.label.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_person_without_a_name_is_named_by_email_then_unknown() {
        let by_email = person(&model::Person {
            email: Some("kim@example.com".into()),
            ..model::Person::default()
        });
        assert_eq!(by_email.name, "kim@example.com");
        let by_uri = person(&model::Person {
            uri: Some("https://example.com/kim".into()),
            ..model::Person::default()
        });
        assert_eq!(by_uri.name, "unknown");
    }

    #[test]
    fn an_entry_without_link_or_content_carries_its_summary_as_content() {
        let article = Article {
            summary: Some(Text::plain("short")),
            ..Article::default()
        };
        let (summary, content) = summary_and_content(&article);
        assert_eq!(summary, None);
        assert_eq!(content.map(|c| c.value.as_str()), Some("short"));
    }

    #[test]
    fn links_already_present_or_of_skipped_relations_are_not_repeated() {
        let mut links = vec![link("https://example.com/a", "alternate", None)];
        let from = [
            model::Link {
                href: "https://example.com/a".into(),
                rel: Some("related".into()),
                ..model::Link::default()
            },
            model::Link {
                href: "https://example.com/b".into(),
                rel: None,
                ..model::Link::default()
            },
            model::Link {
                href: "https://example.com/c".into(),
                rel: Some("related".into()),
                ..model::Link::default()
            },
        ];
        add_other_links(&mut links, &from, &["alternate"]);
        let hrefs: Vec<_> = links.iter().map(|l| l.href.as_str()).collect();
        assert_eq!(hrefs, ["https://example.com/a", "https://example.com/c"]);
    }
}
