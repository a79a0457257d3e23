//! Tag keys and aliases: the one comparison key every tag rule, union and per-tag split
//! uses, and the rewriting of aliased tags to their canonical label.

use std::collections::HashSet;

use super::TagAliases;
use super::text::{collapse_whitespace, fold};
use crate::model::{Article, Tag};

impl TagAliases {
    /// Aliases from `(alias, canonical label)` pairs, as a definition's `[aliases]`
    /// table lists them. Aliases are stored by their folded form (NFKC, lowercase,
    /// whitespace collapsed), so `"DPRK"`, `" dprk "` and `"ＤＰＲＫ"` are one alias;
    /// labels are kept as written, trimmed. A later pair for the same alias wins.
    pub fn from_pairs<A, C>(pairs: impl IntoIterator<Item = (A, C)>) -> TagAliases
    where
        A: AsRef<str>,
        C: AsRef<str>,
    {
        let map = pairs
            .into_iter()
            .map(|(alias, canonical)| (fold(alias.as_ref()), canonical.as_ref().trim().to_owned()))
            .filter(|(alias, canonical)| !alias.is_empty() && !canonical.is_empty())
            .collect();
        TagAliases { map }
    }

    /// True when there are no aliases.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The key tags are compared by: Unicode NFKC, lowercase, whitespace collapsed and
    /// trimmed, then, if that is an alias, the key of its canonical label. Aliases are
    /// looked up once (an alias of an alias is not followed).
    ///
    /// ```
    /// use feedmill::pipeline::TagAliases;
    /// let aliases = TagAliases::from_pairs([("DPRK", "North Korea")]);
    /// assert_eq!(aliases.normalize("  north   KOREA "), "north korea");
    /// assert_eq!(aliases.normalize("ＤＰＲＫ"), "north korea");
    /// ```
    pub fn normalize(&self, tag: &str) -> String {
        let key = fold(tag);
        match self.map.get(&key) {
            Some(canonical) => fold(canonical),
            None => key,
        }
    }

    /// The label to show for `tag`: its alias's canonical label, else the tag trimmed.
    pub fn canonical_label(&self, tag: &str) -> String {
        match self.map.get(&fold(tag)) {
            Some(canonical) => canonical.clone(),
            None => tag.trim().to_owned(),
        }
    }

    /// The key of an article's tag: [`TagAliases::normalize`] of its term.
    pub fn tag_key(&self, tag: &Tag) -> String {
        self.normalize(&tag.term)
    }

    /// Rewrites an article's aliased tags to their canonical label (the term becomes the
    /// label, the alias's own `label` is dropped, the scheme is kept), trims terms and
    /// collapses their inner whitespace (`north  korea` → `north korea`), and removes tags
    /// whose key repeats an earlier one (the first is kept, with its scheme). Tags with
    /// an empty term are removed.
    pub fn apply(&self, article: &mut Article) {
        let mut seen = HashSet::with_capacity(article.tags.len());
        article.tags.retain_mut(|tag| {
            if let Some(canonical) = self.map.get(&fold(&tag.term))
                && tag.term != *canonical
            {
                tag.term = canonical.clone();
                tag.label = None;
            }
            if tag.term.contains(char::is_whitespace) {
                let tidy = collapse_whitespace(&tag.term);
                if tidy != tag.term {
                    tag.term = tidy;
                }
            }
            let key = fold(&tag.term);
            !key.is_empty() && seen.insert(key)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aliases() -> TagAliases {
        TagAliases::from_pairs([("DPRK", "North Korea"), ("  n.  korea ", " North Korea ")])
    }

    fn tag(term: &str, scheme: Option<&str>) -> Tag {
        Tag {
            term: term.to_owned(),
            label: None,
            scheme: scheme.map(str::to_owned),
        }
    }

    #[test]
    fn from_pairs_folds_aliases_and_trims_labels() {
        let aliases = aliases();
        assert_eq!(
            aliases.map.get("dprk").map(String::as_str),
            Some("North Korea")
        );
        assert_eq!(
            aliases.map.get("n. korea").map(String::as_str),
            Some("North Korea")
        );
        assert_eq!(aliases.map.len(), 2);
        assert!(TagAliases::from_pairs([("", "x"), ("y", " ")]).is_empty());
    }

    #[test]
    fn normalize_folds_case_width_composition_and_whitespace() {
        let none = TagAliases::default();
        assert_eq!(none.normalize(" North\u{3000}Korea\n"), "north korea");
        assert_eq!(none.normalize("ＮＯＲＴＨ ＫＯＲＥＡ"), "north korea");
        assert_eq!(
            none.normalize("Pyeonggang Cafe\u{301}"),
            none.normalize("pyeonggang café")
        );
        // Hangul written as conjoining jamo composes to the syllables.
        assert_eq!(
            none.normalize("\u{1107}\u{116e}\u{11a8}\u{1112}\u{1161}\u{11ab}"),
            "북한"
        );
    }

    #[test]
    fn normalize_maps_aliases_to_their_canonical_key() {
        let aliases = aliases();
        assert_eq!(aliases.normalize("DPRK"), "north korea");
        assert_eq!(aliases.normalize("ｄｐｒｋ"), "north korea");
        assert_eq!(aliases.normalize("N. Korea"), "north korea");
        assert_eq!(aliases.normalize("South Korea"), "south korea");
    }

    #[test]
    fn aliases_are_not_followed_twice() {
        let aliases = TagAliases::from_pairs([("a", "B"), ("b", "C")]);
        assert_eq!(aliases.normalize("a"), "b");
    }

    #[test]
    fn canonical_label_is_the_alias_target_or_the_tag_trimmed() {
        let aliases = aliases();
        assert_eq!(aliases.canonical_label(" dprk "), "North Korea");
        assert_eq!(aliases.canonical_label("  Seoul "), "Seoul");
    }

    #[test]
    fn apply_rewrites_aliases_and_drops_repeated_keys_keeping_the_first() {
        let aliases = aliases();
        let mut article = Article {
            tags: vec![
                Tag {
                    term: "dprk".into(),
                    label: Some("D.P.R.K.".into()),
                    scheme: Some("section".into()),
                },
                tag("North Korea", None),
                tag("Seoul", Some("places")),
                tag("  seoul ", None),
                tag("   ", None),
                tag("ＳＥＯＵＬ", None),
                tag("Missiles", None),
            ],
            ..Article::default()
        };
        aliases.apply(&mut article);
        assert_eq!(
            article.tags,
            vec![
                tag("North Korea", Some("section")),
                tag("Seoul", Some("places")),
                tag("Missiles", None),
            ]
        );
    }

    #[test]
    fn tag_key_uses_the_term() {
        let aliases = aliases();
        let tag = Tag {
            term: "DPRK".into(),
            label: Some("Something else".into()),
            scheme: None,
        };
        assert_eq!(aliases.tag_key(&tag), "north korea");
    }

    #[test]
    fn apply_tidies_the_whitespace_of_terms() {
        let mut article = Article {
            tags: vec![tag("  north \t korea ", None), tag("North Korea", None)],
            ..Article::default()
        };
        TagAliases::default().apply(&mut article);
        let terms: Vec<&str> = article.tags.iter().map(|t| t.term.as_str()).collect();
        assert_eq!(terms, ["north korea"]);
    }
}
