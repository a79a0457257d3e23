//! Page dates and time zones, end to end: synthetic pages in `tests/fixtures/pages/zone_*`
//! read with `read_page` and a `time_zone`, checking exact instants (with the offset in
//! force) and the warnings that say a zone was assumed or a date was read from the text.

use std::path::PathBuf;

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Tz;
use feedmill::model::Article;
use feedmill::source::page::{PageKind, PageOptions, PageOutcome, WarningKind, read_page};

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/pages")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|error| panic!("reading {}: {error}", path.display()))
}

#[track_caller]
fn read(name: &str, time_zone: Option<Tz>, now: Option<DateTime<Utc>>) -> PageOutcome {
    let options = PageOptions {
        url: Some("https://lantern-ward.example/news/story".to_owned()),
        time_zone,
        now,
        ..PageOptions::default()
    };
    read_page(&fixture(name), &options).unwrap_or_else(|error| panic!("{name}: {error}"))
}

#[track_caller]
fn only_article(outcome: &PageOutcome) -> &Article {
    assert_eq!(outcome.kind, PageKind::Article);
    assert_eq!(outcome.feed.articles.len(), 1);
    &outcome.feed.articles[0]
}

fn rfc3339(timestamp: Option<chrono::DateTime<chrono::FixedOffset>>) -> String {
    timestamp.map(|t| t.to_rfc3339()).unwrap_or_default()
}

fn date_warnings(outcome: &PageOutcome) -> Vec<&str> {
    outcome
        .warnings
        .iter()
        .filter(|w| w.kind == WarningKind::Date)
        .map(|w| w.message.as_str())
        .collect()
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 9, 10, 0, 0, 0).unwrap()
}

#[test]
fn a_zone_less_json_ld_date_is_placed_in_the_given_zone_and_a_written_offset_is_kept() {
    let outcome = read("zone_jsonld_local.html", Some(chrono_tz::Asia::Seoul), None);
    let article = only_article(&outcome);
    assert_eq!(rfc3339(article.published), "2025-09-09T18:21:00+09:00");
    assert_eq!(rfc3339(article.updated), "2025-09-10T08:00:00+09:00");
    let warnings = date_warnings(&outcome);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("2025-09-09T18:21:00"), "{warnings:?}");
    assert!(warnings[0].contains("Asia/Seoul"), "{warnings:?}");
}

#[test]
fn without_a_zone_zone_less_dates_are_utc_with_a_warning_saying_so() {
    let outcome = read("zone_jsonld_local.html", None, None);
    let article = only_article(&outcome);
    assert_eq!(rfc3339(article.published), "2025-09-09T18:21:00+00:00");
    let warnings = date_warnings(&outcome);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("no time zone") && w.contains("UTC (assumed)")),
        "{warnings:?}"
    );
}

#[test]
fn time_elements_and_meta_without_an_offset_get_the_offset_in_force_that_day() {
    let outcome = read(
        "zone_time_and_meta.html",
        Some(chrono_tz::America::New_York),
        None,
    );
    let article = only_article(&outcome);
    assert_eq!(rfc3339(article.published), "2025-09-09T18:21:00-04:00");
    assert_eq!(rfc3339(article.updated), "2025-09-10T07:45:00-04:00");
}

#[test]
fn a_visible_published_line_is_read_in_the_page_zone_with_a_warning() {
    let outcome = read(
        "zone_visible_date.html",
        Some(chrono_tz::Asia::Seoul),
        Some(now()),
    );
    let article = only_article(&outcome);
    assert_eq!(rfc3339(article.published), "2025-09-09T18:21:00+09:00");
    let warnings = date_warnings(&outcome);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("no machine-readable date")
                && w.contains("Published: 09 Sep. 2025, 18:21")
                && w.contains("Asia/Seoul")),
        "{warnings:?}"
    );
}

#[test]
fn an_absolute_visible_date_is_read_even_without_now() {
    let outcome = read("zone_visible_date.html", Some(chrono_tz::Asia::Seoul), None);
    assert_eq!(
        rfc3339(only_article(&outcome).published),
        "2025-09-09T18:21:00+09:00"
    );
}

#[test]
fn a_relative_visible_date_counts_back_from_now_and_is_not_read_without_it() {
    let outcome = read(
        "zone_relative_date.html",
        Some(chrono_tz::Europe::Berlin),
        Some(now()),
    );
    assert_eq!(
        rfc3339(only_article(&outcome).published),
        "2025-09-09T23:00:00+02:00"
    );
    let outcome = read(
        "zone_relative_date.html",
        Some(chrono_tz::Europe::Berlin),
        None,
    );
    assert_eq!(only_article(&outcome).published, None);
}
