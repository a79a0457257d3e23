//! The content hash of an article: what tells a changed article from one seen before.
//!
//! The hash is XXH3-128 (`xxhash-rust`): it only has to tell an edited article from the
//! same one seen again, not resist someone forging a collision, and it costs a small
//! fraction of SHA-256 in software. Stores written before it hold SHA-256 hashes (64 hex
//! digits); [`same_content`] recognizes those, so an upgrade does not make every stored
//! article look changed.

use sha2::{Digest, Sha256};
use xxhash_rust::xxh3::xxh3_128;

use crate::model::{Article, Enclosure, Link, Person, Tag, Text, TextKind, Timestamp};

/// The XXH3-128 hash of an article's content-bearing fields, as 32 lowercase hex digits.
///
/// Hashed, in this order: `title`, `link`, `links`, `published`, `updated` (as written,
/// offset included), `authors`, `summary`, `content`, `tags`, `enclosures`, `comments`,
/// `image`, `language`, `rights`, `duration_seconds` and `explicit`, every field of the
/// nested values included. Left out: `id` (it names the article), `id_origin`, `source`
/// and `merged_from` (where the article was read, not what it says). The encoding is this
/// module's own compact binary one (a version byte, then each value tagged and
/// length-prefixed), so the hash does not change when the model's serde form does.
///
/// [`Store::remember_articles`](super::Store::remember_articles) stores this hash; a
/// caller computes it on an article before enrichment to key
/// [`Store::cached_enrichment`](super::Store::cached_enrichment).
pub fn article_hash(article: &Article) -> String {
    format!("{:032x}", xxh3_128(&encode(article)))
}

/// The hash feedmill stored before [`article_hash`]: SHA-256 of the same encoding, as 64
/// lowercase hex digits.
pub(super) fn legacy_article_hash(article: &Article) -> String {
    let digest = Sha256::digest(encode(article));
    let mut hex = String::with_capacity(2 * digest.len());
    for byte in digest.iter() {
        hex.push(char::from(HEX_DIGITS[usize::from(byte >> 4)]));
        hex.push(char::from(HEX_DIGITS[usize::from(byte & 0x0f)]));
    }
    hex
}

/// Whether `stored`, a hash the store holds for an article, describes `article`, whose
/// [`article_hash`] is `hash`: the same hash, or a SHA-256 hash an older feedmill
/// stored for the same content (only then is SHA-256 computed).
pub(super) fn same_content(stored: &str, hash: &str, article: &Article) -> bool {
    stored == hash || (is_legacy(stored) && stored == legacy_article_hash(article))
}

/// Whether `hash` has the form of the SHA-256 hashes older stores hold.
fn is_legacy(hash: &str) -> bool {
    hash.len() == 64
}

/// The encoding the hash is taken over (see [`article_hash`] for the fields).
fn encode(article: &Article) -> Vec<u8> {
    // Destructured so that a new model field fails to compile here until it is placed.
    let Article {
        id: _,
        id_origin: _,
        title,
        link,
        links,
        published,
        updated,
        authors,
        summary,
        content,
        tags,
        enclosures,
        comments,
        image,
        language,
        rights,
        duration_seconds,
        explicit,
        source: _,
        merged_from: _,
    } = article;
    let mut encoder = Encoder(Vec::with_capacity(1024));
    encoder.0.push(ENCODING_VERSION);
    encoder.text(title.as_ref());
    encoder.opt_str(link.as_deref());
    encoder.list(links, Encoder::link);
    encoder.time(published.as_ref());
    encoder.time(updated.as_ref());
    encoder.list(authors, Encoder::person);
    encoder.text(summary.as_ref());
    encoder.text(content.as_ref());
    encoder.list(tags, Encoder::tag);
    encoder.list(enclosures, Encoder::enclosure);
    encoder.opt_str(comments.as_deref());
    encoder.opt_str(image.as_deref());
    encoder.opt_str(language.as_deref());
    encoder.text(rights.as_ref());
    encoder.opt_u64(*duration_seconds);
    encoder.opt_bool(*explicit);
    encoder.0
}

/// Changes whenever the choice of fields or their encoding does (every stored hash then
/// differs once, so every article reads as changed on the next run). The switch from
/// SHA-256 to XXH3 kept it: [`same_content`] relies on the encoding being the same.
const ENCODING_VERSION: u8 = 1;

const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Writes values unambiguously: options and texts get a tag byte, strings and lists a
/// length, numbers are little-endian.
struct Encoder(Vec<u8>);

impl Encoder {
    fn u64(&mut self, value: u64) {
        self.0.extend_from_slice(&value.to_le_bytes());
    }

    fn str(&mut self, value: &str) {
        self.u64(value.len() as u64);
        self.0.extend_from_slice(value.as_bytes());
    }

    fn opt_str(&mut self, value: Option<&str>) {
        match value {
            Some(value) => {
                self.0.push(1);
                self.str(value);
            }
            None => self.0.push(0),
        }
    }

    fn opt_u64(&mut self, value: Option<u64>) {
        match value {
            Some(value) => {
                self.0.push(1);
                self.u64(value);
            }
            None => self.0.push(0),
        }
    }

    fn opt_bool(&mut self, value: Option<bool>) {
        self.0.push(match value {
            None => 0,
            Some(false) => 1,
            Some(true) => 2,
        });
    }

    fn text(&mut self, text: Option<&Text>) {
        match text {
            Some(Text { kind, value }) => {
                self.0.push(match kind {
                    TextKind::Plain => 1,
                    TextKind::Html => 2,
                });
                self.str(value);
            }
            None => self.0.push(0),
        }
    }

    /// Seconds, nanoseconds and offset: one instant written with two offsets differs.
    fn time(&mut self, time: Option<&Timestamp>) {
        match time {
            Some(time) => {
                self.0.push(1);
                self.0.extend_from_slice(&time.timestamp().to_le_bytes());
                let nanos = time.timestamp_subsec_nanos();
                self.0.extend_from_slice(&nanos.to_le_bytes());
                let offset = time.offset().local_minus_utc();
                self.0.extend_from_slice(&offset.to_le_bytes());
            }
            None => self.0.push(0),
        }
    }

    fn list<T>(&mut self, items: &[T], mut each: impl FnMut(&mut Self, &T)) {
        self.u64(items.len() as u64);
        for item in items {
            each(self, item);
        }
    }

    fn link(&mut self, link: &Link) {
        let Link {
            href,
            rel,
            media_type,
            title,
            hreflang,
            length,
        } = link;
        self.str(href);
        self.opt_str(rel.as_deref());
        self.opt_str(media_type.as_deref());
        self.opt_str(title.as_deref());
        self.opt_str(hreflang.as_deref());
        self.opt_u64(*length);
    }

    fn person(&mut self, person: &Person) {
        let Person { name, email, uri } = person;
        self.opt_str(name.as_deref());
        self.opt_str(email.as_deref());
        self.opt_str(uri.as_deref());
    }

    fn tag(&mut self, tag: &Tag) {
        let Tag {
            term,
            label,
            scheme,
        } = tag;
        self.str(term);
        self.opt_str(label.as_deref());
        self.opt_str(scheme.as_deref());
    }

    fn enclosure(&mut self, enclosure: &Enclosure) {
        let Enclosure {
            url,
            media_type,
            length,
        } = enclosure;
        self.str(url);
        self.opt_str(media_type.as_deref());
        self.opt_u64(*length);
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
    fn the_hash_is_32_hex_digits_and_stable() {
        let hash = article_hash(&article());
        assert_eq!(hash.len(), 32);
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
    fn moving_text_between_fields_changes_the_hash() {
        let mut one = article();
        one.title = Some(Text::plain("ab"));
        one.comments = Some("c".into());
        let mut other = article();
        other.title = Some(Text::plain("a"));
        other.comments = Some("bc".into());
        assert_ne!(article_hash(&one), article_hash(&other));
        let mut empty_tag = article();
        empty_tag.tags = vec![Tag::new("")];
        let mut no_tag = article();
        no_tag.tags.clear();
        assert_ne!(article_hash(&empty_tag), article_hash(&no_tag));
    }

    #[test]
    fn the_encoding_is_pinned_so_stored_hashes_stay_comparable() {
        // Computed outside Rust (`xxhsum -H2`, `sha256sum`) over the encoding described
        // on `Encoder`. A change here makes every stored article read as changed once:
        // bump `ENCODING_VERSION`.
        assert_eq!(article_hash(&article()), "e1ad4ead5b7fcb1d8868d49e907dd7e4");
        assert_eq!(
            legacy_article_hash(&article()),
            "7942fe61fc11f216947bab78fd1c680185f2f1d298fcb432726980e7b6f3eea5"
        );
    }

    #[test]
    fn a_stored_sha256_hash_of_the_same_content_is_the_same_content() {
        let hash = article_hash(&article());
        let legacy = legacy_article_hash(&article());
        assert!(same_content(&hash, &hash, &article()));
        assert!(same_content(&legacy, &hash, &article()));
        let mut edited = article();
        edited.title = Some(Text::plain("Edited"));
        let edited_hash = article_hash(&edited);
        assert!(!same_content(&hash, &edited_hash, &edited));
        assert!(!same_content(&legacy, &edited_hash, &edited));
        assert!(!same_content("", &hash, &article()));
    }

    #[test]
    fn id_and_provenance_do_not_change_the_hash() {
        let base = article_hash(&article());
        let mut other = article();
        other.id = "another-id".into();
        other.id_origin = IdOrigin::FromLink;
        other.source = Some(
            SourceRef {
                title: Some("Feed".into()),
                ..SourceRef::default()
            }
            .into(),
        );
        other.merged_from = vec![SourceRef::default().into()];
        assert_eq!(article_hash(&other), base);
    }
}
