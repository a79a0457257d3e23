//! The bodies of the fuzz targets, one function per target, shared by `fuzz_targets/*.rs`
//! and by the regression test `tests/fuzz_regressions.rs` (which includes this file), so a
//! saved crashing input is replayed through exactly the calls the fuzzer made.
//!
//! Policy: each function feeds arbitrary bytes to a library entry point and panics only
//! when the library breaks a promise: a panic inside it, or output a writer promises to
//! be valid that is not. `Err` results are fine: refusing bad input is the library's job.
//! Entry points: [`feed_reader`], [`html_extractor`], [`date_parser`], [`config_loader`],
//! [`opml_and_discovery`].

use std::path::Path;

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Tz;
use feedmill::config::{validate, validate_settings};
use feedmill::emit::{EmitOptions, OutputFormat, write_formats};
use feedmill::source::date::{HumanDateContext, parse, parse_human};
use feedmill::source::feed::{ReadOptions, detect, read};
use feedmill::source::opml::read_opml;
use feedmill::source::page::discover::discover;
use feedmill::source::page::fulltext::{FullTextOptions, full_text};
use feedmill::source::page::selectors::{
    HumanDateParser, PageSelectorsToml, ScrapeOptions, decode_page, scrape_with,
};
use feedmill::source::page::{PageOptions, read_page};
use url::Url;

/// The URL every fuzzed document pretends to come from, so relative links get resolved.
const DOCUMENT_URL: &str = "https://example.com/news/index.html";

/// The selectors the HTML target scrapes with: every field, a `date-format`, a regex and
/// pagination, so each extractor runs.
const SELECTORS: &str = r##"
items = "article, li, .item, .card"
title = "h1, h2, h3, a"
link = "a@href"
date = "time, .date"
date-format = "%d %b %Y, %H:%M"
summary = { selector = "p", html = true }
content = { selector = ".body", html = true }
author = { selector = ".author, [rel=author]", all = true }
tags = { selector = ".tags a, a[rel=tag]", all = true, regex = "#?(\\w+)" }
image = "img@src"
next-page = "a.next@href"
"##;

/// The zones the date target reads zone-less dates in: UTC, ordinary DST zones, US
/// month-first order, half-hour and 45-minute offsets, a half-hour DST shift and a zone
/// that skipped a whole day.
const ZONES: [Option<Tz>; 10] = [
    None,
    Some(Tz::UTC),
    Some(chrono_tz::Europe::Berlin),
    Some(chrono_tz::America::New_York),
    Some(chrono_tz::Asia::Seoul),
    Some(chrono_tz::Australia::Lord_Howe),
    Some(chrono_tz::Pacific::Chatham),
    Some(chrono_tz::Pacific::Apia),
    Some(chrono_tz::Asia::Kathmandu),
    Some(chrono_tz::America::Sao_Paulo),
];

/// A fixed clock for relative page dates (2025-09-10 12:00 UTC).
fn fixed_now() -> DateTime<Utc> {
    Utc.timestamp_opt(1_757_505_600, 0)
        .single()
        .unwrap_or_default()
}

/// Reads `data` as a feed and writes what was read as RSS, Atom and JSON Feed, which must
/// be well-formed XML and valid JSON.
pub fn feed_reader(data: &[u8]) {
    let _ = detect(data, None);
    let options = ReadOptions {
        url: Some(DOCUMENT_URL.to_owned()),
        ..ReadOptions::default()
    };
    let Ok(outcome) = read(data, &options) else {
        return;
    };
    for warning in &outcome.warnings {
        let _ = warning.to_string();
    }
    let emit = EmitOptions {
        base_url: Some(DOCUMENT_URL.to_owned()),
        self_url: Some("https://example.com/feed.xml".to_owned()),
        now: None,
    };
    let formats = [OutputFormat::Rss, OutputFormat::Atom, OutputFormat::Json];
    let written = write_formats(&outcome.feed, &formats, &emit)
        .expect("writing a feed to memory never fails");
    for (format, bytes) in formats.iter().zip(&written) {
        match format {
            OutputFormat::Json => {
                if let Err(error) = serde_json::from_slice::<serde_json::Value>(bytes) {
                    panic!("JSON Feed output is not JSON: {error}");
                }
            }
            _ => assert_well_formed_xml(*format, bytes),
        }
    }
}

/// Panics unless `bytes` is one well-formed XML document.
fn assert_well_formed_xml(format: OutputFormat, bytes: &[u8]) {
    let mut reader = quick_xml::Reader::from_reader(bytes);
    reader.config_mut().check_end_names = true;
    let mut buffer = Vec::new();
    let mut depth = 0usize;
    loop {
        match reader.read_event_into(&mut buffer) {
            Ok(quick_xml::events::Event::Start(_)) => depth += 1,
            Ok(quick_xml::events::Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(error) => panic!(
                "{format} output is not well-formed at byte {}: {error}",
                reader.buffer_position()
            ),
        }
        buffer.clear();
    }
    assert_eq!(depth, 0, "{format} output leaves elements open");
}

/// Reads `data` as an HTML page three ways: auto-extraction, the configured selectors,
/// and the full-text reader.
pub fn html_extractor(data: &[u8]) {
    let url = Url::parse(DOCUMENT_URL).ok();
    let zone = Some(chrono_tz::Europe::Berlin);
    let now = Some(fixed_now());
    let options = PageOptions {
        url: Some(DOCUMENT_URL.to_owned()),
        content_type: None,
        expect: None,
        time_zone: zone,
        now,
    };
    if let Ok(outcome) = read_page(data, &options) {
        for warning in &outcome.warnings {
            let _ = warning.to_string();
        }
    }

    let (text, _warnings) = decode_page(data, None, url.as_ref());
    let selectors = toml::from_str::<PageSelectorsToml>(SELECTORS)
        .expect("the fuzz selectors are TOML")
        .validate()
        .expect("the fuzz selectors are valid");
    let date_parser = HumanDateParser { zone, now };
    let html = scraper::Html::parse_document(&text);
    let _ = scrape_with(
        &html,
        url.as_ref(),
        &selectors,
        ScrapeOptions {
            date_parser: &date_parser,
        },
    );

    let full_text_options = FullTextOptions::new(None, Some(".ad, .comments, aside"))
        .expect("the fuzz exclude selector is valid");
    let _ = full_text(&text, url.as_ref(), &full_text_options);
}

/// Parses dates from `data`: byte 0 picks the zone, bytes 1..5 the clock (seconds after
/// 2000-01-01, so up to 2136), the rest is the text; a first line of the text is also
/// tried as a strftime format for the rest.
pub fn date_parser(data: &[u8]) {
    let [selector, a, b, c, d, rest @ ..] = data else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let zone = ZONES[usize::from(*selector) % ZONES.len()];
    let offset = i64::from(u32::from_le_bytes([*a, *b, *c, *d]));
    let now = Utc
        .timestamp_opt(946_684_800 + offset, 0)
        .single()
        .unwrap_or_default();
    let _ = parse(text);
    let context = HumanDateContext::new(zone, now);
    let _ = parse_human(text, &context);
    if let Some((format, text)) = text.split_once('\n') {
        let context = HumanDateContext {
            format: Some(format.to_owned()),
            ..context
        };
        let _ = parse_human(text, &context);
    }
}

/// Validates `data` (UTF-8, as the loader reads files) as a feed definition file and as
/// the settings file, rendering every error message.
pub fn config_loader(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(invalid) = validate(Path::new("feeds/fuzz.toml"), text) {
        let _ = invalid.to_string();
    }
    if let Err(invalid) = validate_settings(Path::new("feeds/feedmill.toml"), text) {
        let _ = invalid.to_string();
    }
}

/// Reads `data` as an OPML subscription list (`feedmill import`) and as a page to find
/// feeds in (`feedmill discover`), every warning and error rendered.
pub fn opml_and_discovery(data: &[u8]) {
    match read_opml(data) {
        Ok(subscriptions) => {
            let _ = format!("{subscriptions:?}");
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
    let options = PageOptions {
        url: Some(DOCUMENT_URL.to_owned()),
        content_type: None,
        expect: None,
        time_zone: None,
        now: Some(fixed_now()),
    };
    match discover(data, &options) {
        Ok(found) => {
            let _ = format!("{found:?}");
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
}
