//! Secrets never leak: `feedmill serve` and `feedmill build` run with `RUST_LOG=trace`
//! against sources that need an `Authorization` header, a cookie or a `?token=` in their
//! URL (one of them failing, so its error is shown), while callers present the serve
//! token right and wrong by `?key=` and `Authorization: Bearer`. No secret appears in
//! stdout or stderr, in the index page, OPML, feeds or error bodies, nor in what
//! `build` writes; the serve token appears only in links given back to a caller who
//! presented it. `check` and `convert` show no secret in what they print either.

mod support;

use std::fs;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::blocking::Client;
use support::{Response, TestServer};

const SERVE_TOKEN: &str = "serve-token-0123456789abcdef";
const WRONG_KEY: &str = "wrong-guess-key-9876543210";
const HEADER_SECRET: &str = "header-s3cret-4711";
const COOKIE_SECRET: &str = "cookie-s3cret-4712";
const QUERY_SECRET: &str = "query-s3cret-4713";
const FAILING_SECRET: &str = "failing-s3cret-4714";
const USERINFO_SECRET: &str = "userinfo-s3cret-4715";
const REDIRECT_SECRET: &str = "redirect-s3cret-4716";

/// Every secret but the serve token, which a caller who presented it gets back in links.
const UPSTREAM_SECRETS: [&str; 6] = [
    HEADER_SECRET,
    COOKIE_SECRET,
    QUERY_SECRET,
    FAILING_SECRET,
    USERINFO_SECRET,
    REDIRECT_SECRET,
];

fn rss(title: &str) -> String {
    format!(
        "<rss version=\"2.0\"><channel><title>{title}</title><item><title>{title} story</title>\
         <link>https://example.org/{title}</link></item></channel></rss>"
    )
}

fn upstream() -> TestServer {
    let private = Response::status(401).when_header(
        "Authorization",
        &format!("Bearer {HEADER_SECRET}"),
        Response::ok("application/rss+xml", rss("private")),
    );
    let cookie = Response::status(403).when_header(
        "Cookie",
        &format!("session={COOKIE_SECRET}"),
        Response::ok("application/rss+xml", rss("cookie")),
    );
    TestServer::start_concurrent([
        ("/private.xml", private),
        ("/cookie.xml", cookie),
        (
            format!("/query.xml?token={QUERY_SECRET}").as_str(),
            Response::ok("application/rss+xml", rss("query")),
        ),
        (
            format!("/failing.xml?api_key={FAILING_SECRET}").as_str(),
            Response::status(500),
        ),
        ("/userinfo.xml", Response::status(503)),
        (
            format!("/moved.xml?access_token={REDIRECT_SECRET}").as_str(),
            Response::redirect(&format!("/moved-here.xml?access_token={REDIRECT_SECRET}")),
        ),
        (
            format!("/moved-here.xml?access_token={REDIRECT_SECRET}").as_str(),
            Response::ok("application/rss+xml", rss("moved")),
        ),
    ])
}

/// A definition reading every kind of protected source, and settings with a serve token.
fn configure(dir: &Path, server: &TestServer) {
    let userinfo = server
        .url("/userinfo.xml")
        .replace("http://", &format!("http://reader:{USERINFO_SECRET}@"));
    fs::write(
        dir.join("guarded.toml"),
        format!(
            "[feed]\ntitle = \"Guarded\"\n\
             [[source]]\nname = \"private\"\nurl = \"{}\"\nheaders = {{ Authorization = \"Bearer {HEADER_SECRET}\" }}\n\
             [[source]]\nname = \"cookie\"\nurl = \"{}\"\ncookies = {{ session = \"{COOKIE_SECRET}\" }}\n\
             [[source]]\nname = \"query\"\nurl = \"{}\"\n\
             [[source]]\nname = \"failing\"\nurl = \"{}\"\n\
             [[source]]\nname = \"userinfo\"\nurl = \"{userinfo}\"\n\
             [[source]]\nname = \"moved\"\nurl = \"{}\"\n",
            server.url("/private.xml"),
            server.url("/cookie.xml"),
            server.url(&format!("/query.xml?token={QUERY_SECRET}")),
            server.url(&format!("/failing.xml?api_key={FAILING_SECRET}")),
            server.url(&format!("/moved.xml?access_token={REDIRECT_SECRET}")),
        ),
    )
    .expect("write definition");
    fs::write(
        dir.join("feedmill.toml"),
        format!("[serve]\ntoken = \"{SERVE_TOKEN}\"\n"),
    )
    .expect("write settings");
}

fn assert_no_secret(what: &str, text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!text.contains(secret), "{what} leaks `{secret}`:\n{text}");
    }
}

struct Serve(Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port on 127.0.0.1")
}

#[test]
fn no_secret_reaches_logs_pages_or_outputs() {
    let server = upstream();
    let dir = tempfile::tempdir().expect("temp dir");
    configure(dir.path(), &server);

    // `build`, tracing everything.
    let build = Command::new(env!("CARGO_BIN_EXE_feedmill"))
        .arg("build")
        .arg(dir.path())
        .arg("--output-dir")
        .arg(dir.path().join("public"))
        .arg("--state")
        .arg(dir.path().join("build.sqlite"))
        .arg("--summary")
        .env("RUST_LOG", "trace")
        .output()
        .expect("run build");
    let stdout = String::from_utf8_lossy(&build.stdout);
    let stderr = String::from_utf8_lossy(&build.stderr);
    assert_eq!(build.status.code(), Some(4), "two sources fail:\n{stderr}");
    assert!(
        stderr.contains("source `failing`"),
        "the failure is reported:\n{stderr}"
    );
    assert!(
        stdout.contains("sources: 4 ok"),
        "four protected sources read:\n{stdout}"
    );
    assert!(stderr.lines().count() > 20, "trace logging is on");
    assert_no_secret("build stdout", &stdout, &UPSTREAM_SECRETS);
    assert_no_secret("build stderr", &stderr, &UPSTREAM_SECRETS);
    for entry in fs::read_dir(dir.path().join("public")).expect("outputs") {
        let path = entry.expect("entry").path();
        if path.is_file() {
            let text = fs::read_to_string(&path).unwrap_or_default();
            assert_no_secret(&path.display().to_string(), &text, &UPSTREAM_SECRETS);
        }
    }

    // The source's address is still published, its secret replaced.
    let json = fs::read_to_string(dir.path().join("public/guarded.json")).expect("JSON Feed");
    assert!(json.contains("/query.xml?token=REDACTED"), "{json}");
    assert!(stderr.contains("/failing.xml?api_key=REDACTED"), "{stderr}");

    // `serve`, tracing everything, logs into files (a full pipe would block it).
    let port = free_port();
    let log_out = dir.path().join("serve.stdout");
    let log_err = dir.path().join("serve.stderr");
    let _serve = Serve(
        Command::new(env!("CARGO_BIN_EXE_feedmill"))
            .arg("serve")
            .arg(dir.path())
            .arg("--listen")
            .arg(format!("127.0.0.1:{port}"))
            .arg("--state")
            .arg(dir.path().join("serve.sqlite"))
            .env("RUST_LOG", "trace")
            .stdout(Stdio::from(fs::File::create(&log_out).expect("log file")))
            .stderr(Stdio::from(fs::File::create(&log_err).expect("log file")))
            .spawn()
            .expect("start serve"),
    );
    let client = Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let ready = client
            .get(format!("{base}/feeds/guarded.atom?key={SERVE_TOKEN}"))
            .send()
            .is_ok_and(|response| response.status() == 200);
        if ready {
            break;
        }
        assert!(Instant::now() < deadline, "serve never published the feed");
        std::thread::sleep(Duration::from_millis(200));
    }

    let mut bodies = Vec::new();
    for path in [
        "/",
        "/opml",
        "/feeds/guarded.atom",
        "/feeds/guarded.json",
        "/feeds/nope.rss",
    ] {
        for key in [None, Some(WRONG_KEY), Some(SERVE_TOKEN)] {
            for bearer in [false, true] {
                let mut request = client.get(format!("{base}{path}"));
                if let Some(key) = key {
                    request = if bearer {
                        request.bearer_auth(key)
                    } else {
                        request.query(&[("key", key)])
                    };
                }
                let response = request.send().expect("request");
                let status = response.status().as_u16();
                let body = response.text().expect("body");
                let what = format!("{path} with key {key:?} (bearer: {bearer}): {status}");
                if key == Some(SERVE_TOKEN) {
                    if path != "/feeds/nope.rss" {
                        assert_eq!(status, 200, "{what}");
                    }
                    assert_no_secret(&what, &body, &[WRONG_KEY]);
                } else {
                    if path.starts_with("/feeds/guarded") {
                        assert_eq!(status, 401, "{what}: refused without the key");
                    } else {
                        assert!(!body.contains("Guarded"), "{what}: the feed is not listed");
                    }
                    assert_no_secret(&what, &body, &[SERVE_TOKEN, WRONG_KEY]);
                }
                assert_no_secret(&what, &body, &UPSTREAM_SECRETS);
                bodies.push((what, body));
            }
        }
    }
    // The index shows the failing sources' errors, without their secrets.
    let index = client
        .get(format!("{base}/"))
        .bearer_auth(SERVE_TOKEN)
        .send()
        .expect("index")
        .text()
        .expect("index body");
    assert!(
        index.contains("failing ("),
        "the failing source is shown:\n{index}"
    );
    // `/convert` of a protected URL with the key: the answer and the logs keep its secret.
    let convert = client
        .get(format!("{base}/convert"))
        .query(&[
            (
                "url",
                server.url(&format!("/failing.xml?api_key={FAILING_SECRET}")),
            ),
            ("key", SERVE_TOKEN.to_owned()),
        ])
        .send()
        .expect("convert");
    let _ = convert.text();

    std::thread::sleep(Duration::from_millis(300));
    let out = fs::read_to_string(&log_out).unwrap_or_default();
    let err = fs::read_to_string(&log_err).unwrap_or_default();
    assert!(
        err.lines().count() + out.lines().count() > 20,
        "trace logging is on:\n{err}"
    );
    let every_secret = [&UPSTREAM_SECRETS[..], &[SERVE_TOKEN, WRONG_KEY]].concat();
    assert_no_secret("serve stdout", &out, &every_secret);
    assert_no_secret("serve stderr", &err, &every_secret);
    println!(
        "{} responses checked, {} log lines",
        bodies.len(),
        out.lines().count() + err.lines().count()
    );
}

/// `feedmill check` and `feedmill convert` are run by hand, but what they print lands in
/// terminals, scrollback and cron mail: URLs in their reports, errors and warnings show
/// secrets as `REDACTED` too. (`convert`'s output feed is data and is not touched.)
#[test]
fn check_and_convert_print_no_secret() {
    let server = upstream();
    let dir = tempfile::tempdir().expect("temp dir");
    configure(dir.path(), &server);
    let feedmill = env!("CARGO_BIN_EXE_feedmill");
    let check = Command::new(feedmill)
        .arg("check")
        .arg(dir.path().join("guarded.toml"))
        .output()
        .expect("check runs");
    let stdout = String::from_utf8_lossy(&check.stdout);
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert_no_secret("check stdout", &stdout, &UPSTREAM_SECRETS);
    assert_no_secret("check stderr", &stderr, &UPSTREAM_SECRETS);
    // Sources needing a header or a cookie are read with them, as `build` reads them;
    // the failing source's error is there, with its URL redacted.
    assert_eq!(stdout.matches("with 1 articles").count(), 4, "{stdout}");
    assert!(
        stdout.contains("failing.xml?api_key=REDACTED`: server answered HTTP 500"),
        "{stdout}"
    );
    assert!(
        stdout.contains("query.xml?token=REDACTED, time zone"),
        "{stdout}"
    );

    let failing = server.url(&format!("/failing.xml?api_key={FAILING_SECRET}"));
    let convert = Command::new(feedmill)
        .args(["convert", &failing, "--to", "atom"])
        .output()
        .expect("convert runs");
    assert!(!convert.status.success());
    let stderr = String::from_utf8_lossy(&convert.stderr);
    assert_no_secret("convert stderr", &stderr, &UPSTREAM_SECRETS);
    assert!(
        stderr.contains("500") && stderr.contains("REDACTED"),
        "{stderr}"
    );
}
