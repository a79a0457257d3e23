//! One GET to make: the URL, the validators from last time, and extra headers and cookies.
//!
//! Policy: what the caller gives is sent as given, or refused with an error naming the
//! header or cookie (never its value, which may be a secret); nothing is guessed or fixed
//! up. Entry point: [`Request::new`]; the fetcher turns a request into headers with
//! `headers`.

use std::fmt;

use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use url::Url;

use super::FetchError;

/// Feed types first, then anything: servers that negotiate pick a feed, others send what
/// they have and the reader tells what it is.
const ACCEPT: &str = "application/rss+xml, application/atom+xml, application/feed+json, \
                      application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.9, */*;q=0.8";

/// What is wrong with a header or cookie of a [`Request`]; displays as the end of a
/// sentence naming it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum HeaderProblem {
    /// The header name is not an HTTP token.
    Name,
    /// The value holds line breaks or other control characters.
    Value,
    /// A cookie without a name.
    EmptyCookieName,
    /// A cookie name with `=`, `;`, white space or control characters.
    CookieName,
    /// A cookie value with `;` or control characters.
    CookieValue,
}

impl fmt::Display for HeaderProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            HeaderProblem::Name => "is not a valid header name",
            HeaderProblem::Value => {
                "has a value that cannot be sent (line breaks or other control characters)"
            }
            HeaderProblem::EmptyCookieName => "has an empty name",
            HeaderProblem::CookieName => "has a name with `=`, `;`, spaces or control characters",
            HeaderProblem::CookieValue => "has a value with `;` or control characters",
        })
    }
}

/// One GET request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// What to fetch; only `http` and `https` are.
    pub url: Url,
    /// The `ETag` of the copy we have, sent as `If-None-Match`.
    pub etag: Option<String>,
    /// The `Last-Modified` of the copy we have, sent as `If-Modified-Since`.
    pub last_modified: Option<String>,
    /// Extra headers, sent as given (trimmed of surrounding white space); one named like a
    /// default (`Accept`, `User-Agent`) replaces it. A name given twice is sent twice.
    pub headers: Vec<(String, String)>,
    /// Cookies as (name, value) pairs, sent in one `Cookie` header (after the value of a
    /// `Cookie` given in `headers`, if any). A redirect to another host:port drops
    /// `Cookie` and `Authorization`.
    pub cookies: Vec<(String, String)>,
}

impl Request {
    /// A plain GET of `url`: no validators, headers or cookies.
    pub fn new(url: Url) -> Self {
        Request {
            url,
            etag: None,
            last_modified: None,
            headers: Vec::new(),
            cookies: Vec::new(),
        }
    }

    /// The request's headers, except `User-Agent`, which the client adds when the request
    /// has none.
    pub(super) fn header_map(&self) -> Result<HeaderMap, FetchError> {
        let mut headers = HeaderMap::new();
        for (name, value) in &self.headers {
            let (name, value) = self.header(name, value)?;
            headers.append(name, value);
        }
        headers
            .entry(header::ACCEPT)
            .or_insert(HeaderValue::from_static(ACCEPT));
        let validators = [
            (header::IF_NONE_MATCH, "If-None-Match", &self.etag),
            (
                header::IF_MODIFIED_SINCE,
                "If-Modified-Since",
                &self.last_modified,
            ),
        ];
        for (name, label, value) in validators {
            if let Some(value) = value {
                headers.insert(name, self.value(label, value)?);
            }
        }
        if let Some(cookie) = self.cookie_header(headers.get(header::COOKIE))? {
            headers.insert(header::COOKIE, cookie);
        }
        Ok(headers)
    }

    fn header(&self, name: &str, value: &str) -> Result<(HeaderName, HeaderValue), FetchError> {
        let parsed = HeaderName::from_bytes(name.trim().as_bytes())
            .map_err(|_| self.invalid_header(name, HeaderProblem::Name))?;
        let mut value = self.value(name, value)?;
        if parsed == header::AUTHORIZATION || parsed == header::COOKIE {
            // Keeps the value out of `Debug` output and HTTP/2 header compression.
            value.set_sensitive(true);
        }
        Ok((parsed, value))
    }

    fn value(&self, name: &str, value: &str) -> Result<HeaderValue, FetchError> {
        HeaderValue::from_str(value.trim())
            .map_err(|_| self.invalid_header(name, HeaderProblem::Value))
    }

    /// The `Cookie` header: `existing` (a `Cookie` from `headers`) then `name=value` pairs,
    /// joined with `; `. `None` when there are no cookies to add.
    fn cookie_header(
        &self,
        existing: Option<&HeaderValue>,
    ) -> Result<Option<HeaderValue>, FetchError> {
        if self.cookies.is_empty() {
            return Ok(None);
        }
        let mut pairs: Vec<String> = Vec::with_capacity(self.cookies.len() + 1);
        if let Some(existing) = existing {
            pairs.push(String::from_utf8_lossy(existing.as_bytes()).into_owned());
        }
        for (name, value) in &self.cookies {
            self.check_cookie(name, value)?;
            pairs.push(format!("{name}={value}"));
        }
        let mut value = self.value("Cookie", &pairs.join("; "))?;
        value.set_sensitive(true);
        Ok(Some(value))
    }

    /// Rejects what would change the meaning of the `Cookie` header (RFC 6265 §4.1.1): an
    /// empty name, `=` in a name, `;` anywhere, control characters.
    fn check_cookie(&self, name: &str, value: &str) -> Result<(), FetchError> {
        let problem = if name.is_empty() {
            Some(HeaderProblem::EmptyCookieName)
        } else if name
            .chars()
            .any(|c| c == '=' || c == ';' || c.is_whitespace() || c.is_control())
        {
            Some(HeaderProblem::CookieName)
        } else if value.chars().any(|c| c == ';' || c.is_control()) {
            Some(HeaderProblem::CookieValue)
        } else {
            None
        };
        match problem {
            Some(problem) => Err(FetchError::InvalidCookie {
                url: self.url.clone(),
                name: name.to_owned(),
                problem,
            }),
            None => Ok(()),
        }
    }

    fn invalid_header(&self, name: &str, problem: HeaderProblem) -> FetchError {
        FetchError::InvalidHeader {
            url: self.url.clone(),
            name: name.to_owned(),
            problem,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> Request {
        Request::new(Url::parse("https://example.org/feed.xml").expect("URL"))
    }

    fn text(headers: &HeaderMap, name: HeaderName) -> Vec<String> {
        headers
            .get_all(name)
            .iter()
            .map(|value| value.to_str().expect("ASCII").to_owned())
            .collect()
    }

    #[test]
    fn a_plain_request_asks_for_feeds_and_nothing_else() {
        let headers = request().header_map().expect("valid");
        assert_eq!(headers.len(), 1);
        assert!(text(&headers, header::ACCEPT)[0].starts_with("application/rss+xml"));
    }

    #[test]
    fn validators_become_conditional_headers() {
        let request = Request {
            etag: Some("\"abc\"".into()),
            last_modified: Some("Wed, 21 Oct 2015 07:28:00 GMT".into()),
            ..request()
        };
        let headers = request.header_map().expect("valid");
        assert_eq!(text(&headers, header::IF_NONE_MATCH), ["\"abc\""]);
        assert_eq!(
            text(&headers, header::IF_MODIFIED_SINCE),
            ["Wed, 21 Oct 2015 07:28:00 GMT"]
        );
    }

    #[test]
    fn a_given_header_replaces_the_default_and_repeats_are_kept() {
        let request = Request {
            headers: vec![
                ("Accept".into(), "text/html".into()),
                ("X-Tag".into(), "a".into()),
                ("x-tag".into(), "b".into()),
            ],
            ..request()
        };
        let headers = request.header_map().expect("valid");
        assert_eq!(text(&headers, header::ACCEPT), ["text/html"]);
        assert_eq!(text(&headers, HeaderName::from_static("x-tag")), ["a", "b"]);
    }

    #[test]
    fn cookies_join_into_one_header_after_a_given_one() {
        let request = Request {
            headers: vec![("Cookie".into(), "session=1".into())],
            cookies: vec![
                ("lang".into(), "ko".into()),
                ("consent".into(), "yes".into()),
            ],
            ..request()
        };
        let headers = request.header_map().expect("valid");
        assert_eq!(
            text(&headers, header::COOKIE),
            ["session=1; lang=ko; consent=yes"]
        );
        assert!(headers.get(header::COOKIE).expect("cookie").is_sensitive());
    }

    #[test]
    fn a_bad_header_name_or_value_is_an_error_naming_the_header_not_the_value() {
        let bad_name = Request {
            headers: vec![("Bad Name".into(), "x".into())],
            ..request()
        };
        let err = bad_name.header_map().expect_err("space in a name");
        assert!(matches!(err, FetchError::InvalidHeader { .. }), "{err:?}");
        assert!(err.to_string().contains("`Bad Name`"), "{err}");

        let bad_value = Request {
            headers: vec![("Authorization".into(), "Bearer s3cret\r\nX: y".into())],
            ..request()
        };
        let message = bad_value.header_map().expect_err("line break").to_string();
        assert!(message.contains("`Authorization`"), "{message}");
        assert!(message.contains("example.org/feed.xml"), "{message}");
        assert!(!message.contains("s3cret"), "{message}");

        let bad_etag = Request {
            etag: Some("\"a\"\n".into()),
            ..request()
        };
        // Surrounding whitespace is trimmed; an inner line break is not.
        assert!(bad_etag.header_map().is_ok());
        let bad_etag = Request {
            etag: Some("\"a\nb\"".into()),
            ..request()
        };
        let message = bad_etag.header_map().expect_err("line break").to_string();
        assert!(message.contains("`If-None-Match`"), "{message}");
    }

    #[test]
    fn a_cookie_that_would_change_the_header_is_an_error() {
        for (name, value) in [("", "x"), ("a=b", "x"), ("a b", "x"), ("a", "x; admin=1")] {
            let request = Request {
                cookies: vec![(name.into(), value.into())],
                ..request()
            };
            let err = request.header_map().expect_err("bad cookie");
            assert!(matches!(err, FetchError::InvalidCookie { .. }), "{err:?}");
            assert!(
                err.to_string().contains(&format!("cookie `{name}`")),
                "{err}"
            );
        }
    }
}
