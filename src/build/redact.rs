//! Keeps the secrets a source URL may carry (`?token=…`, `?api_key=…`, `user:password@`)
//! out of everything feedmill shows or publishes: error messages (stderr, the store, the
//! `serve` index page), logs, and the source URLs written into outputs.
//!
//! Policy: a query parameter whose name looks like a credential ([`is_secret_parameter`])
//! keeps its name and loses its value (`REDACTED`); a user name and password are
//! dropped. The URL is otherwise kept, so a message still says which source failed.
//! Request headers and cookies are never shown at all. Entry points: [`redact_url`],
//! [`redact_urls_in`].

use std::borrow::Cow;

use url::Url;

/// What a secret value is replaced with.
pub const REDACTED: &str = "REDACTED";

/// Parts of query parameter names that mark a credential.
const SECRET_PARTS: &[&str] = &[
    "token",
    "key",
    "secret",
    "password",
    "passwd",
    "pwd",
    "auth",
    "sig",
    "session",
    "credential",
];

/// Whether a query parameter named `name` likely holds a credential: its name, in any
/// case, contains `token`, `key`, `secret`, `password`, `auth`, `sig`, `session` ….
pub fn is_secret_parameter(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    SECRET_PARTS.iter().any(|part| name.contains(part))
}

/// `url` without its user name and password and with every secret query value replaced
/// by [`REDACTED`]; borrowed when there is nothing to hide.
pub fn redact_url(url: &Url) -> Cow<'_, Url> {
    let has_userinfo = !url.username().is_empty() || url.password().is_some();
    let has_secret = url
        .query_pairs()
        .any(|(name, _)| is_secret_parameter(&name));
    if !has_userinfo && !has_secret {
        return Cow::Borrowed(url);
    }
    let mut clean = url.clone();
    // Only URLs that cannot have credentials refuse these, and they had none.
    let _ = clean.set_password(None);
    let _ = clean.set_username("");
    if has_secret {
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(name, value)| {
                let value = if is_secret_parameter(&name) {
                    REDACTED.to_owned()
                } else {
                    value.into_owned()
                };
                (name.into_owned(), value)
            })
            .collect();
        clean.query_pairs_mut().clear().extend_pairs(pairs);
    }
    Cow::Owned(clean)
}

/// `text` with every `http://` or `https://` URL in it redacted by [`redact_url`]. A URL
/// ends at whitespace, a quote, a backtick or an angle bracket.
pub fn redact_urls_in(text: &str) -> Cow<'_, str> {
    if !text.contains("http://") && !text.contains("https://") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = next_url_start(rest) {
        out.push_str(&rest[..start]);
        let candidate = &rest[start..];
        let end = candidate
            .find(|ch: char| ch.is_whitespace() || matches!(ch, '`' | '"' | '\'' | '<' | '>'))
            .unwrap_or(candidate.len());
        // Punctuation ending a sentence or a list item is the text's, not the URL's.
        let raw = candidate[..end].trim_end_matches([',', '.', ';', ':', ')', '!', '?']);
        match Url::parse(raw) {
            Ok(url) => match redact_url(&url) {
                Cow::Borrowed(_) => out.push_str(raw),
                Cow::Owned(clean) => out.push_str(clean.as_str()),
            },
            Err(_) => out.push_str(raw),
        }
        rest = &candidate[raw.len()..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

fn next_url_start(text: &str) -> Option<usize> {
    match (text.find("http://"), text.find("https://")) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_query_values_and_credentials_are_hidden_and_the_rest_kept() {
        let url = Url::parse("https://me:pw@example.org/feed.xml?api_key=s3cret&page=2&Token=t0k")
            .unwrap();
        assert_eq!(
            redact_url(&url).as_str(),
            "https://example.org/feed.xml?api_key=REDACTED&page=2&Token=REDACTED"
        );
        let plain = Url::parse("https://example.org/feed.xml?page=2").unwrap();
        assert!(matches!(redact_url(&plain), Cow::Borrowed(_)));
    }

    #[test]
    fn urls_inside_a_message_are_redacted_where_they_stand() {
        let message = "source `a`: fetching `https://example.org/f?token=abc`: server answered 500; \
                       redirected from http://u:p@example.org/old?sig=x and https://example.org/ok";
        assert_eq!(
            redact_urls_in(message),
            "source `a`: fetching `https://example.org/f?token=REDACTED`: server answered 500; \
             redirected from http://example.org/old?sig=REDACTED and https://example.org/ok"
        );
        assert!(matches!(redact_urls_in("no links here"), Cow::Borrowed(_)));
        // Punctuation after a URL stays where it was.
        assert_eq!(
            redact_urls_in("(feed, https://example.org/f?key=abc, zone UTC); see https://x.org/a."),
            "(feed, https://example.org/f?key=REDACTED, zone UTC); see https://x.org/a."
        );
    }

    #[test]
    fn credential_like_names_are_recognized() {
        for name in [
            "token",
            "access_token",
            "apikey",
            "API_KEY",
            "client_secret",
            "password",
            "auth",
            "sig",
            "sessionid",
        ] {
            assert!(is_secret_parameter(name), "{name}");
        }
        for name in ["page", "q", "format", "lang", "id"] {
            assert!(!is_secret_parameter(name), "{name}");
        }
    }
}
