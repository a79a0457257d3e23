//! The shared HTTP client: one [`Fetcher`] makes every request of a run.
//!
//! Policy: one reqwest blocking `Client` per fetcher, never one per request (a blocking
//! client owns a runtime thread and a connection pool). Each request keeps the limits of
//! the fetcher's [`FetchOptions`]. Entry points: [`Fetcher::new`] and [`Fetcher::get`].

use std::io::{self, Read};
use std::time::{Instant, SystemTime};

use reqwest::StatusCode;
use reqwest::blocking::{Client, Response as HttpResponse};
use reqwest::header::{self, HeaderMap, HeaderName};
use url::Url;

use super::policy;
use super::retry::parse_retry_after;
use super::{FetchError, FetchOptions, Fetched, Request, Response};

/// Makes HTTP requests within the limits of its [`FetchOptions`].
///
/// `Send + Sync`: share it by reference across threads (cloning is cheap too; clones share
/// the connection pool). Build it outside any async runtime.
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: Client,
    options: FetchOptions,
}

impl Fetcher {
    /// A fetcher with `options`. Fails only when the client cannot be set up, e.g. when
    /// [`FetchOptions::user_agent`] is not a valid header value.
    pub fn new(options: &FetchOptions) -> Result<Fetcher, FetchError> {
        let builder = Client::builder()
            .user_agent(options.user_agent.as_str())
            .connect_timeout(options.connect_timeout)
            .timeout(options.timeout);
        let client =
            policy::enforce::guard(builder, &options.address_policy, options.max_redirects)
                .build()
                .map_err(|source| FetchError::Client { source })?;
        Ok(Fetcher {
            client,
            options: options.clone(),
        })
    }

    /// The options this fetcher was made with.
    pub fn options(&self) -> &FetchOptions {
        &self.options
    }

    /// Makes one GET request.
    ///
    /// Sends the request's validators as `If-None-Match` / `If-Modified-Since`, its headers
    /// and its cookies; follows redirects; decodes gzip and brotli bodies. A 2xx answer is
    /// [`Response::Modified`], a 304 [`Response::NotModified`]; any other status is
    /// [`FetchError::Status`], with the server's `Retry-After` for 429 and 503.
    pub fn get(&self, request: &Request) -> Result<Response, FetchError> {
        let url = &request.url;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::UnsupportedScheme { url: url.clone() });
        }
        self.options
            .address_policy
            .check_url(url)
            .map_err(|refusal| FetchError::Refused {
                url: url.clone(),
                redirect: None,
                refusal: Box::new(refusal),
            })?;
        let headers = request.header_map()?;
        let deadline = Instant::now() + self.options.timeout;
        let mut response = self
            .client
            .get(url.clone())
            .headers(headers)
            .send()
            .map_err(|source| self.transport_error(url, source))?;

        let status = response.status();
        let final_url = response.url().clone();
        if status == StatusCode::NOT_MODIFIED {
            return Ok(Response::NotModified { final_url });
        }
        if !status.is_success() {
            return Err(self.status_error(final_url, status, response.headers()));
        }
        let headers = response.headers();
        let content_type = header_value(headers, &header::CONTENT_TYPE);
        let content_location = header_value(headers, &header::CONTENT_LOCATION);
        let content_language = header_value(headers, &header::CONTENT_LANGUAGE);
        let etag = header_value(headers, &header::ETAG);
        let last_modified = header_value(headers, &header::LAST_MODIFIED);
        Ok(Response::Modified(Fetched {
            body: self.read_body(&mut response, url, deadline)?,
            final_url,
            content_type,
            content_location,
            content_language,
            etag,
            last_modified,
        }))
    }

    /// Fetches `url` with a plain GET: [`Fetcher::get`] of [`Request::new`], where a 304 (which
    /// a plain GET should never get) is a [`FetchError::Status`].
    pub fn fetch(&self, url: &Url) -> Result<Fetched, FetchError> {
        self.get(&Request::new(url.clone())).and_then(modified)
    }

    fn status_error(&self, url: Url, status: StatusCode, headers: &HeaderMap) -> FetchError {
        let retry_after = match status {
            StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => headers
                .get(header::RETRY_AFTER)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| {
                    parse_retry_after(value, SystemTime::now(), self.options.max_retry_after)
                }),
            _ => None,
        };
        FetchError::Status {
            url,
            status: status.as_u16(),
            retry_after,
        }
    }

    /// Reads the body in chunks, stopping as soon as it passes the size limit or the
    /// deadline.
    fn read_body(
        &self,
        response: &mut HttpResponse,
        url: &Url,
        deadline: Instant,
    ) -> Result<Vec<u8>, FetchError> {
        let limit_bytes = self.options.max_body_bytes;
        let too_large = || FetchError::TooLarge {
            url: url.clone(),
            limit_bytes,
        };
        let timed_out = || FetchError::TimedOut {
            url: url.clone(),
            timeout: self.options.timeout,
        };
        // A declared length over the limit fails before any byte is read. (When the body
        // is compressed the length is not known up front; the loop below catches it.)
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

    fn transport_error(&self, url: &Url, source: reqwest::Error) -> FetchError {
        let url = url.clone();
        if let Some(refused) = policy::enforce::find_refused(&source) {
            // A refused address after redirects: name the URL it belonged to (reqwest's
            // error holds the URL being fetched; a fragment is never sent, so not compared).
            let without_fragment = |url: &Url| {
                let mut url = url.clone();
                url.set_fragment(None);
                url
            };
            let redirect = refused.redirect.clone().or_else(|| {
                source
                    .url()
                    .filter(|hop| without_fragment(hop) != without_fragment(&url))
                    .cloned()
            });
            return FetchError::Refused {
                url,
                redirect: redirect.map(Box::new),
                refusal: Box::new(refused.refusal.clone()),
            };
        }
        if source.is_timeout() {
            // A connect timeout also reports as a timeout; name the limit that applies.
            let timeout = if source.is_connect() {
                self.options.connect_timeout
            } else {
                self.options.timeout
            };
            FetchError::TimedOut { url, timeout }
        } else if source.is_redirect() {
            FetchError::TooManyRedirects {
                url,
                limit: self.options.max_redirects,
            }
        } else {
            // The message names the URL already; reqwest's own would repeat it.
            FetchError::Transport {
                url,
                source: source.without_url(),
            }
        }
    }
}

/// The document of a plain GET's answer: a 304 there is a server error.
pub(super) fn modified(response: Response) -> Result<Fetched, FetchError> {
    match response {
        Response::Modified(fetched) => Ok(fetched),
        Response::NotModified { final_url } => Err(FetchError::Status {
            url: final_url,
            status: StatusCode::NOT_MODIFIED.as_u16(),
            retry_after: None,
        }),
    }
}

/// A header's value as text; bytes that are not UTF-8 are replaced rather than dropped.
fn header_value(headers: &HeaderMap, name: &HeaderName) -> Option<String> {
    headers
        .get(name)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fetcher_can_be_shared_across_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<Fetcher>();
    }

    #[test]
    fn a_user_agent_that_is_not_a_header_value_is_a_setup_error() {
        let options = FetchOptions {
            user_agent: "feedmill\r\nX-Evil: 1".into(),
            ..FetchOptions::default()
        };
        let err = Fetcher::new(&options).expect_err("line break in User-Agent");
        assert!(matches!(err, FetchError::Client { .. }), "{err:?}");
    }

    #[test]
    fn a_resolver_refusal_becomes_a_refused_error_for_the_url_asked_for() {
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind");
        let port = listener.local_addr().expect("address").port();
        let options = FetchOptions {
            address_policy: crate::fetch::AddressPolicy::public_only(),
            ..FetchOptions::default()
        };
        let fetcher = Fetcher::new(&options).expect("fetcher");
        let url = Url::parse(&format!("http://localhost:{port}/feed#top")).expect("URL");

        // Straight to the client, past `get`'s URL check: what the resolver alone does.
        let source = fetcher.client.get(url.clone()).send().expect_err("refused");
        let err = fetcher.transport_error(&url, source);

        match &err {
            FetchError::Refused {
                url: refused_url,
                redirect: None,
                refusal,
            } => {
                assert_eq!(*refused_url, url);
                assert!(
                    matches!(**refusal, crate::fetch::Refusal::Resolved { .. }),
                    "{refusal:?}"
                );
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert!(
            err.to_string().starts_with(&format!(
                "fetching `{url}`: refused: `localhost` resolves to "
            )),
            "{err}"
        );
    }
}
