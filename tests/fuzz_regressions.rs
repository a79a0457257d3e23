//! Replays every saved fuzz input in `tests/fixtures/fuzz/<target>/` through the same
//! function the fuzz target `<target>` calls (`fuzz/src/lib.rs`, included here), so a
//! crash, hang or runaway allocation the fuzzer found stays fixed. Each input must come
//! back: the library returning `Ok` or a clean `Err` is a pass, a panic is a failure.
//! Inputs that hung the fuzzer finish here because the library now bounds the work.

#[path = "../fuzz/src/lib.rs"]
mod harness;

use std::fs;
use std::path::PathBuf;

/// Runs `target` on every file saved for it; there is at least one per target.
fn replay(name: &str, target: fn(&[u8])) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(name);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("reading {}: {error}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no saved inputs in {}", dir.display());
    for file in files {
        let data = fs::read(&file).expect("a saved fuzz input");
        eprintln!("{name}: {}", file.display());
        target(&data);
    }
}

#[test]
fn feed_reader_inputs_come_back() {
    replay("feed_reader", harness::feed_reader);
}

#[test]
fn html_extractor_inputs_come_back() {
    replay("html_extractor", harness::html_extractor);
}

#[test]
fn date_parser_inputs_come_back() {
    replay("date_parser", harness::date_parser);
}

#[test]
fn config_loader_inputs_come_back() {
    replay("config_loader", harness::config_loader);
}

#[test]
fn opml_and_discovery_inputs_come_back() {
    replay("opml_and_discovery", harness::opml_and_discovery);
}
