//! Auto-extraction from HTML pages, end to end: synthetic pages in `tests/fixtures/pages/`
//! (shaped like real news sites, never copied from one) read with `read_page`, checking
//! titles, absolute links, exact instants, tags, decoded text and the warnings given.

use std::path::PathBuf;

use feedmill::model::{Article, Tag};
use feedmill::source::page::{
    PageError, PageKind, PageOptions, PageOutcome, WarningKind, read_page,
};

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/pages")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|error| panic!("reading {}: {error}", path.display()))
}

#[track_caller]
fn read(name: &str, url: &str) -> PageOutcome {
    read_with(name, url, None)
}

#[track_caller]
fn read_with(name: &str, url: &str, content_type: Option<&str>) -> PageOutcome {
    let options = PageOptions {
        url: Some(url.to_owned()),
        content_type: content_type.map(str::to_owned),
        ..PageOptions::default()
    };
    read_page(&fixture(name), &options).unwrap_or_else(|error| panic!("{name}: {error}"))
}

fn only_article(outcome: &PageOutcome) -> &Article {
    assert_eq!(outcome.kind, PageKind::Article);
    assert_eq!(
        outcome.feed.articles.len(),
        1,
        "{:#?}",
        outcome.feed.articles
    );
    &outcome.feed.articles[0]
}

fn title(article: &Article) -> &str {
    article.title.as_ref().map_or("", |t| t.value.as_str())
}

fn rfc3339(timestamp: Option<chrono::DateTime<chrono::FixedOffset>>) -> String {
    timestamp.map(|t| t.to_rfc3339()).unwrap_or_default()
}

fn terms(tags: &[Tag], scheme: Option<&str>) -> Vec<String> {
    tags.iter()
        .filter(|tag| tag.scheme.as_deref() == scheme)
        .map(|tag| tag.term.clone())
        .collect()
}

const SEED_URL: &str = "https://harbor-daily.example/article/2025/09/09/national/northKorea/ferry-terminal/20250909182100123.html";

#[test]
fn an_article_page_with_json_ld_and_opengraph_becomes_one_article() {
    let outcome = read(
        "article_seed_shape.html",
        "https://harbor-daily.example/article/20250909182100123?ref=home",
    );
    let article = only_article(&outcome);
    assert_eq!(
        title(article),
        "Coastal city council approves floating ferry terminal"
    );
    assert_eq!(article.id, SEED_URL);
    assert_eq!(article.link.as_deref(), Some(SEED_URL));
    assert_eq!(rfc3339(article.published), "2025-09-09T18:21:00+09:00");
    assert_eq!(rfc3339(article.updated), "2025-09-09T19:05:00+09:00");
    assert_eq!(
        article.image.as_deref(),
        Some("https://harbor-daily.example/data/photo/2025/09/09/ferry.jpg")
    );
    assert_eq!(article.language.as_deref(), Some("en"));
    assert!(outcome.warnings.is_empty(), "{:?}", outcome.warnings);
    assert_eq!(outcome.encoding, "utf-8");
}

#[test]
fn json_ld_outranks_opengraph_field_by_field() {
    let outcome = read("article_seed_shape.html", SEED_URL);
    let article = only_article(&outcome);
    let summary = article.summary.as_ref().map(|s| s.value.as_str());
    assert_eq!(
        summary,
        Some("A floating terminal that rises with the tide wins a council vote.")
    );
    let authors: Vec<_> = article.authors.iter().map(|a| a.name.as_deref()).collect();
    assert_eq!(authors, [Some("Min Ha-eun"), Some("Newswire")]);
    assert_eq!(
        article.authors[0].uri.as_deref(),
        Some("https://harbor-daily.example/author/min-haeun")
    );
}

#[test]
fn tags_from_every_source_are_merged_without_case_duplicates() {
    let outcome = read("article_seed_shape.html", SEED_URL);
    let article = only_article(&outcome);
    assert_eq!(
        terms(&article.tags, None),
        ["ferry", "harbor works", "city council", "Tidal Energy"]
    );
    assert_eq!(
        terms(&article.tags, Some("section")),
        ["National", "North Korea"]
    );
}

#[test]
fn an_article_page_feed_is_titled_after_the_site_and_links_to_its_root() {
    let outcome = read("article_seed_shape.html", SEED_URL);
    let title = outcome.feed.title.as_ref().map(|t| t.value.as_str());
    assert_eq!(title, Some("Harbor Daily"));
    assert_eq!(
        outcome.feed.link.as_deref(),
        Some("https://harbor-daily.example/")
    );
}

#[test]
fn the_more_in_list_of_an_article_page_becomes_related_links() {
    let outcome = read("article_seed_shape.html", SEED_URL);
    let article = only_article(&outcome);
    let related: Vec<_> = article
        .links
        .iter()
        .filter(|link| link.rel.as_deref() == Some("related"))
        .map(|link| (link.title.as_deref().unwrap_or(""), link.href.as_str()))
        .collect();
    assert_eq!(related.len(), 3, "{related:?}");
    assert_eq!(
        related[0],
        (
            "Bridge lights to switch to solar panels by winter",
            "https://harbor-daily.example/article/2025/09/08/national/northKorea/bridge-lights/20250908101500456.html"
        )
    );
}

#[test]
fn a_page_with_only_json_ld_is_read_from_its_graph() {
    let outcome = read("jsonld_only.html", "https://blog.example.org/");
    let article = only_article(&outcome);
    assert_eq!(
        title(article),
        "What I learned growing tomatoes on a balcony"
    );
    assert_eq!(
        article.link.as_deref(),
        Some("https://blog.example.org/posts/tomatoes")
    );
    assert_eq!(
        article.published.map(|p| p.timestamp()),
        chrono::DateTime::parse_from_rfc3339("2025-06-01T12:00:00Z")
            .ok()
            .map(|p| p.timestamp())
    );
    assert_eq!(rfc3339(article.published), "2025-06-01T08:00:00-04:00");
    assert_eq!(terms(&article.tags, None), ["Tomatoes", "Balcony"]);
    assert_eq!(terms(&article.tags, Some("section")), ["Vegetables"]);
    assert_eq!(article.language.as_deref(), Some("en-CA"));
    assert_eq!(
        article.image.as_deref(),
        Some("https://blog.example.org/img/tomatoes.jpg")
    );
    let title = outcome.feed.title.as_ref().map(|t| t.value.as_str());
    assert_eq!(title, Some("Garden Notes"));
}

#[test]
fn an_unreadable_json_ld_date_is_dropped_with_a_warning() {
    let outcome = read("jsonld_only.html", "https://blog.example.org/");
    assert!(only_article(&outcome).updated.is_none());
    assert_eq!(outcome.warnings.len(), 1, "{:?}", outcome.warnings);
    assert_eq!(outcome.warnings[0].kind, WarningKind::Date);
    assert!(outcome.warnings[0].message.contains("sometime in June"));
}

#[test]
fn a_listing_page_without_metadata_is_guessed_from_its_repeated_blocks() {
    let outcome = read(
        "listing_heuristic.html",
        "https://gazette.example.net/latest",
    );
    assert_eq!(outcome.kind, PageKind::Listing);
    let articles = &outcome.feed.articles;
    let titles: Vec<_> = articles.iter().map(title).collect();
    assert_eq!(
        titles,
        [
            "Library extension opens with a new reading garden",
            "Winter bus timetable adds two late services",
            "Harvest fair draws a record crowd to the square",
            "Volunteers clear two tonnes of litter from the river",
        ]
    );
    let links: Vec<_> = articles.iter().filter_map(|a| a.link.as_deref()).collect();
    assert_eq!(
        links,
        [
            "https://gazette.example.net/news/2025/10/library-extension",
            "https://gazette.example.net/news/2025/10/bus-timetable",
            "https://gazette.example.net/news/2025/09/harvest-fair",
            "https://archive.example.net/river-cleanup",
        ]
    );
    assert_eq!(articles[0].id, links[0]);
    assert_eq!(rfc3339(articles[0].published), "2025-10-02T09:30:00+02:00");
    assert_eq!(rfc3339(articles[1].published), "2025-10-01T16:00:00+02:00");
    assert!(articles[2].published.is_none());
    assert_eq!(
        articles[0].image.as_deref(),
        Some("https://gazette.example.net/img/library.jpg")
    );
    let summary = articles[0].summary.as_ref().map(|s| s.value.as_str());
    assert_eq!(summary, Some("The town library doubled its floor space."));
}

#[test]
fn a_guessed_listing_is_reported_with_its_css_path() {
    let outcome = read(
        "listing_heuristic.html",
        "https://gazette.example.net/latest",
    );
    let guess = outcome
        .warnings
        .iter()
        .find(|w| w.message.contains("the listing was guessed"))
        .expect("a warning about the guess");
    assert!(
        guess
            .message
            .contains("`div#wrap > div.content > div.news-list > div.news-item`"),
        "{guess}"
    );
    let date = outcome
        .warnings
        .iter()
        .find(|w| w.kind == WarningKind::Date)
        .expect("a warning about `last week`");
    assert!(date.message.contains("last week"));
    assert_eq!(
        outcome.feed.link.as_deref(),
        Some("https://gazette.example.net/latest")
    );
    let title = outcome.feed.title.as_ref().map(|t| t.value.as_str());
    assert_eq!(title, Some("Latest news | River Town Gazette"));
}

#[test]
fn an_article_page_can_be_read_as_a_listing_when_asked() {
    let options = PageOptions {
        url: Some(SEED_URL.to_owned()),
        expect: Some(PageKind::Listing),
        ..PageOptions::default()
    };
    let outcome = read_page(&fixture("article_seed_shape.html"), &options).expect("a page");
    assert_eq!(outcome.kind, PageKind::Listing);
    assert_eq!(outcome.feed.articles.len(), 4);
}

#[test]
fn a_korean_page_in_euc_kr_is_decoded_from_its_meta_declaration() {
    let outcome = read(
        "korean_euc_kr.html",
        "http://news.bada.example.kr/article/20250910073000",
    );
    assert_eq!(outcome.encoding, "euc-kr");
    let article = only_article(&outcome);
    assert_eq!(title(article), "항구 도시, 조수에 뜨는 여객선 터미널 승인");
    assert_eq!(rfc3339(article.published), "2025-09-10T07:30:00+09:00");
    assert_eq!(terms(&article.tags, None), ["여객선", "시의회"]);
    assert_eq!(terms(&article.tags, Some("section")), ["사회"]);
    let feed_title = outcome.feed.title.as_ref().map(|t| t.value.as_str());
    assert_eq!(feed_title, Some("바다일보"));
    assert!(outcome.warnings.is_empty(), "{:?}", outcome.warnings);
}

#[test]
fn a_content_type_charset_is_honoured_over_the_meta() {
    let outcome = read_with(
        "korean_euc_kr.html",
        "http://news.bada.example.kr/article/20250910073000",
        Some("text/html; charset=EUC-KR"),
    );
    assert_eq!(outcome.encoding, "euc-kr");
    assert!(title(only_article(&outcome)).starts_with("항구 도시"));
}

#[test]
fn a_russian_page_in_windows_1251_without_a_declaration_is_detected() {
    let outcome = read(
        "russian_windows_1251.html",
        "https://novosti.example.ru/news/",
    );
    assert_eq!(outcome.encoding, "windows-1251");
    let article = only_article(&outcome);
    assert_eq!(
        title(article),
        "Городской совет одобрил плавучий паромный терминал"
    );
    assert_eq!(
        article.link.as_deref(),
        Some("https://novosti.example.ru/news/2025/09/10/parom")
    );
    assert_eq!(rfc3339(article.published), "2025-09-10T10:15:00+03:00");
    assert_eq!(article.authors[0].name.as_deref(), Some("Ирина Морозова"));
    assert_eq!(
        terms(&article.tags, None),
        ["паром", "городской совет", "порт"]
    );
    let encoding_warning = outcome
        .warnings
        .iter()
        .find(|w| w.kind == WarningKind::Encoding);
    assert!(
        encoding_warning.is_some(),
        "detection is reported: {:?}",
        outcome.warnings
    );
}

#[test]
fn a_japanese_listing_in_shift_jis_is_decoded_and_guessed() {
    let outcome = read("japanese_shift_jis.html", "https://minato.example.jp/news/");
    assert_eq!(outcome.encoding, "shift_jis");
    assert_eq!(outcome.kind, PageKind::Listing);
    let articles = &outcome.feed.articles;
    assert_eq!(articles.len(), 3);
    assert_eq!(
        title(&articles[0]),
        "潮の満ち引きに合わせて浮く新しいフェリー乗り場が完成"
    );
    assert_eq!(
        articles[2].link.as_deref(),
        Some("https://minato.example.jp/news/2025/09/fish.html")
    );
    assert_eq!(rfc3339(articles[1].published), "2025-09-09T17:45:00+09:00");
    let feed_title = outcome.feed.title.as_ref().map(|t| t.value.as_str());
    assert_eq!(feed_title, Some("最新ニュース一覧 | 港町新聞"));
}

#[test]
fn feeds_and_empty_input_are_not_pages() {
    let rss =
        br#"<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>"#;
    let error = read_page(rss, &PageOptions::default()).expect_err("a feed is not a page");
    assert!(matches!(error, PageError::NotHtml { .. }));
    assert_eq!(
        error.to_string(),
        "not an HTML page: the document is an RSS or Atom feed"
    );
    let error = read_page(b"", &PageOptions::default()).expect_err("nothing is not a page");
    assert!(matches!(error, PageError::Empty));
}

#[test]
fn a_json_ld_item_list_is_a_listing_without_guessing() {
    let html = br#"<html><head><title>Picks</title><script type="application/ld+json">
        {"@context":"https://schema.org","@type":"ItemList","itemListElement":[
          {"@type":"ListItem","position":1,"url":"/picks/1","name":"First pick of the week"},
          {"@type":"ListItem","position":2,"item":{"@id":"/picks/2","name":"Second pick"}}]}
        </script></head><body><p>Nothing else here.</p></body></html>"#;
    let options = PageOptions {
        url: Some("https://picks.example/weekly".into()),
        ..PageOptions::default()
    };
    let outcome = read_page(html, &options).expect("a page");
    assert_eq!(outcome.kind, PageKind::Listing);
    let links: Vec<_> = outcome
        .feed
        .articles
        .iter()
        .filter_map(|a| a.link.as_deref())
        .collect();
    assert_eq!(
        links,
        [
            "https://picks.example/picks/1",
            "https://picks.example/picks/2"
        ]
    );
    assert_eq!(title(&outcome.feed.articles[1]), "Second pick");
    assert!(outcome.warnings.is_empty(), "{:?}", outcome.warnings);
}

#[test]
fn a_page_with_neither_metadata_nor_a_listing_is_one_article_with_a_warning() {
    let html = b"<html><head><title>Contact us</title></head><body><p>Call us.</p></body></html>";
    let options = PageOptions {
        url: Some("https://shop.example/contact".into()),
        ..PageOptions::default()
    };
    let outcome = read_page(html, &options).expect("a page");
    let article = only_article(&outcome);
    assert_eq!(title(article), "Contact us");
    assert_eq!(article.id, "https://shop.example/contact");
    assert_eq!(outcome.warnings.len(), 1, "{:?}", outcome.warnings);
}

#[test]
fn every_truncation_of_every_fixture_is_read_without_panicking() {
    let names = [
        "article_seed_shape.html",
        "jsonld_only.html",
        "listing_heuristic.html",
        "korean_euc_kr.html",
        "russian_windows_1251.html",
        "japanese_shift_jis.html",
    ];
    for name in names {
        let bytes = fixture(name);
        for end in (0..bytes.len()).step_by(7) {
            let options = PageOptions {
                url: Some("https://example.com/a/".into()),
                ..PageOptions::default()
            };
            // Errors are fine for prefixes that are no page yet; panics are not.
            let _ = read_page(&bytes[..end], &options);
        }
    }
}

#[test]
fn page_feeds_are_written_in_every_output_format_with_their_tags() {
    use feedmill::emit::{self, EmitOptions, OutputFormat};

    let outcome = read(
        "korean_euc_kr.html",
        "http://news.bada.example.kr/article/20250910073000",
    );
    for format in [OutputFormat::Rss, OutputFormat::Atom, OutputFormat::Json] {
        let bytes = emit::write(&outcome.feed, format, &EmitOptions::default())
            .unwrap_or_else(|error| panic!("{format}: {error}"));
        let text = String::from_utf8(bytes).expect("UTF-8 output");
        assert!(text.contains("여객선"), "{format}: {text}");
        assert!(text.contains("http://news.bada.example.kr/article/20250910073000"));
    }
}

#[test]
fn a_breadcrumb_link_to_the_home_page_is_not_a_section_even_without_a_page_url() {
    let outcome = read_page(&fixture("article_seed_shape.html"), &PageOptions::default())
        .expect("an HTML page");
    let article = only_article(&outcome);
    let sections = terms(&article.tags, Some("section"));
    assert!(!sections.iter().any(|s| s == "Home"), "{sections:?}");
    assert!(sections.iter().any(|s| s == "North Korea"), "{sections:?}");
}
