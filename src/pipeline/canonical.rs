//! Canonical URLs: one key for the many spellings of one article's address, so that a
//! feed's link, a page's link with tracking parameters and the AMP version compare equal.

use std::borrow::Cow;

use url::Url;

/// Query parameters that only track a visit and never select content, compared ignoring
/// ASCII case. Parameters starting with one of [`TRACKING_PREFIXES`] are dropped too.
pub const TRACKING_PARAMS: &[&str] = &[
    "fbclid",
    "gclid",
    "gclsrc",
    "dclid",
    "msclkid",
    "yclid",
    "twclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "ref",
    "ref_src",
    "ref_url",
    "referrer",
    "cmpid",
    "ocid",
    "ncid",
    "_ga",
    "_gl",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
    "spm",
    "s_cid",
    "ito",
    "xtor",
    "at_medium",
    "at_campaign",
    "wt.mc_id",
];

/// Prefixes of tracking query parameters (`utm_source`, `utm_medium` …), compared
/// ignoring ASCII case.
pub const TRACKING_PREFIXES: &[&str] = &["utm_", "__twitter", "oly_", "vero_", "pk_"];

/// Host prefixes that name the same site's mobile or AMP edition.
const EDITION_PREFIXES: &[&str] = &["www.", "m.", "mobile.", "amp."];

/// `url` without its tracking query parameters ([`TRACKING_PARAMS`],
/// [`TRACKING_PREFIXES`]), otherwise as written: the link to show a reader. A URL that
/// does not parse, or has no such parameter, comes back unchanged.
///
/// ```
/// use feedmill::pipeline::without_tracking;
/// assert_eq!(
///     without_tracking("https://example.com/a?id=7&utm_source=rss&fbclid=x#top"),
///     "https://example.com/a?id=7#top",
/// );
/// assert_eq!(without_tracking("https://example.com/a?utm_medium=feed"), "https://example.com/a");
/// ```
pub fn without_tracking(url: &str) -> Cow<'_, str> {
    let Ok(mut parsed) = Url::parse(url) else {
        return Cow::Borrowed(url);
    };
    if parsed.query().is_none() {
        return Cow::Borrowed(url);
    }
    let pairs: Vec<(String, String)> = parsed
        .query_pairs()
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    let kept: Vec<&(String, String)> = pairs
        .iter()
        .filter(|(name, _)| !is_tracking(name))
        .collect();
    if kept.len() == pairs.len() {
        return Cow::Borrowed(url);
    }
    if kept.is_empty() {
        parsed.set_query(None);
    } else {
        parsed.query_pairs_mut().clear().extend_pairs(kept);
    }
    Cow::Owned(parsed.to_string())
}

/// The key under which two links are the same article, or `None` when `url` is not an
/// absolute http(s) URL with a host.
///
/// The key is a URL: `https`, with the host lowercased and without a `www.`, `m.`,
/// `mobile.` or `amp.` prefix, without user info, port 80 or 443, fragment,
/// `index.html`/`index.htm`, trailing slash or AMP marks (an `amp` path segment, an
/// `.amp`/`.amp.html` ending, `amp=1`, `amp=true`, a bare `amp`, `outputType=amp`),
/// without [`TRACKING_PARAMS`] and [`TRACKING_PREFIXES`], and with the remaining query
/// parameters sorted. `http` and `https` give the same key. Path case is kept, because
/// servers may tell paths apart by case.
///
/// ```
/// use feedmill::pipeline::canonical_url;
/// assert_eq!(
///     canonical_url("http://www.Example.com/news/story/amp/?utm_source=rss&b=2&a=1#top"),
///     Some("https://example.com/news/story?a=1&b=2".to_owned()),
/// );
/// assert_eq!(canonical_url("urn:uuid:1234"), None);
/// ```
pub fn canonical_url(url: &str) -> Option<String> {
    let parsed = Url::parse(url.trim()).ok()?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return None;
    }
    let host = canonical_host(parsed.host_str()?);
    if host.is_empty() {
        return None;
    }
    let mut key = String::with_capacity(url.len());
    key.push_str("https://");
    key.push_str(&host);
    if let Some(port) = parsed.port().filter(|port| !matches!(port, 80 | 443)) {
        key.push(':');
        key.push_str(&port.to_string());
    }
    key.push_str(&canonical_path(parsed.path()));
    let query = canonical_query(&parsed);
    if !query.is_empty() {
        key.push('?');
        key.push_str(&query);
    }
    Some(key)
}

fn canonical_host(host: &str) -> String {
    let mut host = host.trim_end_matches('.');
    while let Some(rest) = EDITION_PREFIXES
        .iter()
        .find_map(|prefix| host.strip_prefix(prefix))
        .filter(|rest| rest.contains('.'))
    {
        host = rest;
    }
    host.to_ascii_lowercase()
}

/// The path without AMP segments and endings, `index.html` and the trailing slash; `/`
/// for an empty path.
fn canonical_path(path: &str) -> String {
    let mut segments: Vec<&str> = path
        .split('/')
        .filter(|segment| !segment.is_empty() && !segment.eq_ignore_ascii_case("amp"))
        .collect();
    let last = segments
        .pop()
        .filter(|last| !is_index_page(last))
        .map(strip_amp_ending);
    let mut out = String::with_capacity(path.len());
    for segment in segments.iter().copied().chain(last.as_deref()) {
        out.push('/');
        out.push_str(segment);
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

fn is_index_page(segment: &str) -> bool {
    ["index.html", "index.htm"]
        .iter()
        .any(|index| segment.eq_ignore_ascii_case(index))
}

/// `story.amp.html` → `story.html`, `story.amp` → `story`; other segments as they are.
fn strip_amp_ending(segment: &str) -> Cow<'_, str> {
    let lower = segment.to_ascii_lowercase();
    if lower.ends_with(".amp.html") && segment.len() > ".amp.html".len() {
        let stem = &segment[..segment.len() - ".amp.html".len()];
        return Cow::Owned(format!("{stem}.html"));
    }
    if lower.ends_with(".amp") && segment.len() > ".amp".len() {
        return Cow::Borrowed(&segment[..segment.len() - ".amp".len()]);
    }
    Cow::Borrowed(segment)
}

/// The query without tracking and AMP parameters, sorted by name then value, encoded
/// again as `application/x-www-form-urlencoded`.
fn canonical_query(url: &Url) -> String {
    let mut pairs: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(name, value)| !is_tracking(name) && !is_amp_param(name, value))
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    pairs.sort();
    let mut serializer = url::form_urlencoded::Serializer::new(String::new());
    serializer.extend_pairs(pairs);
    serializer.finish()
}

fn is_tracking(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    TRACKING_PARAMS.contains(&name.as_str())
        || TRACKING_PREFIXES
            .iter()
            .any(|prefix| name.starts_with(prefix))
}

fn is_amp_param(name: &str, value: &str) -> bool {
    let value = value.to_ascii_lowercase();
    match name.to_ascii_lowercase().as_str() {
        "amp" => matches!(value.as_str(), "" | "1" | "true" | "yes"),
        "outputtype" => value == "amp",
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_of_spellings() {
        let cases: &[(&str, Option<&str>)] = &[
            // Scheme, host case, www and the trailing slash.
            (
                "http://WWW.Example.COM/News/Story/",
                Some("https://example.com/News/Story"),
            ),
            (
                "https://example.com/News/Story",
                Some("https://example.com/News/Story"),
            ),
            ("https://example.com", Some("https://example.com/")),
            ("https://example.com/", Some("https://example.com/")),
            // Mobile and AMP hosts.
            ("https://m.example.com/a", Some("https://example.com/a")),
            (
                "https://mobile.example.com/a",
                Some("https://example.com/a"),
            ),
            ("https://amp.example.com/a", Some("https://example.com/a")),
            ("https://www.m.example.com/a", Some("https://example.com/a")),
            // A host that is only the prefix's rest stays as it is.
            ("https://m.com/a", Some("https://m.com/a")),
            ("https://example.com./a", Some("https://example.com/a")),
            // Ports, user info and fragments.
            ("http://example.com:80/a", Some("https://example.com/a")),
            ("https://example.com:443/a", Some("https://example.com/a")),
            ("http://example.com:443/a", Some("https://example.com/a")),
            (
                "https://example.com:8080/a",
                Some("https://example.com:8080/a"),
            ),
            (
                "https://user:pw@example.com/a",
                Some("https://example.com/a"),
            ),
            (
                "https://example.com/a#comments",
                Some("https://example.com/a"),
            ),
            // Index pages.
            (
                "https://example.com/news/index.html",
                Some("https://example.com/news"),
            ),
            (
                "https://example.com/INDEX.HTM",
                Some("https://example.com/"),
            ),
            (
                "https://example.com/index.php",
                Some("https://example.com/index.php"),
            ),
            // Tracking parameters.
            (
                "https://example.com/a?utm_source=rss&UTM_Medium=feed&utm_campaign=x",
                Some("https://example.com/a"),
            ),
            (
                "https://example.com/a?id=7&fbclid=abc&gclid=1&mc_cid=2&mc_eid=3",
                Some("https://example.com/a?id=7"),
            ),
            (
                "https://example.com/a?ref=home&cmpid=rss&ocid=msn&_ga=1.2&igshid=z",
                Some("https://example.com/a"),
            ),
            // Remaining parameters are sorted, by name then value.
            (
                "https://example.com/a?b=2&a=1&a=0",
                Some("https://example.com/a?a=0&a=1&b=2"),
            ),
            (
                "https://example.com/a?q=a+b",
                Some("https://example.com/a?q=a+b"),
            ),
            (
                "https://example.com/a?q=a%20b",
                Some("https://example.com/a?q=a+b"),
            ),
            ("https://example.com/a?", Some("https://example.com/a")),
            // AMP variants.
            (
                "https://example.com/amp/news/story",
                Some("https://example.com/news/story"),
            ),
            (
                "https://example.com/news/story/amp",
                Some("https://example.com/news/story"),
            ),
            (
                "https://example.com/news/story/amp/",
                Some("https://example.com/news/story"),
            ),
            (
                "https://example.com/news/story.amp",
                Some("https://example.com/news/story"),
            ),
            (
                "https://example.com/news/story.amp.html",
                Some("https://example.com/news/story.html"),
            ),
            (
                "https://example.com/news/story?amp=1",
                Some("https://example.com/news/story"),
            ),
            (
                "https://example.com/news/story?amp",
                Some("https://example.com/news/story"),
            ),
            (
                "https://example.com/news/story?outputType=amp&page=2",
                Some("https://example.com/news/story?page=2"),
            ),
            (
                "https://example.com/news/story?amp=0",
                Some("https://example.com/news/story?amp=0"),
            ),
            // Words that only contain "amp" are kept.
            (
                "https://example.com/camp/ampere",
                Some("https://example.com/camp/ampere"),
            ),
            ("https://example.com/.amp", Some("https://example.com/.amp")),
            // Not http(s) URLs.
            ("urn:uuid:0b7f0c8e-1d5a-4d6a-9a57-3f1f2b1c9d10", None),
            ("tag:example.com,2026:1", None),
            ("mailto:desk@example.com", None),
            ("/relative/path", None),
            ("", None),
            ("ftp://example.com/a", None),
        ];
        for (input, expected) in cases {
            assert_eq!(
                canonical_url(input).as_deref(),
                *expected,
                "canonical_url({input:?})"
            );
        }
    }

    #[test]
    fn surrounding_whitespace_is_ignored() {
        assert_eq!(
            canonical_url("  https://example.com/a \n").as_deref(),
            Some("https://example.com/a")
        );
    }

    #[test]
    fn same_story_spellings_share_one_key() {
        let spellings = [
            "https://www.example.com/2026/03/story-slug/",
            "http://example.com/2026/03/story-slug?utm_source=feed&utm_medium=rss#more",
            "https://m.example.com/2026/03/story-slug/amp/",
            "https://example.com/amp/2026/03/story-slug?amp=1&fbclid=x",
        ];
        let keys: Vec<_> = spellings.iter().map(|s| canonical_url(s)).collect();
        assert!(
            keys.iter().all(|k| k == &keys[0] && k.is_some()),
            "{keys:?}"
        );
    }
}
