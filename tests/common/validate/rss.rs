//! RSS 2.0 rules (RSS 2.0.11 and the RSS Advisory Board's profile), over a parsed tree.

use std::collections::BTreeMap;

use super::xml::{Element, XML_NAMESPACE};
use super::{
    is_absolute_uri, is_email, is_language_tag, is_mime_type, is_rfc822, is_web_uri, shown,
};

const ATOM: &str = "http://www.w3.org/2005/Atom";
const DC: &str = "http://purl.org/dc/elements/1.1/";
const CONTENT: &str = "http://purl.org/rss/1.0/modules/content/";
const MEDIA: &str = "http://search.yahoo.com/mrss/";
const ITUNES: &str = "http://www.itunes.com/dtds/podcast-1.0.dtd";

/// Namespaces an RSS document of ours may use, with the elements each defines.
const KNOWN_NAMESPACES: [(&str, &[&str]); 5] = [
    (ATOM, &["link"]),
    (
        DC,
        &[
            "title",
            "creator",
            "subject",
            "description",
            "publisher",
            "contributor",
            "date",
            "type",
            "format",
            "identifier",
            "source",
            "language",
            "relation",
            "coverage",
            "rights",
        ],
    ),
    (CONTENT, &["encoded"]),
    (
        MEDIA,
        &[
            "content",
            "group",
            "thumbnail",
            "title",
            "description",
            "keywords",
            "player",
            "credit",
            "category",
            "rating",
        ],
    ),
    (
        ITUNES,
        &[
            "author",
            "block",
            "category",
            "image",
            "duration",
            "explicit",
            "complete",
            "new-feed-url",
            "owner",
            "name",
            "email",
            "subtitle",
            "summary",
            "title",
            "type",
            "episode",
            "season",
            "episodeType",
        ],
    ),
];

const CHANNEL_ELEMENTS: [&str; 20] = [
    "title",
    "link",
    "description",
    "language",
    "copyright",
    "managingEditor",
    "webMaster",
    "pubDate",
    "lastBuildDate",
    "category",
    "generator",
    "docs",
    "cloud",
    "ttl",
    "image",
    "rating",
    "textInput",
    "skipHours",
    "skipDays",
    "item",
];
/// Channel elements that may appear more than once.
const CHANNEL_REPEATABLE: [&str; 2] = ["category", "item"];

const ITEM_ELEMENTS: [&str; 10] = [
    "title",
    "link",
    "description",
    "author",
    "category",
    "comments",
    "enclosure",
    "guid",
    "pubDate",
    "source",
];
/// Item elements that may appear more than once.
const ITEM_REPEATABLE: [&str; 1] = ["category"];

pub fn check(root: &Element) -> Vec<String> {
    let mut errors = Vec::new();
    check_namespaces(root, "", &mut errors);
    if !root.is(None, "rss") {
        errors.push(format!("root element is `{}`, not `rss`", root.qname));
        return errors;
    }
    match root.attr("version") {
        Some("2.0") => {}
        Some(other) => errors.push(format!("rss: version is `{}`, not `2.0`", shown(other))),
        None => errors.push("rss: no version attribute".to_owned()),
    }
    let channels: Vec<&Element> = root.children_named(None, "channel").collect();
    if channels.len() != 1 {
        errors.push(format!("rss: {} channel elements, not one", channels.len()));
    }
    for other in root.elements().filter(|el| !el.is(None, "channel")) {
        errors.push(format!("rss: unexpected element `{}`", other.qname));
    }
    if let Some(channel) = channels.first() {
        check_channel(channel, &mut errors);
    }
    errors
}

/// Every element is unqualified or in a known namespace, and is defined there.
fn check_namespaces(element: &Element, path: &str, errors: &mut Vec<String>) {
    let path = format!("{path}/{}", element.qname);
    if let Some(ns) = &element.ns {
        match KNOWN_NAMESPACES.iter().find(|(known, _)| known == ns) {
            None => errors.push(format!(
                "{path}: namespace `{ns}` is not one RSS output may use"
            )),
            Some((_, names)) if !names.contains(&element.name.as_str()) => errors.push(format!(
                "{path}: `{}` is not an element of `{ns}`",
                element.name
            )),
            Some(_) => {}
        }
    }
    for attr in &element.attrs {
        if let Some(ns) = &attr.ns
            && ns != XML_NAMESPACE
            && !KNOWN_NAMESPACES.iter().any(|(known, _)| known == ns)
        {
            errors.push(format!(
                "{path}: attribute `{}` in unknown namespace `{ns}`",
                attr.name
            ));
        }
        if attr.ns.as_deref() == Some(XML_NAMESPACE)
            && attr.name == "lang"
            && !attr.value.is_empty()
            && !is_language_tag(&attr.value)
        {
            errors.push(format!(
                "{path}: xml:lang `{}` is not a language tag",
                shown(&attr.value)
            ));
        }
    }
    for child in element.elements() {
        check_namespaces(child, &path, errors);
    }
}

fn check_channel(channel: &Element, errors: &mut Vec<String>) {
    let at = "channel";
    check_core_children(channel, at, &CHANNEL_ELEMENTS, &CHANNEL_REPEATABLE, errors);
    for required in ["title", "link", "description"] {
        match channel.children_named(None, required).next() {
            None => errors.push(format!("{at}: no `{required}`")),
            Some(element) if element.text().trim().is_empty() => {
                errors.push(format!("{at}: `{required}` is empty"));
            }
            Some(_) => {}
        }
    }
    if let Some(link) = channel.children_named(None, "link").next() {
        check_uri(&link.text(), &format!("{at}/link"), errors);
    }
    for date in ["pubDate", "lastBuildDate"] {
        for element in channel.children_named(None, date) {
            check_date(&element.text(), &format!("{at}/{date}"), errors);
        }
    }
    for language in channel.children_named(None, "language") {
        check_language(&language.text(), &format!("{at}/language"), errors);
    }
    for editor in ["managingEditor", "webMaster"] {
        for element in channel.children_named(None, editor) {
            check_contact(&element.text(), &format!("{at}/{editor}"), errors);
        }
    }
    for ttl in channel.children_named(None, "ttl") {
        check_integer(&ttl.text(), &format!("{at}/ttl"), errors);
    }
    for image in channel.children_named(None, "image") {
        check_image(image, errors);
    }
    for category in channel.children_named(None, "category") {
        check_category(category, &format!("{at}/category"), errors);
    }
    check_extensions(channel, at, errors);
    for (idx, item) in channel.children_named(None, "item").enumerate() {
        check_item(item, &format!("{at}/item[{}]", idx + 1), errors);
    }
}

/// Unqualified children are RSS elements, and single ones appear once.
fn check_core_children(
    parent: &Element,
    at: &str,
    known: &[&str],
    repeatable: &[&str],
    errors: &mut Vec<String>,
) {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for child in parent.elements().filter(|child| child.ns.is_none()) {
        let name = child.name.as_str();
        if !known.contains(&name) {
            errors.push(format!("{at}: `{name}` is not an RSS 2.0 element here"));
        }
        *counts.entry(name).or_default() += 1;
    }
    for (name, count) in counts {
        if count > 1 && !repeatable.contains(&name) {
            errors.push(format!("{at}: `{name}` appears {count} times"));
        }
    }
}

fn check_image(image: &Element, errors: &mut Vec<String>) {
    let at = "channel/image";
    for required in ["url", "title", "link"] {
        match image.children_named(None, required).next() {
            None => errors.push(format!("{at}: no `{required}`")),
            Some(element) => {
                let value = element.text();
                if value.trim().is_empty() {
                    errors.push(format!("{at}: `{required}` is empty"));
                } else if required == "url" && !is_web_uri(value.trim()) {
                    errors.push(format!(
                        "{at}/url: `{}` is not an http(s) URL",
                        shown(&value)
                    ));
                } else if required == "link" {
                    check_uri(&value, &format!("{at}/link"), errors);
                }
            }
        }
    }
    for (dimension, max) in [("width", 144), ("height", 400)] {
        for element in image.children_named(None, dimension) {
            match element.text().trim().parse::<u32>() {
                Ok(value) if value <= max => {}
                _ => errors.push(format!(
                    "{at}/{dimension}: `{}` is not a number up to {max}",
                    shown(&element.text())
                )),
            }
        }
    }
}

fn check_item(item: &Element, at: &str, errors: &mut Vec<String>) {
    check_core_children(item, at, &ITEM_ELEMENTS, &ITEM_REPEATABLE, errors);
    let has_text = |name: &str| {
        item.children_named(None, name)
            .any(|element| !element.text().trim().is_empty())
    };
    if !has_text("title") && !has_text("description") {
        errors.push(format!("{at}: neither a title nor a description"));
    }
    for name in ["link", "comments"] {
        for element in item.children_named(None, name) {
            check_uri(&element.text(), &format!("{at}/{name}"), errors);
        }
    }
    for date in item.children_named(None, "pubDate") {
        check_date(&date.text(), &format!("{at}/pubDate"), errors);
    }
    for author in item.children_named(None, "author") {
        check_contact(&author.text(), &format!("{at}/author"), errors);
    }
    for enclosure in item.children_named(None, "enclosure") {
        check_enclosure(enclosure, &format!("{at}/enclosure"), errors);
    }
    for guid in item.children_named(None, "guid") {
        check_guid(guid, &format!("{at}/guid"), errors);
    }
    for category in item.children_named(None, "category") {
        check_category(category, &format!("{at}/category"), errors);
    }
    for source in item.children_named(None, "source") {
        match source.attr("url") {
            Some(url) => check_uri(url, &format!("{at}/source@url"), errors),
            None => errors.push(format!("{at}/source: no url attribute")),
        }
    }
    check_extensions(item, at, errors);
}

fn check_enclosure(enclosure: &Element, at: &str, errors: &mut Vec<String>) {
    match enclosure.attr("url") {
        None => errors.push(format!("{at}: no url")),
        Some(url) if !is_web_uri(url) => {
            errors.push(format!(
                "{at}: url `{}` is not an absolute http(s) URL",
                shown(url)
            ));
        }
        Some(_) => {}
    }
    match enclosure.attr("length") {
        None => errors.push(format!("{at}: no length")),
        Some(length) => check_integer(length, &format!("{at}@length"), errors),
    }
    match enclosure.attr("type") {
        None => errors.push(format!("{at}: no type")),
        Some(kind) if !is_mime_type(kind) => {
            errors.push(format!("{at}: type `{}` is not a MIME type", shown(kind)));
        }
        Some(_) => {}
    }
}

fn check_guid(guid: &Element, at: &str, errors: &mut Vec<String>) {
    let value = guid.text();
    if value.trim().is_empty() {
        errors.push(format!("{at}: empty"));
    }
    let permalink = match guid.attr("isPermaLink") {
        None | Some("true") => true,
        Some("false") => false,
        Some(other) => {
            errors.push(format!(
                "{at}: isPermaLink is `{}`, not true or false",
                shown(other)
            ));
            false
        }
    };
    if permalink && !is_absolute_uri(&value) {
        errors.push(format!(
            "{at}: a permalink guid, but `{}` is not an absolute URL",
            shown(&value)
        ));
    }
}

fn check_category(category: &Element, at: &str, errors: &mut Vec<String>) {
    if category.text().trim().is_empty() {
        errors.push(format!("{at}: empty"));
    }
}

/// Elements from other namespaces: Atom links, Dublin Core, Media RSS.
fn check_extensions(parent: &Element, at: &str, errors: &mut Vec<String>) {
    for link in parent.children_named(Some(ATOM), "link") {
        let at = format!("{at}/atom:link");
        match link.attr("href") {
            None => errors.push(format!("{at}: no href")),
            Some(href) => check_uri(href, &at, errors),
        }
        if link.attr("rel").is_none_or(|rel| rel.trim().is_empty()) {
            errors.push(format!("{at}: no rel"));
        }
        if let Some(kind) = link.attr("type")
            && !is_mime_type(kind)
        {
            errors.push(format!("{at}: type `{}` is not a MIME type", shown(kind)));
        }
    }
    for language in parent.children_named(Some(DC), "language") {
        check_language(&language.text(), &format!("{at}/dc:language"), errors);
    }
    for name in ["creator", "rights"] {
        for element in parent.children_named(Some(DC), name) {
            if element.text().trim().is_empty() {
                errors.push(format!("{at}/dc:{name}: empty"));
            }
        }
    }
    for media in parent.children_named(Some(MEDIA), "content") {
        let at = format!("{at}/media:content");
        match media.attr("url") {
            None => errors.push(format!("{at}: no url")),
            Some(url) => check_uri(url, &at, errors),
        }
        if let Some(size) = media.attr("fileSize") {
            check_integer(size, &format!("{at}@fileSize"), errors);
        }
        if let Some(kind) = media.attr("type")
            && !is_mime_type(kind)
        {
            errors.push(format!("{at}: type `{}` is not a MIME type", shown(kind)));
        }
    }
}

fn check_uri(value: &str, at: &str, errors: &mut Vec<String>) {
    if !is_absolute_uri(value.trim()) {
        errors.push(format!("{at}: `{}` is not an absolute URL", shown(value)));
    }
}

fn check_date(value: &str, at: &str, errors: &mut Vec<String>) {
    if !is_rfc822(value.trim()) {
        errors.push(format!("{at}: `{}` is not an RFC 822 date", shown(value)));
    }
}

fn check_language(value: &str, at: &str, errors: &mut Vec<String>) {
    if !is_language_tag(value.trim()) {
        errors.push(format!("{at}: `{}` is not a language tag", shown(value)));
    }
}

fn check_integer(value: &str, at: &str, errors: &mut Vec<String>) {
    let value = value.trim();
    if value.is_empty() || !value.chars().all(|ch| ch.is_ascii_digit()) {
        errors.push(format!(
            "{at}: `{}` is not a non-negative integer",
            shown(value)
        ));
    }
}

/// `managingEditor`, `webMaster` and `author` hold an e-mail address, optionally followed
/// by the name in parentheses: `kim@example.com (Kim)`.
fn check_contact(value: &str, at: &str, errors: &mut Vec<String>) {
    let value = value.trim();
    let address = match value.split_once(' ') {
        Some((address, name)) => {
            let name = name.trim();
            if !(name.starts_with('(') && name.ends_with(')') && name.len() > 2) {
                errors.push(format!("{at}: `{}` is not `email (name)`", shown(value)));
            }
            address
        }
        None => value,
    };
    if !is_email(address) {
        errors.push(format!(
            "{at}: `{}` is not an e-mail address",
            shown(address)
        ));
    }
}
