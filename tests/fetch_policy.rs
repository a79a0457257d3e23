//! `feedmill::fetch` under `AddressPolicy::PublicOnly`, against servers on 127.0.0.1 started
//! by each test: loopback is refused before any request, on the URL asked for and on every
//! redirect, unless the allowlist names it; the fetch limits still hold.
//!
//! Only loopback is ever contacted: every other address a test names is one the policy
//! must refuse before connecting.

mod support;

use feedmill::fetch::{
    self, AddressClass, AddressPolicy, AllowRule, FetchError, FetchOptions, Fetcher, LocalName,
    Refusal,
};
use support::{Response, TestServer};
use url::Url;

fn url(text: &str) -> Url {
    Url::parse(text).expect("test URL")
}

fn port(server: &TestServer) -> u16 {
    url(&server.url("/")).port().expect("test server port")
}

fn public_only(allow: &[String]) -> FetchOptions {
    FetchOptions {
        address_policy: AddressPolicy::PublicOnly {
            allow: allow
                .iter()
                .map(|rule| rule.parse().expect("test rule"))
                .collect(),
        },
        ..FetchOptions::default()
    }
}

/// Allows `server`'s own address and port, and nothing else on loopback.
fn allowing(server: &TestServer) -> FetchOptions {
    public_only(&[format!("127.0.0.1:{}", port(server))])
}

fn feed_server() -> TestServer {
    TestServer::start([("/feed.xml", Response::ok("application/rss+xml", "<rss/>"))])
}

#[test]
fn a_loopback_address_is_refused_before_any_request() {
    let server = feed_server();
    let target = url(&server.url("/feed.xml"));

    let err = fetch::fetch(&target, &public_only(&[])).expect_err("loopback refused");

    match &err {
        FetchError::Refused {
            url,
            redirect: None,
            refusal,
        } => {
            assert_eq!(*url, target);
            assert!(
                matches!(
                    **refusal,
                    Refusal::Address {
                        class: AddressClass::Loopback,
                        ..
                    }
                ),
                "{refusal:?}"
            );
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(
        err.to_string(),
        format!(
            "fetching `{target}`: refused: 127.0.0.1 is a loopback address \
             (address policy: public only)"
        )
    );
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

#[test]
fn localhost_is_refused_before_any_request() {
    let server = feed_server();
    let target = url(&format!("http://localhost:{}/feed.xml", port(&server)));

    let err = fetch::fetch(&target, &public_only(&[])).expect_err("localhost refused");

    let FetchError::Refused { refusal, .. } = &err else {
        panic!("expected a refusal, got {err:?}");
    };
    assert!(
        matches!(
            **refusal,
            Refusal::Name {
                kind: LocalName::ThisMachine,
                ..
            }
        ),
        "{refusal:?}"
    );
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

#[test]
fn a_redirect_to_another_loopback_host_is_refused_on_the_hop() {
    let target = feed_server();
    let target_port = port(&target);
    let hops = [
        format!("http://127.0.0.2:{target_port}/feed.xml"),
        format!("http://localhost:{target_port}/feed.xml"),
        format!("http://[::ffff:127.0.0.1]:{target_port}/feed.xml"),
        // The allowed address, but not the allowed port.
        format!("http://127.0.0.1:{target_port}/feed.xml"),
    ];
    for hop in hops {
        let allowed = TestServer::start([("/old", Response::redirect(&hop))]);
        let start = url(&allowed.url("/old"));

        let err = fetch::fetch(&start, &allowing(&allowed)).expect_err("hop refused");

        match &err {
            FetchError::Refused {
                url,
                redirect: Some(redirect),
                ..
            } => {
                assert_eq!(*url, start);
                assert_eq!(**redirect, self::url(&hop));
            }
            other => panic!("{hop}: expected a refused redirect, got {other:?}"),
        }
        assert!(
            err.to_string()
                .contains(&format!("refused: redirect to `{}`: ", self::url(&hop))),
            "{err}"
        );
        assert_eq!(allowed.requests().len(), 1, "{hop}");
    }
    assert!(target.requests().is_empty(), "{:?}", target.requests());
}

#[test]
fn an_allowlisted_server_is_fetched_and_its_own_redirects_followed() {
    let server = TestServer::start([
        ("/old", Response::redirect("/feed.xml")),
        ("/feed.xml", Response::ok("application/rss+xml", "<rss/>")),
    ]);

    let fetched = fetch::fetch(&url(&server.url("/old")), &allowing(&server)).expect("allowlisted");

    assert_eq!(fetched.body, b"<rss/>");
    assert_eq!(fetched.final_url, url(&server.url("/feed.xml")));
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn an_allowlisted_name_is_trusted_with_what_it_resolves_to() {
    let server = feed_server();
    let server_port = port(&server);
    let options = FetchOptions {
        address_policy: AddressPolicy::PublicOnly {
            allow: vec![AllowRule::name("localhost").on_port(server_port)],
        },
        ..FetchOptions::default()
    };
    let target = url(&format!("http://localhost:{server_port}/feed.xml"));

    let fetched = fetch::fetch(&target, &options).expect("allowlisted name");

    assert_eq!(fetched.body, b"<rss/>");
}

#[test]
fn the_fetch_limits_still_hold_for_an_allowlisted_server() {
    let server = TestServer::start([
        ("/loop", Response::redirect("/loop")),
        ("/big", Response::ok("text/xml", vec![b'x'; 4096])),
    ]);
    let options = FetchOptions {
        max_body_bytes: 1024,
        max_redirects: 3,
        ..allowing(&server)
    };

    let looped = fetch::fetch(&url(&server.url("/loop")), &options).expect_err("loop");
    assert!(
        matches!(looped, FetchError::TooManyRedirects { limit: 3, .. }),
        "{looped:?}"
    );
    let big = fetch::fetch(&url(&server.url("/big")), &options).expect_err("too large");
    assert!(matches!(big, FetchError::TooLarge { .. }), "{big:?}");
}

#[test]
fn fetching_many_refuses_each_inside_url_and_fetches_the_allowed_ones() {
    let allowed = feed_server();
    let other = feed_server();
    let urls = [url(&other.url("/feed.xml")), url(&allowed.url("/feed.xml"))];
    let fetcher = Fetcher::new(&allowing(&allowed)).expect("fetcher");
    let requests: Vec<fetch::Request> = urls.iter().cloned().map(fetch::Request::new).collect();

    let results = fetcher.get_all(&requests, 2);

    let Err(FetchError::Refused { refusal, .. }) = &results[0] else {
        panic!("expected a refusal, got {:?}", results[0]);
    };
    assert!(matches!(**refusal, Refusal::Port { .. }), "{refusal:?}");
    assert!(results[1].is_ok(), "{:?}", results[1]);
    assert!(other.requests().is_empty());
}

#[test]
fn allow_all_still_reaches_loopback() {
    let server = feed_server();

    let fetched = fetch::fetch(&url(&server.url("/feed.xml")), &FetchOptions::default())
        .expect("allow all is the default");

    assert_eq!(fetched.body, b"<rss/>");
}
