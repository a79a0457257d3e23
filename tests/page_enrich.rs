//! Detail-page enrichment, end to end: a small RSS feed without tags (like a newspaper's
//! headline feed) is fetched from a 127.0.0.1 server together with its articles' pages
//! (`tests/fixtures/pages/detail_*.html`, invented, shaped like the seed page), and
//! `enrich_all` adds tags, sections, precise dates and the full text.

mod support;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{FixedOffset, NaiveDateTime, TimeZone};
use feedmill::fetch::{FetchOptions, fetch, fetch_all};
use feedmill::model::{Article, Timestamp};
use feedmill::source::feed::{ReadOptions, read};
use feedmill::source::page::Warning;
use feedmill::source::page::WarningKind;
use feedmill::source::page::enrich::{EnrichOptions, EnrichToml, enrich_all};
use support::{Response, TestServer};
use url::Url;

/// A headline feed: links, titles and day-only dates, no categories, one dead link.
const FEED: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
  <title>Saltmere Harbour Gazette - Harbour</title>
  <link>/region/harbour</link>
  <description>Harbour news</description>
  <item>
    <title>Council votes to widen the northern quay</title>
    <link>/region/harbour/quay-vote</link>
    <description>The council voted on the quay.</description>
    <pubDate>Sat, 14 Mar 2026 00:00:00 GMT</pubDate>
  </item>
  <item>
    <title>Ferry timetable changes for the summer season announced</title>
    <link>/region/harbour/ferry-timetable</link>
    <pubDate>Mon, 16 Mar 2026 00:00:00 GMT</pubDate>
  </item>
  <item>
    <title>A story the site has taken down</title>
    <link>/region/harbour/withdrawn</link>
  </item>
</channel></rss>"#;

const CONFIG: &str = r#"
tags = "a.tag"
author = "p.credit"
section = ".breadcrumb a:not(:first-child)"
date = "p.published"
date-format = "Published: %d %b. %Y, %H:%M"
content = ".article-body"
exclude = ".ad, .comments, .related-article, .credit"
"#;

fn page(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/pages")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|error| panic!("reading {}: {error}", path.display()))
}

fn html(name: &str) -> Response {
    Response::ok("text/html; charset=utf-8", page(name))
}

fn harbour_server() -> TestServer {
    TestServer::start([
        ("/feed.xml", Response::ok("application/rss+xml", FEED)),
        ("/region/harbour/quay-vote", html("detail_quay_vote.html")),
        (
            "/region/harbour/ferry-timetable",
            html("detail_ferry_timetable.html"),
        ),
    ])
}

/// The site's dates are local to Asia/Seoul-like +09:00 and written without a zone.
fn local_date(raw: &str, format: Option<&str>) -> Option<Timestamp> {
    let naive = NaiveDateTime::parse_from_str(raw, format?).ok()?;
    FixedOffset::east_opt(9 * 3600)?
        .from_local_datetime(&naive)
        .single()
}

fn options() -> EnrichOptions {
    let toml: EnrichToml = toml::from_str(CONFIG).expect("valid TOML");
    EnrichOptions {
        date_parser: Some(Arc::new(local_date)),
        ..toml.validate().expect("valid selectors")
    }
}

/// Fetches and reads the feed, then enriches its articles from their pages.
fn enriched(server: &TestServer) -> (Vec<Article>, Vec<Warning>) {
    let fetch_options = FetchOptions::default();
    let feed_url = Url::parse(&server.url("/feed.xml")).expect("a valid URL");
    let fetched = fetch(&feed_url, &fetch_options).expect("the feed");
    let read_options = ReadOptions {
        url: Some(fetched.final_url.to_string()),
        content_type: fetched.content_type.clone(),
        ..ReadOptions::default()
    };
    let mut articles = read(&fetched.body, &read_options)
        .expect("an RSS feed")
        .feed
        .articles;
    assert!(articles.iter().all(|article| article.tags.is_empty()));
    let warnings = enrich_all(
        &mut articles,
        |url| fetch(url, &fetch_options),
        2,
        &options(),
    );
    (articles, warnings)
}

fn terms(article: &Article, section: bool) -> Vec<&str> {
    article
        .tags
        .iter()
        .filter(|tag| (tag.scheme.as_deref() == Some("section")) == section)
        .map(|tag| tag.term.as_str())
        .collect()
}

#[test]
fn enrichment_adds_the_pages_tags_and_sections_to_a_feed_without_tags() {
    let server = harbour_server();
    let (articles, _) = enriched(&server);
    assert_eq!(
        terms(&articles[0], false),
        ["Northern Quay", "Ferries", "fishing"]
    );
    assert_eq!(terms(&articles[0], true), ["Region", "Harbour"]);
    assert_eq!(terms(&articles[1], false), ["Ferries", "Timetables"]);
    assert_eq!(terms(&articles[1], true), ["Region", "Harbour"]);
}

#[test]
fn the_credit_line_becomes_the_author_where_the_page_has_one() {
    let server = harbour_server();
    let (articles, warnings) = enriched(&server);
    let names: Vec<_> = articles[0]
        .authors
        .iter()
        .filter_map(|person| person.name.as_deref())
        .collect();
    assert_eq!(names, ["Harbour Desk"]);
    assert!(articles[1].authors.is_empty());
    let ferry = server.url("/region/harbour/ferry-timetable");
    let expected = format!(
        "enriching `{ferry}`: enrich.author: selector `p.credit` matched nothing on the page"
    );
    assert!(
        warnings.iter().any(|w| w.message == expected),
        "{warnings:#?}"
    );
}

#[test]
fn a_zone_less_page_date_read_in_the_sites_offset_replaces_a_day_only_feed_date() {
    let server = harbour_server();
    let (articles, _) = enriched(&server);
    let published = articles[0].published.expect("a date");
    assert_eq!(published.to_rfc3339(), "2026-03-14T09:05:00+09:00");
    let published = articles[1].published.expect("a date");
    assert_eq!(published.to_rfc3339(), "2026-03-16T17:40:00+09:00");
}

#[test]
fn the_full_text_keeps_the_body_paragraphs_with_absolute_images_and_drops_the_clutter() {
    let server = harbour_server();
    let (articles, _) = enriched(&server);
    let base = server.url("");
    let content = articles[0].content.as_ref().expect("a full text");
    for kept in [
        "seven to two on Tuesday evening",
        "eleven metres of berthing space",
        "Work is due to begin in early spring",
        "asked that the fish market stay open",
        &format!("{base}/images/2026/03/quay-dawn.jpg"),
        &format!("{base}/region/harbour/documents/quay-plan.pdf"),
    ] {
        assert!(
            content.value.contains(kept),
            "{kept} missing: {}",
            content.value
        );
    }
    for dropped in [
        "ADVERTISEMENT",
        "Comment by",
        "More in Harbour",
        "Lighthouse keeper",
        "Related Article",
        "Harbour Desk",
        "analytics",
        "tracker.js",
        "<nav",
        "<script",
        "<style",
    ] {
        assert!(
            !content.value.contains(dropped),
            "{dropped} kept: {}",
            content.value
        );
    }
    let ferry = articles[1].content.as_ref().expect("a full text");
    assert!(
        ferry
            .value
            .contains(&format!("{base}/region/harbour/images/ferry-deck.jpg")),
        "{}",
        ferry.value
    );
}

#[test]
fn a_detail_page_that_is_gone_gives_a_warning_naming_the_article_and_keeps_it() {
    let server = harbour_server();
    let (articles, warnings) = enriched(&server);
    let withdrawn = &articles[2];
    assert_eq!(
        withdrawn.title.as_ref().map(|t| t.value.as_str()),
        Some("A story the site has taken down")
    );
    assert!(withdrawn.tags.is_empty() && withdrawn.content.is_none());
    let url = server.url("/region/harbour/withdrawn");
    let about_it: Vec<_> = warnings
        .iter()
        .filter(|w| w.message.contains(&url))
        .collect();
    assert_eq!(about_it.len(), 1, "{warnings:#?}");
    assert!(
        about_it[0].message.contains("404"),
        "{}",
        about_it[0].message
    );
}

#[test]
fn the_articles_own_fields_are_kept_where_it_has_them() {
    let server = harbour_server();
    let (articles, _) = enriched(&server);
    assert_eq!(
        articles[0].summary.as_ref().map(|t| t.value.as_str()),
        Some("The council voted on the quay.")
    );
    assert_eq!(
        articles[0].link.as_deref(),
        Some(server.url("/region/harbour/quay-vote").as_str())
    );
}

/// A server answering `count` copies of the quay page slowly, so fetches overlap.
fn slow_server(count: usize) -> (TestServer, Vec<Url>) {
    let paths: Vec<String> = (0..count).map(|n| format!("/story/{n}")).collect();
    let delay = Duration::from_millis(150);
    let server = TestServer::start_concurrent(
        paths
            .iter()
            .map(|path| (path.as_str(), html("detail_quay_vote.html").delayed(delay))),
    );
    let urls = paths
        .iter()
        .map(|path| Url::parse(&server.url(path)).expect("a valid URL"))
        .collect();
    (server, urls)
}

#[test]
fn fetch_all_keeps_the_input_order_and_no_more_than_the_bound_in_flight() {
    let (server, urls) = slow_server(8);
    let results = fetch_all(&urls, &FetchOptions::default(), 3);
    assert_eq!(results.len(), 8);
    for (result, url) in results.iter().zip(&urls) {
        let fetched = result.as_ref().expect("a page");
        assert_eq!(&fetched.final_url, url, "results keep the input order");
    }
    let peak = server.peak_concurrency();
    assert!((2..=3).contains(&peak), "peak {peak}");
}

#[test]
fn enrich_all_fetches_no_more_pages_at_once_than_the_bound_allows() {
    let (server, urls) = slow_server(6);
    let mut articles: Vec<Article> = urls
        .iter()
        .map(|url| Article {
            link: Some(url.to_string()),
            ..Article::default()
        })
        .collect();
    let fetch_options = FetchOptions::default();
    let warnings = enrich_all(
        &mut articles,
        |url| fetch(url, &fetch_options),
        2,
        &options(),
    );
    // Each page shows only a visible, zone-less date; reading it is reported as a Date
    // warning. Nothing else may go wrong.
    let problems: Vec<_> = warnings
        .iter()
        .filter(|w| w.kind != WarningKind::Date)
        .collect();
    assert!(problems.is_empty(), "{warnings:#?}");
    assert!(articles.iter().all(|article| article.tags.len() == 5));
    assert_eq!(server.peak_concurrency(), 2);
    assert_eq!(server.requests().len(), 6);
}

#[test]
fn without_configured_selectors_readability_alone_finds_the_body_and_leaves_out_the_chrome() {
    let server = harbour_server();
    let url = Url::parse(&server.url("/region/harbour/quay-vote")).expect("a valid URL");
    let mut articles = vec![Article {
        link: Some(url.to_string()),
        ..Article::default()
    }];
    let options: EnrichOptions = toml::from_str::<EnrichToml>("full-text = true")
        .expect("valid TOML")
        .validate()
        .expect("valid options");
    let fetch_options = FetchOptions::default();
    let warnings = enrich_all(&mut articles, |u| fetch(u, &fetch_options), 1, &options);
    let problems: Vec<_> = warnings
        .iter()
        .filter(|w| w.kind != WarningKind::Date)
        .collect();
    assert!(problems.is_empty(), "{warnings:#?}");
    let article = &articles[0];
    let content = article.content.as_ref().expect("a full text");
    assert!(content.value.contains("eleven metres of berthing space"));
    for dropped in ["Comment by", "Lighthouse keeper", "main-nav", "<script"] {
        assert!(
            !content.value.contains(dropped),
            "{dropped}: {}",
            content.value
        );
    }
    assert_eq!(
        article.title.as_ref().map(|t| t.value.as_str()),
        Some("Council votes to widen the northern quay"),
        "auto-extraction fills the missing title"
    );
}
