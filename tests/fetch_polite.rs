//! `feedmill::fetch::Fetcher`'s manners against servers on 127.0.0.1 started by each test:
//! conditional GET, `Retry-After`, request headers and cookies, `User-Agent`, and the
//! per-host bound when fetching many.

mod support;

use std::time::{Duration, SystemTime};

use feedmill::fetch::{FetchError, FetchOptions, Fetched, Fetcher, Request, Response};
use support::{LoadGroup, Response as Served, TestServer};
use url::Url;

const LAST_MODIFIED: &str = "Wed, 21 Oct 2015 07:28:00 GMT";

fn url(server: &TestServer, path: &str) -> Url {
    Url::parse(&server.url(path)).expect("test server URL")
}

fn fetcher() -> Fetcher {
    Fetcher::new(&FetchOptions::default()).expect("default options make a fetcher")
}

fn modified(response: Response) -> Fetched {
    match response {
        Response::Modified(fetched) => fetched,
        Response::NotModified { .. } => panic!("expected a document, got 304"),
    }
}

/// The one request head the server saw, lowercased.
fn only_request(server: &TestServer) -> String {
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "requests: {requests:?}");
    requests[0].to_ascii_lowercase()
}

#[test]
fn validators_come_back_and_a_conditional_get_with_them_gets_not_modified() {
    // The server answers 304 only when the request carries the ETag it handed out.
    let feed = Served::ok("application/rss+xml", "<rss/>")
        .header("ETag", "\"v1\"")
        .header("Last-Modified", LAST_MODIFIED);
    let server = TestServer::start([(
        "/feed.xml",
        feed.when_header("If-None-Match", "\"v1\"", Served::status(304)),
    )]);
    let fetcher = fetcher();
    let feed_url = url(&server, "/feed.xml");

    let first = modified(fetcher.get(&Request::new(feed_url.clone())).expect("200"));
    assert_eq!(first.etag.as_deref(), Some("\"v1\""));
    assert_eq!(first.last_modified.as_deref(), Some(LAST_MODIFIED));
    assert_eq!(first.body, b"<rss/>");

    let again = Request {
        etag: first.etag,
        last_modified: first.last_modified,
        ..Request::new(feed_url.clone())
    };
    let second = fetcher.get(&again).expect("304 is not an error");

    assert_eq!(
        second,
        Response::NotModified {
            final_url: feed_url
        }
    );
    let head = server.requests()[1].to_ascii_lowercase();
    assert!(head.contains("if-none-match: \"v1\""), "{head}");
    assert!(
        head.contains(&format!(
            "if-modified-since: {}",
            LAST_MODIFIED.to_ascii_lowercase()
        )),
        "{head}"
    );
}

#[test]
fn last_modified_alone_makes_a_conditional_get() {
    let feed = Served::ok("application/rss+xml", "<rss/>");
    let server = TestServer::start([(
        "/feed.xml",
        feed.when_header("If-Modified-Since", LAST_MODIFIED, Served::status(304)),
    )]);
    let request = Request {
        last_modified: Some(LAST_MODIFIED.into()),
        ..Request::new(url(&server, "/feed.xml"))
    };

    let response = fetcher().get(&request).expect("304 is not an error");

    assert!(
        matches!(response, Response::NotModified { .. }),
        "{response:?}"
    );
    assert!(!only_request(&server).contains("if-none-match"));
}

#[test]
fn a_plain_get_sends_no_validators_and_a_document_without_them_has_none() {
    let server = TestServer::start([("/feed.xml", Served::ok("text/xml", "<rss/>"))]);

    let fetched = modified(
        fetcher()
            .get(&Request::new(url(&server, "/feed.xml")))
            .expect("200"),
    );

    assert_eq!((fetched.etag, fetched.last_modified), (None, None));
    let head = only_request(&server);
    assert!(!head.contains("if-none-match") && !head.contains("if-modified-since"));
}

/// The error for a `status` answer with `Retry-After: retry_after`, fetched with `options`.
fn refused(status: u16, retry_after: Option<&str>, options: &FetchOptions) -> (FetchError, Url) {
    let mut answer = Served::status(status);
    if let Some(value) = retry_after {
        answer = answer.header("Retry-After", value);
    }
    let server = TestServer::start([("/feed.xml", answer)]);
    let feed_url = url(&server, "/feed.xml");
    let fetcher = Fetcher::new(options).expect("a fetcher");
    let err = fetcher
        .get(&Request::new(feed_url.clone()))
        .expect_err("an error status");
    (err, feed_url)
}

#[test]
fn too_many_requests_reports_retry_after_in_seconds() {
    let (err, feed_url) = refused(429, Some("120"), &FetchOptions::default());

    assert!(
        matches!(
            err,
            FetchError::Status {
                status: 429,
                retry_after: Some(wait),
                ..
            } if wait == Duration::from_secs(120)
        ),
        "{err:?}"
    );
    assert_eq!(err.retry_after(), Some(Duration::from_secs(120)));
    let message = err.to_string();
    assert!(message.contains("429 Too Many Requests"), "{message}");
    assert!(message.contains("retry after 120 s"), "{message}");
    assert!(message.contains(feed_url.as_str()), "{message}");
}

#[test]
fn retry_after_as_a_date_counts_from_now() {
    let in_an_hour = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(3600));

    let (err, _) = refused(429, Some(&in_an_hour), &FetchOptions::default());

    let wait = err.retry_after().expect("a wait");
    // The date has whole seconds and the request takes a moment: allow a minute.
    assert!(
        (Duration::from_secs(3540)..=Duration::from_secs(3600)).contains(&wait),
        "{wait:?}"
    );
}

#[test]
fn an_absurd_retry_after_is_cut_to_the_configured_maximum() {
    let (err, _) = refused(429, Some("1000000000000"), &FetchOptions::default());
    assert_eq!(err.retry_after(), Some(Duration::from_secs(6 * 60 * 60)));

    let options = FetchOptions {
        max_retry_after: Duration::from_secs(60 * 60),
        ..FetchOptions::default()
    };
    let (err, _) = refused(503, Some("Fri, 31 Dec 9999 23:59:59 GMT"), &options);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(60 * 60)));
    assert!(err.to_string().contains("retry after 3600 s"), "{err}");
}

#[test]
fn service_unavailable_reports_retry_after_too() {
    let (err, _) = refused(503, Some("30"), &FetchOptions::default());

    assert!(
        matches!(err, FetchError::Status { status: 503, .. }),
        "{err:?}"
    );
    assert_eq!(err.retry_after(), Some(Duration::from_secs(30)));
    assert!(err.to_string().contains("503 Service Unavailable"), "{err}");
}

#[test]
fn retry_after_is_read_only_where_it_means_come_back_later() {
    let (err, _) = refused(429, None, &FetchOptions::default());
    assert_eq!(err.retry_after(), None);
    assert!(!err.to_string().contains("retry"), "{err}");

    let (err, _) = refused(500, Some("120"), &FetchOptions::default());
    assert_eq!(err.retry_after(), None);

    let (err, _) = refused(429, Some("soon"), &FetchOptions::default());
    assert_eq!(err.retry_after(), None);
}

#[test]
fn request_headers_and_cookies_arrive() {
    let server = TestServer::start([("/feed.xml", Served::ok("text/xml", "<rss/>"))]);
    let request = Request {
        headers: vec![
            ("X-Api-Key".into(), "k-123".into()),
            ("Accept-Language".into(), "ko, en;q=0.5".into()),
        ],
        cookies: vec![
            ("lang".into(), "ko".into()),
            ("consent".into(), "yes".into()),
        ],
        ..Request::new(url(&server, "/feed.xml"))
    };

    fetcher().get(&request).expect("200");

    let head = only_request(&server);
    assert!(head.contains("\r\nx-api-key: k-123\r\n"), "{head}");
    assert!(
        head.contains("\r\naccept-language: ko, en;q=0.5\r\n"),
        "{head}"
    );
    assert!(
        head.contains("\r\ncookie: lang=ko; consent=yes\r\n"),
        "{head}"
    );
    assert!(head.contains("\r\naccept: application/rss+xml"), "{head}");
}

#[test]
fn cookies_and_credentials_do_not_follow_a_redirect_to_another_host() {
    let other = TestServer::start([("/feed.xml", Served::ok("text/xml", "<rss/>"))]);
    let server = TestServer::start([("/feed.xml", Served::redirect(&other.url("/feed.xml")))]);
    let request = Request {
        headers: vec![("Authorization".into(), "Bearer k-123".into())],
        cookies: vec![("session".into(), "s-456".into())],
        ..Request::new(url(&server, "/feed.xml"))
    };

    let fetched = modified(fetcher().get(&request).expect("200 after the redirect"));

    assert_eq!(fetched.final_url, url(&other, "/feed.xml"));
    assert!(only_request(&server).contains("cookie: session=s-456"));
    let head = only_request(&other);
    assert!(!head.contains("s-456") && !head.contains("k-123"), "{head}");
}

#[test]
fn an_invalid_header_is_an_error_before_anything_is_sent() {
    let server = TestServer::start([("/feed.xml", Served::ok("text/xml", "<rss/>"))]);
    let request = Request {
        headers: vec![("X-Token".into(), "a\r\nInjected: yes".into())],
        ..Request::new(url(&server, "/feed.xml"))
    };

    let err = fetcher()
        .get(&request)
        .expect_err("a line break in a header");

    assert!(matches!(err, FetchError::InvalidHeader { .. }), "{err:?}");
    assert!(err.to_string().contains("`X-Token`"), "{err}");
    assert!(server.requests().is_empty());
}

#[test]
fn the_default_user_agent_names_feedmill_and_a_configured_one_is_sent_as_given() {
    let server = TestServer::start([("/feed.xml", Served::ok("text/xml", "<rss/>"))]);
    let feed_url = url(&server, "/feed.xml");

    fetcher().get(&Request::new(feed_url.clone())).expect("200");
    let custom = FetchOptions {
        user_agent: "MyReader/2.0 (+https://example.org/bot)".into(),
        ..FetchOptions::default()
    };
    Fetcher::new(&custom)
        .expect("a fetcher")
        .get(&Request::new(feed_url))
        .expect("200");

    let requests = server.requests();
    let expected = format!("\r\nuser-agent: feedmill/{}\r\n", env!("CARGO_PKG_VERSION"));
    assert!(
        requests[0].to_ascii_lowercase().contains(&expected),
        "{}",
        requests[0]
    );
    assert!(
        requests[1].contains("\r\nuser-agent: MyReader/2.0 (+https://example.org/bot)\r\n"),
        "{}",
        requests[1]
    );
}

/// Paths `/0` … `/{n-1}` on a concurrent server in `group`, each answering its own name
/// after `delay`.
fn slow_server(n: usize, delay: Duration, group: &LoadGroup) -> (TestServer, Vec<Url>) {
    let paths: Vec<String> = (0..n).map(|i| format!("/{i}")).collect();
    let server = TestServer::start_concurrent_in(
        paths.iter().map(|path| {
            (
                path.as_str(),
                Served::ok("text/plain", path.clone()).delayed(delay),
            )
        }),
        group,
    );
    let urls = paths.iter().map(|path| url(&server, path)).collect();
    (server, urls)
}

#[test]
fn one_host_never_sees_more_than_max_per_host_at_once() {
    let group = LoadGroup::default();
    let (server, urls) = slow_server(6, Duration::from_millis(100), &group);
    let requests: Vec<Request> = urls.iter().cloned().map(Request::new).collect();
    let options = FetchOptions {
        max_per_host: 2,
        ..FetchOptions::default()
    };

    let results = Fetcher::new(&options)
        .expect("a fetcher")
        .get_all(&requests, 6);

    assert_eq!(results.len(), 6);
    for (result, url) in results.into_iter().zip(&urls) {
        let fetched = modified(result.expect("200"));
        assert_eq!(&fetched.final_url, url, "results keep the input order");
        assert_eq!(fetched.body, url.path().as_bytes());
    }
    let peak = server.peak_concurrency();
    assert!((1..=2).contains(&peak), "peak {peak}");
}

#[test]
fn two_hosts_are_fetched_side_by_side_each_within_its_bound() {
    // All of host A's requests come first: a worker that waited for A to have room would
    // leave B idle, so more than two at once across both means B ran while A was full.
    let group = LoadGroup::default();
    let delay = Duration::from_millis(200);
    let (host_a, urls_a) = slow_server(4, delay, &group);
    let (host_b, urls_b) = slow_server(4, delay, &group);
    let urls: Vec<Url> = urls_a.iter().chain(&urls_b).cloned().collect();
    let requests: Vec<Request> = urls.iter().cloned().map(Request::new).collect();
    let options = FetchOptions {
        max_per_host: 2,
        ..FetchOptions::default()
    };
    let fetcher = Fetcher::new(&options).expect("a fetcher");

    let final_urls = fetcher.for_each_bounded(&requests, 4, |request, result| {
        let fetched = modified(result.expect("200"));
        assert_eq!(
            fetched.final_url, request.url,
            "the result is the request's"
        );
        fetched.final_url
    });

    assert_eq!(final_urls, urls, "results keep the input order");
    assert!(
        host_a.peak_concurrency() <= 2,
        "A: {}",
        host_a.peak_concurrency()
    );
    assert!(
        host_b.peak_concurrency() <= 2,
        "B: {}",
        host_b.peak_concurrency()
    );
    assert!(
        group.peak_concurrency() >= 3,
        "both: {}",
        group.peak_concurrency()
    );
}

#[test]
fn failures_keep_their_place_among_many() {
    let server = TestServer::start_concurrent([("/ok", Served::ok("text/plain", "ok"))]);
    let requests = vec![
        Request::new(url(&server, "/ok")),
        Request::new(Url::parse("file:///etc/hostname").expect("URL")),
        Request::new(url(&server, "/missing")),
        Request {
            cookies: vec![("a;b".into(), "x".into())],
            ..Request::new(url(&server, "/ok"))
        },
        Request::new(url(&server, "/ok")),
    ];

    let results = fetcher().get_all(&requests, 3);

    assert!(
        matches!(results[0], Ok(Response::Modified(_))),
        "{:?}",
        results[0]
    );
    assert!(
        matches!(results[1], Err(FetchError::UnsupportedScheme { .. })),
        "{:?}",
        results[1]
    );
    assert!(
        matches!(results[2], Err(FetchError::Status { status: 404, .. })),
        "{:?}",
        results[2]
    );
    assert!(
        matches!(results[3], Err(FetchError::InvalidCookie { .. })),
        "{:?}",
        results[3]
    );
    assert!(
        matches!(results[4], Ok(Response::Modified(_))),
        "{:?}",
        results[4]
    );
    assert_eq!(results.len(), 5);
}
