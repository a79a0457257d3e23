//! Atom 1.0 rules (RFC 4287), over a parsed tree.

use std::collections::BTreeMap;

use super::xml::{Element, Node, XML_NAMESPACE};
use super::{
    is_absolute_iri, is_email, is_iri_reference, is_language_tag, is_mime_type, is_rfc3339, shown,
};

const ATOM: &str = "http://www.w3.org/2005/Atom";
const XHTML: &str = "http://www.w3.org/1999/xhtml";

const FEED_ELEMENTS: [&str; 13] = [
    "author",
    "category",
    "contributor",
    "generator",
    "icon",
    "id",
    "link",
    "logo",
    "rights",
    "subtitle",
    "title",
    "updated",
    "entry",
];
const ENTRY_ELEMENTS: [&str; 12] = [
    "author",
    "category",
    "content",
    "contributor",
    "id",
    "link",
    "published",
    "rights",
    "source",
    "summary",
    "title",
    "updated",
];
const FEED_AT_MOST_ONCE: [&str; 5] = ["generator", "icon", "logo", "rights", "subtitle"];
const ENTRY_AT_MOST_ONCE: [&str; 5] = ["content", "published", "rights", "source", "summary"];

pub fn check(root: &Element) -> Vec<String> {
    let mut errors = Vec::new();
    check_xml_lang(root, "", &mut errors);
    if !root.is(Some(ATOM), "feed") {
        errors.push(format!(
            "root element is `{}` in namespace `{}`, not `feed` in `{ATOM}`",
            root.qname,
            root.ns.as_deref().unwrap_or("")
        ));
        return errors;
    }
    let at = "feed";
    check_known_children(root, at, &FEED_ELEMENTS, &mut errors);
    check_metadata(root, at, true, &mut errors);
    let feed_has_author = root.children_named(Some(ATOM), "author").next().is_some();
    for (idx, entry) in root.children_named(Some(ATOM), "entry").enumerate() {
        check_entry(
            entry,
            &format!("{at}/entry[{}]", idx + 1),
            feed_has_author,
            &mut errors,
        );
    }
    errors
}

/// `xml:lang` anywhere holds a language tag (or is empty, meaning "unknown").
fn check_xml_lang(element: &Element, path: &str, errors: &mut Vec<String>) {
    let path = format!("{path}/{}", element.qname);
    if let Some(lang) = element.attr_ns(XML_NAMESPACE, "lang")
        && !lang.is_empty()
        && !is_language_tag(lang)
    {
        errors.push(format!(
            "{path}: xml:lang `{}` is not a language tag",
            shown(lang)
        ));
    }
    if let Some(base) = element.attr_ns(XML_NAMESPACE, "base")
        && !is_iri_reference(base)
    {
        errors.push(format!("{path}: xml:base `{}` is not an IRI", shown(base)));
    }
    for child in element.elements() {
        check_xml_lang(child, &path, errors);
    }
}

/// Atom-namespace children are Atom elements defined at this level.
fn check_known_children(parent: &Element, at: &str, known: &[&str], errors: &mut Vec<String>) {
    for child in parent
        .elements()
        .filter(|child| child.ns.as_deref() == Some(ATOM))
    {
        if !known.contains(&child.name.as_str()) {
            errors.push(format!(
                "{at}: `{}` is not an Atom element here",
                child.name
            ));
        }
    }
}

/// Rules shared by `feed`, `entry` and `source`: cardinalities, ids, dates, text
/// constructs, people, links and categories.
fn check_metadata(parent: &Element, at: &str, is_feed: bool, errors: &mut Vec<String>) {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for child in parent
        .elements()
        .filter(|child| child.ns.as_deref() == Some(ATOM))
    {
        *counts.entry(child.name.as_str()).or_default() += 1;
    }
    let count = |name: &str| counts.get(name).copied().unwrap_or(0);
    for required in ["id", "title", "updated"] {
        if count(required) != 1 {
            errors.push(format!(
                "{at}: {} `{required}` elements, not one",
                count(required)
            ));
        }
    }
    let at_most_once: &[&str] = if is_feed {
        &FEED_AT_MOST_ONCE
    } else {
        &ENTRY_AT_MOST_ONCE
    };
    for name in at_most_once {
        if count(name) > 1 {
            errors.push(format!(
                "{at}: {} `{name}` elements, at most one allowed",
                count(name)
            ));
        }
    }
    for child in parent
        .elements()
        .filter(|child| child.ns.as_deref() == Some(ATOM))
    {
        let child_at = format!("{at}/{}", child.name);
        match child.name.as_str() {
            "id" => {
                let id = child.text();
                if !is_absolute_iri(id.trim()) || id.trim() != id {
                    errors.push(format!(
                        "{child_at}: `{}` is not an absolute IRI",
                        shown(&id)
                    ));
                }
            }
            "updated" | "published" if !is_rfc3339(&child.text()) => {
                errors.push(format!(
                    "{child_at}: `{}` is not an RFC 3339 date-time",
                    shown(&child.text())
                ));
            }
            "title" | "subtitle" | "rights" | "summary" => check_text(child, &child_at, errors),
            "author" | "contributor" => check_person(child, &child_at, errors),
            "link" => check_link(child, &child_at, errors),
            "category" => check_category(child, &child_at, errors),
            "icon" | "logo" if !is_iri_reference(child.text().trim()) => {
                errors.push(format!(
                    "{child_at}: `{}` is not an IRI",
                    shown(&child.text())
                ));
            }
            "generator" => {
                if let Some(uri) = child.attr("uri")
                    && !is_iri_reference(uri)
                {
                    errors.push(format!("{child_at}: uri `{}` is not an IRI", shown(uri)));
                }
                if child.elements().next().is_some() {
                    errors.push(format!("{child_at}: holds elements, not text"));
                }
            }
            _ => {}
        }
    }
    check_alternate_links(parent, at, errors);
}

fn check_entry(entry: &Element, at: &str, feed_has_author: bool, errors: &mut Vec<String>) {
    check_known_children(entry, at, &ENTRY_ELEMENTS, errors);
    check_metadata(entry, at, false, errors);
    let has_author = entry.children_named(Some(ATOM), "author").next().is_some()
        || entry
            .children_named(Some(ATOM), "source")
            .any(|source| source.children_named(Some(ATOM), "author").next().is_some());
    if !has_author && !feed_has_author {
        errors.push(format!("{at}: no author, and the feed has none"));
    }
    let contents: Vec<&Element> = entry.children_named(Some(ATOM), "content").collect();
    let has_summary = entry.children_named(Some(ATOM), "summary").next().is_some();
    let has_alternate = entry
        .children_named(Some(ATOM), "link")
        .any(|link| link.attr("rel").is_none_or(|rel| rel == "alternate"));
    if contents.is_empty() && !has_alternate {
        errors.push(format!("{at}: no content and no alternate link"));
    }
    for content in contents {
        check_content(content, &format!("{at}/content"), has_summary, errors);
    }
    for source in entry.children_named(Some(ATOM), "source") {
        let source_at = format!("{at}/source");
        for child in source.elements().filter(|c| c.ns.as_deref() == Some(ATOM)) {
            if child.name == "entry" || !FEED_ELEMENTS.contains(&child.name.as_str()) {
                errors.push(format!(
                    "{source_at}: `{}` is not allowed in source",
                    child.name
                ));
            }
        }
    }
}

/// `title`, `subtitle`, `rights`, `summary`: RFC 4287 §3.1.
fn check_text(text: &Element, at: &str, errors: &mut Vec<String>) {
    match text.attr("type").unwrap_or("text") {
        "text" | "html" => check_no_elements(text, at, errors),
        "xhtml" => check_xhtml_div(text, at, errors),
        other => errors.push(format!(
            "{at}: type `{}` is not text, html or xhtml",
            shown(other)
        )),
    }
}

/// `content`: RFC 4287 §4.1.3.
fn check_content(content: &Element, at: &str, has_summary: bool, errors: &mut Vec<String>) {
    let kind = content.attr("type").unwrap_or("text");
    let is_mime = is_mime_type(kind);
    if !matches!(kind, "text" | "html" | "xhtml") && !is_mime {
        errors.push(format!(
            "{at}: type `{}` is neither text, html, xhtml nor a MIME type",
            shown(kind)
        ));
    }
    if let Some(src) = content.attr("src") {
        if !is_iri_reference(src) {
            errors.push(format!("{at}: src `{}` is not an IRI", shown(src)));
        }
        if content.elements().next().is_some() || !content.text().trim().is_empty() {
            errors.push(format!("{at}: has src but is not empty"));
        }
        if content.attr("type").is_some() && !is_mime {
            errors.push(format!("{at}: has src, so its type must be a MIME type"));
        }
        if !has_summary {
            errors.push(format!("{at}: has src, but the entry has no summary"));
        }
        return;
    }
    match kind {
        "text" | "html" => check_no_elements(content, at, errors),
        "xhtml" => check_xhtml_div(content, at, errors),
        _ => {
            let lower = kind.to_ascii_lowercase();
            let is_xml = lower.ends_with("/xml") || lower.ends_with("+xml");
            if !is_xml && !lower.starts_with("text/") && !has_summary {
                errors.push(format!(
                    "{at}: Base64 content of type `{}` needs a summary beside it",
                    shown(kind)
                ));
            }
        }
    }
}

fn check_no_elements(element: &Element, at: &str, errors: &mut Vec<String>) {
    if let Some(child) = element.elements().next() {
        errors.push(format!(
            "{at}: text construct holds element `{}` (markup must be escaped)",
            child.qname
        ));
    }
}

/// Exactly one XHTML `div`, with nothing but whitespace around it.
fn check_xhtml_div(element: &Element, at: &str, errors: &mut Vec<String>) {
    let mut divs = 0;
    for node in &element.children {
        match node {
            Node::Element(child) if child.is(Some(XHTML), "div") => divs += 1,
            Node::Element(child) => errors.push(format!(
                "{at}: xhtml holds `{}`, not only an xhtml div",
                child.qname
            )),
            Node::Text(text) if !text.trim().is_empty() => {
                errors.push(format!("{at}: xhtml has text outside its div"));
            }
            Node::Text(_) => {}
        }
    }
    if divs != 1 {
        errors.push(format!("{at}: xhtml holds {divs} xhtml divs, not one"));
    }
}

/// `author`, `contributor`: one non-empty name, at most one uri and email, both valid.
fn check_person(person: &Element, at: &str, errors: &mut Vec<String>) {
    let names: Vec<&Element> = person.children_named(Some(ATOM), "name").collect();
    match names.as_slice() {
        [name] if !name.text().trim().is_empty() => {}
        [_] => errors.push(format!("{at}: name is empty")),
        _ => errors.push(format!("{at}: {} names, not one", names.len())),
    }
    let uris: Vec<&Element> = person.children_named(Some(ATOM), "uri").collect();
    if uris.len() > 1 {
        errors.push(format!("{at}: {} uris, at most one allowed", uris.len()));
    }
    for uri in uris {
        if !is_iri_reference(uri.text().trim()) {
            errors.push(format!("{at}/uri: `{}` is not an IRI", shown(&uri.text())));
        }
    }
    let emails: Vec<&Element> = person.children_named(Some(ATOM), "email").collect();
    if emails.len() > 1 {
        errors.push(format!(
            "{at}: {} emails, at most one allowed",
            emails.len()
        ));
    }
    for email in emails {
        if !is_email(email.text().trim()) {
            errors.push(format!(
                "{at}/email: `{}` is not an e-mail address",
                shown(&email.text())
            ));
        }
    }
    for child in person.elements().filter(|c| c.ns.as_deref() == Some(ATOM)) {
        if !matches!(child.name.as_str(), "name" | "uri" | "email") {
            errors.push(format!("{at}: `{}` is not allowed in a person", child.name));
        }
    }
}

fn check_link(link: &Element, at: &str, errors: &mut Vec<String>) {
    match link.attr("href") {
        None => errors.push(format!("{at}: no href")),
        Some(href) if !is_iri_reference(href) => {
            errors.push(format!("{at}: href `{}` is not an IRI", shown(href)));
        }
        Some(_) => {}
    }
    if let Some(rel) = link.attr("rel") {
        let is_name = !rel.is_empty()
            && rel
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '.' | '_' | '~'));
        if !is_name && !is_absolute_iri(rel) {
            errors.push(format!(
                "{at}: rel `{}` is neither a name nor an IRI",
                shown(rel)
            ));
        }
    }
    if let Some(kind) = link.attr("type")
        && !is_mime_type(kind)
    {
        errors.push(format!("{at}: type `{}` is not a MIME type", shown(kind)));
    }
    if let Some(hreflang) = link.attr("hreflang")
        && !is_language_tag(hreflang)
    {
        errors.push(format!(
            "{at}: hreflang `{}` is not a language tag",
            shown(hreflang)
        ));
    }
    if let Some(length) = link.attr("length")
        && (length.is_empty() || !length.chars().all(|ch| ch.is_ascii_digit()))
    {
        errors.push(format!(
            "{at}: length `{}` is not an integer",
            shown(length)
        ));
    }
}

/// No two alternate links with the same type and hreflang (RFC 4287 §4.1.1, §4.1.2).
fn check_alternate_links(parent: &Element, at: &str, errors: &mut Vec<String>) {
    let mut seen: BTreeMap<(Option<&str>, Option<&str>), usize> = BTreeMap::new();
    for link in parent.children_named(Some(ATOM), "link") {
        if link.attr("rel").is_none_or(|rel| rel == "alternate") {
            *seen
                .entry((link.attr("type"), link.attr("hreflang")))
                .or_default() += 1;
        }
    }
    for ((kind, hreflang), count) in seen {
        if count > 1 {
            errors.push(format!(
                "{at}: {count} alternate links with type {kind:?} and hreflang {hreflang:?}"
            ));
        }
    }
}

fn check_category(category: &Element, at: &str, errors: &mut Vec<String>) {
    if category
        .attr("term")
        .is_none_or(|term| term.trim().is_empty())
    {
        errors.push(format!("{at}: no term"));
    }
    if let Some(scheme) = category.attr("scheme")
        && !is_iri_reference(scheme)
    {
        errors.push(format!("{at}: scheme `{}` is not an IRI", shown(scheme)));
    }
}
