//! `feedmill serve [FEEDS…]`: publish the generated feeds over HTTP, refreshing them in
//! the background.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Context;
use clap::Args;

use super::exit_code;
use feedmill::config::{self, LoadError};
use feedmill::serve::{self, App, ServeOptions};

const AFTER_HELP: &str = "\
Examples:
  feedmill serve                               feeds/ on http://127.0.0.1:8080/
  feedmill serve feeds/world.toml --listen 0.0.0.0:8080 --refresh 10m

Feeds are at /feeds/NAME.rss, .atom and .json (per-tag ones at /feeds/NAME/tags/SLUG.EXT),
with live filters: ?tag=Belarus&tag_not=Sport&q=visit&q_not=ad&since=7d&limit=20&format=json.
The index page is /, all feeds as OPML at /opml, a health check at /healthz.
SIGHUP (or a change with --watch) reloads the definitions and settings; a configuration
with problems is refused and the running one stays.
Stop with Ctrl-C or SIGTERM: requests in flight finish, the store is closed cleanly.";

/// Arguments of `feedmill serve`.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub(crate) struct ServeArgs {
    /// Definition files, or directories of them. Default: `feeds`.
    #[arg(value_name = "FEEDS")]
    feeds: Vec<PathBuf>,

    /// The address to listen on. Default: the settings' `[serve] listen`, else
    /// 127.0.0.1:8080.
    #[arg(long, value_name = "ADDR")]
    listen: Option<SocketAddr>,

    /// The settings file. Default: `feedmill.toml` next to the first FEEDS.
    #[arg(long, value_name = "FILE")]
    settings: Option<PathBuf>,

    /// Keep the item history here instead of the settings' `state`.
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,

    /// Reload the configuration when a definition or the settings file changes (checked
    /// every 2 s); SIGHUP reloads it too.
    #[arg(long)]
    watch: bool,

    /// How often to refresh every source, e.g. `15m` (also the feeds' max-age).
    /// Default: the settings' `[serve] refresh`, else 15m.
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    refresh: Option<Duration>,
}

/// Runs `feedmill serve` until a shutdown signal; returns the exit code.
pub(crate) fn run(args: ServeArgs) -> anyhow::Result<u8> {
    let paths = if args.feeds.is_empty() {
        vec![PathBuf::from("feeds")]
    } else {
        args.feeds.clone()
    };
    let mut loaded = match super::load_config(&paths, args.settings.as_deref(), true)? {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    if let Some(state) = args.state {
        loaded.settings.state_path = state;
    }
    let serve_settings = &loaded.settings.serve;
    let listen = args
        .listen
        .or(serve_settings.listen)
        .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)));
    let refresh = args
        .refresh
        .or(serve_settings.refresh)
        .unwrap_or(Duration::from_secs(15 * 60));
    let options = ServeOptions {
        refresh_every: refresh.max(Duration::from_secs(10)),
        jitter: (refresh / 10).min(Duration::from_secs(120)),
    };
    let app = Arc::new(App::new(loaded, options).with_origin(paths.clone(), args.settings.clone()));
    let stop = Arc::new(AtomicBool::new(false));
    let refresher = serve::spawn_refresher(Arc::clone(&app), Arc::clone(&stop))?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    if args.watch {
        watch(Arc::clone(&app), paths.clone(), Arc::clone(&stop));
    }
    let served = runtime.block_on(async {
        #[cfg(unix)]
        reload_on_hangup(Arc::clone(&app));
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("listening on {listen}"))?;
        let address = listener.local_addr().unwrap_or(listen);
        super::message("info", &format!("serving on http://{address}/"));
        axum::serve(listener, serve::router(Arc::clone(&app)))
            .with_graceful_shutdown(shutdown_signal())
            .await
            .context("serving")
    });
    stop.store(true, Ordering::SeqCst);
    // The refresher finishes the refresh it is in, then closes the store.
    let _ = refresher.join();
    served.map(|()| exit_code::SUCCESS)
}

/// Reloads and reports the outcome on stderr; a refused configuration leaves the
/// running one in force.
fn reload(app: &App) {
    match app.reload() {
        Ok(()) => super::message("info", "configuration reloaded"),
        Err(serve::ReloadError::Load(LoadError::Invalid { errors })) => {
            for error in &errors {
                super::message("error", &error.to_string());
            }
            super::message("error", "reload refused; the running configuration stays");
        }
        Err(error) => super::message(
            "error",
            &format!("reload refused ({error}); the running configuration stays"),
        ),
    }
}

/// SIGHUP reloads the configuration.
#[cfg(unix)]
fn reload_on_hangup(app: Arc<App>) {
    use tokio::signal::unix::{SignalKind, signal};
    tokio::spawn(async move {
        let Ok(mut hangup) = signal(SignalKind::hangup()) else {
            return;
        };
        while hangup.recv().await.is_some() {
            let app = Arc::clone(&app);
            let _ = tokio::task::spawn_blocking(move || reload(&app)).await;
        }
    });
}

/// Polls the modification times of the definition and settings files every 2 s and
/// reloads when one changes, appears or goes.
fn watch(app: Arc<App>, paths: Vec<PathBuf>, stop: Arc<AtomicBool>) {
    std::thread::spawn(move || {
        let mut seen = stamps(&paths);
        while !stop.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_secs(2));
            let now = stamps(&paths);
            if now != seen {
                seen = now;
                reload(&app);
            }
        }
    });
}

/// Every `*.toml` under `paths` (files, or the files of directories) with its
/// modification time, sorted.
fn stamps(paths: &[PathBuf]) -> Vec<(PathBuf, Option<std::time::SystemTime>)> {
    let mut found = Vec::new();
    for path in paths {
        let files: Vec<PathBuf> = if path.is_dir() {
            std::fs::read_dir(path)
                .into_iter()
                .flatten()
                .flatten()
                .map(|entry| entry.path())
                .filter(|file| file.extension().is_some_and(|ext| ext == "toml"))
                .collect()
        } else {
            let mut files = vec![path.clone()];
            if let Some(dir) = path.parent() {
                files.push(dir.join(config::SETTINGS_FILE_NAME));
            }
            files
        };
        for file in files {
            let modified = std::fs::metadata(&file).and_then(|m| m.modified()).ok();
            found.push((file, modified));
        }
    }
    found.sort();
    found
}

/// Resolves on Ctrl-C, or SIGTERM on Unix.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
