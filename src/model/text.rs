//! Text that is either plain or HTML, as feeds mark titles, summaries and content, and the
//! HTML character references every reader and writer resolves the same way.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

/// Whether a [`Text`] value is plain text or an HTML fragment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TextKind {
    /// Plain text: `<` means a less-than sign.
    #[default]
    Plain,
    /// An HTML fragment: `<b>` is markup.
    Html,
}

/// A string together with how to read it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Text {
    /// Plain or HTML.
    pub kind: TextKind,
    /// The value: unescaped text, or an HTML fragment.
    pub value: String,
}

impl Text {
    /// Plain text.
    pub fn plain(value: impl Into<String>) -> Self {
        Text {
            kind: TextKind::Plain,
            value: value.into(),
        }
    }

    /// An HTML fragment.
    pub fn html(value: impl Into<String>) -> Self {
        Text {
            kind: TextKind::Html,
            value: value.into(),
        }
    }

    /// True when this is an HTML fragment.
    pub fn is_html(&self) -> bool {
        self.kind == TextKind::Html
    }

    /// The value as HTML: plain text is escaped, HTML is returned as it is.
    pub fn to_html(&self) -> String {
        match self.kind {
            TextKind::Html => self.value.clone(),
            TextKind::Plain => escape_html(&self.value),
        }
    }

    /// The value as plain text: HTML has its tags removed and entities decoded.
    pub fn to_plain(&self) -> String {
        match self.kind {
            TextKind::Plain => self.value.clone(),
            TextKind::Html => strip_html(&self.value),
        }
    }
}

/// Escapes `&`, `<`, `>` and `"` for use in HTML text or attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(ch),
        }
    }
    out
}

/// Removes tags and decodes the common entities of an HTML fragment; whitespace runs
/// collapse to one space. A tolerant reduction, not an HTML parser.
fn strip_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for ch in html.chars() {
        match ch {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(ch),
            _ => {}
        }
    }
    let decoded = replace_references(&out, resolve_html_reference);
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// True for HTML's void elements (`<br>`, `<img>` …), which have no end tag; ASCII case
/// is ignored.
pub fn is_void_element(name: &str) -> bool {
    const VOID: [&str; 14] = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr",
    ];
    VOID.iter().any(|void| void.eq_ignore_ascii_case(name))
}

/// Replaces every `&name;` reference that `resolve` knows; the others, and a bare `&`,
/// stay as written.
pub fn replace_references<'r>(
    text: &str,
    resolve: impl Fn(&str) -> Option<Cow<'r, str>>,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let resolved = after
            .find(';')
            .filter(|&end| end > 0 && end <= 32)
            .and_then(|end| resolve(&after[..end]).map(|value| (value, end)));
        match resolved {
            Some((value, end)) => {
                out.push_str(&value);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Resolves the name inside an HTML `&name;` reference: numeric references (the C1 range
/// read as windows-1252, as browsers do) and every HTML5 named entity, with HTML 4's
/// `lang` and `rang` kept at their HTML 4 code points as feedparser does.
pub fn resolve_html_reference(name: &str) -> Option<Cow<'static, str>> {
    // XML's five first: they are most of the references in real feeds.
    let predefined = match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        _ => "",
    };
    if !predefined.is_empty() {
        return Some(Cow::Borrowed(predefined));
    }
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        return Some(Cow::Owned(char_for_code(code).to_string()));
    }
    static TABLE: LazyLock<HashMap<&'static str, &'static str>> = LazyLock::new(|| {
        entities::ENTITIES
            .iter()
            .filter_map(|entity| {
                let name = entity.entity.strip_prefix('&')?.strip_suffix(';')?;
                Some((name, entity.characters))
            })
            .collect()
    });
    match name {
        "lang" => Some(Cow::Borrowed("\u{2329}")),
        "rang" => Some(Cow::Borrowed("\u{232A}")),
        _ => TABLE.get(name).map(|value| Cow::Borrowed(*value)),
    }
}

/// Maps a numeric character reference to a character: the C1 range is read as
/// windows-1252, invalid code points become U+FFFD.
fn char_for_code(code: u32) -> char {
    const CP1252: [u32; 32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0x8D, 0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013,
        0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ];
    let mapped = match code {
        0x80..=0x9F => CP1252[(code - 0x80) as usize],
        _ => code,
    };
    char::from_u32(mapped).unwrap_or('\u{FFFD}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_escaped_when_rendered_as_html() {
        assert_eq!(Text::plain("a < b & c").to_html(), "a &lt; b &amp; c");
    }

    #[test]
    fn html_is_reduced_to_plain_text_with_entities_decoded() {
        let text = Text::html("<p>Tom &amp; Jerry</p>\n<p>&#8216;hi&#x2019;</p>");
        assert_eq!(text.to_plain(), "Tom & Jerry \u{2018}hi\u{2019}");
    }

    #[test]
    fn named_and_numeric_references_resolve_like_a_browser() {
        assert_eq!(resolve_html_reference("eacute").as_deref(), Some("é"));
        assert_eq!(
            resolve_html_reference("#x2019").as_deref(),
            Some("\u{2019}")
        );
        assert_eq!(resolve_html_reference("#150").as_deref(), Some("\u{2013}"));
        assert_eq!(resolve_html_reference("bogus"), None);
    }

    #[test]
    fn unknown_entities_are_left_as_written() {
        assert_eq!(Text::html("a &bogus b").to_plain(), "a &bogus b");
    }
}
