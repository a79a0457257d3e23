//! Fuzz target `feed_reader`: see `feedmill_fuzz::feed_reader` (`fuzz/src/lib.rs`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| feedmill_fuzz::feed_reader(data));
