//! Helpers shared by the `serve` tests: a router served on 127.0.0.1 by its own tokio
//! runtime, and the bundled demo loaded and refreshed once.

// Each test crate uses part of this module.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use feedmill::config;
use feedmill::fetch::{FetchOptions, Fetcher};
use feedmill::serve::{App, ServeOptions};
use feedmill::store::Store;

/// Serves `router` on 127.0.0.1 (a free port) until the test process ends.
pub fn start(router: axum::Router) -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener
        .set_nonblocking(true)
        .expect("non-blocking listener");
    let address = listener.local_addr().expect("local address");
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
            let _ = axum::serve(listener, router).await;
        });
    });
    address
}

/// The bundled demo (`feeds/world.toml`) as an app, refreshed once with its store in
/// `state`.
pub fn demo_app(state: &Path) -> Arc<App> {
    let project = Path::new(env!("CARGO_MANIFEST_DIR"));
    let loaded =
        config::load(&[project.join("feeds/world.toml")], None).expect("the demo is valid");
    let app = Arc::new(App::new(loaded, ServeOptions::default()));
    let mut store = Store::open(&state.join("state.sqlite")).expect("store");
    let fetcher = Fetcher::new(&FetchOptions::default()).expect("fetcher");
    app.refresh(&mut store, &fetcher).expect("refresh");
    app
}
