use std::time::Duration;

use chrono::DateTime;
use regex::Regex;

use crate::model::{Article, Person, Tag, Text, Timestamp};
use crate::pipeline::{FilterRules, TagAliases, TextField, TextMatcher, TimeBound};

fn ts(s: &str) -> Timestamp {
    DateTime::parse_from_rfc3339(s).unwrap()
}

fn now() -> Timestamp {
    ts("2026-03-10T12:00:00Z")
}

fn article(id: &str) -> Article {
    Article {
        id: id.into(),
        ..Article::default()
    }
}

fn titled(id: &str, title: &str) -> Article {
    Article {
        title: Some(Text::plain(title)),
        ..article(id)
    }
}

fn tagged(id: &str, tags: &[&str]) -> Article {
    Article {
        tags: tags.iter().map(|t| Tag::new(*t)).collect(),
        ..article(id)
    }
}

fn dated(id: &str, published: Option<&str>, updated: Option<&str>) -> Article {
    Article {
        published: published.map(ts),
        updated: updated.map(ts),
        ..article(id)
    }
}

fn keyword(word: &str) -> TextMatcher {
    TextMatcher::Keyword(word.into())
}

fn aliases() -> TagAliases {
    TagAliases::from_pairs([("DPRK", "North Korea")])
}

/// The ids `rules` keep, in output order.
fn kept(rules: &FilterRules, articles: Vec<Article>) -> Vec<String> {
    rules
        .apply(articles, now(), &aliases())
        .into_iter()
        .map(|a| a.id)
        .collect()
}

#[test]
fn empty_rules_keep_everything_in_order() {
    let rules = FilterRules::default();
    assert!(rules.is_empty());
    assert_eq!(kept(&rules, vec![article("b"), article("a")]), ["b", "a"]);
}

#[test]
fn is_empty_is_false_when_any_rule_is_set() {
    let rules = FilterRules {
        limit: Some(3),
        ..FilterRules::default()
    };
    assert!(!rules.is_empty());
    let rules = FilterRules {
        languages: vec!["en".into()],
        ..FilterRules::default()
    };
    assert!(!rules.is_empty());
}

#[test]
fn tags_any_keeps_articles_with_one_of_the_tags_after_normalizing_and_aliases() {
    let rules = FilterRules {
        tags_any: vec!["north korea".into(), "Missiles".into()],
        ..FilterRules::default()
    };
    let articles = vec![
        tagged("alias", &["DPRK"]),
        tagged("width", &["ＭＩＳＳＩＬＥＳ"]),
        tagged("spacing", &["  North   Korea "]),
        tagged("other", &["Seoul"]),
        tagged("untagged", &[]),
    ];
    assert_eq!(kept(&rules, articles), ["alias", "width", "spacing"]);
}

#[test]
fn tag_rules_see_a_tag_by_its_label_too() {
    let rules = FilterRules {
        tags_any: vec!["North Korea".into()],
        ..FilterRules::default()
    };
    let labelled = Article {
        tags: vec![Tag {
            term: "nk".into(),
            label: Some("North Korea".into()),
            scheme: None,
        }],
        ..article("labelled")
    };
    assert_eq!(kept(&rules, vec![labelled]), ["labelled"]);
}

#[test]
fn tags_all_needs_every_tag() {
    let rules = FilterRules {
        tags_all: vec!["dprk".into(), "missiles".into()],
        ..FilterRules::default()
    };
    let articles = vec![
        tagged("both", &["North Korea", "Missiles"]),
        tagged("one", &["North Korea"]),
    ];
    assert_eq!(kept(&rules, articles), ["both"]);
}

#[test]
fn tags_none_drops_articles_with_any_of_the_tags() {
    let rules = FilterRules {
        tags_none: vec!["Sports".into(), "North Korea".into()],
        ..FilterRules::default()
    };
    let articles = vec![
        tagged("sports", &["Politics", "SPORTS"]),
        tagged("alias", &["dprk"]),
        tagged("politics", &["Politics"]),
        tagged("untagged", &[]),
    ];
    assert_eq!(kept(&rules, articles), ["politics", "untagged"]);
}

#[test]
fn include_keeps_articles_matching_a_keyword_on_word_boundaries() {
    let rules = FilterRules {
        include: vec![keyword("korea"), keyword("kim jong un")],
        ..FilterRules::default()
    };
    let articles = vec![
        titled("possessive", "North Korea's new envoy"),
        titled("demonym", "Koreans abroad vote"),
        titled("multi", "KIM  JONG\tUN visits"),
        titled("width", "ｋｏｒｅａ summit"),
        article("no-text"),
    ];
    assert_eq!(kept(&rules, articles), ["possessive", "multi", "width"]);
}

#[test]
fn exclude_drops_articles_matching_any_matcher() {
    let rules = FilterRules {
        exclude: vec![
            keyword("sponsored"),
            TextMatcher::Regex(Regex::new(r"^\[Ad\]").unwrap()),
        ],
        ..FilterRules::default()
    };
    let articles = vec![
        titled("kw", "A Sponsored post"),
        titled("regex", "[Ad] Buy now"),
        titled(
            "regex-case",
            "[ad] lowercase is not matched: regex as written",
        ),
        titled("clean", "Real news"),
    ];
    assert_eq!(kept(&rules, articles), ["regex-case", "clean"]);
}

#[test]
fn include_and_exclude_both_apply() {
    let rules = FilterRules {
        include: vec![keyword("korea")],
        exclude: vec![keyword("opinion")],
        ..FilterRules::default()
    };
    let articles = vec![
        titled("news", "Korea news"),
        titled("opinion", "Opinion: Korea"),
        titled("other", "Japan news"),
    ];
    assert_eq!(kept(&rules, articles), ["news"]);
}

#[test]
fn text_rules_read_html_as_plain_text() {
    let rules = FilterRules {
        include: vec![keyword("north korea")],
        fields: vec![TextField::Content],
        ..FilterRules::default()
    };
    let html = Article {
        content: Some(Text::html("<p>North <b>Korea</b> &amp; others</p>")),
        ..article("html")
    };
    let markup_only = Article {
        content: Some(Text::html(r#"<a class="korea">link</a>"#)),
        ..article("markup")
    };
    assert_eq!(kept(&rules, vec![html, markup_only]), ["html"]);
}

#[test]
fn fields_limit_where_matchers_look() {
    let rules = FilterRules {
        include: vec![keyword("korea")],
        fields: vec![TextField::Title],
        ..FilterRules::default()
    };
    let in_summary = Article {
        summary: Some(Text::plain("About Korea")),
        ..titled("summary", "Elsewhere")
    };
    assert_eq!(
        kept(&rules, vec![in_summary, titled("title", "Korea")]),
        ["title"]
    );
}

#[test]
fn every_field_is_readable() {
    let cases: Vec<(TextField, Article)> = vec![
        (TextField::Title, titled("t", "korea")),
        (
            TextField::Summary,
            Article {
                summary: Some(Text::plain("korea")),
                ..article("s")
            },
        ),
        (
            TextField::Content,
            Article {
                content: Some(Text::plain("korea")),
                ..article("c")
            },
        ),
        (
            TextField::Author,
            Article {
                authors: vec![Person {
                    name: None,
                    email: Some("desk@korea.example".into()),
                    uri: None,
                }],
                ..article("a")
            },
        ),
        (
            TextField::Link,
            Article {
                link: Some("https://news.example/korea/1".into()),
                ..article("l")
            },
        ),
        (TextField::Tags, tagged("g", &["Korea"])),
    ];
    for (field, article) in cases {
        let only = FilterRules {
            include: vec![keyword("korea")],
            fields: vec![field],
            ..FilterRules::default()
        };
        assert!(only.keeps(&article, now(), &aliases()), "{field:?}");
        let all = FilterRules {
            include: vec![keyword("korea")],
            ..FilterRules::default()
        };
        assert!(
            all.keeps(&article, now(), &aliases()),
            "{field:?} with all fields"
        );
    }
}

#[test]
fn blank_keyword_includes_nothing() {
    let rules = FilterRules {
        include: vec![keyword("   ")],
        ..FilterRules::default()
    };
    assert!(kept(&rules, vec![titled("a", "anything")]).is_empty());
}

#[test]
fn since_and_until_use_published_else_updated() {
    let rules = FilterRules {
        since: Some(TimeBound::At(ts("2026-03-01T00:00:00Z"))),
        until: Some(TimeBound::At(ts("2026-03-05T00:00:00Z"))),
        ..FilterRules::default()
    };
    let articles = vec![
        dated("inside", Some("2026-03-02T00:00:00Z"), None),
        dated(
            "before",
            Some("2026-02-28T23:59:59Z"),
            Some("2026-03-02T00:00:00Z"),
        ),
        dated("after", Some("2026-03-05T00:00:01Z"), None),
        dated("updated-inside", None, Some("2026-03-03T00:00:00Z")),
        dated("updated-after", None, Some("2026-03-06T00:00:00Z")),
        // 08:00 in Seoul on the 1st is 23:00 UTC on February 28th: compared as instants.
        dated("offset", Some("2026-03-01T08:00:00+09:00"), None),
        dated("edge", Some("2026-03-01T00:00:00Z"), None),
    ];
    assert_eq!(kept(&rules, articles), ["inside", "updated-inside", "edge"]);
}

#[test]
fn relative_bounds_count_back_from_now() {
    let day = Duration::from_secs(24 * 3600);
    let rules = FilterRules {
        since: Some(TimeBound::Ago(day * 7)),
        until: Some(TimeBound::Ago(day)),
        ..FilterRules::default()
    };
    let articles = vec![
        dated("week-old", Some("2026-03-03T12:00:00Z"), None),
        dated("too-old", Some("2026-03-03T11:59:59Z"), None),
        dated("two-days", Some("2026-03-08T12:00:00Z"), None),
        dated("too-new", Some("2026-03-10T00:00:00Z"), None),
    ];
    assert_eq!(kept(&rules, articles), ["week-old", "two-days"]);
}

#[test]
fn undated_articles_are_kept_by_date_rules() {
    let rules = FilterRules {
        since: Some(TimeBound::Ago(Duration::from_secs(60))),
        until: Some(TimeBound::At(ts("2000-01-01T00:00:00Z"))),
        ..FilterRules::default()
    };
    assert_eq!(kept(&rules, vec![article("undated")]), ["undated"]);
}

#[test]
fn out_of_range_relative_bound_is_not_applied() {
    let bound = TimeBound::Ago(Duration::from_secs(u64::MAX));
    assert_eq!(bound.instant(now()), None);
    let rules = FilterRules {
        since: Some(bound),
        ..FilterRules::default()
    };
    assert_eq!(
        kept(
            &rules,
            vec![dated("old", Some("1900-01-01T00:00:00Z"), None)]
        ),
        ["old"]
    );
}

#[test]
fn languages_compare_primary_subtags_and_keep_unstated() {
    let rules = FilterRules {
        languages: vec!["en".into(), "KO-kr".into()],
        ..FilterRules::default()
    };
    let lang = |id: &str, language: Option<&str>| Article {
        language: language.map(str::to_owned),
        ..article(id)
    };
    let articles = vec![
        lang("en-gb", Some("en-GB")),
        lang("ko", Some("ko")),
        lang("underscore", Some("EN_us")),
        lang("de", Some("de-DE")),
        lang("unstated", None),
        lang("blank", Some("  ")),
    ];
    assert_eq!(
        kept(&rules, articles),
        ["en-gb", "ko", "underscore", "unstated", "blank"]
    );
}

#[test]
fn limit_keeps_the_newest_newest_first() {
    let rules = FilterRules {
        limit: Some(2),
        ..FilterRules::default()
    };
    let articles = vec![
        dated("old", Some("2026-03-01T00:00:00Z"), None),
        article("undated"),
        dated("newest", Some("2026-03-09T00:00:00Z"), None),
        dated("middle", None, Some("2026-03-05T00:00:00Z")),
    ];
    assert_eq!(kept(&rules, articles), ["newest", "middle"]);
}

#[test]
fn limit_applies_after_the_other_rules() {
    let rules = FilterRules {
        tags_none: vec!["skip".into()],
        limit: Some(1),
        ..FilterRules::default()
    };
    let skipped = Article {
        tags: vec![Tag::new("skip")],
        ..dated("skipped-newest", Some("2026-03-09T00:00:00Z"), None)
    };
    let articles = vec![dated("kept", Some("2026-03-01T00:00:00Z"), None), skipped];
    assert_eq!(kept(&rules, articles), ["kept"]);
}

#[test]
fn keeps_agrees_with_apply_and_ignores_limit() {
    let rules = FilterRules {
        include: vec![keyword("korea")],
        limit: Some(0),
        ..FilterRules::default()
    };
    assert!(rules.keeps(&titled("a", "Korea"), now(), &aliases()));
    assert!(!rules.keeps(&titled("b", "Japan"), now(), &aliases()));
    assert!(kept(&rules, vec![titled("a", "Korea")]).is_empty());
}

#[test]
fn blank_rule_values_are_no_rule() {
    let rules = FilterRules {
        languages: vec!["  ".into()],
        tags_any: vec![" ".into()],
        ..FilterRules::default()
    };
    let german = Article {
        language: Some("de".into()),
        ..article("de")
    };
    assert_eq!(
        kept(&rules, vec![german, article("plain")]),
        ["de", "plain"]
    );
}
