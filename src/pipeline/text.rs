//! The text normal forms every stage compares: folded text (NFKC, lowercase, whitespace
//! collapsed) for tags and keywords, and word lists for titles.

use unicode_normalization::UnicodeNormalization;

/// NFKC, lowercase, whitespace runs collapsed to one space and trimmed: full-width
/// `ＤＰＲＫ`, `dprk` and ` DPRK ` all fold to `dprk`; a composed `é` and `e` + U+0301
/// fold alike.
pub(crate) fn fold(text: &str) -> String {
    if text.is_ascii() {
        // NFKC leaves ASCII as it is.
        return collapse_whitespace(&text.to_ascii_lowercase());
    }
    let lowered: String = text.nfkc().flat_map(char::to_lowercase).collect();
    // Lowercasing can produce decomposed sequences (`İ` → `i̇`); compose them again.
    let composed: String = lowered.nfkc().collect();
    collapse_whitespace(&composed)
}

/// Whitespace runs collapsed to one space, ends trimmed.
pub(crate) fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// [`fold`] with every character that is not a letter, digit or mark turned into a space,
/// then collapsed: `"Kim's visit — day 2!"` becomes `kim s visit day 2`. The form titles
/// are compared in.
pub(crate) fn fold_words(text: &str) -> String {
    if text.is_ascii() {
        return fold_ascii_words(text);
    }
    let folded = fold(text);
    let spaced: String = folded
        .chars()
        .map(|ch| if is_word_char(ch) { ch } else { ' ' })
        .collect();
    collapse_whitespace(&spaced)
}

/// [`fold_words`] for ASCII text, in one pass.
fn fold_ascii_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(char::from(byte.to_ascii_lowercase()));
        } else {
            pending_space = true;
        }
    }
    out
}

/// Letters, digits and combining marks make words; everything else separates them.
pub(crate) fn is_word_char(ch: char) -> bool {
    ch.is_alphanumeric() || unicode_normalization::char::is_combining_mark(ch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_applies_nfkc_lowercase_and_collapses_whitespace() {
        assert_eq!(fold("  North\t\nKOREA  "), "north korea");
        assert_eq!(fold("ＤＰＲＫ"), "dprk");
        assert_eq!(fold("Cafe\u{301}"), fold("Café"));
        assert_eq!(fold("ﬁle"), "file");
        assert_eq!(fold(""), "");
    }

    #[test]
    fn fold_words_turns_punctuation_into_single_spaces() {
        assert_eq!(fold_words("Kim's visit — day 2!"), "kim s visit day 2");
        assert_eq!(fold_words("  ...  "), "");
        assert_eq!(fold_words("북한, 미사일 발사"), "북한 미사일 발사");
        assert_eq!(fold_words("  Kim's  visit, DAY 2! "), "kim s visit day 2");
        assert_eq!(fold_words("Kim’s visit"), "kim s visit");
    }
}
