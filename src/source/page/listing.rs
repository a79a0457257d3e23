//! Guesses a page's listing: the largest group of sibling elements sharing a tag and class
//! that each hold a link whose text is as long as a headline. Each such element is one
//! item: its headline link, any `<time datetime>`, image and paragraph inside.
//!
//! Policy: a guess, reported with the CSS path it used so a configured selector can take
//! over; fewer than [`MIN_ITEMS`] qualifying siblings is no listing. Entry point: [`find`].

use std::collections::{HashMap, HashSet};

use scraper::ElementRef;

use scraper::CaseSensitivity::CaseSensitive;

use super::document::{Page, collapsed_text, select, warning};
use super::{Warning, WarningKind, visible};
use crate::model::{Article, Link, Text, Timestamp};

/// The fewest items a group needs to count as a listing.
const MIN_ITEMS: usize = 3;
/// Headline length bounds, in characters.
const HEADLINE_CHARS: std::ops::RangeInclusive<usize> = 12..=300;

/// One article a listing links to (what every listing reader, guessed or configured,
/// produces before [`Item::into_article`]).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Item {
    /// The link's text.
    pub title: String,
    /// The link, absolute where a base was known.
    pub link: String,
    /// The date of a `<time datetime>` inside the item.
    pub published: Option<Timestamp>,
    /// The first image inside the item.
    pub image: Option<String>,
    /// The first paragraph inside the item other than the headline.
    pub summary: Option<String>,
    /// The text a date was read from when the item has no `<time datetime>` (for the
    /// listing's warning; not part of the article).
    pub shown_date: Option<String>,
}

impl Item {
    /// The article this item links to, its id taken from the link.
    pub(super) fn into_article(self) -> Article {
        let title = Some(self.title).filter(|t| !t.is_empty());
        let mut article = Article {
            title: title.map(Text::plain),
            links: vec![Link {
                href: self.link.clone(),
                rel: Some("alternate".into()),
                ..Link::default()
            }],
            link: Some(self.link),
            published: self.published,
            image: self.image,
            summary: self.summary.map(Text::plain),
            ..Article::default()
        };
        article.ensure_id();
        article
    }
}

/// A guessed listing.
#[derive(Debug, Clone)]
pub(super) struct Listing {
    /// The CSS path of the repeated elements (`body > main > ul.news > li.item`).
    pub css_path: String,
    /// The items, in document order, one per distinct link.
    pub items: Vec<Item>,
}

/// Finds the largest group of repeated headline blocks; `None` when there is none. With
/// `shown_dates`, an item without `<time datetime>` gets the date its text shows (see
/// [`visible::in_item`]); related links on an article page need no dates.
pub(super) fn find(page: &Page, shown_dates: bool, warnings: &mut Vec<Warning>) -> Option<Listing> {
    let body = select(page.root(), "body").next().unwrap_or(page.root());
    let mut best: Option<(usize, ElementRef<'_>, Vec<ElementRef<'_>>)> = None;
    // `descendent_elements` starts with `body` itself. Ties go to the group met first.
    for parent in body.descendent_elements() {
        for members in sibling_groups(parent) {
            if members.len() < MIN_ITEMS {
                continue;
            }
            let n_headlines = members
                .iter()
                .filter(|member| headline_link(**member).is_some())
                .count();
            let is_listing = n_headlines >= MIN_ITEMS && n_headlines * 2 >= members.len();
            if is_listing
                && best
                    .as_ref()
                    .is_none_or(|(n_best, _, _)| n_headlines > *n_best)
            {
                best = Some((n_headlines, parent, members));
            }
        }
    }
    let (_, parent, members) = best?;
    let members: Vec<_> = members
        .into_iter()
        .filter(|member| headline_link(*member).is_some())
        .collect();
    let mut seen = HashSet::new();
    let mut items: Vec<Item> = members
        .iter()
        .filter_map(|member| item(page, *member, warnings).map(|item| (member, item)))
        .filter(|(_, item)| seen.insert(item.link.clone()))
        .map(|(member, mut item)| {
            if shown_dates
                && item.published.is_none()
                && let Some((date, text)) = visible::in_item(page, *member, &item.title)
            {
                item.published = Some(date);
                item.shown_date = Some(text);
            }
            item
        })
        .collect();
    if let Some(shown) = items.iter().find_map(|item| item.shown_date.clone()) {
        warnings.push(warning(
            WarningKind::Date,
            format!(
                "the listing's items have no machine-readable dates; read the dates they show \
                 (`{shown}`), in {}",
                page.zone_name()
            ),
        ));
    }
    for item in &mut items {
        item.shown_date = None;
    }
    Some(Listing {
        css_path: format!("{} > {}", css_path(parent), common_signature(&members)),
        items,
    })
}

/// The parent's child elements grouped by [`signature`] (tag and classes), groups in
/// order of first child, then grouped by tag name alone where that joins several
/// signatures that still share a class: cards often differ by a modifier class
/// (`carte carte--une`), or by per-post classes (`post-12 post`).
fn sibling_groups(parent: ElementRef<'_>) -> Vec<Vec<ElementRef<'_>>> {
    let by_signature = group_by(parent, signature);
    let by_name = group_by(parent, |child| child.value().name().to_owned());
    let joined: Vec<_> = by_name
        .into_iter()
        .filter(|members| {
            !by_signature
                .iter()
                .any(|group| group.len() == members.len())
        })
        .filter(|members| common_signature(members).contains('.'))
        .collect();
    let mut groups = by_signature;
    groups.extend(joined);
    groups
}

/// The parent's child elements grouped by `key`, groups in order of first child.
fn group_by<'a>(
    parent: ElementRef<'a>,
    key: impl Fn(ElementRef<'a>) -> String,
) -> Vec<Vec<ElementRef<'a>>> {
    let mut groups: Vec<Vec<ElementRef<'a>>> = Vec::new();
    let mut group_idx_by_key: HashMap<String, usize> = HashMap::new();
    for child in parent.child_elements() {
        let key = key(child);
        match group_idx_by_key.get(&key) {
            Some(&group_idx) => groups[group_idx].push(child),
            None => {
                group_idx_by_key.insert(key, groups.len());
                groups.push(vec![child]);
            }
        }
    }
    groups
}

/// `tag.class…` with the classes every member has (sorted), the CSS step that selects them.
fn common_signature(members: &[ElementRef<'_>]) -> String {
    let Some(first) = members.first() else {
        return String::new();
    };
    let mut classes: Vec<&str> = first
        .value()
        .classes()
        .filter(|class| {
            members
                .iter()
                .all(|m| m.value().has_class(class, CaseSensitive))
        })
        .collect();
    classes.sort_unstable();
    classes.dedup();
    let mut signature = first.value().name().to_owned();
    for class in classes {
        signature.push('.');
        signature.push_str(&css_escape(class));
    }
    signature
}

/// One repeated element as an item; `None` without a resolvable headline link.
fn item(page: &Page, member: ElementRef<'_>, warnings: &mut Vec<Warning>) -> Option<Item> {
    let (link, title) = headline_link(member)?;
    let link = page.resolve(link.attr("href")?)?;
    let published = select(member, "time[datetime]")
        .next()
        .and_then(|time| time.attr("datetime"))
        .and_then(|raw| page.parse_date(raw, "a listing item's `<time datetime>`", warnings));
    let image = select(member, "img")
        .find_map(|img| img.attr("src").or_else(|| img.attr("data-src")))
        .and_then(|src| page.resolve(src));
    let summary = select(member, "p")
        .map(collapsed_text)
        .find(|text| !text.is_empty() && *text != title && !title.contains(text.as_str()));
    Some(Item {
        title,
        link,
        published,
        image,
        summary,
        shown_date: None,
    })
}

/// The element's first link whose text is as long as a headline, with that text; `None`
/// when there is none, or when the element holds many (it is a container, not an item).
fn headline_link(element: ElementRef<'_>) -> Option<(ElementRef<'_>, String)> {
    // `select` looks below the element only; an item may be the link itself.
    let itself = Some(element).filter(|e| e.value().name() == "a");
    let links = itself.into_iter().chain(select(element, "a[href]"));
    let mut headlines = links.filter_map(|link| {
        let href = link.attr("href")?.trim();
        if href.is_empty() || href.starts_with('#') || href.starts_with("javascript:") {
            return None;
        }
        let text = collapsed_text(link);
        is_headline(&text).then_some((link, text))
    });
    let first = headlines.next()?;
    let n_other_targets = headlines
        .filter(|(link, _)| link.attr("href") != first.0.attr("href"))
        .count();
    (n_other_targets < 2).then_some(first)
}

/// True for text as long as a headline: enough characters, and several words unless the
/// script writes words without spaces (Chinese, Japanese).
fn is_headline(text: &str) -> bool {
    let n_chars = text.chars().count();
    if !HEADLINE_CHARS.contains(&n_chars) {
        return false;
    }
    let n_words = text.split_whitespace().count();
    n_words >= 3 || text.chars().any(|c| c as u32 >= 0x2E80)
}

/// `tag.class1.class2`, classes sorted, so siblings that differ only in order match.
fn signature(element: ElementRef<'_>) -> String {
    let mut classes: Vec<&str> = element.value().classes().collect();
    classes.sort_unstable();
    let mut signature = element.value().name().to_owned();
    for class in classes {
        signature.push('.');
        signature.push_str(&css_escape(class));
    }
    signature
}

/// The CSS path from `<body>` down to `element`, using an id where an ancestor has one.
fn css_path(element: ElementRef<'_>) -> String {
    let mut steps = Vec::new();
    let mut current = Some(element);
    while let Some(node) = current {
        let name = node.value().name();
        if name == "html" {
            break;
        }
        match node.value().id() {
            Some(id) if !id.is_empty() => {
                steps.push(format!("{name}#{}", css_escape(id)));
                break;
            }
            _ => steps.push(signature(node)),
        }
        if name == "body" {
            break;
        }
        current = node.parent().and_then(ElementRef::wrap);
    }
    steps.reverse();
    steps.join(" > ")
}

/// An identifier with the characters CSS would misread escaped.
fn css_escape(ident: &str) -> String {
    let mut escaped = String::with_capacity(ident.len());
    for (idx, c) in ident.chars().enumerate() {
        let is_plain = c.is_alphanumeric() || c == '-' || c == '_';
        if !is_plain || (idx == 0 && c.is_ascii_digit()) {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::page::PageOptions;

    fn listing_of(body: &str) -> Option<Listing> {
        let html = format!("<html><body>{body}</body></html>");
        let options = PageOptions {
            url: Some("https://example.com/news/".into()),
            ..PageOptions::default()
        };
        let page = Page::parse(html.as_bytes(), &options).expect("an HTML page");
        find(&page, false, &mut Vec::new())
    }

    #[test]
    fn the_largest_group_of_headline_links_is_the_listing() {
        let nav = "<ul class='nav'><li><a href='/a'>Home</a></li><li><a href='/b'>World</a></li>\
                   <li><a href='/c'>Sports</a></li></ul>";
        let item = |n: u32| {
            format!(
                "<div class='card big'><a href='/img/{n}'><img src='/i/{n}.jpg'></a>\
                 <h3><a href='/story/{n}'>Story number {n} has a long headline</a></h3>\
                 <time datetime='2025-09-0{n}T10:00:00+09:00'>today</time></div>"
            )
        };
        let body = format!(
            "{nav}<main id='content'><section class='top'>{}{}{}{}</section></main>",
            item(1),
            item(2),
            item(3),
            item(4)
        );
        let listing = listing_of(&body).expect("a listing");
        assert_eq!(
            listing.css_path,
            "main#content > section.top > div.big.card"
        );
        assert_eq!(listing.items.len(), 4);
        assert_eq!(listing.items[0].link, "https://example.com/story/1");
        assert_eq!(
            listing.items[0].image.as_deref(),
            Some("https://example.com/i/1.jpg")
        );
        assert!(listing.items[3].published.is_some());
    }

    #[test]
    fn equal_groups_are_decided_by_document_order() {
        let group = |class: &str| {
            (1..=3)
                .map(|n| format!("<div class='{class}'><a href='/{class}/{n}'>A headline for {class} story {n}</a></div>"))
                .collect::<String>()
        };
        for _ in 0..5 {
            let listing = listing_of(&format!("<div>{}{}</div>", group("first"), group("second")))
                .expect("a listing");
            assert_eq!(listing.css_path, "body > div > div.first");
        }
    }

    #[test]
    fn siblings_differing_by_a_modifier_class_are_one_listing() {
        let card = |n: u32, class: &str| {
            format!(
                "<div class='{class}'><h2><a href='/s/{n}'>Card headline number {n} here</a></h2></div>"
            )
        };
        let body = format!(
            "<div class='grid'>{}{}{}{}</div>",
            card(1, "card card--lead"),
            card(2, "card"),
            card(3, "card"),
            card(4, "card")
        );
        let listing = listing_of(&body).expect("a listing");
        assert_eq!(listing.items.len(), 4);
        assert_eq!(listing.items[0].link, "https://example.com/s/1");
        assert_eq!(listing.css_path, "body > div.grid > div.card");
    }

    #[test]
    fn posts_with_per_post_classes_are_one_listing_by_the_classes_they_share() {
        let post = |n: u32, tag: &str| {
            format!(
                "<article class='post-{n} post type-post hentry tag-{tag}'>\
                 <h2><a href='/{n}/'>A post headline, number {n}</a></h2></article>"
            )
        };
        let body = format!(
            "<main id='primary'><h1>Category</h1>{}{}{}</main>",
            post(12, "brass"),
            post(11, "clocks"),
            post(10, "lamps")
        );
        let listing = listing_of(&body).expect("a listing");
        assert_eq!(listing.items.len(), 3);
        assert_eq!(
            listing.css_path,
            "main#primary > article.hentry.post.type-post"
        );
    }

    #[test]
    fn an_item_without_time_gets_the_date_it_shows() {
        let item = |n: u32, date: &str| {
            format!("<li><a href='/s/{n}'>A headline long enough {n}</a> <span>{date}</span></li>")
        };
        let html = format!(
            "<html><body><ul>{}{}{}</ul></body></html>",
            item(1, "3 hours ago"),
            item(2, "3 nov. 2025"),
            item(3, "Comments (4)")
        );
        let options = PageOptions {
            url: Some("https://example.com/news/".into()),
            time_zone: Some(chrono_tz::Europe::Paris),
            now: chrono::DateTime::from_timestamp(1_762_257_600, 0),
            ..PageOptions::default()
        };
        let page = Page::parse(html.as_bytes(), &options).expect("an HTML page");
        let mut warnings = Vec::new();
        let listing = find(&page, true, &mut warnings).expect("a listing");
        let dates: Vec<_> = listing
            .items
            .iter()
            .map(|item| item.published.map(|d| d.to_rfc3339()))
            .collect();
        assert_eq!(
            dates,
            [
                Some("2025-11-04T10:00:00+01:00".to_owned()),
                Some("2025-11-03T00:00:00+01:00".to_owned()),
                None
            ]
        );
        assert!(warnings[0].message.contains("3 hours ago"), "{warnings:?}");
        let without = find(&page, false, &mut Vec::new()).expect("a listing");
        assert!(without.items.iter().all(|item| item.published.is_none()));
    }

    #[test]
    fn bare_links_can_be_the_repeated_blocks() {
        let links: String = (1..=3)
            .map(|n| format!("<a class='row' href='/s/{n}'>Bare link headline number {n}</a>"))
            .collect();
        let listing = listing_of(&format!("<div class='list'>{links}</div>")).expect("a listing");
        assert_eq!(listing.css_path, "body > div.list > a.row");
        assert_eq!(listing.items[2].title, "Bare link headline number 3");
    }

    #[test]
    fn short_links_and_small_groups_are_no_listing() {
        assert!(
            listing_of("<ul><li><a href='/a'>Home</a></li><li><a href='/b'>News</a></li></ul>")
                .is_none()
        );
        assert!(
            listing_of("<ul><li><a href='/a'>One long enough headline here</a></li></ul>")
                .is_none()
        );
    }
}
