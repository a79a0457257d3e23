//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod validate;

use std::path::{Path, PathBuf};

/// Collapses runs of whitespace to one space and trims.
pub fn normalize_text(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Parses an HTML fragment the way a browser would and serializes it again, so that
/// attribute quoting, entity spelling and self-closing syntax do not matter.
pub fn normalize_html(html: &str) -> String {
    let fragment = scraper::Html::parse_fragment(html);
    normalize_text(&fragment.root_element().inner_html())
}

/// Every file below `dir`, recursively, in a stable order.
pub fn collect_files(dir: &Path, into: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|entry| entry.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            collect_files(&path, into);
        } else {
            into.push(path);
        }
    }
}
