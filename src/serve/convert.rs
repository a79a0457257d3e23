//! `GET /convert?url=URL&to=atom|rss|json`: ad-hoc conversion of one feed or page, off
//! unless `[serve] convert = true`.
//!
//! Policy: it fetches what strangers ask for, so it fetches through a fetcher whose
//! address policy is public only (checked after DNS resolution and on every redirect;
//! `convert-allow` lets named hosts or networks through), with the settings' size and
//! time limits; the global token, when set, is needed here too.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use url::Url;

use super::{App, http};
use crate::build::media_type;
use crate::emit::{self, EmitOptions, OutputFormat};
use crate::fetch::FetchError;
use crate::source::feed::{self, ReadError, ReadOptions};
use crate::source::page::{self, PageOptions};

/// The handler.
pub(super) async fn convert(
    State(app): State<Arc<App>>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    if app.converter.is_none() {
        return text(
            StatusCode::NOT_FOUND,
            "conversion is off; enable it with `convert = true` in the settings' [serve] table",
        );
    }
    let mut url = None;
    let mut format = OutputFormat::Atom;
    for (name, value) in url::form_urlencoded::parse(raw.as_deref().unwrap_or_default().as_bytes())
    {
        match name.as_ref() {
            "url" => url = Some(value.into_owned()),
            "to" | "format" => {
                format = match value.as_ref() {
                    "rss" => OutputFormat::Rss,
                    "atom" => OutputFormat::Atom,
                    "json" => OutputFormat::Json,
                    other => {
                        return text(
                            StatusCode::BAD_REQUEST,
                            &format!("`to` must be rss, atom or json, not {other:?}"),
                        );
                    }
                };
            }
            _ => {}
        }
    }
    if let Some(token) = &app.config().settings.serve.token {
        let presented = http::caller_key(&headers, raw.as_deref());
        let open = presented.is_some_and(|presented| http::key_opens(token, &presented));
        if !open {
            return text(
                StatusCode::UNAUTHORIZED,
                "/convert needs the key: add &key=KEY or send Authorization: Bearer KEY",
            );
        }
    }
    let Some(url) = url else {
        return text(
            StatusCode::BAD_REQUEST,
            "give the feed or page to convert: /convert?url=https://…&to=atom",
        );
    };
    let url = match Url::parse(url.trim()) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => url,
        _ => {
            return text(
                StatusCode::BAD_REQUEST,
                &format!("`url` must be an absolute http(s) URL, not {url:?}"),
            );
        }
    };
    let worker = Arc::clone(&app);
    let converted =
        tokio::task::spawn_blocking(move || convert_blocking(&worker, &url, format)).await;
    match converted {
        Ok(Ok(body)) => (
            StatusCode::OK,
            [
                (
                    header::CONTENT_TYPE,
                    format!("{}; charset=utf-8", media_type(format)),
                ),
                (header::CACHE_CONTROL, "no-store".to_owned()),
            ],
            body,
        )
            .into_response(),
        Ok(Err((status, message))) => text(status, &message),
        Err(_) => text(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the conversion failed unexpectedly",
        ),
    }
}

/// Fetch, read (a feed, else an HTML page) and write; an error is a status and a message.
fn convert_blocking(
    app: &App,
    url: &Url,
    format: OutputFormat,
) -> Result<Vec<u8>, (StatusCode, String)> {
    let Some(fetcher) = &app.converter else {
        return Err((StatusCode::NOT_FOUND, "conversion is off".to_owned()));
    };
    let fetched = fetcher.fetch(url).map_err(|error| {
        let status = match &error {
            FetchError::Refused { .. } => StatusCode::FORBIDDEN,
            FetchError::TimedOut { .. } => StatusCode::GATEWAY_TIMEOUT,
            _ => StatusCode::BAD_GATEWAY,
        };
        (status, error.chain())
    })?;
    let options = ReadOptions {
        content_type: fetched.content_type.clone(),
        url: Some(fetched.final_url.to_string()),
        content_location: fetched.content_location.clone(),
        content_language: fetched.content_language.clone(),
    };
    let model = match feed::read(&fetched.body, &options) {
        Ok(outcome) => outcome.feed,
        Err(ReadError::HtmlPage) => {
            let page_options = PageOptions {
                url: Some(fetched.final_url.to_string()),
                content_type: fetched.content_type.clone(),
                expect: None,
                time_zone: None,
                now: Some(Utc::now()),
            };
            page::read_page(&fetched.body, &page_options)
                .map_err(|error| {
                    (
                        StatusCode::UNPROCESSABLE_ENTITY,
                        format!("reading `{url}`: {error}"),
                    )
                })?
                .feed
        }
        Err(error) => {
            return Err((
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("reading `{url}`: {error}"),
            ));
        }
    };
    emit::write(&model, format, &EmitOptions::default())
        .map_err(|error| (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()))
}

fn text(status: StatusCode, message: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{message}\n"),
    )
        .into_response()
}
