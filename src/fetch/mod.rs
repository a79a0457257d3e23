//! Fetches documents over HTTP(S); the only module that touches the network.
//!
//! Policy: every fetch is bounded. It has a connect timeout, a total timeout, a redirect
//! limit and a body-size limit, which counts the decoded bytes (after gzip or brotli) as
//! they are read, so an endless body or a compression bomb stops at the limit. Fetching is
//! polite: it names the tool in `User-Agent`, sends conditional requests when it has
//! validators (a `304 Not Modified` is an answer, not an error), keeps at most
//! [`FetchOptions::max_per_host`] requests in flight per host and reports a server's
//! `Retry-After`. Any other status than 2xx or 304 is an error. Header values come back as
//! sent: resolving a relative `Content-Location` is the reader's job.
//!
//! Where a fetch may go is [`FetchOptions::address_policy`]: anywhere by default (the
//! user's own definitions may name their own machine), or, with
//! [`AddressPolicy::PublicOnly`] for URLs that strangers give, only public addresses and
//! what its [`AllowRule`]s name. That policy is checked on the URL and on every redirect
//! before any request, and on the addresses a name resolves to inside the client's DNS
//! resolver (so a name that resolves to `127.0.0.1` never reaches it); a refusal is
//! [`FetchError::Refused`], and the size and time limits hold as ever.
//!
//! Entry point: a [`Fetcher`] (one shared HTTP client) with [`Fetcher::get`] for one
//! [`Request`] and [`Fetcher::get_all`] / [`Fetcher::for_each_bounded`] for many.
//! [`fetch`] and [`fetch_all`] are the one-call forms for plain GETs; [`backoff_delay`]
//! tells a scheduler how long to leave a failing source alone.

mod fetcher;
mod many;
mod policy;
mod request;
mod retry;

pub use fetcher::Fetcher;
pub use many::{fetch_all, map_bounded};
pub use policy::{
    AddressClass, AddressPolicy, AllowRule, AllowRuleError, AllowedHost, LocalName, Refusal,
    classify, local_name,
};
pub use request::{HeaderProblem, Request};
pub use retry::backoff_delay;

use std::io;
use std::sync::Mutex;
use std::time::Duration;

use url::Url;

/// The default `User-Agent`: the tool's name and version, e.g. `feedmill/0.1.0`.
pub const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// The default for [`FetchOptions::max_body_bytes`]: 20 MiB.
pub const DEFAULT_MAX_BODY_BYTES: u64 = 20 * 1024 * 1024;

/// The default for [`FetchOptions::max_retry_after`]: 6 hours.
pub const DEFAULT_MAX_RETRY_AFTER: Duration = Duration::from_secs(6 * 60 * 60);

/// Limits and manners for fetching.
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
    /// The `User-Agent` header, sent as given. Default: [`USER_AGENT`]. A [`Request`]'s
    /// own `User-Agent` header replaces it for that request.
    pub user_agent: String,
    /// How many requests to one host (host and port) may be in flight at once when
    /// fetching many; 0 counts as 1. Default: 2.
    pub max_per_host: usize,
    /// The longest `Retry-After` believed; longer ones (or dates far ahead) are cut to
    /// this. Default: [`DEFAULT_MAX_RETRY_AFTER`].
    pub max_retry_after: Duration,
    /// Which addresses may be connected to. Default: [`AddressPolicy::AllowAll`];
    /// [`AddressPolicy::PublicOnly`] for URLs that strangers give.
    pub address_policy: AddressPolicy,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_redirects: 10,
            user_agent: USER_AGENT.to_owned(),
            max_per_host: 2,
            max_retry_after: DEFAULT_MAX_RETRY_AFTER,
            address_policy: AddressPolicy::AllowAll,
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
    /// The `ETag` header, if sent: store it and pass it as [`Request::etag`] next time.
    pub etag: Option<String>,
    /// The `Last-Modified` header, if sent: store it and pass it as
    /// [`Request::last_modified`] next time.
    pub last_modified: Option<String>,
}

/// What a server answered to a [`Request`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// A document (2xx).
    Modified(Fetched),
    /// `304 Not Modified`: the copy the validators came from is still current.
    NotModified {
        /// The URL that answered, after redirects.
        final_url: Url,
    },
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
    /// A request header's name or value cannot be sent. The value is not repeated: it may
    /// be a secret.
    #[error("fetching `{url}`: request header `{name}` {problem}")]
    InvalidHeader {
        /// The URL asked for.
        url: Url,
        /// The header's name, as given.
        name: String,
        /// What is wrong with it.
        problem: HeaderProblem,
    },
    /// A cookie's name or value cannot be sent in a `Cookie` header.
    #[error("fetching `{url}`: cookie `{name}` {problem}")]
    InvalidCookie {
        /// The URL asked for.
        url: Url,
        /// The cookie's name, as given.
        name: String,
        /// What is wrong with it.
        problem: HeaderProblem,
    },
    /// The server answered with a status other than 2xx or 304.
    #[error(
        "fetching `{url}`: server answered HTTP {status}{}{}",
        reason_suffix(*status),
        retry_suffix(*retry_after)
    )]
    Status {
        /// The URL that answered, after redirects.
        url: Url,
        /// The HTTP status code.
        status: u16,
        /// For 429 and 503, how long the server asked us to wait (its `Retry-After`, cut to
        /// [`FetchOptions::max_retry_after`]); `None` when it did not say.
        retry_after: Option<Duration>,
    },
    /// The body was larger than [`FetchOptions::max_body_bytes`].
    #[error("fetching `{url}`: body is over the {} limit", size_text(*limit_bytes))]
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
    /// [`FetchOptions::address_policy`] refused the URL, a redirect's target or every
    /// address the host resolved to; nothing was sent there.
    #[error(
        "fetching `{url}`: refused: {}{refusal} (address policy: public only)",
        redirect_prefix(redirect.as_deref())
    )]
    Refused {
        /// The URL asked for.
        url: Url,
        /// The redirect target refused, or the URL being fetched after redirects when its
        /// host's addresses were refused; `None` when it is `url` itself. (Boxed, like
        /// `refusal`, to keep `FetchError` small.)
        redirect: Option<Box<Url>>,
        /// Why.
        refusal: Box<Refusal>,
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
    /// The HTTP client could not be set up (e.g. a `User-Agent` that is not a valid header
    /// value, or no TLS backend).
    #[error("setting up the HTTP client")]
    Client {
        /// What went wrong.
        #[source]
        source: reqwest::Error,
    },
}

impl FetchError {
    /// The message with every cause after it, on one line (`fetching `…`: connection
    /// refused`), for reports that show errors as text.
    pub fn chain(&self) -> String {
        let mut text = self.to_string();
        let mut source = std::error::Error::source(self);
        while let Some(cause) = source {
            text.push_str(": ");
            text.push_str(&cause.to_string());
            source = cause.source();
        }
        text
    }

    /// How long the server asked us to wait before asking again (`Retry-After` on a 429 or
    /// 503, already cut to [`FetchOptions::max_retry_after`]), if it said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            FetchError::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// Fetches `url` with a plain GET within the limits of `options`.
///
/// Follows redirects, decodes gzip and brotli bodies, and fails on any status other than
/// 2xx. Calls with the same options in a row share one client (kept for the process);
/// code that fetches often with options of its own should make a [`Fetcher`] and keep it.
pub fn fetch(url: &Url, options: &FetchOptions) -> Result<Fetched, FetchError> {
    shared_fetcher(options)?.fetch(url)
}

/// The fetcher [`fetch`] used last, so that a loop of `fetch` calls does not build (and
/// tear down) an HTTP client, with its runtime thread, for every URL.
static SHARED_FETCHER: Mutex<Option<Fetcher>> = Mutex::new(None);

/// A fetcher for `options`: the shared one if it was made with the same options, else a
/// new one that becomes the shared one.
fn shared_fetcher(options: &FetchOptions) -> Result<Fetcher, FetchError> {
    // The lock only guards a swap of two values: a poisoned one still holds a whole value.
    let lock = || SHARED_FETCHER.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(fetcher) = lock().as_ref().filter(|f| f.options() == options) {
        return Ok(fetcher.clone());
    }
    // Built and dropped outside the lock: both can take a moment (a runtime thread).
    let fetcher = Fetcher::new(options)?;
    let replaced = lock().replace(fetcher.clone());
    drop(replaced);
    Ok(fetcher)
}

/// `"20 MiB"`, `"64 KiB"` or `"1000 bytes"`: a size limit as a person would write it.
fn size_text(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * KIB;
    match bytes {
        0 => "0 bytes".to_owned(),
        _ if bytes.is_multiple_of(MIB) => format!("{} MiB", bytes / MIB),
        _ if bytes.is_multiple_of(KIB) => format!("{} KiB", bytes / KIB),
        _ => format!("{bytes} bytes"),
    }
}

/// `" Not Found"` for 404: the reason phrase, when the status has a standard one.
fn reason_suffix(status: u16) -> String {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|status| status.canonical_reason())
        .map(|reason| format!(" {reason}"))
        .unwrap_or_default()
}

/// ``"redirect to `URL`: "`` when a redirect was refused.
fn redirect_prefix(redirect: Option<&Url>) -> String {
    redirect
        .map(|url| format!("redirect to `{url}`: "))
        .unwrap_or_default()
}

/// `"; retry after 120 s"` when the server said when to come back.
fn retry_suffix(retry_after: Option<Duration>) -> String {
    retry_after
        .map(|wait| format!("; retry after {} s", wait.as_secs()))
        .unwrap_or_default()
}
