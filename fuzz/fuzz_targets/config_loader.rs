//! Fuzz target `config_loader`: see `feedmill_fuzz::config_loader` (`fuzz/src/lib.rs`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| feedmill_fuzz::config_loader(data));
