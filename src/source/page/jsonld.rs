//! JSON-LD (`<script type="application/ld+json">`): the first `NewsArticle`, `Article`,
//! `BlogPosting` or `ReportageNewsArticle` node becomes the article's fields, an `ItemList`
//! becomes a listing. Blocks may be one node, an array of nodes or an `@graph`.
//!
//! Policy: a block that is not JSON is a [`WarningKind::Syntax`] warning and is skipped;
//! values of unexpected shapes are ignored. Entry point: [`extract`].

use serde_json::Value;

use super::auto::{Fields, keyword_tags, tag};
use super::document::{Page, collapse, select, warning};
use super::listing::Item;
use super::{Warning, WarningKind};
use crate::model::Person;
use crate::model::{replace_references, resolve_html_reference};

/// `@type`s read as one article.
const ARTICLE_TYPES: &[&str] = &[
    "NewsArticle",
    "Article",
    "BlogPosting",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "LiveBlogPosting",
];

/// What the page's JSON-LD says. Several article nodes, none of them the page itself,
/// are a listing of those articles.
#[derive(Debug, Default)]
pub(super) struct JsonLd {
    /// The first article node's fields.
    pub article: Option<Fields>,
    /// The items of the first `ItemList` with any.
    pub listing: Vec<Item>,
    /// The names of the first `BreadcrumbList`, without the site's home page.
    pub breadcrumb: Vec<String>,
}

/// Reads every JSON-LD block of the page.
pub(super) fn extract(page: &Page, warnings: &mut Vec<Warning>) -> JsonLd {
    let mut found = JsonLd::default();
    let mut site_name = None;
    let mut articles = Vec::new();
    let scripts = select(page.root(), r#"script[type="application/ld+json" i]"#);
    for (block_idx, script) in scripts.enumerate() {
        let text: String = script.text().collect();
        let Some(value) = parse_block(&text, block_idx + 1, warnings) else {
            continue;
        };
        let mut nodes = Vec::new();
        flatten(&value, &mut nodes);
        for node in nodes {
            if has_type(node, ARTICLE_TYPES) {
                articles.push(article_fields(page, node, warnings));
            } else if has_type(node, &["BreadcrumbList"]) && found.breadcrumb.is_empty() {
                found.breadcrumb = crumbs(page, node);
            } else if has_type(node, &["ItemList"]) && found.listing.is_empty() {
                found.listing = list_items(page, node);
            } else if has_type(node, &["WebSite", "NewsMediaOrganization", "Organization"]) {
                site_name = site_name.or_else(|| string(node.get("name")));
            }
        }
    }
    let (article, listing) = choose_article(page, articles);
    found.article = article;
    if found.listing.is_empty() {
        found.listing = listing;
    }
    if let Some(article) = &mut found.article {
        article.site_name = article.site_name.take().or(site_name);
    }
    found
}

/// Parses one block, leniently when it is broken (with a warning); `None` when even the
/// lenient reading fails (with a warning too).
fn parse_block(text: &str, block_number: usize, warnings: &mut Vec<Warning>) -> Option<Value> {
    let error = match serde_json::from_str(text.trim()) {
        Ok(value) => return Some(value),
        Err(error) => error,
    };
    let value = parse_leniently(text);
    let outcome = if value.is_some() {
        "read leniently"
    } else {
        "skipped"
    };
    warnings.push(warning(
        WarningKind::Syntax,
        format!("JSON-LD block {block_number} is not valid JSON ({error}); {outcome}"),
    ));
    value
}

/// Reads JSON as sites break it: wrapped in `<!-- -->` or `<![CDATA[ ]]>`, with raw
/// line breaks or tabs inside strings, or with trailing commas.
fn parse_leniently(text: &str) -> Option<Value> {
    let mut text = text.trim();
    for (open, close) in [
        ("<!--", "-->"),
        ("//<![CDATA[", "//]]>"),
        ("<![CDATA[", "]]>"),
    ] {
        if let Some(inner) = text
            .strip_prefix(open)
            .and_then(|t| t.trim_end().strip_suffix(close))
        {
            text = inner.trim();
        }
    }
    let mut cleaned = String::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                '\n' | '\r' | '\t' => {
                    cleaned.push(' ');
                    continue;
                }
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
        } else if c == ',' {
            let mut lookahead = chars.clone();
            let next = lookahead.find(|n| !n.is_whitespace());
            if matches!(next, Some('}' | ']')) {
                continue;
            }
        }
        cleaned.push(c);
    }
    serde_json::from_str(&cleaned).ok()
}

/// The page's article among the article nodes: the only one, the one at the page's
/// canonical URL, or none when several distinct articles make the page a listing of them.
fn choose_article(page: &Page, mut articles: Vec<Fields>) -> (Option<Fields>, Vec<Item>) {
    if articles.len() <= 1 {
        return (articles.pop(), Vec::new());
    }
    let canonical = select(page.root(), "link[rel~=canonical][href]")
        .find_map(|link| link.attr("href"))
        .and_then(|href| page.resolve(href))
        .or_else(|| page.url.as_ref().map(|u| u.as_str().to_owned()));
    if let Some(own_idx) = articles
        .iter()
        .position(|a| a.url.is_some() && a.url == canonical)
    {
        return (Some(articles.swap_remove(own_idx)), Vec::new());
    }
    let items: Vec<Item> = articles
        .iter()
        .filter_map(|article| {
            Some(Item {
                title: article.title.clone().unwrap_or_default(),
                link: article.url.clone()?,
                published: article.published,
                image: article.image.clone(),
                summary: article.description.clone(),
                shown_date: None,
            })
        })
        .collect();
    if items.len() < 2 {
        return (articles.into_iter().next(), Vec::new());
    }
    (None, items)
}

/// Collects the nodes of a block: the value itself, array members and `@graph` members.
fn flatten<'a>(value: &'a Value, nodes: &mut Vec<&'a Value>) {
    match value {
        Value::Array(members) => members.iter().for_each(|m| flatten(m, nodes)),
        Value::Object(object) => {
            if let Some(graph) = object.get("@graph") {
                flatten(graph, nodes);
            }
            nodes.push(value);
        }
        _ => {}
    }
}

/// True when the node's `@type` (a string or an array) names one of `types`.
fn has_type(node: &Value, types: &[&str]) -> bool {
    let matches = |t: &Value| {
        t.as_str()
            .map(|t| t.rsplit(['/', ':']).next().unwrap_or(t))
            .is_some_and(|t| types.contains(&t))
    };
    match node.get("@type") {
        Some(Value::Array(list)) => list.iter().any(matches),
        Some(t) => matches(t),
        None => false,
    }
}

fn article_fields(page: &Page, node: &Value, warnings: &mut Vec<Warning>) -> Fields {
    let date = |key: &str, warnings: &mut Vec<Warning>| {
        string(node.get(key))
            .and_then(|raw| page.parse_date(&raw, &format!("JSON-LD `{key}`"), warnings))
    };
    let mut tags: Vec<_> = match node.get("keywords") {
        Some(Value::String(keywords)) => keyword_tags(keywords).collect(),
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(Value::as_str)
            .filter_map(|t| tag(t, None))
            .collect(),
        _ => Vec::new(),
    };
    tags.extend(
        strings(node.get("articleSection"))
            .iter()
            .filter_map(|s| tag(s, Some("section"))),
    );
    let url = string(node.get("url"))
        .or_else(|| url_of(node.get("mainEntityOfPage")))
        .and_then(|href| page.resolve(&href));
    Fields {
        title: string(node.get("headline")).or_else(|| string(node.get("name"))),
        url,
        published: date("datePublished", warnings),
        updated: date("dateModified", warnings),
        authors: people(page, node.get("author")),
        tags,
        description: string(node.get("description")),
        image: url_of(node.get("image")).and_then(|href| page.resolve(&href)),
        site_name: node.get("publisher").and_then(|p| string(p.get("name"))),
        language: string(node.get("inLanguage")),
    }
}

/// `itemListElement` entries with a URL: `{url, name}`, `{item: {url|@id, name}}` or a URL.
fn list_items(page: &Page, node: &Value) -> Vec<Item> {
    let Some(Value::Array(elements)) = node.get("itemListElement") else {
        return Vec::new();
    };
    elements
        .iter()
        .filter_map(|element| {
            let item = element
                .get("item")
                .filter(|i| i.is_object())
                .unwrap_or(element);
            let href = url_of(Some(item))
                .or_else(|| url_of(element.get("item")))
                .or_else(|| url_of(Some(element)))?;
            let title = string(item.get("name"))
                .or_else(|| string(item.get("headline")))
                .or_else(|| string(element.get("name")))
                .unwrap_or_default();
            Some(Item {
                title,
                link: page.resolve(&href)?,
                published: None,
                image: url_of(item.get("image")).and_then(|i| page.resolve(&i)),
                summary: string(item.get("description")),
                shown_date: None,
            })
        })
        .collect()
}

/// The names of a `BreadcrumbList`'s entries, leaving out the one for the site's home and
/// the one for the page itself (a last entry without `item`, as schema.org allows, or one
/// whose `item` is the page's URL): that one is the article's title, not a section.
fn crumbs(page: &Page, node: &Value) -> Vec<String> {
    let Some(Value::Array(elements)) = node.get("itemListElement") else {
        return Vec::new();
    };
    let own_url = page
        .url
        .as_ref()
        .map(|url| url.as_str().trim_end_matches('/'));
    let n_elements = elements.len();
    elements
        .iter()
        .enumerate()
        .filter(|(position, element)| match url_of(element.get("item")) {
            None => position + 1 < n_elements,
            Some(href) => {
                let resolved = page.resolve(&href);
                let is_own = resolved
                    .as_deref()
                    .is_some_and(|url| Some(url.trim_end_matches('/')) == own_url);
                !is_own && !page.is_home_link(&href)
            }
        })
        .map(|(_, element)| element)
        .filter_map(|element| {
            string(element.get("name"))
                .or_else(|| element.get("item").and_then(|i| string(i.get("name"))))
        })
        .collect()
}

/// Authors: a name, a `Person`/`Organization` object, or an array of either.
fn people(page: &Page, value: Option<&Value>) -> Vec<Person> {
    let person = |value: &Value| match value {
        Value::String(name) => Some(Person {
            name: Some(unescaped(name)).filter(|n| !n.is_empty()),
            ..Person::default()
        }),
        Value::Object(_) => Some(Person {
            name: string(value.get("name")),
            email: string(value.get("email")),
            uri: string(value.get("url")).and_then(|u| page.resolve(&u)),
        }),
        _ => None,
    };
    let list: Vec<Person> = match value {
        Some(Value::Array(items)) => items.iter().filter_map(person).collect(),
        Some(single) => person(single).into_iter().collect(),
        None => Vec::new(),
    };
    list.into_iter().filter(|p| !p.is_empty()).collect()
}

/// A URL from a string, an object's `url` or `@id`, or an array's first such value.
fn url_of(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(url) => Some(url.trim().to_owned()).filter(|u| !u.is_empty()),
        Value::Array(items) => items.iter().find_map(|item| url_of(Some(item))),
        object @ Value::Object(_) => {
            string(object.get("url")).or_else(|| string(object.get("@id")))
        }
        _ => None,
    }
}

/// A non-blank string, whitespace collapsed; numbers are written as text.
fn string(value: Option<&Value>) -> Option<String> {
    let text = match value? {
        Value::String(s) => unescaped(s),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => return items.iter().find_map(|item| string(Some(item))),
        _ => return None,
    };
    Some(text).filter(|t| !t.is_empty())
}

/// Text with HTML character references resolved (JSON-LD is often written HTML-escaped,
/// `North Korea&#039;s`) and whitespace collapsed.
fn unescaped(text: &str) -> String {
    collapse(&replace_references(text, resolve_html_reference))
}

/// Every string of a string or an array of strings.
fn strings(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Array(items)) => items.iter().filter_map(|i| string(Some(i))).collect(),
        other => string(other).into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::page::PageOptions;

    fn page_with(json: &str) -> Page {
        let html = format!(
            "<html><head><script type='application/ld+json'>{json}</script></head><body></body></html>"
        );
        let options = PageOptions {
            url: Some("https://example.com/section/page".into()),
            ..PageOptions::default()
        };
        Page::parse(html.as_bytes(), &options).expect("an HTML page")
    }

    #[test]
    fn an_article_inside_a_graph_is_found() {
        let page = page_with(
            r#"{"@context":"https://schema.org","@graph":[
                {"@type":"WebSite","name":"Example Daily"},
                {"@type":"BreadcrumbList","itemListElement":[
                  {"@type":"ListItem","position":1,"name":"Home","item":"https://example.com/"},
                  {"@type":"ListItem","position":2,"name":"World","item":{"@id":"/world","name":"World"}}]},
                {"@type":["NewsArticle"],"headline":"A &quot;headline&quot;","mainEntityOfPage":{"@id":"/a/1"},
                 "datePublished":"2025-09-09T18:21:00+09:00","keywords":["One","Two"],
                 "articleSection":"World","author":[{"@type":"Person","name":"Kim","url":"/kim"},"Lee"]}]}"#,
        );
        let found = extract(&page, &mut Vec::new());
        let article = found.article.expect("an article");
        assert_eq!(article.title.as_deref(), Some("A \"headline\""));
        assert_eq!(found.breadcrumb, ["World"]);
        assert_eq!(article.url.as_deref(), Some("https://example.com/a/1"));
        assert_eq!(article.site_name.as_deref(), Some("Example Daily"));
        assert_eq!(article.authors.len(), 2);
        assert_eq!(
            article.authors[0].uri.as_deref(),
            Some("https://example.com/kim")
        );
        assert_eq!(article.tags.len(), 3);
        assert_eq!(article.tags[2].scheme.as_deref(), Some("section"));
    }

    #[test]
    fn the_crumb_of_the_page_itself_is_not_a_section() {
        let page = page_with(
            r#"{"@type":"BreadcrumbList","itemListElement":[
                {"@type":"ListItem","position":1,"name":"Home","item":"https://example.com/"},
                {"@type":"ListItem","position":2,"name":"Repairs","item":"https://example.com/repairs/"},
                {"@type":"ListItem","position":3,"name":"This very page","item":"https://example.com/section/page/"},
                {"@type":"ListItem","position":4,"name":"A title, as Yoast writes it"}]}"#,
        );
        let found = extract(&page, &mut Vec::new());
        assert_eq!(found.breadcrumb, ["Repairs"]);
    }

    #[test]
    fn an_item_list_becomes_listing_items() {
        let page = page_with(
            r#"[{"@type":"ItemList","itemListElement":[
                {"@type":"ListItem","position":1,"url":"/a/1","name":"First"},
                {"@type":"ListItem","position":2,"item":{"@id":"https://other.example/2","name":"Second"}}]}]"#,
        );
        let found = extract(&page, &mut Vec::new());
        let links: Vec<_> = found.listing.iter().map(|i| i.link.as_str()).collect();
        assert_eq!(
            links,
            ["https://example.com/a/1", "https://other.example/2"]
        );
        assert_eq!(found.listing[1].title, "Second");
    }

    #[test]
    fn several_articles_make_a_listing_unless_one_is_the_page_itself() {
        let two = r#"[{"@type":"BlogPosting","headline":"One","url":"/p/1","datePublished":"2025-01-01"},
                      {"@type":"BlogPosting","headline":"Two","url":"/p/2"}]"#;
        let found = extract(&page_with(two), &mut Vec::new());
        assert!(found.article.is_none());
        assert_eq!(found.listing.len(), 2);
        assert_eq!(found.listing[1].link, "https://example.com/p/2");
        assert!(found.listing[0].published.is_some());

        let own = two.replace("/p/2", "/section/page");
        let found = extract(&page_with(&own), &mut Vec::new());
        assert_eq!(found.article.and_then(|a| a.title).as_deref(), Some("Two"));
        assert!(found.listing.is_empty());
    }

    #[test]
    fn json_as_sites_break_it_is_read_leniently_with_a_warning() {
        let broken =
            "<!--\n{\"@type\":\"Article\",\"headline\":\"Two\nlines\",\"keywords\":[\"a\",],}\n-->";
        let mut warnings = Vec::new();
        let found = extract(&page_with(broken), &mut warnings);
        let article = found.article.expect("an article");
        assert_eq!(article.title.as_deref(), Some("Two lines"));
        assert_eq!(article.tags.len(), 1);
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].message.contains("read leniently"));
    }

    #[test]
    fn invalid_json_and_bad_dates_are_warnings() {
        let mut warnings = Vec::new();
        extract(&page_with("{oops"), &mut warnings);
        extract(
            &page_with(r#"{"@type":"Article","headline":"x","datePublished":"soon"}"#),
            &mut warnings,
        );
        let kinds: Vec<_> = warnings.iter().map(|w| w.kind).collect();
        assert_eq!(kinds, [WarningKind::Syntax, WarningKind::Date]);
    }
}
