//! A server on 127.0.0.1 that misbehaves on purpose, and the hostile documents it serves.
//!
//! Each route is a [`Misbehaviour`]: a head trickled a byte per second (slowloris), a body
//! trickled the same way, an endless body (close-delimited or chunked), a connection reset
//! in the middle of a body, or a canned answer written byte for byte (a gzip bomb, a
//! redirect loop, a 429 with an absurd `Retry-After`, a document with a lying
//! `Content-Type`). Every connection gets its own thread, so a slow route never holds up
//! the others; a thread ends when the client hangs up or the server is dropped. The
//! documents (deep nesting, entity bombs, contradicting charsets) are built at test time:
//! nothing large is committed. It only ever listens on loopback.

// Each test crate uses part of this module.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, RwLock};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use flate2::{Compress, Compression, FlushCompress};

/// How a route misbehaves.
#[derive(Debug, Clone)]
pub enum Misbehaviour {
    /// `HTTP/1.1 200 OK\r\n`, then the rest of the head one byte every `interval`, and it
    /// never ends (a header that grows forever).
    SlowHead {
        /// The pause between bytes.
        interval: Duration,
    },
    /// A complete head (`Content-Length` of a big feed), then its body one byte every
    /// `interval`.
    SlowBody {
        /// The pause between bytes.
        interval: Duration,
    },
    /// `200`, no `Content-Length`: a feed whose items never end, until the client hangs up.
    EndlessBody,
    /// The same, in `Transfer-Encoding: chunked`, never sending the last chunk.
    EndlessChunked,
    /// `Content-Length: 100000`, a few kilobytes of a feed, then a TCP reset (SO_LINGER 0).
    ResetMidBody,
    /// A complete answer, written as given.
    Canned {
        /// The status code.
        status: u16,
        /// Headers besides `Content-Length` and `Connection`.
        headers: Vec<(String, String)>,
        /// The body.
        body: Arc<Vec<u8>>,
    },
}

impl Misbehaviour {
    /// `200 OK` with `Content-Type: content_type` and `body`.
    pub fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Misbehaviour::Canned {
            status: 200,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: Arc::new(body.into()),
        }
    }

    /// An empty answer with `status` and `headers`.
    pub fn status(status: u16, headers: &[(&str, &str)]) -> Self {
        Misbehaviour::Canned {
            status,
            headers: headers
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                .collect(),
            body: Arc::new(Vec::new()),
        }
    }

    /// Adds a header to a canned answer (other routes ignore it).
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        if let Misbehaviour::Canned { headers, .. } = &mut self {
            headers.push((name.to_owned(), value.to_owned()));
        }
        self
    }
}

/// A server on `127.0.0.1:<free port>` answering each path with its [`Misbehaviour`]
/// (404 otherwise). Stops when dropped.
pub struct HostileServer {
    addr: SocketAddr,
    routes: Arc<RwLock<HashMap<String, Misbehaviour>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl HostileServer {
    /// Starts serving `routes`, each connection on its own thread.
    pub fn start<'a>(routes: impl IntoIterator<Item = (&'a str, Misbehaviour)>) -> Self {
        let routes: Arc<RwLock<HashMap<String, Misbehaviour>>> = Arc::new(RwLock::new(
            routes
                .into_iter()
                .map(|(path, misbehaviour)| (path.to_owned(), misbehaviour))
                .collect(),
        ));
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("binding 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let stop = Arc::clone(&stop);
            let routes = Arc::clone(&routes);
            thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let routes = Arc::clone(&routes);
                    let stop = Arc::clone(&stop);
                    // Detached: a trickling answer ends within a second of the stop flag.
                    thread::spawn(move || answer(stream, &routes, &stop));
                }
            })
        };
        HostileServer {
            addr,
            routes,
            stop,
            thread: Some(thread),
        }
    }

    /// Answers `path` with `misbehaviour` from now on (a good source turning hostile).
    pub fn set_route(&self, path: &str, misbehaviour: Misbehaviour) {
        let mut routes = self.routes.write().unwrap_or_else(|e| e.into_inner());
        routes.insert(path.to_owned(), misbehaviour);
    }

    /// The absolute URL of `path` (which starts with `/`) on this server.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for HostileServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn answer(
    mut stream: TcpStream,
    routes: &RwLock<HashMap<String, Misbehaviour>>,
    stop: &AtomicBool,
) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let Some(path) = read_path(&mut stream) else {
        return;
    };
    let misbehaviour = {
        let routes = routes.read().unwrap_or_else(|e| e.into_inner());
        routes
            .get(&path)
            .cloned()
            .unwrap_or_else(|| Misbehaviour::status(404, &[]))
    };
    // The client hanging up (over a limit, out of time) ends the answer; that is the point.
    let _ = misbehave(&mut stream, &misbehaviour, stop);
}

fn misbehave(
    stream: &mut TcpStream,
    misbehaviour: &Misbehaviour,
    stop: &AtomicBool,
) -> io::Result<()> {
    match misbehaviour {
        Misbehaviour::SlowHead { interval } => {
            stream.write_all(b"HTTP/1.1 200 OK\r\n")?;
            let endless_header = b"X-Slow: ".iter().chain(std::iter::repeat(&b'a'));
            trickle(stream, endless_header, *interval, stop)
        }
        Misbehaviour::SlowBody { interval } => {
            let body = endless_feed().take(1_000_000).collect::<Vec<u8>>();
            write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: {}\r\n\r\n",
                body.len()
            )?;
            trickle(stream, body.iter(), *interval, stop)
        }
        Misbehaviour::EndlessBody => {
            stream.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nConnection: close\r\n\r\n",
            )?;
            for piece in endless_pieces() {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                stream.write_all(piece)?;
            }
            Ok(())
        }
        Misbehaviour::EndlessChunked => {
            stream.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nTransfer-Encoding: chunked\r\n\r\n",
            )?;
            for piece in endless_pieces() {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                write!(stream, "{:x}\r\n", piece.len())?;
                stream.write_all(piece)?;
                stream.write_all(b"\r\n")?;
            }
            Ok(())
        }
        Misbehaviour::ResetMidBody => {
            let part: Vec<u8> = endless_feed().take(4096).collect();
            stream.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: 100000\r\n\r\n",
            )?;
            stream.write_all(&part)?;
            stream.flush()?;
            // Let the client read what was sent before the reset discards it.
            thread::sleep(Duration::from_millis(200));
            socket2::SockRef::from(&*stream).set_linger(Some(Duration::ZERO))?;
            // Dropping the stream now sends RST instead of FIN.
            Ok(())
        }
        Misbehaviour::Canned {
            status,
            headers,
            body,
        } => {
            let mut head = format!("HTTP/1.1 {status} Hostile\r\nConnection: close\r\n");
            for (name, value) in headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
            stream.write_all(head.as_bytes())?;
            stream.write_all(body)?;
            stream.flush()?;
            stream.shutdown(std::net::Shutdown::Write)
        }
    }
}

/// Writes `bytes` one at a time, `interval` apart, until they end, the client hangs up
/// or the server stops.
fn trickle<'a>(
    stream: &mut TcpStream,
    bytes: impl Iterator<Item = &'a u8>,
    interval: Duration,
    stop: &AtomicBool,
) -> io::Result<()> {
    for byte in bytes {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        stream.write_all(&[*byte])?;
        stream.flush()?;
        thread::sleep(interval);
    }
    Ok(())
}

/// Reads a request head and returns its path; `None` if the client sent no whole head.
fn read_path(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut byte = [0; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 64 * 1024 {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return None,
        }
    }
    let head = String::from_utf8_lossy(&head);
    head.split_whitespace().nth(1).map(str::to_owned)
}

/// The start of an RSS feed, then items forever.
fn endless_feed() -> impl Iterator<Item = u8> {
    endless_pieces().flat_map(|piece| piece.iter().copied())
}

/// A thousand items, about 64 KiB, built once: the endless routes send it again and
/// again, so that the server outruns any client.
static ITEMS: LazyLock<Vec<u8>> = LazyLock::new(|| {
    (0..1000)
        .flat_map(|n| {
            format!("<item><title>Item {n}</title><link>https://endless.example/{n}</link></item>")
                .into_bytes()
        })
        .collect()
});

/// [`endless_feed`] in pieces of about 64 KiB.
fn endless_pieces() -> impl Iterator<Item = &'static [u8]> {
    let start: &[u8] =
        b"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Endless</title>";
    std::iter::once(start).chain(std::iter::repeat(ITEMS.as_slice()))
}

/// A gzip stream that decodes to `decoded_mib` MiB of zeros, valid to its trailer, built
/// without compressing that much: after a full flush (which forgets the history) one MiB
/// of zeros always deflates to the same bytes, so those bytes are repeated.
pub fn gzip_bomb(decoded_mib: usize) -> Vec<u8> {
    const MIB: usize = 1024 * 1024;
    let zeros = vec![0u8; MIB];
    let mut compress = Compress::new(Compression::best(), false);
    let mut segment = |input: &[u8], flush: FlushCompress| {
        let mut out = Vec::with_capacity(64 * 1024);
        let before = compress.total_in();
        compress
            .compress_vec(input, &mut out, flush)
            .expect("deflate into memory");
        assert_eq!(
            compress.total_in() - before,
            input.len() as u64,
            "all input taken"
        );
        out
    };
    // The first segment starts the stream; the second is the one that repeats.
    let mut deflated = segment(&zeros, FlushCompress::Full);
    let repeated = segment(&zeros, FlushCompress::Full);
    for _ in 1..decoded_mib {
        deflated.extend_from_slice(&repeated);
    }
    deflated.extend_from_slice(&segment(&[], FlushCompress::Finish));

    let mut one_mib = flate2::Crc::new();
    one_mib.update(&zeros);
    let mut crc = flate2::Crc::new();
    for _ in 0..decoded_mib {
        crc.combine(&one_mib);
    }
    let mut gzip = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    gzip.extend_from_slice(&deflated);
    gzip.extend_from_slice(&crc.sum().to_le_bytes());
    // ISIZE is the length modulo 2^32.
    gzip.extend_from_slice(&((decoded_mib as u64 * MIB as u64) as u32).to_le_bytes());
    gzip
}

/// A brotli stream that decodes to `decoded_mib` MiB of zeros, built like [`gzip_bomb`]:
/// after the first flushed MiB, each further flushed MiB is the same few bytes (a copy of
/// the last distance), so they are repeated.
pub fn brotli_bomb(decoded_mib: usize) -> Vec<u8> {
    const MIB: usize = 1024 * 1024;
    let zeros = vec![0u8; MIB];
    let mut writer = brotli::CompressorWriter::new(Vec::new(), 4096, 5, 22);
    let mut segments = Vec::new();
    for _ in 0..3 {
        writer.write_all(&zeros).expect("brotli into memory");
        writer.flush().expect("brotli into memory");
        segments.push(std::mem::take(writer.get_mut()));
    }
    assert_eq!(segments[1], segments[2], "flushed MiBs of zeros repeat");
    let mut stream = segments[0].clone();
    for _ in 1..decoded_mib {
        stream.extend_from_slice(&segments[1]);
    }
    stream.extend_from_slice(&writer.into_inner());
    stream
}

/// A small valid RSS feed named `name` with `n_items` articles.
pub fn good_feed(name: &str, n_items: usize) -> String {
    let mut items = String::new();
    for n in 0..n_items {
        items.push_str(&format!(
            "<item><title>{name} story {n}</title><link>https://{name}.example.org/{n}</link><pubDate>Mon, 23 Nov 2026 0{n}:00:00 GMT</pubDate></item>"
        ));
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>{name}</title><link>https://{name}.example.org/</link>{items}</channel></rss>"
    )
}

/// An RSS feed whose one item's description holds `depth` nested elements, XML-escaped
/// `<div>`s inside the description (HTML that a sanitizer must walk).
pub fn deep_html_in_rss(depth: usize) -> String {
    let html = format!("{}deep{}", "<div>".repeat(depth), "</div>".repeat(depth));
    let escaped = html.replace('<', "&lt;").replace('>', "&gt;");
    format!(
        "<rss version=\"2.0\"><channel><title>Deep HTML</title><item><title>Deep</title><link>https://deep.example.org/1</link><description>{escaped}</description></item></channel></rss>"
    )
}

/// An XML document nested `depth` elements deep inside an RSS item.
pub fn deep_xml(depth: usize) -> String {
    format!(
        "<rss version=\"2.0\"><channel><title>Deep XML</title><item><title>Deep</title>{}{}</item></channel></rss>",
        "<x>".repeat(depth),
        "</x>".repeat(depth)
    )
}

/// An RSS feed whose one item opens `depth` elements and never closes them.
pub fn deep_unclosed_xml(depth: usize) -> String {
    format!(
        "<rss version=\"2.0\"><channel><title>Deep unclosed</title><item><title>Never closed</title>{}",
        "<a>".repeat(depth)
    )
}

/// An RSS feed whose one item's description is `references` unknown entity references.
pub fn unknown_entity_flood(references: usize) -> String {
    format!(
        "<rss version=\"2.0\"><channel><title>Flood</title><item><title>Flood</title><link>https://flood.example.org/1</link><description>{}</description></item></channel></rss>",
        "&zz;".repeat(references)
    )
}

/// A JSON Feed with an extension object nested `depth` levels deep in its one item.
pub fn deep_json(depth: usize) -> String {
    format!(
        r#"{{"version":"https://jsonfeed.org/version/1.1","title":"Deep JSON","items":[{{"id":"1","url":"https://deep.example.org/json","content_text":"x","_deep":{}1{}}}]}}"#,
        "[".repeat(depth),
        "]".repeat(depth)
    )
}

/// An HTML page nested `depth` `<div>`s deep around its article.
pub fn deep_page(depth: usize) -> String {
    format!(
        "<!DOCTYPE html><html><head><title>Deep page</title><meta property=\"og:title\" content=\"Deep page\"><link rel=\"canonical\" href=\"https://deep.example.org/page\"></head><body>{}<article><h1>Deep page</h1><p>Text.</p></article>{}</body></html>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    )
}

/// The billion laughs: ten entities, each ten of the one before, referenced in a title.
pub fn billion_laughs() -> String {
    let mut doctype = String::from("<!DOCTYPE rss [\n<!ENTITY lol0 \"lol\">\n");
    for n in 1..10 {
        let previous = format!("&lol{};", n - 1).repeat(10);
        doctype.push_str(&format!("<!ENTITY lol{n} \"{previous}\">\n"));
    }
    doctype.push_str("]>\n");
    format!(
        "<?xml version=\"1.0\"?>\n{doctype}<rss version=\"2.0\"><channel><title>Laughs</title><item><title>&lol9;</title><link>https://laughs.example.org/1</link></item></channel></rss>"
    )
}

/// The quadratic blowup: one entity of `value_kib` KiB referenced `references` times.
pub fn quadratic_blowup(value_kib: usize, references: usize) -> String {
    let value = "a".repeat(value_kib * 1024);
    format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [<!ENTITY big \"{value}\">]>\n<rss version=\"2.0\"><channel><title>Blowup</title><item><title>Blowup</title><link>https://blowup.example.org/1</link><description>{}</description></item></channel></rss>",
        "&big;".repeat(references)
    )
}

/// An external entity pointing at a local file, which must never be read.
pub fn external_entity() -> String {
    "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n<rss version=\"2.0\"><channel><title>External</title><item><title>Secret: &xxe;</title><link>https://external.example.org/1</link></item></channel></rss>".to_owned()
}

/// An RSS feed in windows-1251 (Cyrillic) whose XML declaration says UTF-8.
pub fn cyrillic_1251_declared_utf8() -> Vec<u8> {
    let text = "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>Новости</title><item><title>Привет, мир: новости дня</title><link>https://cyrillic.example.org/1</link><description>Сегодня в городе прошёл большой праздник, и все жители вышли на улицы.</description></item></channel></rss>";
    let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(text);
    bytes.into_owned()
}
