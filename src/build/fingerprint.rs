//! The fingerprint of everything one output is built from: its definition, the run's
//! settings that matter to it, and the version of every stored article each of its
//! sources contributes. Two runs with the same fingerprint merge the same articles into
//! the same output, so the second can reuse what the first wrote.
//!
//! Policy: when in doubt, no fingerprint. A definition whose filters count back from the
//! clock (`since = "30d"`) gives none, since its result moves with every run; so does
//! one reading a generated feed that gives none.

use std::path::Path;
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::config::{FeedDefinition, SourceDefinition};
use crate::pipeline::{FilterRules, TimeBound};
use crate::store::ArticleKey;

/// Changes whenever what goes into a fingerprint does, so older records never match.
const VERSION: &str = "feedmill-built-1";

/// A fingerprint being computed, source by source in definition order.
pub(super) struct Fingerprint(Sha256);

impl Fingerprint {
    /// Starts the fingerprint of `definition` built with `retention` into `output_dir`;
    /// `None` when its result depends on the clock.
    pub fn start(
        definition: &FeedDefinition,
        retention: Duration,
        output_dir: Option<&Path>,
    ) -> Option<Fingerprint> {
        let clock_bound = std::iter::once(&definition.feed.filter)
            .chain(definition.sources.iter().map(|source| &source.filter))
            .any(counts_back_from_now);
        if clock_bound {
            return None;
        }
        let mut print = Fingerprint(Sha256::new());
        print.text(VERSION);
        print.text(env!("CARGO_PKG_VERSION"));
        // Debug forms: every field, in a fixed order (aliases are a BTreeMap).
        print.text(&format!("{:?}", definition.feed));
        print.text(&format!("{:?}", definition.aliases));
        print.text(&format!("{retention:?}"));
        print.text(&format!("{output_dir:?}"));
        Some(print)
    }

    /// Adds a fetched or read source and the stored articles it contributes.
    pub fn stored_source(&mut self, source: &SourceDefinition, keys: &[ArticleKey]) {
        self.source(source);
        self.number(keys.len() as i64);
        for key in keys {
            self.text(&key.id);
            self.number(key.first_seen);
            self.number(key.last_seen);
            self.number(key.position);
            self.text(&key.content_hash);
        }
    }

    /// Adds a source reading the generated feed whose own fingerprint is `upstream`.
    pub fn generated_source(&mut self, source: &SourceDefinition, upstream: &str) {
        self.source(source);
        self.text(upstream);
    }

    /// The fingerprint: 64 lowercase hex digits.
    pub fn finish(self) -> String {
        hex(&self.0.finalize())
    }

    fn source(&mut self, source: &SourceDefinition) {
        self.text(&source.name);
        self.text(&source.location.to_string());
        self.text(&format!("{:?}", source.filter));
    }

    /// A length-prefixed string, so consecutive strings cannot run into each other.
    fn text(&mut self, text: &str) {
        self.0.update((text.len() as u64).to_le_bytes());
        self.0.update(text.as_bytes());
    }

    fn number(&mut self, number: i64) {
        self.0.update(number.to_le_bytes());
    }
}

/// True when a rule of `filter` is relative to the run's clock.
fn counts_back_from_now(filter: &FilterRules) -> bool {
    [filter.since, filter.until]
        .iter()
        .any(|bound| matches!(bound, Some(TimeBound::Ago(_))))
}

/// `bytes` as lowercase hex digits.
fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut text = String::with_capacity(2 * bytes.len());
    for byte in bytes {
        let _ = write!(text, "{byte:02x}");
    }
    text
}
