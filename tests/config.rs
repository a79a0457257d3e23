//! Feed definition files end to end: valid files become a `FeedDefinition`, and every
//! problem of an invalid one is reported together, each with file, line, column and key.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use feedmill::config::{ConfigError, SourceKind, SourceLocation, validate, validate_settings};
use feedmill::emit::OutputFormat;
use feedmill::pipeline::{TextField, TimeBound};
use feedmill::source::page::selectors::FieldName;

const VALID: &str = r#"[feed]
title = "Harbour news"
description = "Everything about the harbour."
link = "https://news.example.org/harbour/"

[[source]]
name = "harbour-rss"
url = "https://news.example.org/harbour.xml"

[[source]]
name = "harbour-page"
file = "pages/harbour.html"
kind = "page"
time-zone = "Asia/Seoul"

[source.page]
items = "article.story"
title = "h2 a"
link = "h2 a@href"
date = "time"
date-format = "%d %b. %Y, %H:%M"
"#;

fn errors(text: &str) -> Vec<ConfigError> {
    validate(Path::new("feeds/broken.toml"), text)
        .expect_err("the file is invalid")
        .errors
}

fn rendered(errors: &[ConfigError]) -> Vec<String> {
    errors.iter().map(ConfigError::to_string).collect()
}

#[test]
fn a_valid_file_becomes_a_feed_definition_with_defaults_filled_in() {
    let definition = validate(Path::new("feeds/harbour.toml"), VALID).expect("valid");
    assert_eq!(definition.feed.title, "Harbour news");
    assert_eq!(
        definition.feed.link.as_ref().map(url::Url::as_str),
        Some("https://news.example.org/harbour/")
    );
    let [rss, page] = definition.sources.as_slice() else {
        panic!("two sources expected, got {:?}", definition.sources);
    };
    assert_eq!(rss.name, "harbour-rss");
    assert!(
        matches!(rss.kind, SourceKind::Feed),
        "no page table: a feed"
    );
    assert_eq!(rss.time_zone, chrono_tz::UTC, "the default zone is UTC");
    assert_eq!(page.time_zone, chrono_tz::Asia::Seoul);
    assert_eq!(
        page.location,
        SourceLocation::File(PathBuf::from("feeds/pages/harbour.html")),
        "a file is relative to the definition file"
    );
    let SourceKind::Page(selectors) = &page.kind else {
        panic!("a page source expected");
    };
    assert_eq!(selectors.date_format(), Some("%d %b. %Y, %H:%M"));
    assert_eq!(
        selectors.field(FieldName::Title).map(|field| field.css()),
        Some("h2 a")
    );
    assert!(definition.source("harbour-page").is_some());
}

#[test]
fn a_page_table_without_a_kind_makes_a_page_source() {
    let text = "[feed]\ntitle = \"t\"\n[[source]]\nname = \"p\"\nurl = \"https://e.org/\"\n[source.page]\nitems = \"li\"\n";
    let definition = validate(Path::new("x.toml"), text).expect("valid");
    assert!(matches!(definition.sources[0].kind, SourceKind::Page(_)));
}

#[test]
fn every_problem_is_reported_together_with_file_line_column_and_key() {
    let text = r#"[feed]
title = ""
link = "ftp://news.example.org/"

[[source]]
name = "harbour"
url = "https://news.example.org/"
time-zone = "Asia/Seol"
kind = "page"

[source.page]
items = "li["
date-format = "%Q"

[[source]]
name = "harbour"
kind = "rss"

[[source]]
name = "both"
url = "not a url"
file = "page.html"

[[source]]
name = "selectors-on-a-feed"
url = "https://news.example.org/feed.xml"
kind = "feed"
[source.page]
items = "li"
"#;
    let errors = errors(text);
    assert_eq!(
        rendered(&errors),
        [
            "feeds/broken.toml:2:9: feed.title: must not be empty",
            "feeds/broken.toml:3:8: feed.link: must be an http(s) URL, not a ftp: one (\"ftp://news.example.org/\")",
            "feeds/broken.toml:8:13: source[0].time-zone: unknown time zone \"Asia/Seol\"",
            "feeds/broken.toml:12:9: source[0].page.items: invalid CSS selector \"li[\": Unexpected EOL",
            "feeds/broken.toml:13:15: source[0].page.date-format: invalid date format \"%Q\"",
            "feeds/broken.toml:15:1: source[1]: needs one of `url`, `file` or `feed`",
            "feeds/broken.toml:16:8: source[1].name: duplicate name \"harbour\" (also source[0])",
            "feeds/broken.toml:17:8: source[1].kind: unknown kind \"rss\"; expected \"feed\" or \"page\"",
            "feeds/broken.toml:21:7: source[2].url: invalid URL \"not a url\": relative URL without a base",
            "feeds/broken.toml:22:8: source[2].file: `url` and `file` exclude each other; give one",
            "feeds/broken.toml:28:1: source[3].page: selectors are only for `kind = \"page\"` sources",
        ]
    );
    assert_eq!(errors[2].line(), Some(8));
    assert_eq!(errors[2].key.as_deref(), Some("source[0].time-zone"));
}

#[test]
fn a_file_without_sources_is_an_error() {
    let no_sources = errors("[feed]\ntitle = \"t\"\n");
    assert_eq!(
        rendered(&no_sources),
        ["feeds/broken.toml:1:1: source: no [[source]] table; a feed needs at least one source"]
    );
}

#[test]
fn a_page_source_without_selectors_is_read_by_auto_extraction() {
    let text = "[feed]\ntitle = \"t\"\n[[source]]\nname = \"p\"\nurl = \"https://e.org/\"\nkind = \"page\"\n";
    let definition = validate(Path::new("feeds/auto.toml"), text).expect("valid");
    assert!(matches!(definition.sources[0].kind, SourceKind::AutoPage));
}

#[test]
fn a_toml_syntax_error_is_reported_with_its_line() {
    let errors = errors(
        "[feed]\ntitle = \"t\"\n\n[[source]]\nname = \"unclosed\nurl = \"https://e.org/\"\n",
    );
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].line(), Some(5), "{}", errors[0]);
    assert!(
        errors[0].to_string().starts_with("feeds/broken.toml:5:"),
        "{}",
        errors[0]
    );
}

#[test]
fn an_unknown_key_is_refused_with_its_line() {
    let errors = errors(
        "[feed]\ntitle = \"t\"\n[[source]]\nname = \"a\"\nurl = \"https://e.org/\"\nfilters = []\n",
    );
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].line(), Some(6), "{}", errors[0]);
    assert!(
        errors[0].message.contains("unknown field `filters`"),
        "{}",
        errors[0]
    );
}

#[test]
fn shape_errors_in_different_tables_are_all_reported_beside_value_errors() {
    let text = r#"[feed]
title = 3

[[source]]
name = "a"
url = "https://news.example.org/"
colour = "blue"

[[source]]
name = "b"
url = "https://news.example.org/"
time-zone = "Mars/Olympus"

[[source]]
name = "c"
url = "https://news.example.org/"
[source.page]
items = "li"
titel = "a"

[filters]
keep = "all"
"#;
    let errors = errors(text);
    let summary: Vec<(Option<usize>, Option<&str>)> = errors
        .iter()
        .map(|error| (error.line(), error.key.as_deref()))
        .collect();
    assert_eq!(
        summary,
        [
            (Some(2), Some("feed")),
            (Some(7), Some("source[0]")),
            (Some(12), Some("source[1].time-zone")),
            (Some(19), Some("source[2]")),
            (Some(21), Some("filters")),
        ],
        "{errors:#?}"
    );
    assert!(errors[1].message.contains("unknown field `colour`"));
    assert!(errors[3].message.contains("unknown field `titel`"));
}

#[test]
fn every_example_in_feeds_validates() {
    let feeds: PathBuf = [env!("CARGO_MANIFEST_DIR"), "feeds"].iter().collect();
    let mut checked = 0;
    for dir in [feeds.clone(), feeds.join("online")] {
        for entry in fs::read_dir(&dir).expect("feeds/ and feeds/online/ exist") {
            let path = entry.expect("readable directory entry").path();
            if path.extension().is_none_or(|extension| extension != "toml") {
                continue;
            }
            let text = fs::read_to_string(&path).expect("readable example");
            let result = if path.file_name().is_some_and(|name| name == "feedmill.toml") {
                validate_settings(&path, &text).map(|_| ())
            } else {
                validate(&path, &text).map(|_| ())
            };
            if let Err(invalid) = result {
                panic!("{invalid}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 4, "only {checked} examples found in feeds/");
}

#[test]
fn an_enrich_table_is_allowed_on_any_source_and_gets_the_source_zone() {
    let text = r#"[feed]
title = "t"

[[source]]
name = "rss"
url = "https://e.org/feed.xml"
time-zone = "Asia/Seoul"
[source.enrich]
tags = ".tags a"
section = ".breadcrumb a"
max-concurrent = 2

[[source]]
name = "page"
url = "https://e.org/list"
[source.page]
items = "li"
[source.enrich]
full-text = true
"#;
    let definition = validate(Path::new("x.toml"), text).expect("valid");
    let [rss, page] = definition.sources.as_slice() else {
        panic!("two sources expected");
    };
    assert!(matches!(rss.kind, SourceKind::Feed));
    let enrich = rss.enrich.as_ref().expect("enrichment on the feed source");
    assert_eq!(enrich.time_zone, Some(chrono_tz::Asia::Seoul));
    assert!(enrich.section.is_some() && enrich.selectors.is_some());
    assert!(enrich.date_parser.is_some(), "a zone-aware date parser");
    assert_eq!(rss.enrich_max_concurrent, 2);
    assert!(matches!(page.kind, SourceKind::Page(_)));
    let enrich = page.enrich.as_ref().expect("enrichment on the page source");
    assert!(enrich.full_text.is_some());
    assert_eq!(enrich.time_zone, Some(chrono_tz::UTC));
    assert_eq!(page.enrich_max_concurrent, 4, "the default");
    let at = chrono::Utc::now();
    assert!(page.enrich_at(at).is_some());
    assert!(definition.sources[0].enrich_at(at).is_some());
}

#[test]
fn enrich_problems_are_keyed_source_i_enrich_with_their_line() {
    let text = r#"[feed]
title = "t"

[[source]]
name = "rss"
url = "https://e.org/feed.xml"

[[source]]
name = "rss-2"
url = "https://e.org/feed2.xml"
[source.enrich]
tags = "a["
exclude = "div["
date-format = "%Q"
max-concurrent = 17
"#;
    assert_eq!(
        rendered(&errors(text)),
        [
            "feeds/broken.toml:12:8: source[1].enrich.tags.selector: invalid CSS selector \"a[\": Unexpected EOL",
            "feeds/broken.toml:13:11: source[1].enrich.exclude: invalid CSS selector \"div[\": Unexpected EOL",
            "feeds/broken.toml:14:15: source[1].enrich.date-format: invalid date format \"%Q\"",
            "feeds/broken.toml:15:18: source[1].enrich.max-concurrent: must be between 1 and 16, not 17",
        ]
    );
    let unknown = errors(
        "[feed]\ntitle = \"t\"\n[[source]]\nname = \"a\"\nurl = \"https://e.org/\"\n[source.enrich]\ntagz = \".t\"\n",
    );
    assert_eq!(unknown.len(), 1);
    assert_eq!(unknown[0].line(), Some(7), "{}", unknown[0]);
    assert!(unknown[0].message.contains("unknown field `tagz`"));
}

#[test]
fn outputs_filters_dedup_aliases_and_request_options_are_read() {
    let text = r#"[feed]
title = "World"
name = "world"
limit = 50
retention = "14d"
formats = ["atom", "json", "atom"]
per-tag = true

[feed.filter]
tags-any = ["Belarus", "North Korea"]
tags-none = ["Sponsored"]
include = ["summit"]
exclude-regex = ["(?i)^ad:"]
fields = ["title", "summary"]
since = "30d"
until = "2030-01-01"
language = ["en"]

[feed.dedup]
by = ["url", "title"]
title-similarity = 0.8
title-window = "12h"

[aliases]
"DPRK" = "North Korea"

[[source]]
name = "wire"
url = "https://news.example.org/feed.xml"
headers = { "Accept-Language" = "en" }
cookies = { consent = "yes" }
[source.filter]
tags-all = ["Asia"]

[[source]]
name = "digest"
feed = "asia-digest"
"#;
    let definition = validate(Path::new("feeds/ignored-stem.toml"), text).expect("valid");
    let feed = &definition.feed;
    assert_eq!(feed.name, "world");
    assert_eq!(feed.limit, 50);
    assert_eq!(feed.retention, Some(Duration::from_secs(14 * 86400)));
    assert_eq!(feed.formats, [OutputFormat::Atom, OutputFormat::Json]);
    assert!(feed.per_tag);
    assert_eq!(feed.filter.tags_any, ["Belarus", "North Korea"]);
    assert_eq!(feed.filter.tags_none, ["Sponsored"]);
    assert_eq!(feed.filter.include.len(), 1);
    assert_eq!(feed.filter.exclude.len(), 1);
    assert_eq!(feed.filter.fields, [TextField::Title, TextField::Summary]);
    assert_eq!(
        feed.filter.since,
        Some(TimeBound::Ago(Duration::from_secs(30 * 86400)))
    );
    assert!(
        matches!(feed.filter.until, Some(TimeBound::At(at)) if at.to_rfc3339() == "2030-01-01T00:00:00+00:00")
    );
    assert_eq!(feed.filter.languages, ["en"]);
    assert!(feed.dedup.by_url && !feed.dedup.by_id && feed.dedup.by_title);
    assert_eq!(feed.dedup.title_similarity, 0.8);
    assert_eq!(feed.dedup.title_window, Duration::from_secs(12 * 3600));
    assert_eq!(feed.feed_id(), "urn:feedmill:world");
    assert!(!definition.aliases.map.is_empty());
    let wire = &definition.sources[0];
    assert_eq!(
        wire.headers,
        [("Accept-Language".to_owned(), "en".to_owned())]
    );
    assert_eq!(wire.cookies, [("consent".to_owned(), "yes".to_owned())]);
    assert_eq!(wire.filter.tags_all, ["Asia"]);
    assert_eq!(
        definition.sources[1].location,
        SourceLocation::Feed("asia-digest".to_owned())
    );
}

#[test]
fn the_file_stem_names_the_outputs_unless_it_cannot() {
    let text =
        "[feed]\ntitle = \"t\"\n[[source]]\nname = \"a\"\nurl = \"https://example.org/f.xml\"\n";
    let definition = validate(Path::new("feeds/asia-digest.toml"), text).expect("valid");
    assert_eq!(definition.feed.name, "asia-digest");
    let errors = errors_at("feeds/.hidden.toml", text);
    assert_eq!(
        errors,
        [
            "feeds/.hidden.toml:2:9: feed.name: the file name \".hidden\" cannot name the outputs; set `name`"
        ]
    );
}

#[test]
fn bad_filter_output_and_request_values_are_each_reported() {
    let text = r#"[feed]
title = "World"
name = "../etc"
limit = 0
formats = ["html"]
[feed.filter]
since = "last tuesday"
include-regex = ["(unclosed"]
fields = ["body"]
tags-any = [""]
[feed.dedup]
by = ["hash"]
title-similarity = 1.5
[[source]]
name = "a"
url = "https://example.org/f.xml"
feed = "other"
headers = { "Bad:Name" = "x" }
"#;
    let errors = errors_at("feeds/w.toml", text);
    let keys: Vec<&str> = errors
        .iter()
        .map(|e| e.split(": ").nth(1).unwrap_or_default())
        .collect();
    assert_eq!(
        keys,
        [
            "feed.name",
            "feed.limit",
            "feed.formats",
            "feed.filter.since",
            "feed.filter.include-regex",
            "feed.filter.fields",
            "feed.filter.tags-any",
            "feed.dedup.by",
            "feed.dedup.title-similarity",
            "source[0].feed",
            "source[0].headers.Bad:Name",
        ],
        "{errors:#?}"
    );
    assert!(errors[0].starts_with("feeds/w.toml:3:8: feed.name: \"../etc\" is not a feed name"));
}

fn errors_at(path: &str, text: &str) -> Vec<String> {
    validate(Path::new(path), text)
        .expect_err("invalid")
        .errors
        .iter()
        .map(ToString::to_string)
        .collect()
}
