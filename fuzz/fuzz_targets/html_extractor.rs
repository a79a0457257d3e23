//! Fuzz target `html_extractor`: see `feedmill_fuzz::html_extractor` (`fuzz/src/lib.rs`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| feedmill_fuzz::html_extractor(data));
