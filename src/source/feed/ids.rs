//! Gives every article a stable id: the stated one, else its link, else a hash of title,
//! date and content. Never random, so the same document always yields the same ids.

use sha2::{Digest, Sha256};

use crate::model::{Article, Feed, IdOrigin};

pub(super) fn assign_missing_ids(feed: &mut Feed) {
    for article in &mut feed.articles {
        if !article.id.trim().is_empty() {
            continue;
        }
        if let Some(link) = article.link.as_deref().filter(|l| !l.trim().is_empty()) {
            article.id = link.trim().to_owned();
            article.id_origin = IdOrigin::FromLink;
        } else {
            article.id = content_hash_id(article);
            article.id_origin = IdOrigin::FromHash;
        }
    }
}

/// `urn:feedmill:` followed by the first 16 bytes of SHA-256 over title, date and content.
fn content_hash_id(article: &Article) -> String {
    let mut hasher = Sha256::new();
    let title = article
        .title
        .as_ref()
        .map(|t| t.value.as_str())
        .unwrap_or("");
    hasher.update(title.as_bytes());
    hasher.update([0]);
    if let Some(date) = article.published.or(article.updated) {
        hasher.update(date.to_rfc3339().as_bytes());
    }
    hasher.update([0]);
    for text in [&article.summary, &article.content].into_iter().flatten() {
        hasher.update(text.value.as_bytes());
        hasher.update([0]);
    }
    let digest = hasher.finalize();
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("urn:feedmill:{hex}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Text;

    #[test]
    fn articles_without_ids_get_their_link_then_a_stable_hash() {
        let mut feed = Feed::default();
        feed.articles.push(Article {
            link: Some("https://example.com/a".into()),
            ..Article::default()
        });
        feed.articles.push(Article {
            title: Some(Text::plain("No link")),
            ..Article::default()
        });
        let mut again = feed.clone();
        assign_missing_ids(&mut feed);
        assign_missing_ids(&mut again);
        assert_eq!(feed.articles[0].id, "https://example.com/a");
        assert_eq!(feed.articles[0].id_origin, IdOrigin::FromLink);
        assert!(feed.articles[1].id.starts_with("urn:feedmill:"));
        assert_eq!(feed.articles[1].id, again.articles[1].id);
    }
}
