//! Advertising slots inside article bodies: the boxes CMSs insert between paragraphs
//! (`<div class="ad-slot">`, `<ins class="adsbygoogle">`, `<div class="werbung">`,
//! `data-ad-slot`), which readability keeps when their class names are not English or do
//! not match its patterns.
//!
//! Policy: an element is an ad slot when a class or id, or a `-`/`_`-separated part of
//! one, is an advertising word in one of the languages pages use, or it carries an ad
//! network's attribute. Never the page's frame: `html`, `body`, `main`, `article`, an
//! element holding the `h1`, or one holding half the page's text or more is kept whatever
//! its class. Entry point: [`remove_ad_slots`].

use dom_query::{Document, NodeRef};

/// Class or id parts that name an advertisement.
const AD_WORDS: &[&str] = &[
    "ad",
    "ads",
    "adv",
    "advert",
    "adverts",
    "advertisement",
    "advertising",
    "adsbygoogle",
    "adsense",
    "adslot",
    "adunit",
    "dfp",
    "sponsor",
    "sponsored",
    "werbung",
    "anzeige",
    "publicidad",
    "publicite",
    "publicité",
    "pubblicita",
    "pubblicità",
    "reklama",
    "реклама",
    "广告",
    "広告",
    "광고",
];

/// Attributes only ad slots carry.
const AD_ATTRIBUTES: &[&str] = &[
    "data-ad-slot",
    "data-ad-client",
    "data-ad-unit",
    "data-ad-position",
];

/// Detaches the document's ad slots; returns how many were found.
pub(super) fn remove_ad_slots(document: &Document) -> usize {
    let root = document.root();
    let page_chars = text_chars(&root);
    let slots: Vec<NodeRef<'_>> = root
        .descendants_it()
        .filter(|node| node.is_element() && is_ad_slot(node) && !is_frame(node, page_chars))
        .collect();
    // Detaching an outer slot first takes inner ones with it.
    for slot in &slots {
        slot.remove_from_parent();
    }
    slots.len()
}

/// True when the element's classes, id or attributes mark it as an advertisement.
fn is_ad_slot(element: &NodeRef<'_>) -> bool {
    if AD_ATTRIBUTES.iter().any(|name| element.has_attr(name)) {
        return true;
    }
    let class = element.class().unwrap_or_default();
    let id = element.id_attr().unwrap_or_default();
    class
        .split_whitespace()
        .chain(std::iter::once(id.trim()))
        .filter(|name| !name.is_empty())
        .any(|name| {
            let name = name.to_lowercase();
            is_ad_word(&name) || name.split(['-', '_']).any(is_ad_word)
        })
}

fn is_ad_word(word: &str) -> bool {
    AD_WORDS.contains(&word)
}

/// True for elements that frame the article rather than sit in it.
fn is_frame(element: &NodeRef<'_>, page_chars: usize) -> bool {
    let name = element.node_name().unwrap_or_default();
    matches!(name.as_ref(), "html" | "body" | "main" | "article")
        || element
            .descendants_it()
            .any(|node| node.node_name().is_some_and(|n| n.as_ref() == "h1"))
        || text_chars(element) * 2 >= page_chars.max(1)
}

fn text_chars(element: &NodeRef<'_>) -> usize {
    element.text().trim().chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The body's text after removing its ad slots.
    fn kept(body: &str) -> String {
        let document = Document::from(format!("<html><body>{body}</body></html>"));
        remove_ad_slots(&document);
        document.root().text().to_string()
    }

    const BODY: &str = "<p>A first paragraph of the story that is long enough to be the body.</p>\
        <p>A second paragraph of the story, also long, so that the boxes are small.</p>\
        <p>A third paragraph that ends the story with a little more text in it.</p>";

    #[test]
    fn ad_slots_are_found_by_class_id_part_word_and_attribute() {
        let text = kept(&format!(
            "{BODY}<div class='code-block ad-slot'>one</div><div class='werbung'>two</div>\
             <div id='banner-publicidad'>three</div><div data-ad-slot='1'>four</div>\
             <div class='ad ad-inarticle'><span class='ad-label'>five</span></div>\
             <div class='広告'>six</div>"
        ));
        for slot in ["one", "two", "three", "four", "five", "six"] {
            assert!(!text.contains(slot), "{slot} in {text}");
        }
        assert!(text.contains("A third paragraph"));
    }

    #[test]
    fn words_that_only_contain_ad_and_the_page_frame_are_kept() {
        let text = kept(&format!(
            "<div class='header-shadow load reading'>kept</div>\
             <div class='has-ads'><h1>Title</h1>{BODY}</div>"
        ));
        assert!(text.contains("kept") && text.contains("Title"), "{text}");
        let wrapper = kept(&format!("<div class='ad-wrapper'>{BODY}</div><p>tail</p>"));
        assert!(wrapper.contains("A first paragraph"), "{wrapper}");
    }
}
