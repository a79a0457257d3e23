//! Feeds for the `serve` tests: a loopback upstream with tagged stories, an app refreshed
//! from it (`Served`), a client without automatic decompression, and title extraction.

// Each test crate uses part of this module.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use feedmill::config;
use feedmill::fetch::{FetchOptions, Fetcher};
use feedmill::serve::{self, App, ServeOptions};
use feedmill::store::Store;
use reqwest::blocking::Client;
use serde_json::Value;

use crate::support::{Response, TestServer};

/// A server on 127.0.0.1 for `app`, running until the test ends.
pub fn start(app: Arc<App>) -> SocketAddr {
    crate::serving::start(serve::router(app))
}

pub fn client() -> Client {
    Client::builder()
        .no_gzip()
        .no_brotli()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client")
}

pub fn rss(items: &[(&str, &str, &[&str])]) -> String {
    let mut body = String::from("<rss version=\"2.0\"><channel><title>Wire</title>");
    for (title, date, tags) in items {
        body.push_str(&format!(
            "<item><title>{title}</title><link>https://wire.example.net/{}</link><pubDate>{date}</pubDate>",
            title.to_lowercase().replace(' ', "-")
        ));
        for tag in *tags {
            body.push_str(&format!("<category>{tag}</category>"));
        }
        body.push_str("</item>");
    }
    body + "</channel></rss>"
}

/// An app serving one definition with one url source, refreshed once.
pub struct Served {
    app: Arc<App>,
    store: Store,
    fetcher: Fetcher,
    address: SocketAddr,
    _dir: tempfile::TempDir,
}

impl Served {
    pub fn new(source_url: &str) -> Served {
        let dir = tempfile::tempdir().expect("temp dir");
        let definition = dir.path().join("world.toml");
        std::fs::write(
            &definition,
            format!("[feed]\ntitle = \"World\"\nlink = \"https://feeds.example.org/world\"\nper-tag = true\n[[source]]\nname = \"wire\"\nurl = \"{source_url}\"\n"),
        )
        .expect("write definition");
        let loaded = config::load(&[definition], None).expect("valid");
        let app = Arc::new(App::new(
            loaded,
            ServeOptions {
                refresh_every: Duration::from_secs(300),
                jitter: Duration::ZERO,
            },
        ));
        let store = Store::open(&dir.path().join("state.sqlite")).expect("store");
        let fetcher = Fetcher::new(&FetchOptions::default()).expect("fetcher");
        let address = start(Arc::clone(&app));
        Served {
            app,
            store,
            fetcher,
            address,
            _dir: dir,
        }
    }

    pub fn refresh(&mut self) {
        self.app
            .refresh(&mut self.store, &self.fetcher)
            .expect("refresh");
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }
}

pub fn upstream() -> TestServer {
    TestServer::start([(
        "/feed.xml",
        Response::ok(
            "application/rss+xml",
            rss(&[
                (
                    "Minsk trade fair opens",
                    "Mon, 23 Nov 2026 08:45:00 GMT",
                    &["Belarus"],
                ),
                (
                    "Missile test",
                    "Tue, 24 Nov 2026 08:45:00 GMT",
                    &["North Korea"],
                ),
                ("Weather", "Wed, 25 Nov 2026 08:45:00 GMT", &[]),
            ]),
        ),
    )])
}

pub fn titles(body: &str) -> Vec<String> {
    let feed: Value = serde_json::from_str(body).expect("JSON Feed");
    feed["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i["title"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}
