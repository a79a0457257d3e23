//! Fetches one document over HTTP(S); the only module that touches the network.
//!
//! Policy: every fetch is bounded. It has a connect timeout, a total timeout, a redirect
//! limit and a body-size limit, which counts the decoded bytes (after gzip or brotli) as
//! they are read, so an endless body or a compression bomb stops at the limit. A status
//! other than 2xx is an error. Header values come back as sent: resolving a relative
//! `Content-Location` is the reader's job. Entry point: [`fetch`] with [`FetchOptions`];
//! [`fetch_all`] fetches many URLs with a bounded number of threads.

mod many;

pub use many::{fetch_all, map_bounded};

use std::io::{self, Read};
use std::time::{Duration, Instant};

use reqwest::blocking::{Client, Response};
use reqwest::header::{self, HeaderMap, HeaderName};
use reqwest::redirect;
use url::Url;

/// The `User-Agent` sent with every request: the tool's name and version.
pub const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// The default for [`FetchOptions::max_body_bytes`]: 20 MiB.
pub const DEFAULT_MAX_BODY_BYTES: u64 = 20 * 1024 * 1024;

/// Feed types first, then anything: servers that negotiate pick a feed, others send what
/// they have and the reader tells what it is.
const ACCEPT: &str = "application/rss+xml, application/atom+xml, application/feed+json, \
                      application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.9, */*;q=0.8";

/// Limits for one fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchOptions {
    /// How long to wait for the TCP (and TLS) connection. Default: 10 s.
    pub connect_timeout: Duration,
    /// How long the whole fetch, body included, may take. Default: 30 s.
    ///
    /// Checked between reads of the body; a single stalled read is cut off after at most
    /// this long again.
    pub timeout: Duration,
    /// The largest body accepted, in bytes after decompression. Default:
    /// [`DEFAULT_MAX_BODY_BYTES`].
    pub max_body_bytes: u64,
    /// How many redirects to follow before giving up. Default: 10.
    pub max_redirects: usize,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_redirects: 10,
        }
    }
}

/// A fetched document: its bytes and what the server said about them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// The body, decoded from any `Content-Encoding` (gzip, brotli).
    pub body: Vec<u8>,
    /// The URL that answered, after redirects.
    pub final_url: Url,
    /// The `Content-Type` header, if sent.
    pub content_type: Option<String>,
    /// The `Content-Location` header, if sent; possibly relative to [`Fetched::final_url`].
    pub content_location: Option<String>,
    /// The `Content-Language` header, if sent.
    pub content_language: Option<String>,
}

/// Why a fetch gave no document. Every message names the URL.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// The URL is not `http` or `https`.
    #[error("fetching `{url}`: only http and https URLs can be fetched")]
    UnsupportedScheme {
        /// The URL asked for.
        url: Url,
    },
    /// The server answered with a status other than 2xx.
    #[error("fetching `{url}`: server answered HTTP {status}{}", reason_suffix(*status))]
    Status {
        /// The URL that answered, after redirects.
        url: Url,
        /// The HTTP status code.
        status: u16,
    },
    /// The body was larger than [`FetchOptions::max_body_bytes`].
    #[error("fetching `{url}`: body is over the {limit_bytes}-byte limit")]
    TooLarge {
        /// The URL asked for.
        url: Url,
        /// The limit that was exceeded.
        limit_bytes: u64,
    },
    /// More redirects than [`FetchOptions::max_redirects`], or a redirect loop.
    #[error("fetching `{url}`: more than {limit} redirects, or a redirect loop")]
    TooManyRedirects {
        /// The URL asked for.
        url: Url,
        /// The redirect limit.
        limit: usize,
    },
    /// The connection or the whole fetch took longer than allowed.
    #[error("fetching `{url}`: no complete answer within {} s", timeout.as_secs_f64())]
    TimedOut {
        /// The URL asked for.
        url: Url,
        /// The timeout that ran out.
        timeout: Duration,
    },
    /// The request could not be made: DNS, connection, TLS or protocol failure.
    #[error("fetching `{url}`")]
    Transport {
        /// The URL asked for.
        url: Url,
        /// What went wrong.
        #[source]
        source: reqwest::Error,
    },
    /// The connection failed or the body could not be decoded while it was read.
    #[error("fetching `{url}`: reading the body")]
    Body {
        /// The URL asked for.
        url: Url,
        /// What went wrong.
        #[source]
        source: io::Error,
    },
}

/// Fetches `url` with a GET request within the limits of `options`.
///
/// Follows redirects, decodes gzip and brotli bodies, and fails on any status other
/// than 2xx.
pub fn fetch(url: &Url, options: &FetchOptions) -> Result<Fetched, FetchError> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(FetchError::UnsupportedScheme { url: url.clone() });
    }
    let deadline = Instant::now() + options.timeout;
    let client = Client::builder()
        .user_agent(USER_AGENT)
        .connect_timeout(options.connect_timeout)
        .timeout(options.timeout)
        .redirect(redirect::Policy::limited(options.max_redirects))
        .build()
        .map_err(|source| transport_error(url, source, options))?;
    let mut response = client
        .get(url.clone())
        .header(header::ACCEPT, ACCEPT)
        .send()
        .map_err(|source| transport_error(url, source, options))?;

    let status = response.status();
    if !status.is_success() {
        return Err(FetchError::Status {
            url: response.url().clone(),
            status: status.as_u16(),
        });
    }
    let headers = response.headers();
    let content_type = header_value(headers, &header::CONTENT_TYPE);
    let content_location = header_value(headers, &header::CONTENT_LOCATION);
    let content_language = header_value(headers, &header::CONTENT_LANGUAGE);
    let final_url = response.url().clone();
    Ok(Fetched {
        body: read_body(&mut response, url, options, deadline)?,
        final_url,
        content_type,
        content_location,
        content_language,
    })
}

/// Reads the body in chunks, stopping as soon as it passes the size limit or the deadline.
fn read_body(
    response: &mut Response,
    url: &Url,
    options: &FetchOptions,
    deadline: Instant,
) -> Result<Vec<u8>, FetchError> {
    let limit_bytes = options.max_body_bytes;
    let too_large = || FetchError::TooLarge {
        url: url.clone(),
        limit_bytes,
    };
    let timed_out = || FetchError::TimedOut {
        url: url.clone(),
        timeout: options.timeout,
    };
    // A declared length over the limit fails before any byte is read. (When the body is
    // compressed the length is not known up front; the loop below catches it.)
    if response
        .content_length()
        .is_some_and(|len| len > limit_bytes)
    {
        return Err(too_large());
    }
    let capacity = response.content_length().unwrap_or(0).min(limit_bytes);
    let mut body = Vec::with_capacity(usize::try_from(capacity).unwrap_or(0));
    let mut chunk = vec![0; 64 * 1024];
    loop {
        let n_read = match response.read(&mut chunk) {
            Ok(0) => return Ok(body),
            Ok(n_read) => n_read,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) if Instant::now() >= deadline => return Err(timed_out()),
            Err(source) => {
                return Err(FetchError::Body {
                    url: url.clone(),
                    source,
                });
            }
        };
        if (body.len() + n_read) as u64 > limit_bytes {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk[..n_read]);
        if Instant::now() >= deadline {
            return Err(timed_out());
        }
    }
}

fn transport_error(url: &Url, source: reqwest::Error, options: &FetchOptions) -> FetchError {
    let url = url.clone();
    if source.is_timeout() {
        // A connect timeout also reports as a timeout; name the limit that applies.
        let timeout = if source.is_connect() {
            options.connect_timeout
        } else {
            options.timeout
        };
        FetchError::TimedOut { url, timeout }
    } else if source.is_redirect() {
        FetchError::TooManyRedirects {
            url,
            limit: options.max_redirects,
        }
    } else {
        // The message names the URL already; reqwest's own would repeat it.
        FetchError::Transport {
            url,
            source: source.without_url(),
        }
    }
}

/// A header's value as text; bytes that are not UTF-8 are replaced rather than dropped.
fn header_value(headers: &HeaderMap, name: &HeaderName) -> Option<String> {
    headers
        .get(name)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).trim().to_owned())
}

/// `" Not Found"` for 404: the reason phrase, when the status has a standard one.
fn reason_suffix(status: u16) -> String {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|status| status.canonical_reason())
        .map(|reason| format!(" {reason}"))
        .unwrap_or_default()
}
