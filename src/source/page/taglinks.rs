//! Tags shown as links: many sites list an article's topics as links to their tag
//! archives (`/tag/brass/`, `/topics/ferries/`, `/thema/verkehr/`, `/keyword/…`) under the
//! body, with no `rel="tag"` and no metadata. This finds them by the archive word in the
//! link's path.
//!
//! Policy: only links inside the article (the `<article>` or `<main>` holding the `h1`),
//! outside navigation and side rails, to the page's own site, with short text, count; the
//! caller uses them only when the page's metadata names no tags. Entry point: [`find`].

use scraper::ElementRef;
use url::Url;

use super::auto::tag;
use super::document::{Page, collapsed_text, select};
use crate::model::Tag;

/// Path segments that name a tag or topic archive, in the languages sites use in URLs.
const ARCHIVE_WORDS: &[&str] = &[
    "tag",
    "tags",
    "tagged",
    "topic",
    "topics",
    "label",
    "labels",
    "keyword",
    "keywords",
    "subject",
    "subjects",
    "thema",
    "themen",
    "schlagwort",
    "schlagworte",
    "stichwort",
    "sujet",
    "sujets",
    "mot-cle",
    "mots-cles",
    "theme",
    "themes",
    "etiqueta",
    "etiquetas",
    "tema",
    "temas",
    "argomento",
    "argomenti",
    "temi",
    "teg",
    "tegi",
];

/// The longest text a tag link may have, in characters, and the most words.
const MAX_CHARS: usize = 60;
const MAX_WORDS: usize = 6;

/// The tags the article's links to tag archives name, in document order.
pub(super) fn find(page: &Page) -> Vec<Tag> {
    let Some(scope) = article_scope(page) else {
        return Vec::new();
    };
    let site = page.url.as_ref().and_then(Url::host_str);
    select(scope, "a[href]")
        .filter(|link| !in_rail(*link, scope))
        .filter(|link| {
            link.attr("href")
                .and_then(|href| page.resolve(href))
                .and_then(|href| Url::parse(&href).ok())
                .is_some_and(|url| is_archive_url(&url, site))
        })
        .map(collapsed_text)
        .filter(|text| {
            text.chars().count() <= MAX_CHARS && text.split_whitespace().count() <= MAX_WORDS
        })
        .filter_map(|text| tag(&text, None))
        .collect()
}

/// The element holding the article: the `<article>` around the first `h1`, else the
/// `<main>` around it, else the first `<article>` or `<main>`, else the body.
fn article_scope(page: &Page) -> Option<ElementRef<'_>> {
    let root = page.root();
    let around_h1 = select(root, "h1").next().and_then(|h1| {
        let ancestors = || h1.ancestors().filter_map(ElementRef::wrap);
        ancestors()
            .find(|e| e.value().name() == "article")
            .or_else(|| ancestors().find(|e| e.value().name() == "main"))
    });
    around_h1
        .or_else(|| select(root, "article").next())
        .or_else(|| select(root, "main").next())
        .or_else(|| select(root, "body").next())
}

/// True when `link` sits in navigation or a side rail inside `scope`.
fn in_rail(link: ElementRef<'_>, scope: ElementRef<'_>) -> bool {
    link.ancestors()
        .take_while(|node| node.id() != scope.id())
        .filter_map(ElementRef::wrap)
        .any(|e| matches!(e.value().name(), "nav" | "aside"))
}

/// True for a URL on `site` (or any site when unknown) whose path has an archive word
/// followed by a slug: `/tag/brass/`, `/de/thema/verkehr`.
fn is_archive_url(url: &Url, site: Option<&str>) -> bool {
    if site.is_some_and(|site| url.host_str() != Some(site)) {
        return false;
    }
    let Some(segments) = url.path_segments() else {
        return false;
    };
    let segments: Vec<&str> = segments.filter(|s| !s.is_empty()).collect();
    segments.iter().enumerate().any(|(index, segment)| {
        index + 1 < segments.len() && ARCHIVE_WORDS.contains(&segment.to_lowercase().as_str())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::page::PageOptions;

    fn tags_of(body: &str) -> Vec<String> {
        let html = format!("<html><body>{body}</body></html>");
        let options = PageOptions {
            url: Some("https://news.example/local/story".into()),
            ..PageOptions::default()
        };
        let page = Page::parse(html.as_bytes(), &options).expect("an HTML page");
        find(&page).into_iter().map(|t| t.term).collect()
    }

    #[test]
    fn links_to_tag_archives_in_the_article_are_tags() {
        let tags = tags_of(
            r#"<nav><a href="/topics/weather/">Weather</a></nav>
               <main><h1>Story</h1><p>Body with <a href="/local/other">a link</a>.</p>
               <div class="topics">Topics: <a href="/topics/ferries/">Ferries</a>
               <a href="https://news.example/thema/stadtrat">Stadtrat</a>
               <a href="/keyword/%E6%9C%9D%E5%B8%82/">朝市</a>
               <a href="https://elsewhere.example/tag/x">Elsewhere</a>
               <a href="/tag/">All tags</a>
               <a href="/tag/long">A link text far too long to be the name of any tag</a></div>
               <aside><a href="/tag/rail">Rail</a></aside></main>"#,
        );
        assert_eq!(tags, ["Ferries", "Stadtrat", "朝市"]);
    }

    #[test]
    fn only_the_article_around_the_headline_counts() {
        let tags = tags_of(
            r#"<article><h1>Story</h1><footer><a href="/tag/brass/">brass</a></footer></article>
               <article class="card"><a href="/tag/other/">other</a></article>"#,
        );
        assert_eq!(tags, ["brass"]);
    }
}
