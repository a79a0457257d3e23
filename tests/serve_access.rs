//! Who may fetch what from `feedmill serve`, over real HTTP on 127.0.0.1: feed and
//! global tokens (by `?key=` and Bearer; the index and OPML listing only what a key
//! opens) and `/convert` (off by default; loopback refused unless allowed).

// Only the tests that need an upstream take these helpers (they use `support`).
#[path = "serving/feeds.rs"]
mod feeds;
mod serving;
mod support;

use std::net::SocketAddr;
use std::sync::Arc;

use feedmill::config;
use feedmill::fetch::{FetchOptions, Fetcher};
use feedmill::serve::{App, ServeOptions};
use feedmill::source::opml::read_opml;
use feedmill::store::Store;
use feeds::*;
use reqwest::header;

/// Two feeds from local files: `world` (public unless the settings' token is set) and
/// `private` (its own token), with `settings` as the settings file.
fn served_with_tokens(settings: &str) -> (Arc<App>, SocketAddr, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let feed = rss(&[(
        "Minsk trade fair opens",
        "Mon, 23 Nov 2026 08:45:00 GMT",
        &["Belarus"],
    )]);
    std::fs::write(dir.path().join("feed.xml"), feed).expect("write feed");
    std::fs::write(
        dir.path().join("world.toml"),
        "[feed]\ntitle = \"World\"\n[[source]]\nname = \"local\"\nfile = \"feed.xml\"\n",
    )
    .expect("write definition");
    std::fs::write(
        dir.path().join("private.toml"),
        "[feed]\ntitle = \"Private\"\ntoken = \"private-secret-0123456789\"\n[[source]]\nname = \"local\"\nfile = \"feed.xml\"\n",
    )
    .expect("write definition");
    std::fs::write(dir.path().join("feedmill.toml"), settings).expect("write settings");
    let loaded = config::load(&[dir.path().to_path_buf()], None).expect("valid");
    let app = Arc::new(App::new(loaded, ServeOptions::default()));
    let mut store = Store::open(&dir.path().join("state.sqlite")).expect("store");
    let fetcher = Fetcher::new(&FetchOptions::default()).expect("fetcher");
    app.refresh(&mut store, &fetcher).expect("refresh");
    let address = start(Arc::clone(&app));
    (app, address, dir)
}

#[test]
fn a_feed_token_opens_only_its_feed_and_the_index_lists_only_what_the_caller_may_see() {
    let (_app, address, _dir) = served_with_tokens("");
    let get = |path: &str| {
        client()
            .get(format!("http://{address}{path}"))
            .send()
            .expect("response")
    };
    assert_eq!(
        get("/feeds/world.atom").status(),
        200,
        "no token anywhere: public"
    );
    let locked = get("/feeds/private.atom");
    assert_eq!(locked.status(), 401);
    assert_eq!(locked.headers()[header::WWW_AUTHENTICATE], "Bearer");
    assert!(locked.text().expect("body").contains("needs a key"));
    assert_eq!(
        get("/feeds/private.atom?key=wrong-secret-0123456789").status(),
        401
    );
    assert_eq!(
        get("/feeds/private.atom?key=private-secret-0123456789").status(),
        200
    );
    let bearer = client()
        .get(format!("http://{address}/feeds/private.json"))
        .bearer_auth("private-secret-0123456789")
        .send()
        .expect("response");
    assert_eq!(bearer.status(), 200);

    let index = get("/").text().expect("body");
    assert!(
        index.contains("/feeds/world.atom") && !index.contains("/feeds/private.atom"),
        "{index}"
    );
    let keyed = get("/?key=private-secret-0123456789").text().expect("body");
    assert!(
        keyed.contains("/feeds/private.atom?key=private-secret-0123456789"),
        "{keyed}"
    );
    assert!(
        keyed.contains("href=\"/feeds/world.atom\""),
        "public links carry no key: {keyed}"
    );
    let opml = get("/opml").bytes().expect("body");
    let listed = read_opml(&opml).expect("OPML");
    assert_eq!(listed.subscriptions.len(), 1);
}

#[test]
fn a_global_token_closes_every_feed_but_the_health_check() {
    let (_app, address, _dir) =
        served_with_tokens("[serve]\ntoken = \"global-secret-0123456789\"\n");
    let get = |path: &str| {
        client()
            .get(format!("http://{address}{path}"))
            .send()
            .expect("response")
    };
    assert_eq!(get("/feeds/world.atom").status(), 401);
    assert_eq!(
        get("/feeds/world.atom?key=global-secret-0123456789").status(),
        200
    );
    assert_eq!(
        get("/feeds/private.atom?key=global-secret-0123456789").status(),
        200,
        "the global token opens every feed"
    );
    assert_eq!(
        get("/feeds/world.atom?key=private-secret-0123456789").status(),
        401,
        "a feed's token opens only that feed"
    );
    let index = get("/").text().expect("body");
    assert!(!index.contains("/feeds/"), "{index}");
    assert_eq!(get("/healthz").status(), 200);
}

/// An app whose settings file is `settings`, serving one local feed, refreshed.
fn served_with_settings(settings: &str) -> (SocketAddr, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("feed.xml"),
        rss(&[("Local story", "Mon, 23 Nov 2026 08:45:00 GMT", &[])]),
    )
    .expect("write feed");
    std::fs::write(
        dir.path().join("world.toml"),
        "[feed]\ntitle = \"World\"\n[[source]]\nname = \"local\"\nfile = \"feed.xml\"\n",
    )
    .expect("write definition");
    std::fs::write(dir.path().join("feedmill.toml"), settings).expect("write settings");
    let loaded = config::load(&[dir.path().to_path_buf()], None).expect("valid");
    let app = Arc::new(App::new(loaded, ServeOptions::default()));
    let address = start(app);
    (address, dir)
}

#[test]
fn convert_is_off_by_default() {
    let (address, _dir) = served_with_settings("");
    let off = client()
        .get(format!(
            "http://{address}/convert?url=https://example.org/feed.xml"
        ))
        .send()
        .expect("response");
    assert_eq!(off.status(), 404);
    assert!(off.text().expect("body").contains("conversion is off"));
}

#[test]
fn convert_refuses_loopback_unless_allowed_and_converts_what_it_may_fetch() {
    let upstream = upstream();
    let (address, _dir) = served_with_settings("[serve]\nconvert = true\n");
    let ask = |target: &str| {
        let query: String = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("url", target)
            .append_pair("to", "json")
            .finish();
        client()
            .get(format!("http://{address}/convert?{query}"))
            .send()
            .expect("response")
    };
    let refused = ask(&upstream.url("/feed.xml"));
    assert_eq!(refused.status(), 403);
    let message = refused.text().expect("body");
    assert!(
        message.contains("refused") && message.contains("loopback"),
        "{message}"
    );
    assert!(
        upstream.requests().is_empty(),
        "a refused address is never contacted"
    );
    assert_eq!(ask("file:///etc/passwd").status(), 400);

    let port = upstream
        .url("/")
        .trim_start_matches("http://127.0.0.1:")
        .trim_end_matches('/')
        .to_owned();
    let (allowed_address, _allowed_dir) = served_with_settings(&format!(
        "[serve]\nconvert = true\nconvert-allow = [\"127.0.0.1:{port}\"]\n"
    ));
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("url", &upstream.url("/feed.xml"))
        .append_pair("to", "json")
        .finish();
    let converted = client()
        .get(format!("http://{allowed_address}/convert?{query}"))
        .send()
        .expect("response");
    assert_eq!(converted.status(), 200);
    assert_eq!(
        converted.headers()[header::CONTENT_TYPE],
        "application/feed+json; charset=utf-8"
    );
    assert_eq!(titles(&converted.text().expect("body")).len(), 3);
}
