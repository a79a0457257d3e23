//! `feedmill serve` as a process: it starts on 127.0.0.1, serves once the first refresh is
//! done, reloads its configuration on a change (`--watch`) and on SIGHUP, refuses a
//! broken one and keeps the running one, and stops cleanly (exit 0) on SIGTERM.

use std::fs;
use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::blocking::Client;

struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port on 127.0.0.1")
}

fn definition(dir: &Path, title: &str) {
    fs::write(
        dir.join("world.toml"),
        format!("[feed]\ntitle = \"{title}\"\n[[source]]\nname = \"local\"\nfile = \"feed.xml\"\n"),
    )
    .expect("write definition");
}

fn start(dir: &Path, watch: bool) -> Server {
    fs::write(
        dir.join("feed.xml"),
        "<rss version=\"2.0\"><channel><title>Local</title><item><title>Kept</title><link>https://example.org/kept</link></item></channel></rss>",
    )
    .expect("write feed");
    definition(dir, "First title");
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_feedmill"))
        .args([
            "serve",
            &dir.to_string_lossy(),
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .args(if watch { &["--watch"][..] } else { &[][..] })
        .args(["--state", &dir.join("state.sqlite").to_string_lossy()])
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting feedmill serve");
    Server { child, port }
}

/// Polls `path` until `ready` accepts the body (or 20 s pass).
fn wait_for(port: u16, path: &str, ready: impl Fn(u16, &str) -> bool) -> String {
    let client = Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(response) = client.get(format!("http://127.0.0.1:{port}{path}")).send() {
            let status = response.status().as_u16();
            let body = response.text().unwrap_or_default();
            if ready(status, &body) {
                return body;
            }
        }
        assert!(Instant::now() < deadline, "{path} never became ready");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn serve_reloads_on_change_refuses_a_broken_configuration_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut server = start(dir.path(), true);
    let port = server.port;
    wait_for(port, "/healthz", |status, _| status == 200);
    wait_for(port, "/", |_, body| body.contains("First title"));

    definition(dir.path(), "Second title");
    wait_for(port, "/", |_, body| body.contains("Second title"));

    // A broken definition is refused; the running one stays and is still served.
    fs::write(dir.path().join("world.toml"), "[feed]\ntitle = \"\"\n").expect("write broken");
    std::thread::sleep(Duration::from_secs(3));
    let index = wait_for(port, "/", |status, _| status == 200);
    assert!(index.contains("Second title"), "{index}");

    definition(dir.path(), "Third title");
    wait_for(port, "/", |_, body| body.contains("Third title"));

    let _ = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = server.child.try_wait().expect("waiting") {
            break status;
        }
        assert!(Instant::now() < deadline, "serve did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "exit status {status}");
    let mut stderr = String::new();
    if let Some(mut pipe) = server.child.stderr.take() {
        let _ = pipe.read_to_string(&mut stderr);
    }
    assert!(stderr.contains("feed.title: must not be empty"), "{stderr}");
    assert!(stderr.contains("reload refused"), "{stderr}");
}

#[test]
fn without_watch_only_sighup_reloads() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = start(dir.path(), false);
    let port = server.port;
    wait_for(port, "/", |_, body| body.contains("First title"));
    definition(dir.path(), "Second title");
    std::thread::sleep(Duration::from_secs(3));
    assert!(
        wait_for(port, "/", |status, _| status == 200).contains("First title"),
        "no reload without --watch or SIGHUP"
    );
    let _ = Command::new("kill")
        .args(["-HUP", &server.child.id().to_string()])
        .status();
    wait_for(port, "/", |_, body| body.contains("Second title"));
}
