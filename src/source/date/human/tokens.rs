//! Cuts human date text into numbers, words and marks, after normalizing it.
//!
//! Policy: letters are lowercased, Latin diacritics dropped (`März` → `marz`), `ё` read as `е`,
//! full-width digits as ASCII, `a.m.`/`p.m.` as `am`/`pm`; CJK and Hangul runs are cut into
//! the words of [`locale::CJK_WORDS`](super::locale::CJK_WORDS) by longest match, any other
//! such character standing alone. Entry point: [`tokenize`].

use super::locale;

/// Longest input read; anything longer is not a date a page shows.
pub(super) const MAX_INPUT_CHARS: usize = 512;

/// One piece of normalized date text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Token {
    /// A run of digits: its value (`u32::MAX` when too long to matter) and its width.
    Number { value: u32, digits: usize },
    /// A run of letters, or one CJK/Hangul word.
    Word(String),
    /// Punctuation; a run of whitespace is one `' '`.
    Mark(char),
}

impl Token {
    /// The word, when this is one.
    pub(super) fn word(&self) -> Option<&str> {
        match self {
            Token::Word(word) => Some(word),
            _ => None,
        }
    }

    /// The number and its width, when this is one.
    pub(super) fn number(&self) -> Option<(u32, usize)> {
        match self {
            Token::Number { value, digits } => Some((*value, *digits)),
            _ => None,
        }
    }
}

/// Normalizes and tokenizes `input`; empty for inputs over [`MAX_INPUT_CHARS`].
pub(super) fn tokenize(input: &str) -> Vec<Token> {
    if input.chars().count() > MAX_INPUT_CHARS {
        return Vec::new();
    }
    let text = normalize(input);
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut index = 0;
    while let Some(&current) = chars.get(index) {
        if current.is_ascii_digit() {
            let end = run_end(&chars, index, |c| c.is_ascii_digit());
            tokens.push(number(&chars[index..end]));
            index = end;
        } else if is_cjk(current) {
            let end = run_end(&chars, index, is_cjk);
            segment_cjk(&chars[index..end], &mut tokens);
            index = end;
        } else if current.is_alphabetic() {
            let end = run_end(&chars, index, |c| c.is_alphabetic() && !is_cjk(c));
            let mut end = end;
            // An apostrophe between letters belongs to the word (`aujourd'hui`, `l'instant`).
            while chars.get(end) == Some(&'\'')
                && chars
                    .get(end + 1)
                    .is_some_and(|c| c.is_alphabetic() && !is_cjk(*c))
            {
                end = run_end(&chars, end + 1, |c| c.is_alphabetic() && !is_cjk(c));
            }
            tokens.push(Token::Word(chars[index..end].iter().collect()));
            index = end;
        } else if current.is_whitespace() {
            index = run_end(&chars, index, char::is_whitespace);
            tokens.push(Token::Mark(' '));
        } else {
            tokens.push(Token::Mark(current));
            index += 1;
        }
    }
    tokens
}

/// The index just past the run of `chars` starting at `start` that satisfies `keep`.
fn run_end(chars: &[char], start: usize, keep: impl Fn(char) -> bool) -> usize {
    chars
        .iter()
        .skip(start)
        .position(|&c| !keep(c))
        .map_or(chars.len(), |offset| start + offset)
}

fn number(digits: &[char]) -> Token {
    let value = digits.iter().try_fold(0_u32, |value, digit| {
        let digit = digit.to_digit(10)?;
        value.checked_mul(10)?.checked_add(digit)
    });
    Token::Number {
        value: value.unwrap_or(u32::MAX),
        digits: digits.len(),
    }
}

/// Cuts a CJK/Hangul run into known words, longest first; unknown characters stand alone.
fn segment_cjk(run: &[char], tokens: &mut Vec<Token>) {
    let mut index = 0;
    while index < run.len() {
        let rest = &run[index..];
        let known = locale::CJK_WORDS
            .iter()
            .filter(|word| starts_with(rest, word))
            .map(|word| word.chars().count())
            .max();
        let length = known.unwrap_or(1);
        tokens.push(Token::Word(rest.iter().take(length).collect()));
        index += length;
    }
}

fn starts_with(chars: &[char], word: &str) -> bool {
    let mut position = 0;
    for expected in word.chars() {
        if chars.get(position) != Some(&expected) {
            return false;
        }
        position += 1;
    }
    position > 0
}

/// Han ideographs, kana and Hangul: scripts written without spaces between words.
pub(super) fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}' // Hiragana, Katakana
        | '\u{3400}'..='\u{4DBF}' // CJK Extension A
        | '\u{4E00}'..='\u{9FFF}' // CJK Unified Ideographs
        | '\u{AC00}'..='\u{D7AF}' // Hangul syllables
        | '\u{1100}'..='\u{11FF}' // Hangul Jamo
        | '\u{3130}'..='\u{318F}' // Hangul compatibility Jamo
        | '\u{F900}'..='\u{FAFF}' // CJK compatibility ideographs
    )
}

/// Lowercases and folds the text as described in the module doc.
pub(super) fn normalize(input: &str) -> String {
    let folded: String = input
        .chars()
        .flat_map(char::to_lowercase)
        .map(fold_char)
        .collect();
    folded.replace("a.m.", "am").replace("p.m.", "pm")
}

/// Folds one lowercase character: diacritics off Latin letters, `ё` → `е`, full-width digits.
pub(super) fn fold_char(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
        'ç' | 'ć' | 'č' => 'c',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'ī' => 'i',
        'ñ' | 'ń' | 'ň' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => 'u',
        'ý' | 'ÿ' => 'y',
        'ś' | 'š' => 's',
        'ź' | 'ż' | 'ž' => 'z',
        'ł' => 'l',
        'ř' => 'r',
        'ё' => 'е',
        '’' | 'ʼ' | '`' | '´' => '\'',
        '\u{FF10}'..='\u{FF19}' => {
            char::from_u32(u32::from(c) - 0xFF10 + u32::from('0')).unwrap_or(c)
        }
        '\u{FF1A}' => ':',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::{Token, tokenize};

    fn word(text: &str) -> Token {
        Token::Word(text.to_owned())
    }

    fn number(value: u32, digits: usize) -> Token {
        Token::Number { value, digits }
    }

    #[test]
    fn latin_text_is_lowercased_and_loses_its_diacritics() {
        assert_eq!(
            tokenize("9. März"),
            vec![
                number(9, 1),
                Token::Mark('.'),
                Token::Mark(' '),
                word("marz")
            ]
        );
    }

    #[test]
    fn cjk_runs_are_cut_into_known_words() {
        assert_eq!(
            tokenize("3時間前"),
            vec![number(3, 1), word("時間"), word("前")]
        );
        assert_eq!(
            tokenize("9日下午6点"),
            vec![
                number(9, 1),
                word("日"),
                word("下午"),
                number(6, 1),
                word("点")
            ]
        );
    }

    #[test]
    fn apostrophes_inside_words_are_kept() {
        assert_eq!(tokenize("aujourd’hui"), vec![word("aujourd'hui")]);
    }

    #[test]
    fn long_numbers_saturate_and_long_inputs_give_nothing() {
        assert_eq!(tokenize("99999999999"), vec![number(u32::MAX, 11)]);
        assert!(tokenize(&"9".repeat(600)).is_empty());
    }

    #[test]
    fn full_width_digits_and_dotted_meridiems_are_folded() {
        assert_eq!(tokenize("１８"), vec![number(18, 2)]);
        assert_eq!(
            tokenize("6 p.m."),
            vec![number(6, 1), Token::Mark(' '), word("pm")]
        );
    }
}
