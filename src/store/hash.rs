//! The content hash of an article: what tells a changed article from one seen before.

use std::fmt::Write as _;
use std::io;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::model::{Article, Enclosure, Link, Person, Tag, Text, Timestamp};

/// The SHA-256 of an article's content-bearing fields, as 64 lowercase hex digits.
///
/// Hashed, in this order, as JSON: `title`, `link`, `links`, `published`, `updated`
/// (as written, offset included), `authors`, `summary`, `content`, `tags`, `enclosures`,
/// `comments`, `image`, `language`, `rights`, `duration_seconds` and `explicit`. Left
/// out: `id` (it names the article), `id_origin`, `source` and `merged_from` (where the
/// article was read, not what it says). A change to how the model serializes one of
/// these fields changes every hash once.
///
/// [`Store::remember_articles`](super::Store::remember_articles) stores this hash; a
/// caller computes it on an article before enrichment to key
/// [`Store::cached_enrichment`](super::Store::cached_enrichment).
pub fn article_hash(article: &Article) -> String {
    let content = Content {
        version: 1,
        title: &article.title,
        link: &article.link,
        links: &article.links,
        published: &article.published,
        updated: &article.updated,
        authors: &article.authors,
        summary: &article.summary,
        content: &article.content,
        tags: &article.tags,
        enclosures: &article.enclosures,
        comments: &article.comments,
        image: &article.image,
        language: &article.language,
        rights: &article.rights,
        duration_seconds: article.duration_seconds,
        explicit: article.explicit,
    };
    let mut writer = HashWriter(Sha256::new());
    // Writing into a hasher cannot fail, and these types always serialize; if that ever
    // changed, the error text is hashed instead of panicking.
    if let Err(error) = serde_json::to_writer(&mut writer, &content) {
        writer.0.update(error.to_string().as_bytes());
    }
    let digest = writer.0.finalize();
    let mut hex = String::with_capacity(64);
    for byte in digest.iter() {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// The hashed fields; `version` changes when the choice of fields does.
#[derive(Serialize)]
struct Content<'a> {
    version: u32,
    title: &'a Option<Text>,
    link: &'a Option<String>,
    links: &'a [Link],
    published: &'a Option<Timestamp>,
    updated: &'a Option<Timestamp>,
    authors: &'a [Person],
    summary: &'a Option<Text>,
    content: &'a Option<Text>,
    tags: &'a [Tag],
    enclosures: &'a [Enclosure],
    comments: &'a Option<String>,
    image: &'a Option<String>,
    language: &'a Option<String>,
    rights: &'a Option<Text>,
    duration_seconds: Option<u64>,
    explicit: Option<bool>,
}

/// Feeds serialized bytes straight into the hasher, with no buffer in between.
struct HashWriter(Sha256);

impl io::Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{IdOrigin, SourceRef};

    fn article() -> Article {
        Article {
            id: "a1".into(),
            title: Some(Text::plain("Title")),
            link: Some("https://example.com/a1".into()),
            summary: Some(Text::html("<p>Summary</p>")),
            published: chrono::DateTime::parse_from_rfc3339("2026-01-02T03:04:05+09:00").ok(),
            tags: vec![Tag::new("world")],
            ..Article::default()
        }
    }

    #[test]
    fn the_hash_is_64_hex_digits_and_stable() {
        let hash = article_hash(&article());
        assert_eq!(hash.len(), 64);
        assert!(
            hash.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        assert_eq!(hash, article_hash(&article()));
    }

    #[test]
    fn content_fields_change_the_hash() {
        let base = article_hash(&article());
        let mut changed = article();
        changed.title = Some(Text::plain("Other title"));
        assert_ne!(article_hash(&changed), base);
        let mut changed = article();
        changed.summary = Some(Text::plain("<p>Summary</p>"));
        assert_ne!(article_hash(&changed), base, "plain and HTML differ");
        let mut changed = article();
        changed.tags.push(Tag::new("politics"));
        assert_ne!(article_hash(&changed), base);
        let mut changed = article();
        changed.published = chrono::DateTime::parse_from_rfc3339("2026-01-01T18:04:05Z").ok();
        assert_ne!(article_hash(&changed), base, "same instant, other offset");
        let mut changed = article();
        changed.content = Some(Text::html("<p>Full text</p>"));
        assert_ne!(article_hash(&changed), base);
    }

    #[test]
    fn id_and_provenance_do_not_change_the_hash() {
        let base = article_hash(&article());
        let mut other = article();
        other.id = "another-id".into();
        other.id_origin = IdOrigin::FromLink;
        other.source = Some(SourceRef {
            title: Some("Feed".into()),
            ..SourceRef::default()
        });
        other.merged_from = vec![SourceRef::default()];
        assert_eq!(article_hash(&other), base);
    }
}
