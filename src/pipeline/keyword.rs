//! Keyword matching for `include`/`exclude` rules: folded text (NFKC, lowercase,
//! whitespace collapsed) on both sides, matched on word boundaries.

use super::text::{fold, is_word_char};

/// A keyword folded once, ready to match many texts.
#[derive(Debug, Clone)]
pub(crate) struct Keyword {
    folded: String,
    /// Whether the keyword starts with a word character (then the text before a match
    /// must not be one).
    bounded_start: bool,
    /// Whether the keyword ends with a word character (then the text after a match must
    /// not be one).
    bounded_end: bool,
}

impl Keyword {
    /// Folds `keyword`; `None` when nothing is left (a blank keyword matches nothing).
    pub(crate) fn new(keyword: &str) -> Option<Keyword> {
        let folded = fold(keyword);
        let first = folded.chars().next()?;
        let last = folded.chars().next_back()?;
        Some(Keyword {
            bounded_start: is_word_char(first),
            bounded_end: is_word_char(last),
            folded,
        })
    }

    /// True when the keyword occurs in `folded_text` (already [`fold`]ed) as whole words:
    /// `korea` matches "north korea's" but not "koreans"; `c++` matches "c++ 26".
    pub(crate) fn is_in(&self, folded_text: &str) -> bool {
        folded_text
            .match_indices(&self.folded)
            .any(|(start, found)| {
                let before = folded_text[..start].chars().next_back();
                let after = folded_text[start + found.len()..].chars().next();
                let start_ok = !self.bounded_start || !before.is_some_and(is_word_char);
                let end_ok = !self.bounded_end || !after.is_some_and(is_word_char);
                start_ok && end_ok
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(keyword: &str, text: &str) -> bool {
        Keyword::new(keyword).is_some_and(|k| k.is_in(&fold(text)))
    }

    #[test]
    fn matches_whole_words_only() {
        assert!(matches("korea", "Talks with North Korea's envoy"));
        assert!(matches("Korea", "korea"));
        assert!(!matches("korea", "Koreans abroad"));
        assert!(!matches("korea", "Northkorea"));
        assert!(matches("korea", "Koreans and Korea"));
    }

    #[test]
    fn multi_word_keywords_match_across_any_whitespace() {
        assert!(matches("north korea", "NORTH\n  Korea launches"));
        assert!(!matches("north korea", "north koreans"));
    }

    #[test]
    fn folding_covers_width_and_composition() {
        assert!(matches("ＫＯＲＥＡ", "korea"));
        assert!(matches("café", "Cafe\u{301} opens"));
        assert!(matches("북한", "북한 미사일"));
    }

    #[test]
    fn keywords_with_punctuation_at_the_edges_are_bounded_only_by_letters() {
        assert!(matches("c++", "Learning C++ today"));
        assert!(matches("c++", "C++26"));
        assert!(!matches("c++", "abc++"));
    }

    #[test]
    fn blank_keyword_matches_nothing() {
        assert!(Keyword::new("  ").is_none());
    }
}
