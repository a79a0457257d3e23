//! Sweeps the shared date corpus (`../shared/corpus/dates.jsonl`) through `source::date::parse`.
//!
//! Each row has an `input` and the UTC instant it must parse to (`expected_iso`), or `null`
//! when it must not parse. Instants are compared to the second, because the expected values
//! come from feedparser's second-resolution time tuples. Skips when the corpus is absent.

use std::path::Path;

use chrono::{NaiveDateTime, TimeZone, Utc};
use feedmill::source::date;

/// Share of rows that must agree with the corpus.
const REQUIRED_AGREEMENT: f64 = 0.95;

#[test]
fn corpus_dates_parse_to_the_expected_instants() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/dates.jsonl");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("skipping: date corpus not found at `{}`", path.display());
        return;
    };

    let mut n_rows = 0_usize;
    let mut failures = Vec::new();
    for (line_idx, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let row: serde_json::Value = serde_json::from_str(line)
            .unwrap_or_else(|error| panic!("{}:{}: {error}", path.display(), line_idx + 1));
        let input = row["input"].as_str().unwrap_or_else(|| {
            panic!(
                "{}:{}: `input` is not a string",
                path.display(),
                line_idx + 1
            )
        });
        let expected = row["expected_iso"].as_str().map(|iso| {
            expected_instant(iso).unwrap_or_else(|| {
                panic!(
                    "{}:{}: unreadable `expected_iso` {iso:?}",
                    path.display(),
                    line_idx + 1
                )
            })
        });
        let actual = date::parse(input).map(|timestamp| timestamp.timestamp());

        n_rows += 1;
        if actual != expected {
            failures.push(format!(
                "line {}: {input:?}: expected {}, got {}",
                line_idx + 1,
                describe(expected),
                describe(actual),
            ));
        }
    }

    assert!(
        n_rows > 0,
        "the date corpus at `{}` has no rows",
        path.display()
    );
    let n_agreeing = n_rows - failures.len();
    #[allow(clippy::cast_precision_loss, reason = "row counts are far below 2^52")]
    let agreement = n_agreeing as f64 / n_rows as f64;
    eprintln!(
        "date corpus agreement: {n_agreeing}/{n_rows} ({:.1}%)",
        agreement * 100.0
    );
    for failure in &failures {
        eprintln!("  {failure}");
    }
    assert!(
        agreement >= REQUIRED_AGREEMENT,
        "agreement {:.1}% is below the required {:.0}%",
        agreement * 100.0,
        REQUIRED_AGREEMENT * 100.0
    );
}

/// Seconds since the epoch for the corpus's `YYYY-MM-DDTHH:MM:SSZ` (years may be short: `99-…`).
fn expected_instant(iso: &str) -> Option<i64> {
    let naive = NaiveDateTime::parse_from_str(iso, "%Y-%m-%dT%H:%M:%SZ").ok()?;
    Some(Utc.from_utc_datetime(&naive).timestamp())
}

/// An instant as UTC text, or `None` for "does not parse".
fn describe(instant: Option<i64>) -> String {
    match instant.and_then(|seconds| Utc.timestamp_opt(seconds, 0).single()) {
        Some(utc) => utc.to_rfc3339(),
        None => "None".to_owned(),
    }
}
