//! Test helpers shared by the integration tests: a tiny HTTP/1.1 server on 127.0.0.1 that
//! answers fixed responses by path, and fixture loading.
//!
//! The server handles one connection at a time (or, started with `start_concurrent`, each
//! on its own thread, counting how many overlap, also across the servers of a
//! [`LoadGroup`]), closes each after one answer and stops when dropped. A response can
//! depend on a request header ([`Response::when_header`]). It only ever listens on
//! loopback.

// Each test crate uses part of this module.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// Path of a file under `tests/fixtures/feeds/`.
pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/feeds")
        .join(name)
}

/// Bytes of a file under `tests/fixtures/feeds/`.
pub fn fixture_bytes(name: &str) -> Vec<u8> {
    let path = fixture_path(name);
    std::fs::read(&path).unwrap_or_else(|err| panic!("reading {}: {err}", path.display()))
}

/// One canned HTTP response.
#[derive(Debug, Clone)]
pub struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    send_content_length: bool,
    delay: Duration,
    /// (header name, exact value, answer instead) when the request carries that header.
    instead: Option<(String, String, Box<Response>)>,
}

impl Response {
    /// `200 OK` with a `Content-Type`.
    pub fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Response::status(200)
            .header("Content-Type", content_type)
            .body(body)
    }

    /// An empty response with `status`.
    pub fn status(status: u16) -> Self {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            send_content_length: true,
            delay: Duration::ZERO,
            instead: None,
        }
    }

    /// `302 Found` pointing at `location`.
    pub fn redirect(location: &str) -> Self {
        Response::status(302).header("Location", location)
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Replaces the body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// Sends no `Content-Length`: the body ends when the connection closes.
    pub fn without_content_length(mut self) -> Self {
        self.send_content_length = false;
        self
    }

    /// Answers `instead` when the request has header `name` (any case) with exactly
    /// `value`, e.g. a `304` when `If-None-Match` matches.
    pub fn when_header(mut self, name: &str, value: &str, instead: Response) -> Self {
        self.instead = Some((name.to_owned(), value.to_owned(), Box::new(instead)));
        self
    }

    /// The response to a request with this `head`: `self` or the `when_header` one.
    fn for_head(&self, head: &str) -> &Response {
        match &self.instead {
            Some((name, value, instead)) if has_header(head, name, value) => instead,
            _ => self,
        }
    }

    /// Waits this long before answering.
    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

/// A server on `127.0.0.1:<free port>` answering `routes` by request path (404 otherwise).
pub struct TestServer {
    addr: SocketAddr,
    routes: Arc<RwLock<HashMap<String, Response>>>,
    stop: Arc<AtomicBool>,
    requests: Arc<Mutex<Vec<String>>>,
    load: Arc<Load>,
    thread: Option<JoinHandle<()>>,
}

/// Requests being answered now, and the most there ever were at once.
#[derive(Default)]
struct Load {
    in_flight: AtomicUsize,
    peak: AtomicUsize,
}

impl Load {
    fn enter(&self) {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
    }

    fn leave(&self) {
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Counts overlapping requests over several servers started with
/// [`TestServer::start_concurrent_in`].
#[derive(Clone, Default)]
pub struct LoadGroup(Arc<Load>);

impl LoadGroup {
    /// The most requests that were being answered at the same moment by the group's servers
    /// together.
    pub fn peak_concurrency(&self) -> usize {
        self.0.peak.load(Ordering::SeqCst)
    }
}

impl TestServer {
    /// Starts serving `routes`, e.g. `[("/feed.xml", Response::ok("application/rss+xml", b))]`,
    /// one connection at a time.
    pub fn start<'a>(routes: impl IntoIterator<Item = (&'a str, Response)>) -> Self {
        Self::start_with(routes, false)
    }

    /// Like [`TestServer::start`], but answers each connection on its own thread, so
    /// requests overlap; [`TestServer::peak_concurrency`] tells how many did at most.
    pub fn start_concurrent<'a>(routes: impl IntoIterator<Item = (&'a str, Response)>) -> Self {
        Self::start_with(routes, true)
    }

    /// Like [`TestServer::start_concurrent`], also counting its requests in `group`.
    pub fn start_concurrent_in<'a>(
        routes: impl IntoIterator<Item = (&'a str, Response)>,
        group: &LoadGroup,
    ) -> Self {
        Self::start_with_group(routes, true, Some(group))
    }

    fn start_with<'a>(
        routes: impl IntoIterator<Item = (&'a str, Response)>,
        concurrent: bool,
    ) -> Self {
        Self::start_with_group(routes, concurrent, None)
    }

    fn start_with_group<'a>(
        routes: impl IntoIterator<Item = (&'a str, Response)>,
        concurrent: bool,
        group: Option<&LoadGroup>,
    ) -> Self {
        let routes: Arc<RwLock<HashMap<String, Response>>> = Arc::new(RwLock::new(
            routes
                .into_iter()
                .map(|(path, response)| (path.to_owned(), response))
                .collect(),
        ));
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("binding 127.0.0.1:0");
        let addr = listener
            .local_addr()
            .expect("local address of the test server");
        let stop = Arc::new(AtomicBool::new(false));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let load = Arc::new(Load::default());
        let thread = {
            let shared = Shared {
                routes: Arc::clone(&routes),
                requests: Arc::clone(&requests),
                load: Arc::clone(&load),
                group: group.map(|group| Arc::clone(&group.0)),
            };
            let stop = Arc::clone(&stop);
            thread::spawn(move || serve(&listener, shared, &stop, concurrent))
        };
        TestServer {
            addr,
            routes,
            stop,
            requests,
            load,
            thread: Some(thread),
        }
    }

    /// Answers `path` with `response` from now on (a source that changes between runs).
    pub fn set_route(&self, path: &str, response: Response) {
        let mut routes = self.routes.write().unwrap_or_else(|e| e.into_inner());
        routes.insert(path.to_owned(), response);
    }

    /// The most requests that were being answered at the same moment.
    pub fn peak_concurrency(&self) -> usize {
        self.load.peak.load(Ordering::SeqCst)
    }

    /// The absolute URL of `path` (which starts with `/`) on this server.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The request heads received so far (request line and headers), oldest first.
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// What every connection's handler needs.
#[derive(Clone)]
struct Shared {
    routes: Arc<RwLock<HashMap<String, Response>>>,
    requests: Arc<Mutex<Vec<String>>>,
    load: Arc<Load>,
    group: Option<Arc<Load>>,
}

fn serve(listener: &TcpListener, shared: Shared, stop: &AtomicBool, concurrent: bool) {
    let mut handlers = Vec::new();
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        if concurrent {
            let shared = shared.clone();
            handlers.push(thread::spawn(move || answer(stream, &shared)));
        } else {
            answer(stream, &shared);
        }
    }
    for handler in handlers {
        let _ = handler.join();
    }
}

fn answer(mut stream: TcpStream, shared: &Shared) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let Some(head) = read_head(&mut stream) else {
        return;
    };
    let loads = std::iter::once(&shared.load).chain(&shared.group);
    loads.clone().for_each(|load| load.enter());
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let is_head = head.starts_with("HEAD ");
    let not_found = Response::status(404).body("not found");
    let response = {
        let routes = shared.routes.read().unwrap_or_else(|e| e.into_inner());
        routes
            .get(&path)
            .unwrap_or(&not_found)
            .for_head(&head)
            .clone()
    };
    let response = &response;
    if let Ok(mut log) = shared.requests.lock() {
        log.push(head);
    }
    thread::sleep(response.delay);
    // Done before answering: once the client has the answer it may send its next request,
    // which must not count as overlapping this one.
    loads.for_each(|load| load.leave());
    // The client may hang up early (e.g. over a size limit); that is not our failure.
    let _ = write_response(&mut stream, response, is_head);
}

/// Whether the request `head` has header `name` (any case) with exactly `value`.
fn has_header(head: &str, name: &str, value: &str) -> bool {
    head.lines().skip(1).any(|line| {
        line.split_once(':').is_some_and(|(line_name, line_value)| {
            line_name.trim().eq_ignore_ascii_case(name) && line_value.trim() == value
        })
    })
}

fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut byte = [0; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 64 * 1024 {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return None,
        }
    }
    Some(String::from_utf8_lossy(&head).into_owned())
}

fn write_response(
    stream: &mut TcpStream,
    response: &Response,
    is_head: bool,
) -> std::io::Result<()> {
    let mut out = format!("HTTP/1.1 {} Test\r\nConnection: close\r\n", response.status);
    for (name, value) in &response.headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    if response.send_content_length {
        out.push_str(&format!("Content-Length: {}\r\n", response.body.len()));
    }
    out.push_str("\r\n");
    stream.write_all(out.as_bytes())?;
    if !is_head {
        stream.write_all(&response.body)?;
    }
    stream.flush()?;
    stream.shutdown(std::net::Shutdown::Write)
}
