//! Stable article ids for articles that state none: the link, else a hash of what the
//! article says. Never random, so the same input yields the same ids on every run.

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use super::{Article, IdOrigin, Text};

impl Article {
    /// Gives an article without a stated id its link, else a `urn:uuid:` derived from its
    /// title, published date, summary and content. Articles with an id are left alone.
    pub fn ensure_id(&mut self) {
        if !self.id.trim().is_empty() {
            return;
        }
        if let Some(link) = self
            .link
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            self.id = link.to_owned();
            self.id_origin = IdOrigin::FromLink;
            return;
        }
        let published = self.published.map(|t| t.to_rfc3339()).unwrap_or_default();
        fn value(text: &Option<Text>) -> &str {
            text.as_ref().map_or("", |t| t.value.as_str())
        }
        self.id = derived_urn(&[
            "article",
            value(&self.title),
            &published,
            value(&self.summary),
            value(&self.content),
        ]);
        self.id_origin = IdOrigin::FromHash;
    }
}

/// A `urn:uuid:` (version 8, SHA-256 based, per RFC 9562) derived from `parts`: the same
/// parts always give the same id.
pub fn derived_urn(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    let digest = hasher.finalize();
    let mut bytes = [0_u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut urn = String::from("urn:uuid:");
    for (byte_idx, byte) in bytes.iter().enumerate() {
        if matches!(byte_idx, 4 | 6 | 8 | 10) {
            urn.push('-');
        }
        let _ = write!(urn, "{byte:02x}");
    }
    urn
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_urns_are_stable_and_look_like_version_8_uuids() {
        let urn = crate::model::derived_urn(&["feed", "Title", ""]);
        assert_eq!(urn, crate::model::derived_urn(&["feed", "Title", ""]));
        assert_ne!(urn, crate::model::derived_urn(&["feed", "Title2", ""]));
        let uuid = urn.strip_prefix("urn:uuid:").unwrap();
        assert_eq!(uuid.len(), 36);
        assert_eq!(uuid.as_bytes()[14], b'8');
        assert!(matches!(uuid.as_bytes()[19], b'8' | b'9' | b'a' | b'b'));
    }

    #[test]
    fn parts_are_separated_so_shifting_text_between_them_changes_the_urn() {
        assert_ne!(derived_urn(&["ab", "c"]), derived_urn(&["a", "bc"]));
    }

    #[test]
    fn articles_without_ids_get_their_link_then_a_stable_hash() {
        let mut linked = Article {
            link: Some("https://example.com/a".into()),
            ..Article::default()
        };
        linked.ensure_id();
        assert_eq!(linked.id, "https://example.com/a");
        assert_eq!(linked.id_origin, IdOrigin::FromLink);
        let unlinked = Article {
            title: Some(Text::plain("No link")),
            ..Article::default()
        };
        let (mut first, mut second) = (unlinked.clone(), unlinked);
        first.ensure_id();
        second.ensure_id();
        assert!(first.id.starts_with("urn:uuid:"));
        assert_eq!(first.id_origin, IdOrigin::FromHash);
        assert_eq!(first.id, second.id);
    }
}
