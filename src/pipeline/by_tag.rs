//! Per-tag feeds: one list of articles for each distinct tag, with a label to show and a
//! slug to name its output by. A list holds the articles' positions in the slice split,
//! not copies: a feed's tags share its articles.

use std::collections::{HashMap, HashSet};

use super::TagAliases;
use crate::model::{Article, Tag};

/// The scheme that marks a tag as the article's section (as page readers set it).
pub const SECTION_SCHEME: &str = "section";

/// The articles that carry one tag, by their positions in the articles it was split from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagFeed {
    /// The tag as shown: its alias's canonical label, else the first article's label or
    /// term for it, trimmed.
    pub label: String,
    /// A URL- and file-safe name for the feed, unique among the feeds returned together
    /// (see [`slug()`]).
    pub slug: String,
    /// True when every article carries this tag as a section (scheme
    /// [`SECTION_SCHEME`]), so callers can leave sections out or treat them apart.
    pub section: bool,
    /// The positions of the articles with the tag in the slice [`split_by_tag`] was
    /// given, in its order.
    pub positions: Vec<usize>,
}

impl TagFeed {
    /// The articles with the tag, taken from `from`, the slice this feed was split from
    /// (positions past its end are skipped).
    pub fn articles<'a>(&'a self, from: &'a [Article]) -> impl Iterator<Item = &'a Article> {
        self.positions
            .iter()
            .filter_map(|&position| from.get(position))
    }
}

/// Splits `articles` into one [`TagFeed`] per distinct tag key
/// ([`TagAliases::tag_key`]: aliases, case, width and spacing ignored), sorted by label
/// (transliterated to ASCII and ignoring case, so "Économie" sorts among the e's; then
/// as written). An article is in each of its tags' feeds once (by its position in
/// `articles`), in the order given; articles without tags are in none. Slugs are made unique in that
/// order: a repeated slug gets `-2`, `-3` … appended.
pub fn split_by_tag(articles: &[Article], aliases: &TagAliases) -> Vec<TagFeed> {
    let mut feeds: Vec<TagFeed> = Vec::new();
    let mut feed_of_key: HashMap<String, usize> = HashMap::new();
    for (position, article) in articles.iter().enumerate() {
        let mut seen_in_article = HashSet::new();
        for tag in &article.tags {
            let key = aliases.tag_key(tag);
            if key.is_empty() {
                continue;
            }
            let idx = *feed_of_key.entry(key.clone()).or_insert_with(|| {
                feeds.push(TagFeed {
                    label: display_label(tag, aliases),
                    slug: String::new(),
                    section: true,
                    positions: Vec::new(),
                });
                feeds.len() - 1
            });
            let feed = &mut feeds[idx];
            feed.section &= tag.scheme.as_deref() == Some(SECTION_SCHEME);
            if seen_in_article.insert(key) {
                feed.positions.push(position);
            }
        }
    }
    // Sorted as transliterated ("Économie" among the e's), ignoring case, then as written.
    feeds.sort_by_cached_key(|feed| {
        let ascii = deunicode::deunicode(&feed.label).to_ascii_lowercase();
        (ascii, feed.label.to_lowercase(), feed.label.clone())
    });
    let mut taken = HashSet::new();
    for feed in &mut feeds {
        feed.slug = unique_slug(slug(&feed.label), &mut taken);
    }
    feeds
}

/// The longest slug [`slug()`] makes: with `-NN`, an extension and a temporary file's
/// decoration, a tag file's name stays far below the 255-byte limit of file systems.
pub const MAX_SLUG: usize = 80;

/// A URL- and file-safe form of a label: transliterated to ASCII (`deunicode`: "Zürich"
/// → "zurich", "북한" → "bughan"), lowercase, every run of other characters a single `-`,
/// none at the ends, at most [`MAX_SLUG`] characters; `tag` when nothing is left. Only
/// `a`–`z`, `0`–`9` and `-` remain, so no label can name a path outside the tag folder.
///
/// ```
/// use feedmill::pipeline::slug;
/// assert_eq!(slug("North Korea"), "north-korea");
/// assert_eq!(slug("  C++ / Rust! "), "c-rust");
/// assert_eq!(slug("???"), "tag");
/// ```
pub fn slug(label: &str) -> String {
    let ascii = deunicode::deunicode(label);
    let mut out = String::with_capacity(ascii.len());
    for ch in ascii.chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    // Only ASCII is left, so any byte index is a character boundary.
    out.truncate(MAX_SLUG);
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        out.push_str("tag");
    }
    out
}

/// The label a feed shows for the first tag that named it.
fn display_label(tag: &Tag, aliases: &TagAliases) -> String {
    let canonical = aliases.canonical_label(&tag.term);
    if canonical != tag.term.trim() {
        return canonical;
    }
    tag.label
        .as_deref()
        .map(str::trim)
        .filter(|label| !label.is_empty())
        .map_or(canonical, str::to_owned)
}

/// `base`, or `base-2`, `base-3` … whichever is not taken yet; records it as taken.
fn unique_slug(base: String, taken: &mut HashSet<String>) -> String {
    if taken.insert(base.clone()) {
        return base;
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|candidate| taken.insert(candidate.clone()))
        .unwrap_or(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(term: &str) -> Tag {
        Tag::new(term)
    }

    fn section(term: &str) -> Tag {
        Tag {
            term: term.to_owned(),
            label: None,
            scheme: Some(SECTION_SCHEME.to_owned()),
        }
    }

    fn article(id: &str, tags: Vec<Tag>) -> Article {
        Article {
            id: id.to_owned(),
            tags,
            ..Article::default()
        }
    }

    fn summary(
        feeds: &[TagFeed],
        articles: &[Article],
    ) -> Vec<(String, String, bool, Vec<String>)> {
        feeds
            .iter()
            .map(|feed| {
                let ids = feed.articles(articles).map(|a| a.id.clone()).collect();
                (feed.label.clone(), feed.slug.clone(), feed.section, ids)
            })
            .collect()
    }

    fn row(
        label: &str,
        slug: &str,
        section: bool,
        ids: &[&str],
    ) -> (String, String, bool, Vec<String>) {
        (
            label.to_owned(),
            slug.to_owned(),
            section,
            ids.iter().map(|id| (*id).to_owned()).collect(),
        )
    }

    #[test]
    fn one_feed_per_distinct_key_sorted_by_label() {
        let aliases = TagAliases::from_pairs([("DPRK", "North Korea")]);
        let articles = vec![
            article("a", vec![tag("DPRK"), tag("missiles")]),
            article(
                "b",
                vec![tag("north korea"), tag("  North  Korea "), section("World")],
            ),
            article("c", vec![tag("ＭＩＳＳＩＬＥＳ"), tag("Économie")]),
            article("untagged", Vec::new()),
        ];
        let feeds = split_by_tag(&articles, &aliases);
        assert_eq!(
            summary(&feeds, &articles),
            [
                row("Économie", "economie", false, &["c"]),
                row("missiles", "missiles", false, &["a", "c"]),
                row("North Korea", "north-korea", false, &["a", "b"]),
                row("World", "world", true, &["b"]),
            ]
        );
    }

    #[test]
    fn section_is_true_only_when_every_use_is_a_section() {
        let articles = vec![
            article("a", vec![section("Politics"), section("Sports")]),
            article("b", vec![tag("politics"), section("sports")]),
        ];
        let feeds = split_by_tag(&articles, &TagAliases::default());
        assert_eq!(
            summary(&feeds, &articles),
            [
                row("Politics", "politics", false, &["a", "b"]),
                row("Sports", "sports", true, &["a", "b"]),
            ]
        );
    }

    #[test]
    fn the_label_prefers_the_alias_target_then_the_tag_label() {
        let aliases = TagAliases::from_pairs([("nk", "North Korea")]);
        let labelled = Tag {
            term: "econ".into(),
            label: Some(" Economy ".into()),
            scheme: None,
        };
        let aliased = Tag {
            term: "NK".into(),
            label: Some("Something else".into()),
            scheme: None,
        };
        let feeds = split_by_tag(&[article("a", vec![labelled, aliased])], &aliases);
        let labels: Vec<&str> = feeds.iter().map(|f| f.label.as_str()).collect();
        assert_eq!(labels, ["Economy", "North Korea"]);
    }

    #[test]
    fn slugs_are_unique_within_the_result() {
        // "C++", "C#" and "C" all slug to "c"; "c-2" is also a label's own slug.
        let articles = vec![article(
            "a",
            vec![
                tag("C++"),
                tag("C#"),
                tag("c-2"),
                tag("C"),
                tag("!!!"),
                tag("???"),
            ],
        )];
        let feeds = split_by_tag(&articles, &TagAliases::default());
        let slugs: Vec<(&str, &str)> = feeds
            .iter()
            .map(|f| (f.label.as_str(), f.slug.as_str()))
            .collect();
        assert_eq!(
            slugs,
            [
                ("!!!", "tag"),
                ("???", "tag-2"),
                ("C", "c"),
                ("C#", "c-2"),
                ("C++", "c-3"),
                ("c-2", "c-2-2"),
            ]
        );
        let unique: HashSet<&str> = slugs.iter().map(|(_, s)| *s).collect();
        assert_eq!(unique.len(), slugs.len());
    }

    #[test]
    fn slug_transliterates_and_joins_with_single_dashes() {
        assert_eq!(slug("North Korea"), "north-korea");
        assert_eq!(slug("Zürich – Genève"), "zurich-geneve");
        assert_eq!(slug("북한"), "bughan");
        assert_eq!(slug("ＮＯＲＴＨ　ＫＯＲＥＡ"), "north-korea");
        assert_eq!(slug("--a__b--"), "a-b");
        assert_eq!(slug(""), "tag");
        assert_eq!(slug("   "), "tag");
    }

    #[test]
    fn no_label_makes_a_slug_that_leaves_the_tag_folder() {
        let hostile = [
            "../../etc/passwd",
            "..\\..\\windows\\system32",
            "/etc/cron.d/x",
            "C:\\Users\\x",
            "a\0b",
            "%2e%2e%2f%2e%2e",
            "..",
            ".",
            "...",
            "\u{2024}\u{2024}\u{ff0f}x",
            "\u{ff0e}\u{ff0e}\u{2215}x",
            "\u{202e}txt.exe",
            &"long ".repeat(200),
        ];
        for label in hostile {
            let made = slug(label);
            assert!(
                !made.is_empty() && made.len() <= MAX_SLUG,
                "{label:?} → {made:?}"
            );
            assert!(
                made.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{label:?} → {made:?}"
            );
            assert!(!made.starts_with('-') && !made.ends_with('-'), "{made:?}");
        }
        assert_eq!(
            slug(&"long ".repeat(200)).len(),
            79,
            "cut, without a dash at the end"
        );
    }

    #[test]
    fn feeds_hold_positions_into_the_articles_split() {
        let articles = vec![
            article("a", vec![tag("x")]),
            article("b", Vec::new()),
            article("c", vec![tag("x"), tag("X")]),
        ];
        let feeds = split_by_tag(&articles, &TagAliases::default());
        assert_eq!(feeds.len(), 1);
        assert_eq!(feeds[0].positions, [0, 2]);
        let ids: Vec<&str> = feeds[0]
            .articles(&articles)
            .map(|a| a.id.as_str())
            .collect();
        assert_eq!(ids, ["a", "c"]);
        assert_eq!(feeds[0].articles(&articles[..2]).count(), 1, "past the end");
    }

    #[test]
    fn no_articles_no_feeds() {
        assert!(split_by_tag(&[], &TagAliases::default()).is_empty());
    }
}
