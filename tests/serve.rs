//! `feedmill::serve` over real HTTP on 127.0.0.1: ETag and Last-Modified round trips,
//! compression, live filters, clear 404/400 bodies, HEAD, the index page, OPML, the
//! health check, and a failing upstream still served from the last good copy.

// Only the tests that need an upstream take these helpers (they use `support`).
#[path = "serving/feeds.rs"]
mod feeds;
mod serving;
mod support;

use std::io::Read;
use std::sync::Arc;

use feedmill::config;
use feedmill::fetch::{FetchOptions, Fetcher};
use feedmill::serve::{App, ServeOptions};
use feedmill::source::opml::read_opml;
use feedmill::store::Store;
use feeds::*;
use reqwest::header;
use support::{Response, TestServer};

#[test]
fn before_the_first_refresh_feeds_and_health_say_try_again() {
    let server = upstream();
    let served = Served::new(&server.url("/feed.xml"));
    let health = client()
        .get(served.url("/healthz"))
        .send()
        .expect("response");
    assert_eq!(health.status(), 503);
    assert_eq!(health.headers()[header::RETRY_AFTER], "5");
    assert_eq!(
        client()
            .get(served.url("/feeds/world.atom"))
            .send()
            .expect("response")
            .status(),
        503
    );
}

#[test]
fn etag_and_last_modified_round_trips_answer_304() {
    let server = upstream();
    let mut served = Served::new(&server.url("/feed.xml"));
    served.refresh();
    let first = client()
        .get(served.url("/feeds/world.atom"))
        .send()
        .expect("response");
    assert_eq!(first.status(), 200);
    assert_eq!(
        first.headers()[header::CONTENT_TYPE],
        "application/atom+xml; charset=utf-8"
    );
    assert_eq!(
        first.headers()[header::CACHE_CONTROL],
        "public, max-age=300"
    );
    let etag = first.headers()[header::ETAG]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(
        etag.starts_with('"') && etag.len() > 10,
        "strong ETag: {etag}"
    );
    let last_modified = first.headers()[header::LAST_MODIFIED]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert_eq!(
        last_modified, "Wed, 25 Nov 2026 08:45:00 GMT",
        "the newest article's date"
    );

    let again = client()
        .get(served.url("/feeds/world.atom"))
        .header(header::IF_NONE_MATCH, &etag)
        .send()
        .expect("response");
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()[header::ETAG], etag.as_str());
    assert!(again.bytes().expect("body").is_empty());

    let since = client()
        .get(served.url("/feeds/world.atom"))
        .header(header::IF_MODIFIED_SINCE, &last_modified)
        .send()
        .expect("response");
    assert_eq!(since.status(), 304);
    let stale = client()
        .get(served.url("/feeds/world.atom"))
        .header(header::IF_NONE_MATCH, "\"something-else\"")
        .send()
        .expect("response");
    assert_eq!(stale.status(), 200);

    // A refresh that changes nothing keeps the ETag: readers keep getting 304.
    served.refresh();
    let after = client()
        .get(served.url("/feeds/world.atom"))
        .header(header::IF_NONE_MATCH, &etag)
        .send()
        .expect("response");
    assert_eq!(after.status(), 304);
}

#[test]
fn gzip_and_brotli_follow_accept_encoding() {
    let server = upstream();
    let mut served = Served::new(&server.url("/feed.xml"));
    served.refresh();
    let plain = client()
        .get(served.url("/feeds/world.json"))
        .send()
        .expect("response");
    assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
    let plain = plain.text().expect("body");

    let gzipped = client()
        .get(served.url("/feeds/world.json"))
        .header(header::ACCEPT_ENCODING, "gzip")
        .send()
        .expect("response");
    assert_eq!(gzipped.headers()[header::CONTENT_ENCODING], "gzip");
    let mut decoded = String::new();
    flate2::read::GzDecoder::new(gzipped.bytes().expect("body").as_ref())
        .read_to_string(&mut decoded)
        .expect("valid gzip");
    assert_eq!(decoded, plain);

    let brotli = client()
        .get(served.url("/feeds/world.json"))
        .header(header::ACCEPT_ENCODING, "br")
        .send()
        .expect("response");
    assert_eq!(brotli.headers()[header::CONTENT_ENCODING], "br");
    assert_eq!(brotli.headers()[header::VARY], "accept-encoding");
    let brotli_etag = brotli.headers()[header::ETAG].clone();
    let mut decoded = String::new();
    brotli::Decompressor::new(brotli.bytes().expect("body").as_ref(), 4096)
        .read_to_string(&mut decoded)
        .expect("valid brotli");
    assert_eq!(decoded, plain);

    // Each coding is its own representation with its own ETag, and a client polling
    // with the ETag of its coding gets 304.
    let plain_etag = client()
        .get(served.url("/feeds/world.json"))
        .send()
        .expect("response")
        .headers()[header::ETAG]
        .clone();
    assert_ne!(brotli_etag, plain_etag);
    let again = client()
        .get(served.url("/feeds/world.json"))
        .header(header::ACCEPT_ENCODING, "gzip, deflate, br")
        .header(header::IF_NONE_MATCH, &brotli_etag)
        .send()
        .expect("response");
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()[header::ETAG], brotli_etag);
}

#[test]
fn live_filters_narrow_the_feed_and_each_query_has_its_own_etag() {
    let server = upstream();
    let mut served = Served::new(&server.url("/feed.xml"));
    served.refresh();
    let get = |path: &str| client().get(served.url(path)).send().expect("response");

    let belarus = get("/feeds/world.atom?tag=belarus&format=json");
    assert_eq!(
        belarus.headers()[header::CONTENT_TYPE],
        "application/feed+json; charset=utf-8"
    );
    let belarus_etag = belarus.headers()[header::ETAG].clone();
    assert_eq!(
        titles(&belarus.text().expect("body")),
        ["Minsk trade fair opens"]
    );

    assert_eq!(
        titles(
            &get("/feeds/world.json?tag_not=Belarus&limit=1")
                .text()
                .expect("body")
        ),
        ["Weather"]
    );
    assert_eq!(
        titles(&get("/feeds/world.json?q=missile").text().expect("body")),
        ["Missile test"]
    );
    assert_eq!(
        titles(
            &get("/feeds/world.json?q_not=missile&since=2026-11-24")
                .text()
                .expect("body")
        ),
        ["Weather"]
    );

    let whole = get("/feeds/world.json");
    assert_ne!(whole.headers()[header::ETAG], belarus_etag);
    // The same query in another order is the same document.
    let reordered = get("/feeds/world.json?format=json&tag=belarus");
    assert_eq!(reordered.headers()[header::ETAG], belarus_etag);

    // Per-tag feeds, with filters too.
    let tag = get("/feeds/world/tags/north-korea.json");
    assert_eq!(tag.status(), 200);
    assert_eq!(titles(&tag.text().expect("body")), ["Missile test"]);
}

#[test]
fn mistakes_get_clear_404_and_400_bodies_and_head_has_no_body() {
    let server = upstream();
    let mut served = Served::new(&server.url("/feed.xml"));
    served.refresh();
    let get = |path: &str| client().get(served.url(path)).send().expect("response");
    let unknown = get("/feeds/nope.atom");
    assert_eq!(unknown.status(), 404);
    assert!(
        unknown
            .text()
            .expect("body")
            .contains("no feed named `nope`")
    );
    let bad_extension = get("/feeds/world.html");
    assert_eq!(bad_extension.status(), 404);
    assert!(bad_extension.text().expect("body").contains("NAME.atom"));
    let no_tag = get("/feeds/world/tags/sport.atom");
    assert_eq!(no_tag.status(), 404);
    assert!(no_tag.text().expect("body").contains("no tag feed `sport`"));
    let bad_limit = get("/feeds/world.atom?limit=-3");
    assert_eq!(bad_limit.status(), 400);
    assert!(bad_limit.text().expect("body").contains("`limit`"));
    assert_eq!(get("/wp-admin").status(), 404);

    let head = client()
        .head(served.url("/feeds/world.rss"))
        .send()
        .expect("response");
    assert_eq!(head.status(), 200);
    assert!(head.headers().contains_key(header::ETAG));
    assert!(head.bytes().expect("body").is_empty());
}

#[test]
fn a_failing_upstream_is_still_served_from_the_last_good_copy_and_shown_on_the_index() {
    let server = upstream();
    let mut served = Served::new(&server.url("/feed.xml"));
    served.refresh();
    server.set_route("/feed.xml", Response::status(500));
    served.refresh();
    let feed = client()
        .get(served.url("/feeds/world.json"))
        .send()
        .expect("response");
    assert_eq!(titles(&feed.text().expect("body")).len(), 3);

    let index = client().get(served.url("/")).send().expect("response");
    assert_eq!(
        index.headers()[header::CONTENT_TYPE],
        "text/html; charset=utf-8"
    );
    let html = index.text().expect("body");
    assert!(html.contains("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"World\" href=\"/feeds/world.atom\">"), "{html}");
    assert!(html.contains("wire: failing"), "{html}");
    assert!(html.contains("HTTP 500"), "{html}");

    let opml = client()
        .get(served.url("/opml"))
        .send()
        .expect("response")
        .bytes()
        .expect("body");
    let subscriptions = read_opml(&opml).expect("valid OPML");
    assert_eq!(subscriptions.subscriptions.len(), 1);
    assert_eq!(
        subscriptions.subscriptions[0].xml_url,
        served.url("/feeds/world.atom")
    );

    let health = client()
        .get(served.url("/healthz"))
        .send()
        .expect("response");
    assert_eq!(health.status(), 200);
}

#[test]
fn articles_that_left_the_feed_are_in_rfc_5005_archive_pages() {
    let server = TestServer::start([(
        "/feed.xml",
        Response::ok(
            "application/rss+xml",
            rss(&[
                ("Oldest story", "Mon, 16 Nov 2026 08:00:00 GMT", &[]),
                ("Older story", "Tue, 17 Nov 2026 08:00:00 GMT", &[]),
            ]),
        ),
    )]);
    let dir = tempfile::tempdir().expect("temp dir");
    let definition = dir.path().join("world.toml");
    std::fs::write(
        &definition,
        format!(
            "[feed]\ntitle = \"World\"\nlimit = 2\n[[source]]\nname = \"wire\"\nurl = \"{}\"\n",
            server.url("/feed.xml")
        ),
    )
    .expect("write definition");
    let loaded = config::load(&[definition], None).expect("valid");
    let app = Arc::new(App::new(loaded, ServeOptions::default()));
    let mut store = Store::open(&dir.path().join("state.sqlite")).expect("store");
    let fetcher = Fetcher::new(&FetchOptions::default()).expect("fetcher");
    app.refresh(&mut store, &fetcher).expect("refresh");
    let address = start(Arc::clone(&app));
    let get = |path: &str| {
        client()
            .get(format!("http://{address}{path}"))
            .send()
            .expect("response")
    };
    assert!(
        !get("/feeds/world.atom")
            .text()
            .expect("body")
            .contains("prev-archive"),
        "nothing archived yet"
    );

    server.set_route(
        "/feed.xml",
        Response::ok(
            "application/rss+xml",
            rss(&[
                ("Newer story", "Wed, 25 Nov 2026 08:00:00 GMT", &[]),
                ("Newest story", "Thu, 26 Nov 2026 08:00:00 GMT", &[]),
            ]),
        ),
    );
    app.refresh(&mut store, &fetcher).expect("refresh");
    let current = get("/feeds/world.atom").text().expect("body");
    let archive_url = format!("http://{address}/feeds/world/archive/1.atom");
    assert!(
        current.contains(&format!("href=\"{archive_url}\""))
            && current.contains("rel=\"prev-archive\""),
        "{current}"
    );
    assert!(!current.contains("Oldest story"));

    let archive = get("/feeds/world/archive/1.atom").text().expect("body");
    assert!(
        archive.contains("Oldest story") && archive.contains("Older story"),
        "{archive}"
    );
    assert!(!archive.contains("Newest story"));
    assert!(
        archive.contains("rel=\"current\"")
            && archive.contains(&format!("http://{address}/feeds/world.atom")),
        "{archive}"
    );
    assert!(
        !archive.contains("next-archive"),
        "the newest archive page has no next"
    );
    assert_eq!(
        titles(&get("/feeds/world/archive/1.json").text().expect("body")),
        ["Older story", "Oldest story"]
    );
    let missing = get("/feeds/world/archive/2.atom");
    assert_eq!(missing.status(), 404);
    assert!(
        missing
            .text()
            .expect("body")
            .contains("no archive page `2`")
    );
}
