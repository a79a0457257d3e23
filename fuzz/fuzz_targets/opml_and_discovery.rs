//! Fuzz target `opml_and_discovery`: see `feedmill_fuzz::opml_and_discovery` (`fuzz/src/lib.rs`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| feedmill_fuzz::opml_and_discovery(data));
