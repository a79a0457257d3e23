//! Text that is either plain or HTML, as feeds mark titles, summaries and content.

/// Whether a [`Text`] value is plain text or an HTML fragment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum TextKind {
    /// Plain text: `<` means a less-than sign.
    #[default]
    Plain,
    /// An HTML fragment: `<b>` is markup.
    Html,
}

/// A string together with how to read it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
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
    let decoded = decode_basic_entities(&out);
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn decode_basic_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let decoded = after.find(';').filter(|&end| end <= 10).and_then(|end| {
            let name = &after[..end];
            let ch = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => name.strip_prefix('#').and_then(|num| {
                    let code = match num.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok(),
                        None => num.parse().ok(),
                    };
                    code.and_then(char::from_u32)
                }),
            };
            ch.map(|c| (c, end))
        });
        match decoded {
            Some((ch, end)) => {
                out.push(ch);
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
    fn unknown_entities_are_left_as_written() {
        assert_eq!(Text::html("a &bogus b").to_plain(), "a &bogus b");
    }
}
