//! feedmill reads RSS, Atom and JSON Feed documents and HTML pages into one
//! article model, and writes RSS 2.0, Atom 1.0 and JSON Feed 1.1.
//!
//! Data flows `fetch → source → model → emit`; every module depends toward [`model`].
//! [`fetch`] is the only module that touches the network.
//!
//! ```
//! use feedmill::emit::{self, EmitOptions, OutputFormat};
//! use feedmill::source::feed::{self, ReadOptions};
//!
//! let rss = br#"<rss version="2.0"><channel><title>Demo</title>
//!   <item><title>Hello</title><link>https://example.com/hello</link></item>
//! </channel></rss>"#;
//! let outcome = feed::read(rss, &ReadOptions::default()).unwrap();
//! assert_eq!(outcome.feed.articles.len(), 1);
//! let atom = emit::write(&outcome.feed, OutputFormat::Atom, &EmitOptions::default()).unwrap();
//! assert!(String::from_utf8(atom).unwrap().contains("<entry>"));
//! ```
#![warn(missing_docs)]
#![forbid(unsafe_code)]

pub mod build;
pub mod config;
pub mod emit;
pub mod fetch;
pub mod model;
pub mod pipeline;
pub mod serve;
pub mod source;
pub mod store;
