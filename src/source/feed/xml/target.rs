//! Where a finished field lands: the feed or the article being built, with the rules for
//! repeated values (first title wins, later dates win, links and tags de-duplicated).

use super::values::set_if_none;
use crate::model::{Article, Enclosure, Feed, Link, Person, Tag, Text, Timestamp};

/// The feed or the article a field belongs to.
pub(super) enum Target<'a> {
    Feed(&'a mut Feed),
    Article(&'a mut Article),
}

impl Target<'_> {
    pub(super) fn set_title(self, value: Text) {
        match self {
            Target::Feed(feed) => set_if_none(&mut feed.title, value),
            Target::Article(article) => set_if_none(&mut article.title, value),
        }
    }

    pub(super) fn set_summary(self, value: Text) {
        match self {
            Target::Feed(feed) => set_if_none(&mut feed.description, value),
            Target::Article(article) => set_if_none(&mut article.summary, value),
        }
    }

    pub(super) fn set_rights(self, value: Text) {
        match self {
            Target::Feed(feed) => set_if_none(&mut feed.rights, value),
            Target::Article(article) => set_if_none(&mut article.rights, value),
        }
    }

    /// Sets the id, trimmed, unless one is set already; `id` is moved in when it needs
    /// no trimming.
    pub(super) fn set_id(self, id: String) {
        let trimmed = id.trim();
        if trimmed.is_empty() {
            return;
        }
        let id = if trimmed.len() == id.len() {
            id
        } else {
            trimmed.to_owned()
        };
        match self {
            Target::Feed(feed) => set_if_none(&mut feed.id, id),
            Target::Article(article) if article.id.is_empty() => article.id = id,
            Target::Article(_) => {}
        }
    }

    pub(super) fn set_published(self, date: Option<Timestamp>) {
        let Some(date) = date else { return };
        // A later date element overrides an earlier one, as in feedparser.
        match self {
            Target::Feed(feed) => feed.published = Some(date),
            Target::Article(article) => article.published = Some(date),
        }
    }

    pub(super) fn set_updated(self, date: Option<Timestamp>) {
        let Some(date) = date else { return };
        match self {
            Target::Feed(feed) => feed.updated = Some(date),
            Target::Article(article) => article.updated = Some(date),
        }
    }

    pub(super) fn set_language(self, language: String) {
        if language.is_empty() {
            return;
        }
        match self {
            Target::Feed(feed) => set_if_none(&mut feed.language, language),
            Target::Article(article) => article.language = Some(language),
        }
    }

    pub(super) fn set_explicit(self, explicit: Option<bool>) {
        match self {
            Target::Feed(feed) => feed.explicit = feed.explicit.or(explicit),
            Target::Article(article) => article.explicit = article.explicit.or(explicit),
        }
    }

    pub(super) fn add_author(self, person: Person) {
        if person.is_empty() {
            return;
        }
        let authors = match self {
            Target::Feed(feed) => &mut feed.authors,
            Target::Article(article) => &mut article.authors,
        };
        if !authors.contains(&person) {
            authors.push(person);
        }
    }

    pub(super) fn add_tag(self, term: String, scheme: Option<String>, label: Option<String>) {
        if term.is_empty() {
            return;
        }
        let tags = match self {
            Target::Feed(feed) => &mut feed.tags,
            Target::Article(article) => &mut article.tags,
        };
        if !tags
            .iter()
            .any(|tag| tag.term == term && tag.scheme == scheme)
        {
            tags.push(Tag {
                term,
                label,
                scheme,
            });
        }
    }

    pub(super) fn add_tags(self, terms: impl Iterator<Item = String>) {
        let tags = match self {
            Target::Feed(feed) => &mut feed.tags,
            Target::Article(article) => &mut article.tags,
        };
        for term in terms.filter(|term| !term.is_empty()) {
            if !tags
                .iter()
                .any(|tag| tag.term == term && tag.scheme.is_none())
            {
                tags.push(Tag::new(term));
            }
        }
    }

    /// Records a link; an alternate one becomes the main link when there is none yet.
    pub(super) fn add_link(self, link: Link, is_main: bool) {
        let (main, links) = match self {
            Target::Feed(feed) => (&mut feed.link, &mut feed.links),
            Target::Article(article) => (&mut article.link, &mut article.links),
        };
        if is_main && main.is_none() {
            *main = Some(link.href.clone());
        }
        links.push(link);
    }

    pub(super) fn add_atom_link(self, link: Link) {
        let rel = link.rel.as_deref().unwrap_or("alternate");
        match (rel, self) {
            ("self", Target::Feed(feed)) => {
                set_if_none(&mut feed.self_link, link.href.clone());
                feed.links.push(link);
            }
            ("enclosure", Target::Article(article)) => {
                if !article.enclosures.iter().any(|e| e.url == link.href) {
                    article.enclosures.push(Enclosure {
                        url: link.href.clone(),
                        media_type: link.media_type.as_deref().map(str::to_owned),
                        length: link.length,
                    });
                }
                article.links.push(link);
            }
            ("replies", Target::Article(article))
                if link.media_type.as_deref().is_none_or(|t| t == "text/html") =>
            {
                set_if_none(&mut article.comments, link.href.clone());
                article.links.push(link);
            }
            ("alternate", target) => target.add_link(link, true),
            (_, target) => target.add_link(link, false),
        }
    }
}
