//! Collects one field's content while the reader is inside it, and decides at its end
//! whether the value is plain text or HTML (Atom `type`/`mode`, RSS conventions).
//!
//! Policy: child elements inside a field are kept as markup, never dropped; a value that
//! cannot be decoded (bad base64) is kept as written, with a warning.

use std::borrow::Cow;
use std::rc::Rc;
use std::sync::LazyLock;

use base64::Engine;
use memchr::memmem;
use url::Url;

use super::elements::Field;
use super::markup::{self, absolutize_html};
use super::names::Ns;
use crate::model::{Text, TextKind, is_void_element};
use crate::source::feed::{Warning, WarningKind};

/// A field being read.
pub(super) struct Capture {
    field: Field,
    depth: usize,
    /// How the content is to be read, decided from the start tag.
    declared: Declared,
    /// The few attributes `assign` reads once the field is complete.
    attributes: Vec<(String, String)>,
    base: Option<Rc<Url>>,
    text: String,
    markup: Option<String>,
    close_written: bool,
}

/// A field that has been read completely.
pub(super) struct Finished {
    pub field: Field,
    pub value: Text,
    pub attributes: Vec<(String, String)>,
    pub base: Option<Rc<Url>>,
}

/// Looks up an attribute by local name, ignoring case and any prefix.
pub(super) fn attribute<'a, K, V>(attributes: &'a [(K, V)], name: &str) -> Option<&'a str>
where
    K: AsRef<str>,
    V: AsRef<str>,
{
    attributes
        .iter()
        .find(|(key, _)| local_name_is(key.as_ref(), name))
        .map(|(_, value)| value.as_ref())
}

/// The values of several attributes in one pass over them, in the order of `names`:
/// trimmed, and `None` where missing or empty.
pub(super) fn attribute_values<'a, const N: usize>(
    attributes: &'a Attributes<'_>,
    names: [&str; N],
) -> [Option<&'a str>; N] {
    let mut found = [None; N];
    for (key, value) in attributes {
        // The local name once per attribute, then a cheap comparison per name sought.
        let local = match key.bytes().rposition(|b| b == b':') {
            Some(colon) => &key[colon + 1..],
            None => key,
        };
        if let Some(slot) = names
            .iter()
            .position(|name| local.eq_ignore_ascii_case(name))
        {
            let value = trim(value);
            if found[slot].is_none() && !value.is_empty() {
                found[slot] = Some(value);
            }
        }
    }
    found
}

/// `text.trim()`, with a shortcut for the usual value that has nothing to trim.
pub(super) fn trim(text: &str) -> &str {
    let bytes = text.as_bytes();
    let untrimmed =
        |byte: Option<&u8>| byte.is_some_and(|&b| b.is_ascii() && !char::from(b).is_whitespace());
    if untrimmed(bytes.first()) && untrimmed(bytes.last()) {
        text
    } else {
        text.trim()
    }
}

/// An element's attributes as read: names borrowed from the document, values borrowed
/// unless an entity reference had to be resolved.
pub(super) type Attributes<'a> = [(&'a str, Cow<'a, str>)];

/// Copies the attributes `assign` reads from a finished field (RSS `guid isPermaLink`,
/// `category domain`, `source url`, `generator uri/version`); the rest are not kept.
fn kept_attributes(attributes: &Attributes<'_>) -> Vec<(String, String)> {
    const KEPT: [&str; 5] = ["ispermalink", "domain", "url", "uri", "version"];
    if attributes.is_empty() {
        return Vec::new();
    }
    attributes
        .iter()
        .filter(|(key, _)| KEPT.iter().any(|name| local_name_is(key, name)))
        .map(|(key, value)| ((*key).to_owned(), value.clone().into_owned()))
        .collect()
}

/// True when `key`, less any `prefix:`, is `name` ignoring ASCII case. Compares the tail
/// in place: this runs for every attribute lookup, and most keys are not the one sought.
fn local_name_is(key: &str, name: &str) -> bool {
    let Some(prefix_len) = key.len().checked_sub(name.len()) else {
        return false;
    };
    let (prefix, local) = key.as_bytes().split_at(prefix_len);
    local.eq_ignore_ascii_case(name.as_bytes())
        && !local.contains(&b':')
        && (prefix.is_empty() || prefix.ends_with(b":"))
}

/// How a field's content is to be read.
#[derive(Debug, Clone, Copy)]
enum Declared {
    Plain,
    Html,
    /// Inline XHTML; `strip_div` removes Atom 1.0's wrapping `<div>`.
    Xhtml {
        strip_div: bool,
    },
    /// Base64 of a text or HTML value.
    Base64 {
        html: bool,
    },
    /// RSS titles: plain unless the text looks like HTML.
    Sniff,
}

/// The name an element gets in HTML: XHTML, SVG and MathML lose their prefix.
fn html_name<'a>(raw_name: &'a str, local: &'a str, ns: Ns) -> &'a str {
    match ns {
        Ns::Xhtml | Ns::Svg | Ns::MathMl => local,
        _ => raw_name,
    }
}

impl Capture {
    /// A capture of `field`, collecting its text into `buffer` (empty; passed in so that
    /// a buffer a finished field did not keep is used again).
    pub fn new(
        field: Field,
        ns: Ns,
        depth: usize,
        attributes: &Attributes<'_>,
        base: Option<Rc<Url>>,
        buffer: String,
    ) -> Self {
        Capture {
            field,
            depth,
            declared: declared(field, ns, attributes),
            attributes: kept_attributes(attributes),
            base,
            text: buffer,
            markup: None,
            close_written: false,
        }
    }

    /// Stack depth of the element being captured.
    pub fn depth(&self) -> usize {
        self.depth
    }

    fn markup(&mut self) -> &mut String {
        let text = &self.text;
        self.markup.get_or_insert_with(|| {
            let mut escaped = String::with_capacity(text.len() + 64);
            markup::push_escaped(&mut escaped, text);
            escaped
        })
    }

    /// Makes room for `len` bytes of text before the first is pushed, so that a value
    /// read in many pieces (text between references) is not grown again and again.
    pub fn reserve(&mut self, len: usize) {
        if self.is_empty() {
            self.text.reserve(len);
        }
    }

    /// True before any text or markup was collected.
    pub fn is_empty(&self) -> bool {
        self.markup.is_none() && self.text.is_empty()
    }

    pub fn push_text(&mut self, text: &str) {
        match self.markup.as_mut() {
            Some(markup) => markup::push_escaped(markup, text),
            None => self.text.push_str(text),
        }
    }

    pub fn push_raw_reference(&mut self, name: &str) {
        let reference = format!("&{name};");
        match self.markup.as_mut() {
            Some(markup) => markup.push_str(&reference),
            None => self.text.push_str(&reference),
        }
    }

    pub fn open_child(
        &mut self,
        raw_name: &str,
        local: &str,
        ns: Ns,
        parent_ns: Option<Ns>,
        attributes: &Attributes<'_>,
        empty: bool,
    ) {
        let name = html_name(raw_name, local, ns);
        let markup = self.markup();
        markup.push('<');
        markup.push_str(name);
        if let Some(uri) = ns.html_xmlns().filter(|_| parent_ns != Some(ns)) {
            markup.push_str(" xmlns=\"");
            markup.push_str(uri);
            markup.push('"');
        }
        if attributes.iter().any(|(key, _)| key.starts_with("xlink:")) {
            markup.push_str(" xmlns:xlink=\"http://www.w3.org/1999/xlink\"");
        }
        for (key, value) in attributes {
            if *key == "xmlns" || key.starts_with("xmlns:") {
                continue;
            }
            markup.push(' ');
            markup.push_str(key);
            markup.push_str("=\"");
            markup::push_escaped_attribute(markup, value);
            markup.push('"');
        }
        if empty {
            if is_void_element(local) {
                markup.push_str(" />");
            } else {
                markup.push_str("></");
                markup.push_str(name);
                markup.push('>');
            }
            self.close_written = true;
        } else {
            markup.push('>');
        }
    }

    pub fn close_child(&mut self, raw_name: &str, ns: Ns) {
        if std::mem::take(&mut self.close_written) {
            return;
        }
        let local = raw_name.rsplit(':').next().unwrap_or(raw_name);
        let name = html_name(raw_name, local, ns);
        let markup = self.markup();
        markup.push_str("</");
        markup.push_str(name);
        markup.push('>');
    }

    /// An end tag that matched no open element: dropped from the markup.
    pub fn stray_end(&mut self, _raw_name: &str) {}

    /// Completes the field: decodes base64, strips Atom's xhtml wrapper, resolves
    /// relative URLs in HTML.
    pub fn finish(self, warnings: &mut Vec<Warning>) -> Finished {
        let declared = self.declared;
        let had_markup = self.markup.is_some();
        // The collected text becomes the value: trimmed in place, not copied.
        let raw = self.markup.unwrap_or(self.text);
        let (kind, value) = match declared {
            Declared::Plain if had_markup => (TextKind::Html, trim_owned(raw)),
            Declared::Plain => (TextKind::Plain, trim_owned(raw)),
            Declared::Html => (TextKind::Html, trim_owned(raw)),
            Declared::Xhtml { strip_div } => {
                let trimmed = raw.trim();
                let value = if strip_div {
                    strip_wrapper_div(trimmed)
                } else {
                    trimmed
                };
                (TextKind::Html, value.trim().to_owned())
            }
            Declared::Base64 { html } => {
                let compact: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
                match base64::engine::general_purpose::STANDARD.decode(compact.as_bytes()) {
                    Ok(bytes) => {
                        let kind = if html {
                            TextKind::Html
                        } else {
                            TextKind::Plain
                        };
                        (kind, String::from_utf8_lossy(&bytes).trim().to_owned())
                    }
                    Err(error) => {
                        warnings.push(Warning {
                            kind: WarningKind::Value,
                            message: format!("base64 content could not be decoded: {error}"),
                            line: None,
                        });
                        (TextKind::Plain, trim_owned(raw))
                    }
                }
            }
            Declared::Sniff if had_markup || looks_like_html(&raw) => {
                (TextKind::Html, trim_owned(raw))
            }
            Declared::Sniff => (TextKind::Plain, trim_owned(raw)),
        };
        let value = if kind == TextKind::Html {
            normalize_html_value(value, self.base.as_deref())
        } else {
            value
        };
        Finished {
            field: self.field,
            value: Text { kind, value },
            attributes: self.attributes,
            base: self.base,
        }
    }
}

/// Brings an HTML value to the form an HTML serializer would give it: bare `&` escaped,
/// `<svg>`/`<math>` roots declared, relative URLs resolved against `base`.
fn normalize_html_value(value: String, base: Option<&Url>) -> String {
    let mut value = match markup::escape_bare_ampersands(&value) {
        Cow::Owned(escaped) => escaped,
        Cow::Borrowed(_) => value,
    };
    if memchr::memchr(b'<', value.as_bytes()).is_none() {
        return value;
    }
    static SVG: LazyLock<memmem::Finder<'static>> = LazyLock::new(|| memmem::Finder::new("<svg"));
    static MATH: LazyLock<memmem::Finder<'static>> = LazyLock::new(|| memmem::Finder::new("<math"));
    let bytes = value.as_bytes();
    if SVG.find(bytes).is_some() || MATH.find(bytes).is_some() {
        value = markup::declare_foreign_roots(&value);
    }
    match base {
        Some(base) => absolutize_html(&value, base),
        None => value,
    }
}

/// How a field's content is to be read, from its element and `type`/`mode` attributes.
fn declared(field: Field, ns: Ns, attributes: &Attributes<'_>) -> Declared {
    let type_attr = attribute(attributes, "type").map(|t| ascii_lowercase(t.trim()));
    let is_text_construct = matches!(
        field,
        Field::Title | Field::Summary | Field::Content | Field::Rights | Field::FallbackSummary
    );
    match ns {
        Ns::Atom10 if is_text_construct => match type_attr.as_deref() {
            None | Some("text" | "") => Declared::Plain,
            Some("html") => Declared::Html,
            Some("xhtml") => Declared::Xhtml { strip_div: true },
            Some(mime) => match declared_for_mime(mime, "xml") {
                Declared::Xhtml { .. } => Declared::Xhtml { strip_div: true },
                other => other,
            },
        },
        Ns::Atom03 if is_text_construct => {
            let mode = attribute(attributes, "mode").map(|m| m.trim().to_ascii_lowercase());
            let mime = type_attr.as_deref().unwrap_or("text/plain");
            declared_for_mime(mime, mode.as_deref().unwrap_or("xml"))
        }
        Ns::Media if field == Field::FallbackSummary => match type_attr.as_deref() {
            Some("html") => Declared::Html,
            _ => Declared::Plain,
        },
        _ => match field {
            Field::Summary | Field::Content | Field::FallbackSummary => Declared::Html,
            Field::Title | Field::FallbackTitle | Field::Rights => Declared::Sniff,
            _ => Declared::Plain,
        },
    }
}

/// `text` in ASCII lowercase, copied only when it has an uppercase letter.
fn ascii_lowercase(text: &str) -> Cow<'_, str> {
    if text.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(text.to_ascii_lowercase())
    } else {
        Cow::Borrowed(text)
    }
}

fn declared_for_mime(mime: &str, mode: &str) -> Declared {
    let html = mime == "text/html" || mime == "html";
    if mode == "base64" {
        return Declared::Base64 { html };
    }
    if mode == "escaped" {
        return if html || mime.contains("xhtml") || mime.ends_with("xml") {
            Declared::Html
        } else {
            Declared::Plain
        };
    }
    if html {
        Declared::Html
    } else if mime.contains("xhtml") || mime.ends_with("+xml") || mime.ends_with("/xml") {
        Declared::Xhtml { strip_div: false }
    } else if mime.starts_with("text/") || mime == "text" {
        Declared::Plain
    } else {
        Declared::Base64 { html: false }
    }
}

/// `text` without leading and trailing whitespace, reusing its buffer; the buffer is
/// shrunk only when much of it would be left unused.
fn trim_owned(mut text: String) -> String {
    if trim(&text).len() != text.len() {
        let end = text.trim_end().len();
        text.truncate(end);
        let start = text.len() - text.trim_start().len();
        text.drain(..start);
    }
    if text.capacity() > text.len() + text.len() / 4 + 64 {
        text.shrink_to_fit();
    }
    text
}

/// Removes Atom 1.0's required `<div>` around xhtml content.
fn strip_wrapper_div(markup: &str) -> &str {
    if !(markup.starts_with("<div") && markup.ends_with("</div>")) {
        return markup;
    }
    match markup.find('>') {
        Some(gt) if gt < markup.len() - "</div>".len() => {
            &markup[gt + 1..markup.len() - "</div>".len()]
        }
        _ => markup,
    }
}

/// feedparser's test for text that is really HTML: an end tag or an entity reference.
fn looks_like_html(text: &str) -> bool {
    let bytes = text.as_bytes();
    let has_end_tag = text.match_indices("</").any(|(idx, _)| {
        let rest = &bytes[idx + 2..];
        let name_len = rest
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        name_len > 0 && rest.get(name_len) == Some(&b'>')
    });
    let has_entity = text.match_indices('&').any(|(idx, _)| {
        let rest = &bytes[idx + 1..];
        let rest = rest.strip_prefix(b"#").unwrap_or(rest);
        let name_len = rest
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        name_len > 0 && rest.get(name_len) == Some(&b';')
    });
    has_end_tag || has_entity
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atom_xhtml_wrapper_div_is_removed() {
        assert_eq!(
            strip_wrapper_div("<div xmlns=\"x\">a <b>b</b></div>"),
            "a <b>b</b>"
        );
        assert_eq!(strip_wrapper_div("<p>a</p>"), "<p>a</p>");
    }

    #[test]
    fn attributes_match_by_local_name_ignoring_case() {
        let attributes = vec![
            ("xml:Lang".to_owned(), "en".to_owned()),
            ("rdf:resource".to_owned(), "r".to_owned()),
            ("href".to_owned(), "h".to_owned()),
        ];
        assert_eq!(attribute(&attributes, "lang"), Some("en"));
        assert_eq!(attribute(&attributes, "RESOURCE"), Some("r"));
        assert_eq!(attribute(&attributes, "href"), Some("h"));
        assert_eq!(attribute(&attributes, "ref"), None);
        assert_eq!(attribute(&attributes, "source"), None);
        assert_eq!(attribute(&attributes, "lang:x"), None);
    }

    #[test]
    fn values_are_trimmed_in_place() {
        assert_eq!(trim_owned("  a b \n".to_owned()), "a b");
        assert_eq!(trim_owned("\u{3000}x\u{3000}".to_owned()), "x");
        assert_eq!(trim_owned(" \t ".to_owned()), "");
    }

    #[test]
    fn end_tags_and_entities_look_like_html() {
        assert!(looks_like_html("<b>bold</b>"));
        assert!(looks_like_html("a &amp; b"));
        assert!(!looks_like_html("AT&T < 3"));
    }
}
