//! Character-level helpers for the XML reader: entity references, escaping, and making
//! URLs inside HTML fragments absolute.
//!
//! Policy: an entity we cannot resolve is kept as written (and the caller warns); nothing
//! here fails.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::HashMap;

use url::Url;

use crate::model::resolve_html_reference;

/// The least the document's own `<!ENTITY>` values may expand to in all, in bytes; a
/// document larger than this may expand to its own size. Past it, references to them
/// become nothing (the quadratic-blowup and billion-laughs attacks).
const MIN_ENTITY_BUDGET: usize = 1024 * 1024;

/// The document's own `<!ENTITY>` declarations and what they may still expand to.
pub(super) struct Entities {
    /// Name to value, filled by [`declared_entities`].
    pub declared: HashMap<String, String>,
    /// Bytes the declared entities may still expand to.
    budget: Cell<usize>,
    /// The budget a document of this length starts with.
    initial_budget: usize,
    /// Whether an expansion was refused for want of budget.
    refused: Cell<bool>,
}

impl Entities {
    /// No declarations yet, and the budget of a document of `document_len` bytes: its own
    /// length, at least [`MIN_ENTITY_BUDGET`].
    pub(super) fn new(document_len: usize) -> Self {
        let initial_budget = document_len.max(MIN_ENTITY_BUDGET);
        Entities {
            declared: HashMap::new(),
            budget: Cell::new(initial_budget),
            initial_budget,
            refused: Cell::new(false),
        }
    }

    /// Resolves `&name;` (see [`resolve_reference`]), charging the declared entities to
    /// the budget; past it, they expand to nothing.
    pub(super) fn resolve(&self, name: &str) -> Option<Cow<'_, str>> {
        // Most documents declare no entities: skip hashing the name then.
        if !self.declared.is_empty()
            && let Some(value) = self.declared.get(name)
        {
            let left = self.budget.get();
            if value.len() > left {
                self.refused.set(true);
                return Some(Cow::Borrowed(""));
            }
            self.budget.set(left - value.len());
            return Some(Cow::Borrowed(value));
        }
        // Character references and HTML's named entities are never longer than written.
        resolve_reference(name, &self.declared)
    }

    /// The budget, when an expansion went over it.
    pub(super) fn refused_over(&self) -> Option<usize> {
        self.refused.get().then_some(self.initial_budget)
    }
}

/// Resolves the name inside `&name;`: the document's own `<!ENTITY>` declarations, then
/// character references and every HTML named entity (which include XML's five).
pub(super) fn resolve_reference<'a>(
    name: &str,
    declared: &'a HashMap<String, String>,
) -> Option<Cow<'a, str>> {
    // Most documents declare no entities: skip hashing the name then.
    if declared.is_empty() {
        return resolve_html_reference(name);
    }
    match declared.get(name) {
        Some(value) => Some(Cow::Borrowed(value.as_str())),
        None => resolve_html_reference(name),
    }
}

/// Appends `text` to `out`, escaped for HTML text content: runs without a special
/// character are copied whole.
pub(super) fn push_escaped(out: &mut String, text: &str) {
    let mut last = 0;
    for idx in memchr::memchr3_iter(b'&', b'<', b'>', text.as_bytes()) {
        out.push_str(&text[last..idx]);
        out.push_str(match text.as_bytes()[idx] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            _ => "&gt;",
        });
        last = idx + 1;
    }
    out.push_str(&text[last..]);
}

/// Appends `value` to `out`, escaped for a double-quoted HTML attribute.
pub(super) fn push_escaped_attribute(out: &mut String, value: &str) {
    for ch in value.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(ch),
        }
    }
}

/// Escapes every `&` that does not start a character or entity reference, as an HTML
/// serializer would. Borrows `html` when it has no bare `&`, the usual case.
pub(super) fn escape_bare_ampersands(html: &str) -> Cow<'_, str> {
    let bytes = html.as_bytes();
    let mut out = String::new();
    let mut last = 0;
    for idx in memchr::memchr_iter(b'&', bytes) {
        let rest = &bytes[idx + 1..];
        let body = rest.strip_prefix(b"#").unwrap_or(rest);
        let name_len = body
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        let is_reference = name_len > 0 && body.get(name_len) == Some(&b';');
        if !is_reference {
            if out.is_empty() {
                out.reserve(html.len() + 8);
            }
            out.push_str(&html[last..idx]);
            out.push_str("&amp;");
            last = idx + 1;
        }
    }
    if last == 0 {
        return Cow::Borrowed(html);
    }
    out.push_str(&html[last..]);
    Cow::Owned(out)
}

/// Adds the namespace declarations feedparser gives `<svg>` and `<math>` roots, and
/// elements with `xlink:` attributes, in HTML.
pub(super) fn declare_foreign_roots(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        rest = &rest[lt..];
        let uri = if starts_tag(rest, "<svg") {
            Some("http://www.w3.org/2000/svg")
        } else if starts_tag(rest, "<math") {
            Some("http://www.w3.org/1998/Math/MathML")
        } else {
            None
        };
        let tag_len = tag_end(rest).map_or(rest.len(), |gt| gt + 1);
        let tag = &rest[..tag_len];
        let name_len = tag
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .filter(|&len| len > 1)
            .unwrap_or(tag.len());
        out.push_str(&tag[..name_len]);
        if let Some(uri) = uri.filter(|_| !tag.contains("xmlns=")) {
            out.push_str(" xmlns=\"");
            out.push_str(uri);
            out.push('"');
        }
        if tag.contains(" xlink:") && !tag.contains("xmlns:xlink") {
            out.push_str(" xmlns:xlink=\"http://www.w3.org/1999/xlink\"");
        }
        out.push_str(&tag[name_len..]);
        rest = &rest[tag_len..];
    }
    out.push_str(rest);
    out
}

fn starts_tag(text: &str, open: &str) -> bool {
    text.starts_with(open)
        && text[open.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_whitespace() || c == '>' || c == '/')
}

/// Parses the internal subset of a `<!DOCTYPE …>` for simple `<!ENTITY name "value">`
/// declarations. External and parameter entities are ignored.
pub(super) fn declared_entities(doctype: &str, into: &mut HashMap<String, String>) {
    let mut rest = doctype;
    while let Some(start) = rest.find("<!ENTITY") {
        rest = &rest[start + "<!ENTITY".len()..];
        let mut words = rest.trim_start().splitn(2, char::is_whitespace);
        let (Some(name), Some(after)) = (words.next(), words.next()) else {
            break;
        };
        if name == "%" {
            continue;
        }
        let after = after.trim_start();
        let Some(quote) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        if let Some(end) = after[1..].find(quote) {
            into.insert(name.to_owned(), after[1..1 + end].to_owned());
        }
    }
}

/// HTML attributes that hold URLs, per element (feedparser's list, after HTML 4 and 5).
fn is_url_attribute(element: &str, attribute: &str) -> bool {
    matches!(
        (element, attribute),
        ("a" | "area" | "link", "href")
            | (
                "audio" | "embed" | "frame" | "iframe" | "img" | "input" | "script",
                "src"
            )
            | ("source" | "track" | "video", "src")
            | ("blockquote" | "del" | "ins" | "q", "cite")
            | ("body" | "table" | "td" | "th", "background")
            | ("form", "action")
            | ("frame" | "iframe" | "img", "longdesc")
            | ("head", "profile")
            | ("img" | "input" | "object", "usemap")
            | ("object", "data" | "classid" | "codebase")
            | ("applet", "codebase")
            | ("video", "poster")
    )
}

/// Resolves a possibly relative reference against `base`; returns it unchanged when it
/// is already absolute or cannot be resolved.
pub(super) fn resolve_url(base: Option<&Url>, reference: &str) -> String {
    let trimmed = reference.trim();
    match base {
        Some(base) if !trimmed.is_empty() || !reference.is_empty() => base
            .join(trimmed)
            .map(String::from)
            .unwrap_or_else(|_| trimmed.to_owned()),
        _ => trimmed.to_owned(),
    }
}

/// Rewrites relative URLs in the URL-carrying attributes of an HTML fragment to absolute
/// ones against `base`. Tags are found by a tolerant scan; text is copied unchanged.
pub(super) fn absolutize_html(html: &str, base: &Url) -> String {
    let mut out = String::with_capacity(html.len() + 32);
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let tag_and_after = &rest[lt..];
        let Some(gt) = tag_end(tag_and_after) else {
            out.push_str(tag_and_after);
            return out;
        };
        rewrite_tag(&tag_and_after[..=gt], base, &mut out);
        rest = &tag_and_after[gt + 1..];
    }
    out.push_str(rest);
    out
}

/// Index of the `>` closing the tag that starts `text`, skipping quoted attribute values.
fn tag_end(text: &str) -> Option<usize> {
    let mut quote = None;
    for (idx, ch) in text.char_indices().skip(1) {
        match (quote, ch) {
            (None, '"' | '\'') => quote = Some(ch),
            (Some(open), _) if ch == open => quote = None,
            (None, '>') => return Some(idx),
            _ => {}
        }
    }
    None
}

fn rewrite_tag(tag: &str, base: &Url, out: &mut String) {
    let inner = &tag[1..tag.len() - 1];
    let name_len = inner
        .find(|c: char| c.is_whitespace() || c == '/')
        .unwrap_or(inner.len());
    let element = inner[..name_len].to_ascii_lowercase();
    if element.is_empty() || element.starts_with(['/', '!', '?']) {
        out.push_str(tag);
        return;
    }
    out.push('<');
    out.push_str(&inner[..name_len]);
    let mut attrs = &inner[name_len..];
    loop {
        let trimmed = attrs.trim_start();
        out.push_str(&attrs[..attrs.len() - trimmed.len()]);
        attrs = trimmed;
        let key_len = attrs
            .find(|c: char| c.is_whitespace() || c == '=' || c == '/')
            .unwrap_or(attrs.len());
        if key_len == 0 {
            out.push_str(attrs);
            break;
        }
        let key = &attrs[..key_len];
        out.push_str(key);
        attrs = &attrs[key_len..];
        let after_ws = attrs.trim_start();
        let Some(value_part) = after_ws.strip_prefix('=') else {
            continue;
        };
        out.push_str(&attrs[..attrs.len() - after_ws.len()]);
        out.push('=');
        let value_trimmed = value_part.trim_start();
        out.push_str(&value_part[..value_part.len() - value_trimmed.len()]);
        let (quote, value, remainder) = split_attribute_value(value_trimmed);
        if is_url_attribute(&element, &key.to_ascii_lowercase()) {
            let unescaped = value.replace("&amp;", "&");
            let resolved = resolve_url(Some(base), &unescaped).replace('&', "&amp;");
            push_quoted(out, quote, &resolved);
        } else {
            push_quoted(out, quote, value);
        }
        attrs = remainder;
    }
    out.push('>');
}

fn split_attribute_value(text: &str) -> (Option<char>, &str, &str) {
    match text.chars().next() {
        Some(quote @ ('"' | '\'')) => match text[1..].find(quote) {
            Some(end) => (Some(quote), &text[1..1 + end], &text[end + 2..]),
            None => (Some(quote), &text[1..], ""),
        },
        _ => {
            let end = text
                .find(|c: char| c.is_whitespace() || c == '/')
                .unwrap_or(text.len());
            (None, &text[..end], &text[end..])
        }
    }
}

fn push_quoted(out: &mut String, quote: Option<char>, value: &str) {
    let quote = quote.unwrap_or('"');
    out.push(quote);
    out.push_str(value);
    out.push(quote);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_entities_expand_within_the_budget_then_to_nothing() {
        let mut entities = Entities::new(10);
        entities
            .declared
            .insert("big".into(), "a".repeat(400 * 1024));
        let mut expanded = 0;
        for _ in 0..10 {
            expanded += entities.resolve("big").expect("declared").len();
        }
        // Two and a half values fit in the 1 MiB budget of a small document.
        assert_eq!(expanded, 2 * 400 * 1024);
        assert_eq!(entities.refused_over(), Some(MIN_ENTITY_BUDGET));
        // HTML's own entities are not charged, and still resolve.
        assert_eq!(entities.resolve("amp").as_deref(), Some("&"));
        assert_eq!(entities.resolve("unknown"), None);
    }

    #[test]
    fn html_named_entities_resolve() {
        let none = HashMap::new();
        assert_eq!(resolve_reference("eacute", &none).as_deref(), Some("é"));
        assert_eq!(resolve_reference("nbsp", &none).as_deref(), Some("\u{a0}"));
        assert_eq!(
            resolve_reference("#x2019", &none).as_deref(),
            Some("\u{2019}")
        );
        assert_eq!(resolve_reference("bogus", &none), None);
    }

    #[test]
    fn c1_character_references_read_as_windows_1252() {
        let none = HashMap::new();
        assert_eq!(
            resolve_reference("#150", &none).as_deref(),
            Some("\u{2013}")
        );
    }

    #[test]
    fn doctype_entities_are_collected() {
        let mut map = HashMap::new();
        declared_entities(
            r#"rss [ <!ENTITY foo "bar baz"> <!ENTITY % p "x"> ]"#,
            &mut map,
        );
        assert_eq!(map.get("foo").map(String::as_str), Some("bar baz"));
        assert_eq!(map.len(), 1);
    }

    #[test]
    fn relative_urls_in_html_become_absolute() {
        let base = Url::parse("http://example.com/dir/page").unwrap();
        let html = r#"<p><a href="../x?a=1&amp;b=2">x</a> <img src='i.png' alt="rel"/><b title="t">ok</b></p>"#;
        assert_eq!(
            absolutize_html(html, &base),
            r#"<p><a href="http://example.com/x?a=1&amp;b=2">x</a> <img src='http://example.com/dir/i.png' alt="rel"/><b title="t">ok</b></p>"#
        );
    }

    #[test]
    fn unterminated_tags_are_copied_unchanged() {
        let base = Url::parse("http://example.com/").unwrap();
        assert_eq!(absolutize_html("a <a href='x", &base), "a <a href='x");
    }
}
