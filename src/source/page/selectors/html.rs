//! The inner HTML of a matched element, written out again with its URLs made absolute, so
//! a summary's links and images still work once the article leaves its page.
//!
//! Policy: serialize what the HTML parser built (so the output is well-formed), resolve the
//! attributes that carry URLs (`href`, `src`, `srcset` …) against the page's base, keep
//! everything else as it was, and drop comments. Sanitizing is `emit`'s job, not this one's.

use std::fmt::Write as _;

use scraper::{ElementRef, Node};
use url::Url;

use crate::model::is_void_element;

/// The inner HTML of `element`, with relative URLs resolved against `base`. Attributes come
/// out in the order the parser keeps them (scraper sorts them by name).
pub(in crate::source::page) fn inner_html(element: ElementRef<'_>, base: Option<&Url>) -> String {
    let Some(base) = base else {
        return element.inner_html();
    };
    let mut out = String::new();
    write_children(element, base, &mut out);
    out
}

fn write_children(element: ElementRef<'_>, base: &Url, out: &mut String) {
    for child in element.children() {
        match child.value() {
            Node::Text(text) => push_escaped(out, text, false),
            Node::Element(_) => {
                if let Some(child) = ElementRef::wrap(child) {
                    write_element(child, base, out);
                }
            }
            _ => {}
        }
    }
}

fn write_element(element: ElementRef<'_>, base: &Url, out: &mut String) {
    let name = element.value().name();
    out.push('<');
    out.push_str(name);
    for (attr, value) in element.value().attrs() {
        let value = resolve_attribute(attr, value, base);
        let _ = write!(out, " {attr}=\"");
        push_escaped(out, &value, true);
        out.push('"');
    }
    out.push('>');
    if is_void_element(name) {
        return;
    }
    write_children(element, base, out);
    let _ = write!(out, "</{name}>");
}

/// An attribute's value with the URLs it carries (`href`, `src`, `srcset` …) resolved
/// against `base`; other attributes as they are.
pub(in crate::source::page) fn resolve_attribute(attr: &str, value: &str, base: &Url) -> String {
    let resolve = |reference: &str| {
        base.join(reference.trim())
            .map_or_else(|_| reference.to_owned(), String::from)
    };
    match attr {
        "href" | "src" | "poster" | "cite" | "action" | "background" | "longdesc" => resolve(value),
        "srcset" => value
            .split(',')
            .map(|candidate| {
                let candidate = candidate.trim();
                match candidate.split_once(char::is_whitespace) {
                    Some((url, descriptor)) => format!("{} {}", resolve(url), descriptor.trim()),
                    None => resolve(candidate),
                }
            })
            .collect::<Vec<_>>()
            .join(", "),
        _ => value.to_owned(),
    }
}

fn push_escaped(out: &mut String, text: &str, in_attribute: bool) {
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' if !in_attribute => out.push_str("&lt;"),
            '>' if !in_attribute => out.push_str("&gt;"),
            '"' if in_attribute => out.push_str("&quot;"),
            '\u{a0}' => out.push_str("&nbsp;"),
            _ => out.push(ch),
        }
    }
}

#[cfg(test)]
mod tests {
    use scraper::{Html, Selector};

    use super::*;

    fn rewritten(fragment: &str) -> String {
        let html = Html::parse_document(&format!("<div id=x>{fragment}</div>"));
        let selector = Selector::parse("#x").expect("a valid selector");
        let div = html.select(&selector).next().expect("the div");
        let base = Url::parse("https://example.org/news/").expect("a valid URL");
        inner_html(div, Some(&base))
    }

    #[test]
    fn links_and_images_inside_html_become_absolute() {
        assert_eq!(
            rewritten(
                r#"See <a href="a?x=1&amp;y=2">this</a> <img src="/i.png" alt="A &quot;B&quot;">"#
            ),
            r#"See <a href="https://example.org/news/a?x=1&amp;y=2">this</a> <img alt="A &quot;B&quot;" src="https://example.org/i.png">"#
        );
    }

    #[test]
    fn srcset_candidates_are_each_resolved_and_comments_dropped() {
        assert_eq!(
            rewritten(r#"<!-- ad --><img srcset="s.jpg 1x, /l.jpg 2x">"#),
            r#"<img srcset="https://example.org/news/s.jpg 1x, https://example.org/l.jpg 2x">"#
        );
    }

    #[test]
    fn text_is_escaped_again() {
        assert_eq!(rewritten("1 &lt; 2 &amp; 3"), "1 &lt; 2 &amp; 3");
    }
}
