//! Metadata in the page's markup: OpenGraph and `article:*` meta, `<meta name=keywords>`
//! and `description`, `<link rel=canonical>` (the primary group), then microdata
//! (`itemprop`), the first `<time datetime>`, `<title>` and `<html lang>` (the fallback).
//!
//! Policy: the first non-blank value of a property wins, except repeated ones
//! (`article:tag`, `article:author`), which all count. Entry point: [`extract`].

use scraper::ElementRef;

use super::Warning;
use super::auto::{Fields, keyword_tags, tag};
use super::document::{Page, collapse, collapsed_text, select};
use crate::model::Person;

/// What the markup says, in two precedence groups.
#[derive(Debug, Default)]
pub(super) struct MetaFields {
    /// True when the markup marks the page as one article (`og:type=article`,
    /// `article:published_time`, microdata `headline` or `datePublished`).
    pub is_article: bool,
    /// OpenGraph, `article:*`, `<meta name>` and the canonical link.
    pub primary: Fields,
    /// Microdata, `<time>`, `<title>` and `<html lang>`.
    pub fallback: Fields,
    /// `og:site_name`.
    pub site_name: Option<String>,
}

/// Reads the page's meta tags, canonical link and microdata. With `published_known` (a
/// higher source gave the publication date) the fallback's dates are not read, so a
/// zone-less `<time>` that would not be used gives no warning.
pub(super) fn extract(
    page: &Page,
    published_known: bool,
    warnings: &mut Vec<Warning>,
) -> MetaFields {
    let metas: Vec<(String, String)> = select(page.root(), "meta[content]")
        .filter_map(|meta| {
            let key = meta
                .attr("property")
                .or_else(|| meta.attr("name"))
                .or_else(|| meta.attr("itemprop"))?;
            let content = collapse(meta.attr("content")?);
            (!content.is_empty()).then(|| (key.trim().to_ascii_lowercase(), content))
        })
        .collect();
    let first = |key: &str| metas.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    let all = |key: &'static str| {
        metas
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };

    let og_type_is_article = first("og:type").is_some_and(|t| t.eq_ignore_ascii_case("article"));
    let published_raw = first("article:published_time");
    let date = |key: &str, warnings: &mut Vec<Warning>| {
        first(key).and_then(|raw| {
            page.parse_date(&raw, &format!("`<meta property=\"{key}\">`"), warnings)
        })
    };
    let published = date("article:published_time", warnings);
    let updated =
        date("article:modified_time", warnings).or_else(|| date("og:updated_time", warnings));

    let mut tags: Vec<_> = all("article:tag").filter_map(|t| tag(t, None)).collect();
    tags.extend(all("article:section").filter_map(|s| tag(s, Some("section"))));
    tags.extend(all("keywords").flat_map(keyword_tags));
    let authors = all("article:author")
        .chain(all("author"))
        .map(|author| person_from_text(page, author))
        .collect();
    let canonical = select(page.root(), "link[rel~=canonical][href]")
        .find_map(|link| link.attr("href"))
        .and_then(|href| page.resolve(href));
    let primary = Fields {
        title: first("og:title").or_else(|| first("twitter:title")),
        url: canonical.or_else(|| first("og:url").and_then(|u| page.resolve(&u))),
        published,
        updated,
        authors,
        tags,
        description: first("og:description").or_else(|| first("description")),
        image: first("og:image")
            .or_else(|| first("og:image:url"))
            .or_else(|| first("twitter:image"))
            .and_then(|u| page.resolve(&u)),
        site_name: None,
        language: first("og:locale").map(|l| l.replace('_', "-")),
    };
    let published_known = published_known || published.is_some();
    let (fallback, has_microdata) = microdata(page, published_known, warnings);
    MetaFields {
        is_article: og_type_is_article || published_raw.is_some() || has_microdata,
        primary,
        fallback,
        site_name: first("og:site_name"),
    }
}

/// The document's `<title>`, whitespace collapsed.
pub(super) fn document_title(page: &Page) -> Option<String> {
    select(page.root(), "title")
        .map(collapsed_text)
        .find(|t| !t.is_empty())
}

/// Microdata, `<time>`, `<title>` and `<html lang>`; the flag is true when microdata gives
/// an article's headline or date.
fn microdata(page: &Page, published_known: bool, warnings: &mut Vec<Warning>) -> (Fields, bool) {
    let root = page.root();
    let itemprop = |name: &str| select(root, &format!("[itemprop~={name}]")).next();
    let count = |name: &str| select(root, &format!("[itemprop~={name}]")).count();
    let headline = itemprop("headline").map(value_of).filter(|t| !t.is_empty());
    let published_raw = itemprop("datePublished").map(date_value);
    // Several headlines or dates are a listing's items, not one article.
    let has_microdata = match count("headline") {
        0 => count("datePublished") == 1,
        n_headlines => n_headlines == 1,
    };
    let published = published_raw
        .filter(|_| !published_known)
        .and_then(|raw| page.parse_date(&raw, "microdata `datePublished`", warnings))
        .or_else(|| {
            if published_known {
                return None;
            }
            let time = select(root, "time[datetime]").next()?;
            page.parse_date(time.attr("datetime")?, "`<time datetime>`", warnings)
        });
    let updated = itemprop("dateModified")
        .map(date_value)
        .and_then(|raw| page.parse_date(&raw, "microdata `dateModified`", warnings));
    let authors = select(root, "[itemprop~=author]")
        .filter_map(|author| {
            let name = select(author, "[itemprop~=name]").next().map(value_of);
            let name = name.unwrap_or_else(|| value_of(author));
            let uri = select(author, "[itemprop~=url]")
                .next()
                .and_then(|u| u.attr("href").or_else(|| u.attr("content")))
                .or_else(|| author.attr("href"))
                .and_then(|href| page.resolve(href));
            let person = Person {
                name: Some(name).filter(|n| !n.is_empty()),
                email: None,
                uri,
            };
            (!person.is_empty()).then_some(person)
        })
        .collect();
    let mut tags: Vec<_> = select(root, "[itemprop~=keywords]")
        .flat_map(|k| keyword_tags(&value_of(k)).collect::<Vec<_>>())
        .collect();
    tags.extend(select(root, "a[rel~=tag]").filter_map(|a| tag(&collapsed_text(a), None)));
    tags.extend(
        breadcrumb(page)
            .iter()
            .filter_map(|crumb| tag(crumb, Some("section"))),
    );
    // The page an article item describes: `mainEntityOfPage` as a link, a meta or an item.
    let url = select(root, "[itemprop~=mainEntityOfPage]")
        .find_map(|main| {
            main.attr("href")
                .or_else(|| main.attr("content"))
                .or_else(|| main.attr("itemid"))
        })
        .filter(|_| has_microdata)
        .and_then(|href| page.resolve(href.trim()));
    let fields = Fields {
        title: headline.or_else(|| document_title(page)),
        url,
        published,
        updated,
        authors,
        tags,
        language: root
            .attr("lang")
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned),
        ..Fields::default()
    };
    (fields, has_microdata)
}

/// The sections a breadcrumb trail names (`Home > National > North Korea` gives
/// `National`, `North Korea`): its links, leaving out the one to the site's home.
fn breadcrumb(page: &Page) -> Vec<String> {
    let trail = select(
        page.root(),
        "nav[aria-label=breadcrumb i], [class*=breadcrumb i]",
    )
    .next();
    let Some(trail) = trail else {
        return Vec::new();
    };
    select(trail, "a[href]")
        .filter(|link| {
            link.attr("href")
                .is_some_and(|href| !page.is_home_link(href))
        })
        .map(collapsed_text)
        .filter(|text| !text.is_empty())
        .collect()
}

/// An item property's value: `content`, then the text.
fn value_of(element: ElementRef<'_>) -> String {
    element
        .attr("content")
        .map(collapse)
        .unwrap_or_else(|| collapsed_text(element))
}

/// A date property's value: `datetime`, `content`, then the text.
fn date_value(element: ElementRef<'_>) -> String {
    element
        .attr("datetime")
        .map(str::to_owned)
        .unwrap_or_else(|| value_of(element))
}

/// An author given as a name or a profile URL (`article:author` is often a URL).
fn person_from_text(page: &Page, text: &str) -> Person {
    if text.starts_with("http://") || text.starts_with("https://") || text.starts_with('/') {
        Person {
            uri: page.resolve(text),
            ..Person::default()
        }
    } else {
        Person {
            name: Some(text.to_owned()),
            ..Person::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::page::PageOptions;

    fn extract_from(head: &str, body: &str) -> (MetaFields, Vec<Warning>) {
        let html = format!("<html lang='ko'><head>{head}</head><body>{body}</body></html>");
        let options = PageOptions {
            url: Some("https://example.com/news/1".into()),
            ..PageOptions::default()
        };
        let page = Page::parse(html.as_bytes(), &options).expect("an HTML page");
        let mut warnings = Vec::new();
        (extract(&page, false, &mut warnings), warnings)
    }

    #[test]
    fn opengraph_and_article_meta_are_read() {
        let (found, warnings) = extract_from(
            r#"<meta property="og:type" content="article"><meta property="og:title" content=" T ">
               <meta property="og:url" content="/news/1?utm=x"><link rel="canonical" href="/news/1">
               <meta property="article:published_time" content="2025-09-09T09:21:00Z">
               <meta property="article:tag" content="A"><meta property="article:tag" content="B">
               <meta property="article:section" content="World"><meta name="keywords" content="C, A">
               <meta property="article:author" content="https://example.com/staff/kim">"#,
            "",
        );
        assert!(warnings.is_empty());
        assert!(found.is_article);
        assert_eq!(found.primary.title.as_deref(), Some("T"));
        assert_eq!(
            found.primary.url.as_deref(),
            Some("https://example.com/news/1")
        );
        assert_eq!(found.primary.tags.len(), 5);
        assert_eq!(
            found.primary.authors[0].uri.as_deref(),
            Some("https://example.com/staff/kim")
        );
        assert_eq!(found.fallback.language.as_deref(), Some("ko"));
    }

    #[test]
    fn microdata_main_entity_of_page_is_the_article_url() {
        let (found, _) = extract_from(
            "",
            r#"<article itemscope itemtype="https://schema.org/NewsArticle">
               <link itemprop="mainEntityOfPage" href="/news/1.html">
               <h1 itemprop="headline">Headline</h1></article>"#,
        );
        assert_eq!(
            found.fallback.url.as_deref(),
            Some("https://example.com/news/1.html")
        );
        let (meta_form, _) = extract_from(
            "",
            r#"<div itemscope><meta itemprop="mainEntityOfPage" content="https://example.com/n/2">
               <span itemprop="headline">Headline</span></div>"#,
        );
        assert_eq!(
            meta_form.fallback.url.as_deref(),
            Some("https://example.com/n/2")
        );
    }

    #[test]
    fn a_zone_less_time_is_not_read_when_the_meta_gives_the_date() {
        let (found, warnings) = extract_from(
            r#"<meta property="article:published_time" content="2025-10-28T08:30:00Z">"#,
            r#"<time datetime="2025-10-28">Oct 28</time>"#,
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!(found.fallback.published.is_none());
        let (without_meta, warnings) =
            extract_from("", r#"<time datetime="2025-10-28">Oct 28</time>"#);
        assert!(without_meta.fallback.published.is_some());
        assert_eq!(warnings.len(), 1, "{warnings:?}");
    }

    #[test]
    fn microdata_on_every_item_of_a_listing_does_not_make_an_article() {
        let item = "<li itemscope><a itemprop='headline' href='/a'>Item</a></li>";
        let (found, _) = extract_from("", &format!("<ul>{item}{item}</ul>"));
        assert!(!found.is_article);
    }

    #[test]
    fn microdata_and_time_are_the_fallback() {
        let (found, warnings) = extract_from(
            "<title>Page title</title>",
            r#"<article itemscope><h1 itemprop="headline">Micro headline</h1>
               <span itemprop="author" itemscope><span itemprop="name">Lee</span></span>
               <time itemprop="datePublished" datetime="2025-01-02T03:04:05+09:00">Jan 2</time>
               <meta itemprop="keywords" content="x, y"><time datetime="not a date">?</time>
               <nav class="c-breadcrumbs"><a href="/">Home</a> &gt; <a href="/world">World</a></nav>
               <a rel="tag" href="/tag/z">z</a></article>"#,
        );
        assert!(found.is_article);
        assert!(warnings.is_empty());
        assert_eq!(found.fallback.title.as_deref(), Some("Micro headline"));
        assert_eq!(found.fallback.authors[0].name.as_deref(), Some("Lee"));
        assert_eq!(
            found.fallback.published.map(|p| p.to_rfc3339()).as_deref(),
            Some("2025-01-02T03:04:05+09:00")
        );
        let tags: Vec<_> = found
            .fallback
            .tags
            .iter()
            .map(|t| t.term.as_str())
            .collect();
        assert_eq!(tags, ["x", "y", "z", "World"]);
        assert_eq!(found.fallback.tags[3].scheme.as_deref(), Some("section"));
    }
}
