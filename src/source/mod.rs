//! Sources: turning fetched bytes into [`crate::model::Feed`]s.
//!
//! `feed` reads syndication formats, `page` reads HTML pages, and `date` parses the dates
//! both carry; `opml` reads subscription lists.

pub mod date;
pub mod feed;
pub mod opml;
pub mod page;
