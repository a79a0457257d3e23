//! JSON Schemas (draft 2020-12) of the definition file and the settings file, so editors
//! (taplo / Even Better TOML, VS Code) can complete and check them as they are typed.
//!
//! Policy: the schemas are derived (schemars) from the wire types serde reads, so they
//! cannot drift from them; doc comments become descriptions. They describe what the user
//! writes, not how it is stored: a `toml::Spanned<T>` is a `T`, a duration is a string
//! like `"30d"`, `formats` items are an enum. They check shape and simple ranges only;
//! [`super::validate`] stays the judge of meaning (a CSS selector that does not parse, a
//! time zone that does not exist). Entry points: [`definition_schema`], [`settings_schema`].
//!
//! The schema-only types below stand in, through `#[schemars(with = "…")]`, for wire
//! fields whose Rust type is a plain string but whose values are constrained.

use std::borrow::Cow;

use schemars::generate::SchemaSettings;
use schemars::transform::{Transform, transform_subschemas};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::Value;

use super::settings::SettingsFileToml;
use super::wire::FeedFileToml;

/// The JSON Schema of a feed definition file (`feeds/NAME.toml`).
///
/// ```
/// let schema = feedmill::config::definition_schema();
/// assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
/// assert!(schema["properties"]["feed"].is_object());
/// ```
pub fn definition_schema() -> serde_json::Value {
    root_schema::<FeedFileToml>(
        "feedmill feed definition",
        "A feedmill feed definition file (feeds/NAME.toml): one merged output feed \
         (`[feed]`), the sources it reads (`[[source]]`) and tag aliases (`[aliases]`).",
    )
}

/// The JSON Schema of the settings file (`feeds/feedmill.toml`).
///
/// ```
/// let schema = feedmill::config::settings_schema();
/// assert!(schema["properties"]["settings"].is_object());
/// ```
pub fn settings_schema() -> serde_json::Value {
    root_schema::<SettingsFileToml>(
        "feedmill settings",
        "The feedmill settings file (feeds/feedmill.toml): what every feed of a run \
         shares. Every key is optional; paths are relative to this file.",
    )
}

/// The draft 2020-12 schema of `T` with a title and description of its own; an optional
/// key is its value's schema (TOML has no null), and rustdoc links read as plain code.
fn root_schema<T: JsonSchema>(title: &str, description: &str) -> serde_json::Value {
    let settings = SchemaSettings::draft2020_12()
        .with_transform(NoNull)
        .with_transform(PlainDocLinks);
    let mut schema = settings.into_generator().into_root_schema_for::<T>();
    schema.insert("title".to_owned(), title.into());
    schema.insert("description".to_owned(), description.into());
    schema.to_value()
}

/// Takes `null` out of the schemas schemars gives `Option<T>` fields: `"type": ["string",
/// "null"]` becomes `"type": "string"`, `"anyOf": [{"$ref": …}, {"type": "null"}]` becomes
/// the `$ref`. The key stays optional; TOML cannot write a null.
#[derive(Debug, Clone, Copy)]
struct NoNull;

impl Transform for NoNull {
    fn transform(&mut self, schema: &mut Schema) {
        if let Some(Value::Array(types)) = schema.get_mut("type") {
            types.retain(|kind| kind != "null");
            if let [only] = types.as_slice() {
                let only = only.clone();
                schema.insert("type".to_owned(), only);
            }
        }
        if let Some(Value::Array(choices)) = schema.get_mut("anyOf") {
            choices.retain(|choice| choice.get("type").is_none_or(|kind| kind != "null"));
            if let [Value::Object(only)] = choices.as_slice() {
                let only = only.clone();
                schema.remove("anyOf");
                for (key, value) in only {
                    schema.insert(key, value);
                }
            }
        }
        transform_subschemas(self, schema);
    }
}

/// Rewrites rustdoc links in descriptions, ``[`FilterToml`]``, to plain code, `` `FilterToml` ``.
#[derive(Debug, Clone, Copy)]
struct PlainDocLinks;

impl Transform for PlainDocLinks {
    fn transform(&mut self, schema: &mut Schema) {
        if let Some(Value::String(text)) = schema.get_mut("description") {
            *text = text.replace("[`", "`").replace("`]", "`");
        }
        transform_subschemas(self, schema);
    }
}

/// A string schema with `description`, the named schema of the types below.
fn described_string(description: &str) -> Schema {
    json_schema!({ "type": "string", "description": description })
}

/// A duration, e.g. `"30d"`, `"48h"`, `"90 min"`, `"1w 2d"` (humantime).
pub(crate) struct Duration;

impl JsonSchema for Duration {
    fn schema_name() -> Cow<'static, str> {
        "Duration".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let mut schema = described_string(
            "A duration: numbers with units, e.g. \"30d\", \"48h\", \"90 min\", \"1w 2d\".",
        );
        schema.insert("pattern".to_owned(), r"^\s*(\d+\s*[A-Za-zµ]+\s*)+$".into());
        schema
    }
}

/// A moment: a duration back from now, a date or an instant.
pub(crate) struct TimeBound;

impl JsonSchema for TimeBound {
    fn schema_name() -> Cow<'static, str> {
        "TimeBound".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        described_string(
            "A duration back from now (\"30d\"), a date (\"2025-09-01\") or an instant \
             (\"2025-09-01T00:00:00+09:00\").",
        )
    }
}

/// A size in bytes, e.g. `"20 MiB"`, `"500 kB"`.
pub(crate) struct ByteSize;

impl JsonSchema for ByteSize {
    fn schema_name() -> Cow<'static, str> {
        "ByteSize".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let mut schema = described_string("A size, e.g. \"20 MiB\", \"500 kB\", \"1048576\".");
        schema.insert(
            "pattern".to_owned(),
            r"^\s*\d+(\.\d+)?\s*[A-Za-z]*\s*$".into(),
        );
        schema
    }
}

/// An absolute http(s) URL.
pub(crate) struct HttpUrl;

impl JsonSchema for HttpUrl {
    fn schema_name() -> Cow<'static, str> {
        "HttpUrl".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let mut schema = described_string("An absolute http(s) URL.");
        schema.insert("format".to_owned(), "uri".into());
        schema
    }
}

/// A name for output files and URLs: letters, digits, `-`, `_`, `.`, not starting with `.`.
pub(crate) struct OutputName;

impl JsonSchema for OutputName {
    fn schema_name() -> Cow<'static, str> {
        "OutputName".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let mut schema = described_string(
            "A feed name: at most 100 letters, digits, `-`, `_` and `.`, not starting with `.`, \
             and no Windows device name (`con`, `nul`, `com1` …).",
        );
        schema.insert(
            "pattern".to_owned(),
            r"^[A-Za-z0-9_-][A-Za-z0-9._-]*$".into(),
        );
        schema.insert(
            "maxLength".to_owned(),
            super::validate::MAX_OUTPUT_NAME.into(),
        );
        schema
    }
}

/// An output format, an item of `formats`.
#[derive(JsonSchema)]
#[schemars(rename_all = "lowercase")]
#[allow(dead_code)] // only its schema is used
pub(crate) enum Format {
    /// RSS 2.0, written as `NAME.rss`.
    Rss,
    /// Atom 1.0, written as `NAME.atom`.
    Atom,
    /// JSON Feed 1.1, written as `NAME.json`.
    Json,
}

/// A key dedup compares, an item of `dedup.by`.
#[derive(JsonSchema)]
#[schemars(rename_all = "lowercase")]
#[allow(dead_code)] // only its schema is used
pub(crate) enum DedupKey {
    /// The canonical URL.
    Url,
    /// The stated guid.
    Id,
    /// A near-identical title.
    Title,
}

/// Where keywords and expressions look, an item of `filter.fields`.
#[derive(JsonSchema)]
#[schemars(rename_all = "lowercase")]
#[allow(dead_code)] // only its schema is used
pub(crate) enum FilterField {
    /// The title.
    Title,
    /// The summary.
    Summary,
    /// The content.
    Content,
    /// The author names.
    Author,
    /// The link.
    Link,
    /// The tags.
    Tags,
}

/// How a source is read, the value of `kind`.
#[derive(JsonSchema)]
#[schemars(rename_all = "lowercase")]
#[allow(dead_code)] // only its schema is used
pub(crate) enum SourceKind {
    /// A feed document: RSS, Atom or JSON Feed, detected from the content.
    Feed,
    /// An HTML listing page, read with `[source.page]` or by auto-extraction.
    Page,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `pattern` of `T`'s schema, as a Rust regex (the patterns here mean the same in
    /// both dialects).
    fn pattern<T: JsonSchema>() -> regex::Regex {
        let schema = T::json_schema(&mut SchemaGenerator::default());
        let pattern = schema
            .get("pattern")
            .and_then(Value::as_str)
            .expect("a pattern");
        regex::Regex::new(pattern).expect("a valid pattern")
    }

    #[test]
    fn the_duration_pattern_accepts_what_humantime_reads() {
        let pattern = pattern::<Duration>();
        for text in [
            "30d", "48h", "90 min", "1w 2d", "2 days", "1h30m", " 10s ", "500ms",
        ] {
            assert!(humantime::parse_duration(text.trim()).is_ok(), "{text}");
            assert!(pattern.is_match(text), "{text} is refused");
        }
        for text in ["soon", "a month", "30", "", "d30"] {
            assert!(humantime::parse_duration(text.trim()).is_err(), "{text}");
            assert!(!pattern.is_match(text), "{text} is accepted");
        }
    }

    #[test]
    fn the_size_pattern_accepts_what_bytesize_reads() {
        let pattern = pattern::<ByteSize>();
        for text in ["20 MiB", "500 kB", "1048576", "1.5 GiB", "2MiB"] {
            assert!(text.parse::<bytesize::ByteSize>().is_ok(), "{text}");
            assert!(pattern.is_match(text), "{text} is refused");
        }
        for text in ["lots", "", "MiB 20"] {
            assert!(text.parse::<bytesize::ByteSize>().is_err(), "{text}");
            assert!(!pattern.is_match(text), "{text} is accepted");
        }
    }

    #[test]
    fn output_names_follow_the_validators_rule() {
        let pattern = pattern::<OutputName>();
        for name in ["world", "world.v2", "a_b-c", "9"] {
            assert!(super::super::validate::is_output_name(name), "{name}");
            assert!(pattern.is_match(name), "{name}");
        }
        for name in [".hidden", "a/b", "", "a b"] {
            assert!(!super::super::validate::is_output_name(name), "{name}");
            assert!(!pattern.is_match(name), "{name}");
        }
        // Beyond the pattern: too long (`maxLength`), or a device name.
        for name in [
            "x".repeat(101).as_str(),
            "nul",
            "CON.feed",
            "com1",
            "lpt9.x",
        ] {
            assert!(!super::super::validate::is_output_name(name), "{name}");
        }
        assert!(super::super::validate::is_output_name(&"x".repeat(100)));
        assert!(super::super::validate::is_output_name("console"));
    }
}
