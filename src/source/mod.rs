//! Sources: turning fetched bytes into [`crate::model::Feed`]s.
//!
//! `feed` reads syndication formats; `date` parses the dates they (and pages) carry.

pub mod date;
pub mod feed;
