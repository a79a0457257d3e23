//! `feedmill schema`: the JSON Schemas are valid draft 2020-12, every bundled definition
//! and settings file passes them, and typos and wrong types fail them.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use feedmill::config::{definition_schema, settings_schema};
use jsonschema::Validator;
use serde_json::Value;

fn validator(schema: &Value) -> Validator {
    jsonschema::draft202012::new(schema).expect("a valid draft 2020-12 schema")
}

/// A TOML document as the JSON value editors check against the schema.
fn toml_as_json(text: &str) -> Value {
    let value: toml::Value = toml::from_str(text).expect("valid TOML");
    serde_json::to_value(value).expect("TOML values are JSON values")
}

/// The problems `validator` finds in `text`, as readable lines.
fn problems(validator: &Validator, text: &str) -> Vec<String> {
    validator
        .iter_errors(&toml_as_json(text))
        .map(|error| format!("{}: {error}", error.instance_path()))
        .collect()
}

fn toml_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(dir))
        .expect("readable directory")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();
    files
}

#[test]
fn the_cli_prints_the_definition_schema_and_the_settings_schema() {
    let output = Command::new(env!("CARGO_BIN_EXE_feedmill"))
        .arg("schema")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let schema: Value = serde_json::from_slice(&output).expect("JSON");
    assert_eq!(schema, definition_schema());
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let properties = schema["properties"].as_object().expect("properties");
    let mut keys: Vec<&str> = properties.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["aliases", "feed", "source"]);
    assert_eq!(schema["required"], serde_json::json!(["feed"]));
    assert_eq!(schema["additionalProperties"], false);

    let output = Command::new(env!("CARGO_BIN_EXE_feedmill"))
        .args(["schema", "--settings"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let schema: Value = serde_json::from_slice(&output).expect("JSON");
    assert_eq!(schema, settings_schema());
    assert!(schema["properties"]["settings"].is_object());
}

#[test]
fn both_schemas_are_valid_against_the_draft_2020_12_meta_schema() {
    for schema in [definition_schema(), settings_schema()] {
        assert!(jsonschema::meta::is_valid(&schema), "{schema:#}");
    }
}

#[test]
fn descriptions_come_from_the_doc_comments_without_rustdoc_links() {
    let text = definition_schema().to_string();
    assert!(text.contains("At most this many articles in the output, newest first. Default: 100."));
    assert!(!text.contains("[`"), "rustdoc links left in descriptions");
}

#[test]
fn every_bundled_definition_passes_the_schema() {
    let validator = validator(&definition_schema());
    let files: Vec<PathBuf> = toml_files("feeds")
        .into_iter()
        .chain(toml_files("feeds/online"))
        .filter(|path| !path.ends_with("feedmill.toml"))
        .collect();
    assert!(files.len() >= 3, "{files:?}");
    for file in files {
        let text = fs::read_to_string(&file).expect("readable");
        assert_eq!(
            problems(&validator, &text),
            Vec::<String>::new(),
            "{}",
            file.display()
        );
    }
}

#[test]
fn the_bundled_settings_file_passes_the_settings_schema() {
    let validator = validator(&settings_schema());
    let text =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("feeds/feedmill.toml"))
            .expect("readable");
    assert_eq!(problems(&validator, &text), Vec::<String>::new());
    assert!(!problems(&validator, "[settings]\nthreads = 4\n").is_empty());
    assert!(!problems(&validator, "[settings]\nmax-concurrent = \"16\"\n").is_empty());
    assert!(!problems(&validator, "[settings]\nmax-concurrent = 0\n").is_empty());
    assert!(!problems(&validator, "[settings]\ntimeout = \"soon\"\n").is_empty());
}

const GOOD: &str = r#"
[feed]
title = "Harbour"
formats = ["atom", "rss"]
retention = "30d"
[feed.filter]
tags-any = ["Harbour"]
since = "2025-09-01"
fields = ["title", "summary"]
[feed.dedup]
by = ["url", "title"]
title-similarity = 0.8
title-window = "48h"

[[source]]
name = "listing"
url = "https://news.example.org/harbour/"
kind = "page"
[source.page]
items = "li"
link = "a@href"
date = { selector = "time", attr = "datetime" }
tags = { selector = ".tags a", all = true }
max-pages = 3
[source.enrich]
full-text = true
overwrite = ["summary", "dates"]
max-concurrent = 4

[[source]]
name = "local"
file = "harbour.xml"
"#;

#[test]
fn a_definition_using_every_form_passes_and_each_mistake_fails() {
    let validator = validator(&definition_schema());
    assert_eq!(problems(&validator, GOOD), Vec::<String>::new());
    let mistakes = [
        // An unknown key, in the feed, a source, a selector table and a field table.
        (
            "title = \"Harbour\"",
            "title = \"Harbour\"\nlanguage = \"en\"",
        ),
        ("kind = \"page\"", "kind = \"page\"\nevery = \"1h\""),
        ("max-pages = 3", "max-pages = 3\nnext = \"a\""),
        ("attr = \"datetime\"", "atr = \"datetime\""),
        // Wrong types and values.
        ("max-pages = 3", "max-pages = \"3\""),
        ("max-pages = 3", "max-pages = 50"),
        (
            "formats = [\"atom\", \"rss\"]",
            "formats = [\"atom\", \"html\"]",
        ),
        ("formats = [\"atom\", \"rss\"]", "formats = \"atom\""),
        ("retention = \"30d\"", "retention = \"a month\""),
        ("retention = \"30d\"", "retention = 30"),
        ("title-similarity = 0.8", "title-similarity = 2.0"),
        ("link = \"a@href\"", "link = 3"),
        ("kind = \"page\"", "kind = \"html\""),
        (
            "overwrite = [\"summary\", \"dates\"]",
            "overwrite = [\"tags\"]",
        ),
        // A source with two locations.
        (
            "file = \"harbour.xml\"",
            "file = \"harbour.xml\"\nfeed = \"other\"",
        ),
        // Selectors on a source that says it is a feed.
        ("kind = \"page\"", "kind = \"feed\""),
        // A source with none.
        ("file = \"harbour.xml\"", "time-zone = \"UTC\""),
    ];
    for (good, bad) in mistakes {
        let text = GOOD.replacen(good, bad, 1);
        assert_ne!(text, GOOD, "{good}");
        assert!(
            !problems(&validator, &text).is_empty(),
            "`{bad}` passed the schema"
        );
    }
    assert!(
        !problems(
            &validator,
            "[[source]]\nname = \"a\"\nurl = \"https://a.example/\""
        )
        .is_empty()
    );
}
