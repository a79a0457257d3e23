//! The HTTP handlers: feeds (whole, per tag, with live filters), the index page, OPML
//! and the health check, with ETag / Last-Modified validation and caching headers.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};

use super::App;
use super::encoding::{self, Coding};
use super::published::{PublishedFeed, Rendered};
use super::query::{self, LiveQuery};
use crate::build::{SourceStatus, compose_feed, extension, media_type};
use crate::emit::opml::{OpmlDocument, OpmlOutline, write_opml};
use crate::emit::{self, EmitOptions, OutputFormat};
use crate::model::{Link, escape_html};

/// `GET /feeds/NAME.EXT`.
pub(super) async fn feed(
    State(app): State<Arc<App>>,
    Path(file): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    serve_feed(&app, &file, None, raw.as_deref(), &headers)
}

/// `GET /feeds/NAME/tags/SLUG.EXT`.
pub(super) async fn tag_feed(
    State(app): State<Arc<App>>,
    Path((name, file)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    serve_feed(
        &app,
        &name,
        Some((Part::Tag, &file)),
        raw.as_deref(),
        &headers,
    )
}

/// `GET /feeds/NAME/archive/N.EXT`: an RFC 5005 archive page (1 is the oldest).
pub(super) async fn archive_feed(
    State(app): State<Arc<App>>,
    Path((name, file)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    serve_feed(
        &app,
        &name,
        Some((Part::Archive, &file)),
        raw.as_deref(),
        &headers,
    )
}

/// Which document of a feed is asked for, besides the feed itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// A per-tag feed, by slug.
    Tag,
    /// An archive page, by number.
    Archive,
}

fn serve_feed(
    app: &App,
    first: &str,
    part: Option<(Part, &str)>,
    raw: Option<&str>,
    headers: &HeaderMap,
) -> Response {
    let (name, sub, ext) = match part {
        None => match split_extension(first) {
            Some((name, ext)) => (name, None, ext),
            None => {
                return not_found(&format!(
                    "no feed at `{first}`: ask for NAME.rss, NAME.atom or NAME.json"
                ));
            }
        },
        Some((kind, file)) => match split_extension(file) {
            Some((stem, ext)) => (first, Some((kind, stem)), ext),
            None => {
                return not_found(&format!(
                    "nothing at `{file}`: ask for {}.rss, .atom or .json",
                    if kind == Part::Tag { "SLUG" } else { "N" }
                ));
            }
        },
    };
    let live = match query::parse(raw) {
        Ok(live) => live,
        Err(problem) => return bad_request(&problem),
    };
    let format = live.format.unwrap_or(ext);
    let feeds = app.published.snapshot();
    let Some(published) = feeds.get(name) else {
        return if app.published.last_refresh().is_none() {
            not_ready()
        } else {
            not_found(&format!("no feed named `{name}`"))
        };
    };
    let caller = caller_key(headers, raw);
    if !may_see(app, published, caller.as_deref()) {
        return unauthorized(name);
    }
    let links = Links {
        base: format!("{}/feeds/{name}", base_url(headers)),
        ext: extension(format),
        key: key_suffix(app, published, caller.as_deref()),
    };
    let key = format!(
        "{name}|{sub:?}|{}|{}|{}{}",
        extension(format),
        live.canonical,
        links.base,
        links.key
    );
    let rendered = app
        .published
        .rendered(&key, || render(published, sub, format, &live, &links));
    match (rendered, sub) {
        (Some(rendered), _) => respond(app, &rendered, headers),
        (None, Some((Part::Archive, page))) => {
            not_found(&format!("feed `{name}` has no archive page `{page}`"))
        }
        (None, sub) => not_found(&format!(
            "feed `{name}` has no tag feed `{}`",
            sub.map_or("", |(_, slug)| slug)
        )),
    }
}

/// Where a feed's related documents are, for RFC 5005 links: `BASE/archive/N.EXT`.
struct Links {
    base: String,
    ext: &'static str,
    key: String,
}

impl Links {
    fn current(&self) -> String {
        format!("{}.{}{}", self.base, self.ext, self.key)
    }

    fn archive(&self, page: usize) -> String {
        format!("{}/archive/{page}.{}{}", self.base, self.ext, self.key)
    }
}

fn link(rel: &str, href: String) -> Link {
    Link {
        href,
        rel: Some(rel.to_owned().into()),
        ..Link::default()
    }
}

/// Renders a feed (or one of its tag feeds, or an archive page) with live filters on top
/// of its own; the feed links its newest archive page, an archive page its neighbours
/// and the feed (`prev-archive`, `next-archive`, `current`).
fn render(
    published: &PublishedFeed,
    sub: Option<(Part, &str)>,
    format: OutputFormat,
    live: &LiveQuery,
    links: &Links,
) -> Option<Rendered> {
    let meta = &published.definition.feed;
    let aliases = &published.definition.aliases;
    let pages = published.archive.len();
    let mut feed_links = Vec::new();
    let (title, articles) = match sub {
        None => {
            if pages > 0 {
                feed_links.push(link("prev-archive", links.archive(pages)));
            }
            (meta.title.clone(), published.built.feed.articles.clone())
        }
        Some((Part::Tag, slug)) => {
            let tag = published.built.tags.iter().find(|tag| tag.slug == slug)?;
            let articles = tag.articles(&published.built.feed.articles).cloned();
            (crate::build::tag_title(meta, tag), articles.collect())
        }
        Some((Part::Archive, number)) => {
            let page: usize = number.parse().ok().filter(|n| (1..=pages).contains(n))?;
            feed_links.push(link("current", links.current()));
            if page > 1 {
                feed_links.push(link("prev-archive", links.archive(page - 1)));
            }
            if page < pages {
                feed_links.push(link("next-archive", links.archive(page + 1)));
            }
            let mut articles = published.archive[page - 1].clone();
            crate::pipeline::sort_newest_first(&mut articles);
            (format!("{} — archive {page}", meta.title), articles)
        }
    };
    let now = published.refreshed_at;
    let articles = if live.rules.is_empty() {
        articles
    } else {
        live.rules.apply(articles, now.fixed_offset(), aliases)
    };
    let mut feed = compose_feed(meta, &title, articles, now);
    feed.links.extend(feed_links);
    let last_modified = feed
        .updated
        .map_or(now, |updated| updated.with_timezone(&Utc));
    let body = emit::write(&feed, format, &EmitOptions::default()).ok()?;
    Some(Rendered::new(body, last_modified, format))
}

/// 200 with the body in the coding the client accepts best, or 304 when its validators
/// match.
fn respond(app: &App, rendered: &Rendered, headers: &HeaderMap) -> Response {
    let coding = encoding::negotiate(
        headers
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok()),
    );
    let mut response_headers = HeaderMap::new();
    insert(
        &mut response_headers,
        header::ETAG,
        &coding.etag(&rendered.etag),
    );
    insert(
        &mut response_headers,
        header::LAST_MODIFIED,
        &http_date(rendered.last_modified),
    );
    insert(
        &mut response_headers,
        header::CACHE_CONTROL,
        &format!("public, max-age={}", app.options.refresh_every.as_secs()),
    );
    insert(&mut response_headers, header::VARY, "accept-encoding");
    if not_modified(rendered, headers) {
        return (StatusCode::NOT_MODIFIED, response_headers).into_response();
    }
    insert(
        &mut response_headers,
        header::CONTENT_TYPE,
        &format!("{}; charset=utf-8", media_type(rendered.format)),
    );
    if let Some(token) = coding.token() {
        insert(&mut response_headers, header::CONTENT_ENCODING, token);
    }
    let body = rendered.compressed.get(&rendered.body, coding);
    (StatusCode::OK, response_headers, body).into_response()
}

/// `If-None-Match` decides when present (any listed tag, of any coding's representation,
/// or `*`); otherwise `If-Modified-Since` at or after the content's last change.
fn not_modified(rendered: &Rendered, headers: &HeaderMap) -> bool {
    if let Some(tags) = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    {
        let current = [Coding::Identity, Coding::Gzip, Coding::Brotli]
            .map(|coding| coding.etag(&rendered.etag));
        return tags.split(',').map(str::trim).any(|tag| {
            let tag = tag.strip_prefix("W/").unwrap_or(tag);
            tag == "*" || current.iter().any(|etag| etag == tag)
        });
    }
    headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok())
        .is_some_and(|since| {
            let since: DateTime<Utc> = since.into();
            rendered.last_modified.timestamp() <= since.timestamp()
        })
}

/// `GET /`: every feed with subscribe links, last refresh, article count and per-source
/// health; `<link rel="alternate">` for feed auto-discovery.
pub(super) async fn index(
    State(app): State<Arc<App>>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let key = caller_key(&headers, raw.as_deref());
    let feeds = app.published.snapshot();
    let names = app.published.names();
    let mut head = String::new();
    let mut body = String::new();
    for name in names.iter() {
        let Some(published) = feeds.get(name) else {
            let _ = writeln!(
                body,
                "<section><h2>{}</h2><p>Not built yet.</p></section>",
                escape_html(name)
            );
            continue;
        };
        if !may_see(&app, published, key.as_deref()) {
            continue;
        }
        let meta = &published.definition.feed;
        let title = escape_html(&meta.title);
        let file = escape_html(name);
        let suffix = escape_html(&key_suffix(&app, published, key.as_deref()));
        let _ = writeln!(
            head,
            "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"{title}\" href=\"/feeds/{file}.atom{suffix}\">"
        );
        let _ = write!(
            body,
            "<section class=\"feed\"><h2>{title}</h2>\n<p>Subscribe: <a href=\"/feeds/{file}.atom{suffix}\">Atom</a> · <a href=\"/feeds/{file}.rss{suffix}\">RSS</a> · <a href=\"/feeds/{file}.json{suffix}\">JSON Feed</a></p>\n<p>{} articles; refreshed {}</p>\n<ul class=\"sources\">\n",
            published.built.feed.articles.len(),
            published.refreshed_at.format("%Y-%m-%d %H:%M UTC")
        );
        for source in &published.sources {
            let health = match &source.status {
                SourceStatus::Ok | SourceStatus::Unchanged => "ok".to_owned(),
                SourceStatus::NotDue { next } => format!("ok, next fetch {}", escape_html(next)),
                SourceStatus::Failed {
                    error,
                    consecutive_failures,
                } => {
                    format!(
                        "failing ({consecutive_failures} run(s) in a row): {}",
                        escape_html(error)
                    )
                }
                SourceStatus::BackingOff { error, until } => {
                    format!(
                        "failing, next try {}: {}",
                        escape_html(until),
                        escape_html(error)
                    )
                }
            };
            let _ = writeln!(body, "<li>{}: {health}</li>", escape_html(&source.source));
        }
        body.push_str("</ul>\n");
        if !published.built.tags.is_empty() {
            body.push_str("<details><summary>Per-tag feeds</summary><ul>\n");
            for tag in &published.built.tags {
                let _ = writeln!(
                    body,
                    "<li><a href=\"/feeds/{file}/tags/{}.atom{suffix}\">{}</a> ({})</li>",
                    escape_html(&tag.slug),
                    escape_html(&tag.label),
                    tag.positions.len()
                );
            }
            body.push_str("</ul></details>\n");
        }
        body.push_str("</section>\n");
    }
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>feedmill</title>\n{head}<link rel=\"alternate\" type=\"text/x-opml\" title=\"All feeds\" href=\"/opml\">\n</head>\n<body>\n<h1>Feeds</h1>\n<p><a href=\"/opml\">All feeds as OPML</a></p>\n{body}</body>\n</html>\n"
    );
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
}

/// `GET /opml`: every feed, for a reader to subscribe to all at once.
pub(super) async fn opml(
    State(app): State<Arc<App>>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let key = caller_key(&headers, raw.as_deref());
    let base = base_url(&headers);
    let feeds = app.published.snapshot();
    let outlines = app
        .published
        .names()
        .iter()
        .filter_map(|name| feeds.get(name))
        .filter(|published| may_see(&app, published, key.as_deref()))
        .map(|published| {
            let meta = &published.definition.feed;
            let suffix = key_suffix(&app, published, key.as_deref());
            let mut outline = OpmlOutline::feed(
                meta.title.clone(),
                format!("{base}/feeds/{}.atom{suffix}", meta.name),
            );
            if let Some(link) = &meta.link {
                outline = outline.with_html_url(link.to_string());
            }
            outline
        })
        .collect();
    let document = OpmlDocument {
        title: "feedmill feeds".to_owned(),
        created: app.published.last_refresh(),
        outlines,
    };
    (
        [(header::CONTENT_TYPE, "text/x-opml; charset=utf-8")],
        write_opml(&document),
    )
        .into_response()
}

/// `GET /healthz`: 200 once a refresh has finished, else 503.
pub(super) async fn healthz(State(app): State<Arc<App>>) -> Response {
    match app.published.last_refresh() {
        Some(at) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            format!(
                "{{\"status\":\"ok\",\"last_refresh\":\"{}\",\"feeds\":{}}}\n",
                at.to_rfc3339(),
                app.published.snapshot().len()
            ),
        )
            .into_response(),
        None => not_ready(),
    }
}

/// Anything else.
pub(super) async fn fallback() -> Response {
    not_found("nothing here: feeds are under /feeds/, the list at /")
}

/// The key the caller presents: `?key=…`, else `Authorization: Bearer …`.
pub(super) fn caller_key(headers: &HeaderMap, raw: Option<&str>) -> Option<String> {
    let from_query = url::form_urlencoded::parse(raw.unwrap_or("").as_bytes())
        .find(|(name, _)| name == "key")
        .map(|(_, value)| value.into_owned());
    from_query.or_else(|| {
        headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|token| token.trim().to_owned())
    })
}

/// Whether `key` opens `feed`: a feed with no token of its own and no global token is
/// public; otherwise either token opens it. Compared in constant time.
fn may_see(app: &App, feed: &PublishedFeed, key: Option<&str>) -> bool {
    let config = app.config();
    let global = config.settings.serve.token.as_deref();
    let own = feed.definition.feed.token.as_deref();
    if global.is_none() && own.is_none() {
        return true;
    }
    let Some(key) = key else {
        return false;
    };
    [global, own]
        .into_iter()
        .flatten()
        .any(|token| key_opens(token, key))
}

/// Whether `key` is `token`, compared in constant time.
pub(super) fn key_opens(token: &str, key: &str) -> bool {
    constant_time_eq::constant_time_eq(token.as_bytes(), key.as_bytes())
}

/// Whether `feed` needs a key at all.
fn needs_key(app: &App, feed: &PublishedFeed) -> bool {
    app.config().settings.serve.token.is_some() || feed.definition.feed.token.is_some()
}

/// `?key=…` to carry on links, for a caller who presented a key and a feed that needs one.
fn key_suffix(app: &App, feed: &PublishedFeed, key: Option<&str>) -> String {
    match key {
        Some(key) if needs_key(app, feed) => {
            let encoded: String = url::form_urlencoded::byte_serialize(key.as_bytes()).collect();
            format!("?key={encoded}")
        }
        _ => String::new(),
    }
}

/// `NAME.EXT` → (`NAME`, format).
fn split_extension(file: &str) -> Option<(&str, OutputFormat)> {
    let (name, ext) = file.rsplit_once('.')?;
    let format = match ext {
        "rss" => OutputFormat::Rss,
        "atom" => OutputFormat::Atom,
        "json" => OutputFormat::Json,
        _ => return None,
    };
    (!name.is_empty()).then_some((name, format))
}

/// `http://HOST` of the request (`X-Forwarded-Proto` honoured), for absolute links.
/// A `Host` that is not a plain host name or address with an optional port (quotes,
/// slashes, `@`, spaces …) is not echoed into documents: `localhost` stands in.
fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|host| is_plain_host(host))
        .unwrap_or("localhost");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .filter(|proto| matches!(*proto, "http" | "https"))
        .unwrap_or("http");
    format!("{scheme}://{host}")
}

/// A host name, IPv4 or bracketed IPv6 address, optionally with `:port`.
fn is_plain_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 255
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
}

fn http_date(at: DateTime<Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

fn insert(headers: &mut HeaderMap, name: header::HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(name, value);
    }
}

fn not_found(message: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{message}\n"),
    )
        .into_response()
}

fn bad_request(message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{message}\n"),
    )
        .into_response()
}

fn unauthorized(name: &str) -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::WWW_AUTHENTICATE, "Bearer"),
        ],
        format!("feed `{name}` needs a key: add ?key=KEY or send Authorization: Bearer KEY\n"),
    )
        .into_response()
}

fn not_ready() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::RETRY_AFTER, "5"),
        ],
        "the first refresh has not finished yet\n",
    )
        .into_response()
}
