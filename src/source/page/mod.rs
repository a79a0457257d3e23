//! Reads HTML pages into articles: a listing page by CSS selectors (`selectors`), or any
//! page by auto-extraction (`auto`: JSON-LD, OpenGraph and `article:*` meta, microdata,
//! `<time>`, canonical links), after decoding it with the page's charset (`charset`).
//!
//! Policy: like the feed reader, never fail on content. A selector that matches nothing,
//! a date that cannot be read, a guess about which links form the listing: each is a
//! [`Warning`] beside the result. Only bytes that are not an HTML page are an error.
//! Work in progress (issue 3): the entry points arrive with the submodules.

pub use crate::source::feed::{Warning, WarningKind};

pub mod selectors;
