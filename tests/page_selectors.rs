//! Selector scraping end to end: TOML selectors, validated, run over the synthetic
//! `tests/fixtures/pages/listing_harbour_page{1,2,3}.html`, a tag listing of an invented
//! news site whose pages link to each other with `a.next`.

use std::path::PathBuf;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use feedmill::model::{IdOrigin, Timestamp};
use feedmill::source::feed::WarningKind;
use feedmill::source::page::selectors::{
    self, Extract, FieldName, PageSelectors, PageSelectorsToml, ScrapeOptions, ScrapeResult,
    SelectorReport,
};
use url::Url;

const SELECTORS: &str = r#"
items = "article.story"
title = "h2 a"
link = "h2 a@href"
date = { selector = "time", attr = "datetime" }
summary = { selector = "p.dek", html = false }
author = ".byline"
tags = { selector = ".tags a", all = true }
image = "img@src"
date-format = "%d %b. %Y, %H:%M"
next-page = "a.next@href"
max-pages = 3
"#;

const PAGE_1: &str = "https://news.example.org/tags/harbour/";
const PAGE_2: &str = "https://news.example.org/tags/harbour/?page=2";
const PAGE_3: &str = "https://news.example.org/tags/harbour/?page=3";

fn page(number: usize) -> String {
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "tests/fixtures/pages",
        &format!("listing_harbour_page{number}.html"),
    ]
    .iter()
    .collect();
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn url(text: &str) -> Url {
    Url::parse(text).expect("test URLs are valid")
}

fn validated(toml_text: &str) -> PageSelectors {
    let config: PageSelectorsToml = toml::from_str(toml_text).expect("test TOML parses");
    config.validate().expect("test selectors are valid")
}

/// The fixture page for a URL of the listing, as a fetcher would return it.
fn fetch_fixture(next: &Url) -> Option<String> {
    match next.as_str() {
        PAGE_2 => Some(page(2)),
        PAGE_3 => Some(page(3)),
        _ => None,
    }
}

fn instant(rfc3339: &str) -> Timestamp {
    DateTime::parse_from_rfc3339(rfc3339).expect("test dates are RFC 3339")
}

fn all_pages() -> ScrapeResult {
    selectors::scrape_pages(
        &page(1),
        Some(&url(PAGE_1)),
        &validated(SELECTORS),
        fetch_fixture,
    )
}

fn titles(result: &ScrapeResult) -> Vec<String> {
    result
        .articles
        .iter()
        .map(|a| {
            a.title
                .as_ref()
                .map(|t| t.value.clone())
                .unwrap_or_default()
        })
        .collect()
}

fn report(result: &ScrapeResult, field: FieldName) -> &SelectorReport {
    result
        .matches
        .iter()
        .find(|r| r.field == field)
        .unwrap_or_else(|| panic!("no report for {field}"))
}

#[test]
fn titles_are_read_in_page_order_with_whitespace_collapsed_and_repeats_left_out() {
    let result = all_pages();
    assert_eq!(
        titles(&result),
        [
            "Winter ferry timetable announced",
            "Storm watch: live updates",
            "Old lighthouse restored",
            "Fish market moves to pier 4",
            "Dredging starts in the inner basin",
        ]
    );
    assert_eq!(result.pages, 3);
    assert_eq!(result.next_page, None);
}

#[test]
fn links_are_made_absolute_against_base_href_then_the_page_url() {
    let result = all_pages();
    let links: Vec<_> = result
        .articles
        .iter()
        .map(|a| a.link.as_deref().unwrap_or(""))
        .collect();
    assert_eq!(
        links,
        [
            // Page 1 has `<base href="/">`: a relative link resolves against the site root.
            "https://news.example.org/2026/11/26/ferry-timetable",
            "https://live.example.org/harbour/storm-watch",
            "https://news.example.org/2026/11/24/lighthouse-restored",
            // Page 2 has no `<base>`: `../../` resolves against its own URL.
            "https://news.example.org/2026/11/20/fish-market",
            "https://news.example.org/2026/11/18/dredging",
        ]
    );
    let images: Vec<_> = result.articles.iter().map(|a| a.image.as_deref()).collect();
    assert_eq!(
        images,
        [
            Some("https://news.example.org/media/ferry.jpg"),
            None,
            Some("https://news.example.org/media/lighthouse.jpg"),
            Some("https://news.example.org/media/market.jpg"),
            None,
        ]
    );
}

#[test]
fn ids_are_the_absolute_links() {
    let result = all_pages();
    for article in &result.articles {
        assert_eq!(Some(article.id.as_str()), article.link.as_deref());
        assert_eq!(article.id_origin, IdOrigin::FromLink);
    }
}

#[test]
fn relative_links_without_any_base_are_kept_but_ids_are_hashed_and_a_warning_says_so() {
    let result = selectors::scrape(
        &scraper::Html::parse_document(&page(2)),
        None,
        &validated(SELECTORS),
    );
    let market = &result.articles[1];
    assert_eq!(market.link.as_deref(), Some("../../2026/11/20/fish-market"));
    assert!(market.id.starts_with("urn:uuid:"), "{}", market.id);
    assert_eq!(market.id_origin, IdOrigin::FromHash);
    assert!(
        result.warnings.iter().any(|w| w.kind == WarningKind::Value
            && w.message
                == "page 1, item 2: page.link `../../2026/11/20/fish-market` is relative and the page has no URL"),
        "{:#?}",
        result.warnings
    );
}

#[test]
fn dates_are_the_exact_instants_of_the_datetime_attributes() {
    let result = all_pages();
    let dates: Vec<_> = result.articles.iter().map(|a| a.published).collect();
    assert_eq!(
        dates,
        [
            Some(instant("2026-11-25T23:30:00Z")),
            Some(instant("2026-11-25T22:05:00Z")),
            Some(instant("2026-11-24T16:00:00Z")),
            Some(instant("2026-11-20T11:45:00Z")),
            None,
        ]
    );
    assert_eq!(
        result.raw_dates[0].as_deref(),
        Some("2026-11-26T08:30:00+09:00")
    );
    assert_eq!(result.raw_dates[4].as_deref(), Some("some time last week"));
}

#[test]
fn an_unreadable_date_is_dropped_with_a_warning_naming_page_and_item() {
    let result = all_pages();
    let date_warnings: Vec<_> = result
        .warnings
        .iter()
        .filter(|w| w.kind == WarningKind::Date)
        .map(|w| w.message.as_str())
        .collect();
    assert_eq!(
        date_warnings,
        ["page 3, item 1: page.date \"some time last week\" could not be read; dropped"]
    );
}

#[test]
fn a_date_parser_passed_in_options_gets_the_raw_text_and_the_date_format() {
    let selectors = validated(&SELECTORS.replace(
        r#"date = { selector = "time", attr = "datetime" }"#,
        r#"date = "time""#,
    ));
    let human = |raw: &str, format: Option<&str>| -> Option<Timestamp> {
        let local = NaiveDateTime::parse_from_str(raw, format?).ok()?;
        Some(Utc.from_utc_datetime(&local).fixed_offset())
    };
    let result = selectors::scrape_with(
        &scraper::Html::parse_document(&page(1)),
        Some(&url(PAGE_1)),
        &selectors,
        ScrapeOptions {
            date_parser: &human,
        },
    );
    assert_eq!(result.raw_dates[0].as_deref(), Some("26 Nov. 2026, 08:30"));
    assert_eq!(
        result.articles[0].published,
        Some(instant("2026-11-26T08:30:00Z"))
    );
}

#[test]
fn tags_take_every_match_and_authors_and_summaries_their_text() {
    let result = all_pages();
    let tags: Vec<Vec<&str>> = result
        .articles
        .iter()
        .map(|a| a.tags.iter().map(|t| t.term.as_str()).collect())
        .collect();
    assert_eq!(
        tags,
        [
            vec!["Harbour", "Transport"],
            vec!["Harbour", "Weather", "Live"],
            vec!["Harbour", "Heritage"],
            vec!["Harbour", "Food"],
            vec!["Harbour"],
        ]
    );
    let first = &result.articles[0];
    assert_eq!(first.authors[0].name.as_deref(), Some("Mina Okafor"));
    let summary = first.summary.as_ref().expect("a summary");
    assert!(!summary.is_html());
    assert_eq!(summary.value, "Crossings drop to four a day from December.");
    assert!(result.articles[4].authors.is_empty());
}

#[test]
fn html_true_takes_the_inner_html() {
    let selectors = validated(&SELECTORS.replace("html = false", "html = true"));
    let result = selectors::scrape(
        &scraper::Html::parse_document(&page(1)),
        Some(&url(PAGE_1)),
        &selectors,
    );
    let summary = result.articles[0].summary.as_ref().expect("a summary");
    assert!(summary.is_html());
    assert_eq!(
        summary.value,
        "Crossings drop to <em>four</em> a day from December."
    );
}

#[test]
fn links_inside_html_are_made_absolute_against_their_own_page() {
    let selectors = validated(&SELECTORS.replace("html = false", "html = true"));
    let result = selectors::scrape_pages(&page(1), Some(&url(PAGE_1)), &selectors, fetch_fixture);
    let market = result.articles[3].summary.as_ref().expect("a summary");
    assert_eq!(
        market.value,
        r#"The new hall <a href="https://news.example.org/2026/11/21/market-hall">opens on Monday</a>."#
    );
}

#[test]
fn a_regex_keeps_its_first_capture_group() {
    let selectors = validated(
        r#"
        items = "article.story"
        title = { selector = "h2 a", attr = "href", regex = '(\d{4})/\d\d/\d\d/' }
        link = "h2 a@href"
        "#,
    );
    let result = selectors::scrape(
        &scraper::Html::parse_document(&page(1)),
        Some(&url(PAGE_1)),
        &selectors,
    );
    // The storm-watch link has no date in it, so that article has no title.
    assert_eq!(titles(&result), ["2026", "", "2026"]);
    assert_eq!(report(&result, FieldName::Title).nodes, 3);
    assert_eq!(report(&result, FieldName::Title).values, 2);
}

#[test]
fn pages_are_followed_in_order_through_next_page_links() {
    let mut fetched = Vec::new();
    let result = selectors::scrape_pages(
        &page(1),
        Some(&url(PAGE_1)),
        &validated(SELECTORS),
        |next| {
            fetched.push(next.to_string());
            fetch_fixture(next)
        },
    );
    assert_eq!(fetched, [PAGE_2, PAGE_3]);
    assert_eq!(result.pages, 3);
}

#[test]
fn max_pages_caps_the_walk_and_the_unfollowed_link_is_reported() {
    let selectors = validated(&SELECTORS.replace("max-pages = 3", "max-pages = 2"));
    let mut fetched = Vec::new();
    let result = selectors::scrape_pages(&page(1), Some(&url(PAGE_1)), &selectors, |next| {
        fetched.push(next.to_string());
        fetch_fixture(next)
    });
    assert_eq!(fetched, [PAGE_2]);
    assert_eq!(result.pages, 2);
    assert_eq!(result.articles.len(), 4);
    assert_eq!(result.next_page, Some(url(PAGE_3)));
}

#[test]
fn without_max_pages_only_the_first_page_is_read() {
    let selectors = validated(&SELECTORS.replace("max-pages = 3", ""));
    let result = selectors::scrape_pages(&page(1), Some(&url(PAGE_1)), &selectors, |_| {
        panic!("nothing should be fetched")
    });
    assert_eq!(result.pages, 1);
    assert_eq!(result.next_page, Some(url(PAGE_2)));
}

#[test]
fn a_next_page_already_read_stops_the_walk_with_a_warning() {
    // The server answers page 2 with page 1 again, whose next link is page 2.
    let result =
        selectors::scrape_pages(&page(1), Some(&url(PAGE_1)), &validated(SELECTORS), |_| {
            Some(page(1))
        });
    assert_eq!(result.pages, 2);
    assert_eq!(result.articles.len(), 3);
    assert!(
        result
            .warnings
            .iter()
            .any(|w| w.message
                == format!("page.next-page: `{PAGE_2}` was already read; stopped there")),
        "{:#?}",
        result.warnings
    );
}

#[test]
fn a_page_that_cannot_be_fetched_stops_the_walk_with_a_warning() {
    let result =
        selectors::scrape_pages(&page(1), Some(&url(PAGE_1)), &validated(SELECTORS), |_| {
            None
        });
    assert_eq!(result.pages, 1);
    assert_eq!(result.next_page, Some(url(PAGE_2)));
    assert!(result.warnings.iter().any(|w| w.message
        == format!("page.next-page: page 2 `{PAGE_2}` could not be fetched; stopped there")));
}

#[test]
fn every_selector_reports_how_many_elements_it_matched_across_pages() {
    let result = all_pages();
    let counts: Vec<_> = result
        .matches
        .iter()
        .map(|r| (r.field, r.selector.as_str(), r.nodes, r.values))
        .collect();
    assert_eq!(
        counts,
        [
            (FieldName::Items, "article.story", 6, 5),
            (FieldName::Title, "h2 a", 6, 6),
            (FieldName::Link, "h2 a", 6, 6),
            (FieldName::Date, "time", 6, 6),
            (FieldName::Summary, "p.dek", 6, 6),
            (FieldName::Author, ".byline", 5, 5),
            (FieldName::Tags, ".tags a", 11, 11),
            (FieldName::Image, "img", 3, 3),
            (FieldName::NextPage, "a.next", 2, 2),
        ]
    );
}

#[test]
fn a_selector_that_matches_nothing_is_a_warning_naming_its_key() {
    let selectors = validated(&format!("{SELECTORS}content = \".story-body\"\n"));
    let result = selectors::scrape(
        &scraper::Html::parse_document(&page(1)),
        Some(&url(PAGE_1)),
        &selectors,
    );
    let messages: Vec<_> = result.warnings.iter().map(|w| w.message.as_str()).collect();
    assert_eq!(
        messages,
        ["page.content: selector `.story-body` matched nothing on the page"]
    );
    assert_eq!(report(&result, FieldName::Content).nodes, 0);
    assert_eq!(result.articles.len(), 3);
}

#[test]
fn items_matching_nothing_is_one_warning_not_one_per_field() {
    let selectors = validated(&SELECTORS.replace("article.story", "li.story"));
    let result = selectors::scrape(
        &scraper::Html::parse_document(&page(1)),
        Some(&url(PAGE_1)),
        &selectors,
    );
    let messages: Vec<_> = result.warnings.iter().map(|w| w.message.as_str()).collect();
    assert_eq!(
        messages,
        ["page.items: selector `li.story` matched nothing on the page"]
    );
    assert!(result.articles.is_empty());
}

#[test]
fn config_errors_are_all_reported_each_naming_its_key() {
    let text = r#"
items = "article["
title = "h2 a"
link = { selector = "a", all = true }
date = { selector = "time[", attr = "datetime" }
summary = { selector = "p", regex = "(unclosed" }
tags = { selector = ".tags a", html = true }
image = { selector = "img", attr = "src", html = true }
max-pages = 50
"#;
    let config: PageSelectorsToml = toml::from_str(text).expect("well-formed TOML");
    let error = config.validate().expect_err("every field is wrong");
    let keys: Vec<_> = error.problems.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "page.items",
            "page.link.all",
            "page.date.selector",
            "page.summary.regex",
            "page.tags.html",
            "page.image",
            "page.image.html",
            "page.max-pages",
        ]
    );
    let date = &error.problems[2];
    assert!(
        date.to_string()
            .starts_with("page.date.selector: invalid CSS selector \"time[\": "),
        "{date}"
    );
    let span = date.span.clone().expect("a span");
    assert_eq!(&text[span], r#"{ selector = "time[", attr = "datetime" }"#);
    assert_eq!(
        error.problems[7].to_string(),
        "page.max-pages: must be from 1 to 20, not 50"
    );
    assert!(
        error
            .to_string()
            .starts_with("invalid page selectors: page.items: ")
    );
}

#[test]
fn a_date_format_needs_a_date_and_must_be_a_valid_format() {
    let errors = |text: &str| {
        let config: PageSelectorsToml = toml::from_str(text).expect("well-formed TOML");
        config
            .validate()
            .expect_err("invalid")
            .problems
            .into_iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        errors("items = \"li\"\ndate-format = \"%d %b\""),
        ["page.date-format: is set but there is no `date` selector"]
    );
    assert_eq!(
        errors("items = \"li\"\ndate = \"time\"\ndate-format = \"%d %\""),
        ["page.date-format: invalid date format \"%d %\""]
    );
}

#[test]
fn an_empty_selector_means_the_item_itself_except_for_next_page() {
    let selectors = validated(
        r#"
        items = "h2 a"
        title = ""
        link = "@href"
        "#,
    );
    let result = selectors::scrape(
        &scraper::Html::parse_document(&page(1)),
        Some(&url(PAGE_1)),
        &selectors,
    );
    assert_eq!(result.articles.len(), 3);
    assert_eq!(
        result.articles[1].link.as_deref(),
        Some("https://live.example.org/harbour/storm-watch")
    );
    assert_eq!(titles(&result)[0], "Winter ferry timetable announced");

    let config: PageSelectorsToml =
        toml::from_str("items = \"li\"\nnext-page = \"@href\"").expect("well-formed TOML");
    let error = config.validate().expect_err("next-page has no item");
    assert_eq!(
        error.to_string(),
        "invalid page selectors: page.next-page: needs a CSS selector"
    );
}

#[test]
fn the_issue_example_under_source_page_validates() {
    #[derive(serde::Deserialize)]
    struct Source {
        page: PageSelectorsToml,
    }
    #[derive(serde::Deserialize)]
    struct Config {
        source: Source,
    }
    let text = r#"
[source.page]
items = "article.story"
title = "h2 a"                 # short form: text of the match
link = "h2 a@href"             # short form: attribute
date = { selector = "time", attr = "datetime" }
summary = { selector = "p.dek", html = false }
content = { selector = ".body", html = true }
author = ".byline"
tags = { selector = ".tags a", all = true }   # every match, one tag each
image = "img@src"
date-format = "%d %b. %Y, %H:%M"              # optional, for human dates
next-page = "a.next@href"
max-pages = 3
"#;
    let config: Config = toml::from_str(text).expect("well-formed TOML");
    let selectors = config.source.page.validate().expect("valid selectors");
    assert_eq!(selectors.max_pages(), 3);
    assert_eq!(selectors.date_format(), Some("%d %b. %Y, %H:%M"));
    let tags = selectors.field(FieldName::Tags).expect("tags");
    assert!(tags.takes_all());
    assert_eq!(tags.css(), ".tags a");
    let link = selectors.field(FieldName::Link).expect("link");
    assert_eq!(link.extract(), &Extract::Attr("href".to_owned()));
}

#[test]
fn unknown_keys_are_refused_when_the_toml_is_read() {
    let error = toml::from_str::<PageSelectorsToml>("items = \"li\"\nnext = \"a.next\"")
        .expect_err("`next` is not a key");
    assert!(
        error.to_string().contains("unknown field `next`"),
        "{error}"
    );
}
