//! `feedmill serve`: publishes the generated feeds to feed readers over HTTP.
//!
//! Policy: readers never wait on upstream and never see a half-built feed. A background
//! thread rebuilds every feed on a schedule (with jitter) through [`crate::build::run`],
//! in memory, and swaps the finished build in whole ([`Published`]); handlers only read
//! the last good copy and render it (cached per feed, format and live query, with a
//! strong ETag). Entry points: [`router`] for the routes, [`spawn_refresher`] for the
//! schedule, [`App`] for the shared state.

mod convert;
mod encoding;
mod http;
mod published;
mod query;

pub use published::{ARCHIVE_PAGE, CACHE_LIMIT, Published, PublishedFeed, Rendered};
pub use query::{LiveQuery, MAX_LIMIT, parse as parse_query};

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use chrono::Utc;
use tower_http::compression::CompressionLayer;

use crate::build::{self, BuildOptions};
use crate::config::{self, LoadedConfig};
use crate::fetch::{AddressPolicy, Fetcher};
use crate::model::Article;
use crate::store::{Store, StoreError};

/// How the server refreshes and caches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServeOptions {
    /// How often every source is refreshed; also the `Cache-Control: max-age`.
    pub refresh_every: Duration,
    /// Up to this much is added to or taken from each wait, so many servers (or many
    /// restarts) do not hit upstreams in step.
    pub jitter: Duration,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            refresh_every: Duration::from_secs(15 * 60),
            jitter: Duration::from_secs(60),
        }
    }
}

/// What the handlers and the refresher share.
#[derive(Debug)]
pub struct App {
    /// The definitions and settings served; replaced whole by [`App::reload`].
    config: RwLock<Arc<LoadedConfig>>,
    /// Where the configuration was loaded from, for [`App::reload`].
    origin: Option<ConfigOrigin>,
    /// Set by [`App::reload`]: the refresher refreshes at once instead of waiting.
    refresh_now: AtomicBool,
    /// The published feeds.
    pub published: Published,
    /// Refresh and cache options.
    pub options: ServeOptions,
    /// The fetcher of `/convert`, when it is enabled: public addresses only (plus the
    /// settings' `convert-allow`), with the settings' limits.
    pub converter: Option<Fetcher>,
}

impl App {
    /// A server for `config`, with nothing published until the first refresh.
    ///
    /// With `[serve] convert = true` it also builds `/convert`'s fetcher; failing that,
    /// `/convert` stays off (and says why in the log).
    pub fn new(config: LoadedConfig, options: ServeOptions) -> App {
        let converter = config.settings.serve.convert.then(|| {
            let mut fetch_options = config.settings.fetch_options();
            fetch_options.address_policy = AddressPolicy::PublicOnly {
                allow: config.settings.serve.convert_allow.clone(),
            };
            Fetcher::new(&fetch_options)
                .map_err(|error| tracing::error!(%error, "/convert stays off"))
                .ok()
        });
        App {
            config: RwLock::new(Arc::new(config)),
            origin: None,
            refresh_now: AtomicBool::new(false),
            published: Published::default(),
            options,
            converter: converter.flatten(),
        }
    }

    /// Remembers where the configuration came from, so [`App::reload`] can read it again.
    pub fn with_origin(mut self, paths: Vec<PathBuf>, settings: Option<PathBuf>) -> App {
        self.origin = Some(ConfigOrigin { paths, settings });
        self
    }

    /// The configuration now in force (a cheap shared copy).
    pub fn config(&self) -> Arc<LoadedConfig> {
        Arc::clone(&self.config.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// Reads the definitions and settings again (SIGHUP, `--watch`). A configuration with
    /// problems is refused and the old one stays in force; a good one replaces it and the
    /// refresher refreshes at once. `[serve] listen`, `convert`, `convert-allow` and the
    /// store path need a restart; tokens, definitions and fetch settings apply now.
    pub fn reload(&self) -> Result<(), ReloadError> {
        let Some(origin) = &self.origin else {
            return Err(ReloadError::NoOrigin);
        };
        let loaded = config::load(&origin.paths, origin.settings.as_deref())?;
        build::plan(&loaded.definitions)?;
        *self.config.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(loaded);
        self.refresh_now.store(true, Ordering::SeqCst);
        tracing::info!("configuration reloaded");
        Ok(())
    }

    /// Refreshes every source once and publishes the result. Blocking: call it off the
    /// async runtime (the refresher thread does).
    pub fn refresh(&self, store: &mut Store, fetcher: &Fetcher) -> Result<(), build::BuildError> {
        let config = self.config();
        let now = Utc::now();
        let options = BuildOptions {
            now,
            output_dir: None,
            max_concurrent: config.settings.max_concurrent,
            default_retention: config.settings.retention,
        };
        let report = build::run(&config.definitions, store, fetcher, &options, &mut |_| {})?;
        let mut archives = HashMap::new();
        for built in &report.feeds {
            archives.insert(built.name.clone(), archive_pages(store, built)?);
        }
        self.published
            .publish(&config.definitions, &report, &mut archives, Utc::now());
        tracing::info!(
            feeds = report.feeds.len(),
            failed = report.failed().count(),
            "refreshed"
        );
        Ok(())
    }
}

/// The routes: `/feeds/NAME.{rss,atom,json}`, `/feeds/NAME/tags/SLUG.{rss,atom,json}`,
/// `/` (index page), `/opml`, `/healthz`, `/convert` (off unless enabled); gzip and
/// brotli by `Accept-Encoding`.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(http::index))
        .route("/opml", get(http::opml))
        .route("/healthz", get(http::healthz))
        .route("/convert", get(convert::convert))
        .route("/feeds/{file}", get(http::feed))
        .route("/feeds/{name}/tags/{file}", get(http::tag_feed))
        .route("/feeds/{name}/archive/{file}", get(http::archive_feed))
        .fallback(http::fallback)
        .layer(CompressionLayer::new().gzip(true).br(true))
        .layer(axum::middleware::from_fn(security_headers))
        .layer(axum::middleware::from_fn(log_request))
        .with_state(app)
}

/// The archive pages of `built`: what the store kept of the articles its output emitted,
/// minus those it carries now, oldest first, in pages of [`ARCHIVE_PAGE`].
fn archive_pages(store: &Store, built: &build::BuiltFeed) -> Result<Vec<Vec<Article>>, StoreError> {
    let current: HashSet<&str> = built.feed.articles.iter().map(|a| a.id.as_str()).collect();
    let older: Vec<Article> = store
        .emitted_articles(&built.name)?
        .into_iter()
        .map(|emitted| emitted.article)
        .filter(|article| !current.contains(article.id.as_str()))
        .collect();
    Ok(older
        .chunks(ARCHIVE_PAGE)
        .map(<[Article]>::to_vec)
        .collect())
}

/// Where a server's configuration was loaded from.
#[derive(Debug, Clone)]
struct ConfigOrigin {
    paths: Vec<PathBuf>,
    settings: Option<PathBuf>,
}

/// Why a reload was refused (the old configuration stays in force).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReloadError {
    /// The app was not told where its configuration came from.
    #[error("nothing to reload: the server was not started from files")]
    NoOrigin,
    /// The files could not be read or are invalid.
    #[error(transparent)]
    Load(#[from] config::LoadError),
    /// The definitions cannot be built together.
    #[error(transparent)]
    Plan(#[from] build::PlanError),
}

/// Logs each request at debug level: method, path, status, time taken. The query is
/// left out on purpose: it may carry an access key (`?key=`).
async fn log_request(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    tracing::debug!(
        %method,
        path,
        status = response.status().as_u16(),
        elapsed = ?started.elapsed(),
        "request"
    );
    response
}

/// The Content-Security-Policy of every response: a document opened in a browser runs
/// nothing, loads nothing and cannot be framed (our pages need none of it).
pub const CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// Adds to every response `X-Content-Type-Options: nosniff` (a browser never reads a
/// feed or an error text as HTML) and [`CONTENT_SECURITY_POLICY`]: a second line behind
/// the sanitizer, should markup ever get through.
async fn security_headers(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    response
}

/// Why the refresher could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The store could not be opened.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The HTTP client could not be built.
    #[error(transparent)]
    Fetch(#[from] crate::fetch::FetchError),
}

/// Starts the refresher: a thread that refreshes at once, then every
/// `refresh_every` ± `jitter`, until `stop` is set (checked every second). The store is
/// opened here and closed when the thread ends.
pub fn spawn_refresher(app: Arc<App>, stop: Arc<AtomicBool>) -> Result<JoinHandle<()>, ServeError> {
    let config = app.config();
    let settings = &config.settings;
    let mut store = Store::open(&settings.state_path)?;
    let fetcher = Fetcher::new(&settings.fetch_options())?;
    Ok(thread::spawn(move || {
        let mut round: u64 = 0;
        while !stop.load(Ordering::SeqCst) {
            if let Err(error) = app.refresh(&mut store, &fetcher) {
                tracing::error!(%error, "refresh failed; serving the last good copies");
            }
            round += 1;
            let wait = jittered(app.options.refresh_every, app.options.jitter, round);
            let mut waited = Duration::ZERO;
            while waited < wait
                && !stop.load(Ordering::SeqCst)
                && !app.refresh_now.swap(false, Ordering::SeqCst)
            {
                let step = Duration::from_secs(1).min(wait - waited);
                thread::sleep(step);
                waited += step;
            }
        }
    }))
}

/// `every` moved by up to `jitter` either way, varying from round to round (a cheap
/// deterministic spread; it needs no randomness to keep servers out of step, since
/// their start times already differ).
fn jittered(every: Duration, jitter: Duration, round: u64) -> Duration {
    let span = jitter.as_millis() as u64;
    if span == 0 {
        return every;
    }
    let seed =
        round.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17) ^ u64::from(std::process::id());
    let offset = seed % (2 * span + 1);
    let millis = (every.as_millis() as u64 + offset).saturating_sub(span);
    Duration::from_millis(millis.max(1000))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_within_its_span_and_varies() {
        let every = Duration::from_secs(600);
        let jitter = Duration::from_secs(60);
        let waits: Vec<Duration> = (0..20)
            .map(|round| jittered(every, jitter, round))
            .collect();
        assert!(
            waits
                .iter()
                .all(|w| *w >= every - jitter && *w <= every + jitter),
            "{waits:?}"
        );
        assert!(waits.windows(2).any(|pair| pair[0] != pair[1]));
        assert_eq!(jittered(every, Duration::ZERO, 3), every);
    }
}
