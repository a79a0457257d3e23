//! `feedmill::fetch` against a server on 127.0.0.1 started by each test.

mod support;

use std::io::Write;
use std::net::{Ipv4Addr, TcpListener};
use std::time::Duration;

use feedmill::fetch::{self, FetchError, FetchOptions};
use flate2::Compression;
use flate2::write::GzEncoder;
use support::{Response, TestServer, fixture_bytes};
use url::Url;

fn url(server: &TestServer, path: &str) -> Url {
    Url::parse(&server.url(path)).expect("test server URL")
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).expect("gzip into memory");
    encoder.finish().expect("gzip into memory")
}

fn options_with_limit(max_body_bytes: u64) -> FetchOptions {
    FetchOptions {
        max_body_bytes,
        ..FetchOptions::default()
    }
}

#[test]
fn body_and_headers_come_back_as_served() {
    let feed = fixture_bytes("news.xml");
    let server = TestServer::start([(
        "/feed.xml",
        Response::ok("application/rss+xml; charset=utf-8", feed.clone())
            .header("Content-Location", "/feeds/main.xml")
            .header("Content-Language", "ko"),
    )]);

    let fetched =
        fetch::fetch(&url(&server, "/feed.xml"), &FetchOptions::default()).expect("fetch succeeds");

    assert_eq!(fetched.body, feed);
    assert_eq!(fetched.final_url, url(&server, "/feed.xml"));
    assert_eq!(
        fetched.content_type.as_deref(),
        Some("application/rss+xml; charset=utf-8")
    );
    assert_eq!(fetched.content_location.as_deref(), Some("/feeds/main.xml"));
    assert_eq!(fetched.content_language.as_deref(), Some("ko"));
}

#[test]
fn gzip_body_is_decoded() {
    let feed = fixture_bytes("news.xml");
    let server = TestServer::start([(
        "/feed.xml",
        Response::ok("application/rss+xml", gzip(&feed)).header("Content-Encoding", "gzip"),
    )]);

    let fetched =
        fetch::fetch(&url(&server, "/feed.xml"), &FetchOptions::default()).expect("fetch succeeds");

    assert_eq!(fetched.body, feed);
}

#[test]
fn request_names_the_tool_and_version_and_prefers_feeds() {
    let server = TestServer::start([("/feed.xml", Response::ok("text/xml", "<rss/>"))]);

    fetch::fetch(&url(&server, "/feed.xml"), &FetchOptions::default()).expect("fetch succeeds");

    let head = server.requests().concat().to_ascii_lowercase();
    let user_agent = format!("user-agent: feedmill/{}", env!("CARGO_PKG_VERSION"));
    assert!(head.contains(&user_agent), "request was:\n{head}");
    assert!(
        head.contains("accept: application/rss+xml"),
        "request was:\n{head}"
    );
}

#[test]
fn redirects_are_followed_and_final_url_reported() {
    let server = TestServer::start([
        ("/old.xml", Response::redirect("/new.xml")),
        ("/new.xml", Response::ok("application/rss+xml", "<rss/>")),
    ]);

    let fetched =
        fetch::fetch(&url(&server, "/old.xml"), &FetchOptions::default()).expect("fetch succeeds");

    assert_eq!(fetched.final_url, url(&server, "/new.xml"));
    assert_eq!(fetched.body, b"<rss/>");
}

#[test]
fn redirect_loop_is_an_error_naming_the_url() {
    let server = TestServer::start([
        ("/a", Response::redirect("/b")),
        ("/b", Response::redirect("/a")),
    ]);
    let start = url(&server, "/a");

    let err = fetch::fetch(&start, &FetchOptions::default()).expect_err("loop must fail");

    assert!(
        matches!(err, FetchError::TooManyRedirects { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains(start.as_str()), "{err}");
}

#[test]
fn not_found_is_an_error_naming_status_and_url() {
    let server = TestServer::start([]);
    let missing = url(&server, "/missing.xml");

    let err = fetch::fetch(&missing, &FetchOptions::default()).expect_err("404 must fail");

    assert!(
        matches!(err, FetchError::Status { status: 404, .. }),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.contains("404 Not Found"), "{message}");
    assert!(message.contains(missing.as_str()), "{message}");
}

#[test]
fn declared_body_over_the_limit_is_refused() {
    let server = TestServer::start([("/big.xml", Response::ok("text/xml", vec![b'x'; 4096]))]);
    let big = url(&server, "/big.xml");

    let err = fetch::fetch(&big, &options_with_limit(1024)).expect_err("over the limit");

    assert!(
        matches!(
            err,
            FetchError::TooLarge {
                limit_bytes: 1024,
                ..
            }
        ),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.contains("over the 1 KiB limit"), "{message}");
    assert!(message.contains(big.as_str()), "{message}");
}

#[test]
fn undeclared_body_over_the_limit_is_cut_off_while_reading() {
    let body = vec![b'x'; 256 * 1024];
    let server = TestServer::start([(
        "/endless.xml",
        Response::ok("text/xml", body).without_content_length(),
    )]);

    let err = fetch::fetch(&url(&server, "/endless.xml"), &options_with_limit(1024))
        .expect_err("over the limit");

    assert!(matches!(err, FetchError::TooLarge { .. }), "{err:?}");
}

#[test]
fn limit_counts_decompressed_bytes() {
    // 1 MiB of zeros gzips to about a kilobyte: small on the wire, large once decoded.
    let compressed = gzip(&vec![0; 1024 * 1024]);
    assert!(compressed.len() < 64 * 1024);
    let server = TestServer::start([(
        "/bomb.xml",
        Response::ok("text/xml", compressed).header("Content-Encoding", "gzip"),
    )]);

    let err = fetch::fetch(&url(&server, "/bomb.xml"), &options_with_limit(64 * 1024))
        .expect_err("over the limit once decoded");

    assert!(matches!(err, FetchError::TooLarge { .. }), "{err:?}");
}

#[test]
fn body_exactly_at_the_limit_is_accepted() {
    let server = TestServer::start([(
        "/exact.xml",
        Response::ok("text/xml", vec![b'x'; 1024]).without_content_length(),
    )]);

    let fetched = fetch::fetch(&url(&server, "/exact.xml"), &options_with_limit(1024))
        .expect("at the limit is fine");

    assert_eq!(fetched.body.len(), 1024);
}

#[test]
fn slow_server_times_out() {
    let server = TestServer::start([(
        "/slow.xml",
        Response::ok("text/xml", "<rss/>").delayed(Duration::from_secs(2)),
    )]);
    let options = FetchOptions {
        timeout: Duration::from_millis(300),
        ..FetchOptions::default()
    };

    let err = fetch::fetch(&url(&server, "/slow.xml"), &options).expect_err("too slow");

    assert!(matches!(err, FetchError::TimedOut { .. }), "{err:?}");
    assert!(err.to_string().contains("0.3 s"), "{err}");
}

#[test]
fn refused_connection_is_an_error_naming_the_url() {
    // Take a free loopback port, then close it so that nothing listens there.
    let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let closed = Url::parse(&format!("http://127.0.0.1:{port}/feed.xml")).expect("URL");

    let err = fetch::fetch(&closed, &FetchOptions::default()).expect_err("nothing listens");

    assert!(matches!(err, FetchError::Transport { .. }), "{err:?}");
    assert!(err.to_string().contains(closed.as_str()), "{err}");
}

#[test]
fn only_http_and_https_are_fetched() {
    let file = Url::parse("file:///etc/hostname").expect("URL");

    let err = fetch::fetch(&file, &FetchOptions::default()).expect_err("not http");

    assert!(
        matches!(err, FetchError::UnsupportedScheme { .. }),
        "{err:?}"
    );
}
