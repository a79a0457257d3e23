//! Fuzz target `date_parser`: see `feedmill_fuzz::date_parser` (`fuzz/src/lib.rs`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| feedmill_fuzz::date_parser(data));
