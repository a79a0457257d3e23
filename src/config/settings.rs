//! The settings file (`feeds/feedmill.toml`, table `[settings]`): what every feed of a
//! run shares — where outputs and the store go, and the fetcher's limits.
//!
//! Policy: every key is optional; paths are relative to the settings file's directory;
//! without a settings file, [`Settings::default`] applies (paths relative to the current
//! directory). Entry point: [`validate_settings`].

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use super::InvalidConfig;
use super::filter::{duration, positive};
use super::validate::Errors;
use crate::fetch::{AllowRule, DEFAULT_MAX_RETRY_AFTER, FetchOptions, USER_AGENT};

/// The settings file's name, looked for in the definitions' directory.
pub const SETTINGS_FILE_NAME: &str = "feedmill.toml";

/// How long an article that left its source stays in outputs, unless a feed says.
pub const DEFAULT_RETENTION: Duration = Duration::from_secs(30 * 24 * 3600);

/// The settings file as written.
///
/// ```toml
/// [settings]
/// output-dir = "../public"
/// state = "../.feedmill/state.sqlite"
/// max-concurrent = 16
/// timeout = "30s"
/// ```
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SettingsFileToml {
    /// The `[settings]` table.
    #[serde(default)]
    pub settings: SettingsToml,
    /// The `[serve]` table: how `feedmill serve` publishes.
    #[serde(default)]
    pub serve: ServeToml,
}

/// The `[serve]` table of the settings file.
///
/// ```toml
/// [serve]
/// listen = "127.0.0.1:8080"
/// refresh = "15m"
/// token = "a-long-random-secret"
/// convert = true
/// convert-allow = ["feeds.intranet", "10.20.0.0/16"]
/// ```
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ServeToml {
    /// The address to listen on. Default: `127.0.0.1:8080` (`--listen` overrides).
    #[schemars(with = "Option<String>", length(min = 1))]
    pub listen: Option<Spanned<String>>,
    /// How often every source is refreshed, e.g. `"15m"`; also the feeds' `max-age`.
    /// Default: 15 minutes (`--refresh` overrides).
    #[schemars(with = "Option<super::schema::Duration>")]
    pub refresh: Option<Spanned<String>>,
    /// A token every request must carry (`?key=TOKEN` or `Authorization: Bearer
    /// TOKEN`), at least 16 characters. A feed's own `token` also opens that feed.
    /// Default: none (feeds without their own token are public).
    #[schemars(with = "Option<String>", length(min = 16))]
    pub token: Option<Spanned<String>>,
    /// Enable `/convert?url=…&to=atom`, which fetches any public URL. Default: false.
    #[schemars(with = "Option<bool>")]
    pub convert: Option<Spanned<bool>>,
    /// Hosts or networks `/convert` may fetch although they are private or local
    /// (`"feeds.intranet"`, `"10.20.0.0/16"`, `"127.0.0.1:8081"`). Default: none.
    #[schemars(with = "Option<Vec<String>>")]
    pub convert_allow: Option<Spanned<Vec<Spanned<String>>>>,
}

/// The `[settings]` table.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SettingsToml {
    /// Where outputs are written. Default: `public`.
    #[schemars(with = "Option<String>", length(min = 1))]
    pub output_dir: Option<Spanned<String>>,
    /// The item history store (SQLite). Default: `.feedmill/state.sqlite`.
    #[schemars(with = "Option<String>", length(min = 1))]
    pub state: Option<Spanned<String>>,
    /// The `User-Agent` header. Default: `feedmill/VERSION (+homepage)`.
    #[schemars(with = "Option<String>", length(min = 1))]
    pub user_agent: Option<Spanned<String>>,
    /// Requests in flight at once, over all hosts. Default: 16.
    #[schemars(with = "Option<i64>", range(min = 1))]
    pub max_concurrent: Option<Spanned<i64>>,
    /// Requests in flight at once to one host. Default: 2.
    #[schemars(with = "Option<i64>", range(min = 1))]
    pub max_per_host: Option<Spanned<i64>>,
    /// Time allowed to connect, e.g. `"10s"`. Default: 10 s.
    #[schemars(with = "Option<super::schema::Duration>")]
    pub connect_timeout: Option<Spanned<String>>,
    /// Time allowed for a whole fetch, e.g. `"30s"`. Default: 30 s.
    #[schemars(with = "Option<super::schema::Duration>")]
    pub timeout: Option<Spanned<String>>,
    /// The largest body accepted, e.g. `"20 MiB"`. Default: 20 MiB.
    #[schemars(with = "Option<super::schema::ByteSize>")]
    pub max_body_size: Option<Spanned<String>>,
    /// Redirects followed before giving up. Default: 10.
    #[schemars(with = "Option<i64>", range(min = 1))]
    pub max_redirects: Option<Spanned<i64>>,
    /// The longest `Retry-After` believed, e.g. `"6h"`: a server asking for longer (or
    /// for a date far ahead) is asked again after this. Default: 6 hours.
    #[schemars(with = "Option<super::schema::Duration>")]
    pub max_retry_after: Option<Spanned<String>>,
    /// Default retention of articles that left their source, e.g. `"30d"`. Default: 30 days.
    #[schemars(with = "Option<super::schema::Duration>")]
    pub retention: Option<Spanned<String>>,
}

/// Validated settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Where outputs are written.
    pub output_dir: PathBuf,
    /// The store's path.
    pub state_path: PathBuf,
    /// The `User-Agent` to send, when configured.
    pub user_agent: Option<String>,
    /// Requests in flight at once.
    pub max_concurrent: usize,
    /// Requests in flight at once per host.
    pub max_per_host: usize,
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// Whole-fetch timeout.
    pub timeout: Duration,
    /// Body-size cap in bytes.
    pub max_body_bytes: u64,
    /// Redirect limit.
    pub max_redirects: usize,
    /// The longest `Retry-After` believed.
    pub max_retry_after: Duration,
    /// Default retention.
    pub retention: Duration,
    /// How `feedmill serve` publishes.
    pub serve: ServeSettings,
}

impl Settings {
    /// The fetch limits and manners these settings ask for (address policy: allow all).
    pub fn fetch_options(&self) -> FetchOptions {
        FetchOptions {
            connect_timeout: self.connect_timeout,
            timeout: self.timeout,
            max_body_bytes: self.max_body_bytes,
            max_redirects: self.max_redirects,
            user_agent: self
                .user_agent
                .clone()
                .unwrap_or_else(|| USER_AGENT.to_owned()),
            max_per_host: self.max_per_host,
            max_retry_after: self.max_retry_after,
            ..FetchOptions::default()
        }
    }
}

/// Validated `[serve]` settings.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServeSettings {
    /// The address to listen on, when configured.
    pub listen: Option<SocketAddr>,
    /// The refresh interval, when configured.
    pub refresh: Option<Duration>,
    /// The global access token, when configured.
    pub token: Option<String>,
    /// Whether `/convert` is enabled.
    pub convert: bool,
    /// What `/convert` may fetch besides public addresses.
    pub convert_allow: Vec<AllowRule>,
}

/// The shortest access token accepted: a token is a password.
pub const MIN_TOKEN_LEN: usize = 16;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            output_dir: PathBuf::from("public"),
            state_path: PathBuf::from(".feedmill/state.sqlite"),
            user_agent: None,
            max_concurrent: 16,
            max_per_host: 2,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            max_body_bytes: 20 * 1024 * 1024,
            max_redirects: 10,
            max_retry_after: DEFAULT_MAX_RETRY_AFTER,
            retention: DEFAULT_RETENTION,
            serve: ServeSettings::default(),
        }
    }
}

/// Reads and checks a settings file's text; `path` names it in messages and is the base
/// of its relative paths. Every problem is reported, each with line, column and key.
///
/// ```
/// use std::path::Path;
/// use feedmill::config::validate_settings;
///
/// let settings = validate_settings(Path::new("feeds/feedmill.toml"), "[settings]\noutput-dir = \"../public\"\n").unwrap();
/// assert_eq!(settings.output_dir, Path::new("feeds/../public"));
/// let error = validate_settings(Path::new("feeds/feedmill.toml"), "[settings]\ntimeout = \"soon\"\n").unwrap_err();
/// assert!(error.to_string().contains("feeds/feedmill.toml:2:11: settings.timeout"));
/// ```
pub fn validate_settings(path: &Path, text: &str) -> Result<Settings, InvalidConfig> {
    let mut errors = Errors::new(path, text);
    let file: SettingsFileToml = match toml::from_str(text) {
        Ok(file) => file,
        Err(error) => {
            errors.push(error.span(), None, error.message().trim().to_owned());
            return Err(errors.finish());
        }
    };
    let toml = &file.settings;
    let base = path.parent().unwrap_or(Path::new(""));
    let mut settings = Settings::default();
    let path_value = |value: &Spanned<String>, key: &str, errors: &mut Errors<'_>| {
        let text = value.get_ref().trim();
        if text.is_empty() {
            errors.push(
                Some(value.span()),
                Some(key.to_owned()),
                "must not be empty".to_owned(),
            );
            None
        } else {
            Some(base.join(text))
        }
    };
    if let Some(dir) = toml
        .output_dir
        .as_ref()
        .and_then(|v| path_value(v, "settings.output-dir", &mut errors))
    {
        settings.output_dir = dir;
    }
    if let Some(state) = toml
        .state
        .as_ref()
        .and_then(|v| path_value(v, "settings.state", &mut errors))
    {
        settings.state_path = state;
    }
    if let Some(agent) = &toml.user_agent {
        let text = agent.get_ref().trim();
        if text.is_empty() || !text.bytes().all(|b| b == b' ' || b.is_ascii_graphic()) {
            errors.push(
                Some(agent.span()),
                Some("settings.user-agent".to_owned()),
                "must be visible ASCII, not empty".to_owned(),
            );
        } else {
            settings.user_agent = Some(text.to_owned());
        }
    }
    let count = |value: &Option<Spanned<i64>>, key: &str, errors: &mut Errors<'_>| {
        value
            .as_ref()
            .and_then(|value| positive(value, key, errors))
    };
    if let Some(n) = count(&toml.max_concurrent, "settings.max-concurrent", &mut errors) {
        settings.max_concurrent = n;
    }
    if let Some(n) = count(&toml.max_per_host, "settings.max-per-host", &mut errors) {
        settings.max_per_host = n;
    }
    if let Some(n) = count(&toml.max_redirects, "settings.max-redirects", &mut errors) {
        settings.max_redirects = n;
    }
    let time = |value: &Option<Spanned<String>>, key: &str, errors: &mut Errors<'_>| {
        value
            .as_ref()
            .and_then(|value| duration(value, key, errors))
    };
    if let Some(d) = time(
        &toml.connect_timeout,
        "settings.connect-timeout",
        &mut errors,
    ) {
        settings.connect_timeout = d;
    }
    if let Some(d) = time(&toml.timeout, "settings.timeout", &mut errors) {
        settings.timeout = d;
    }
    if let Some(d) = time(
        &toml.max_retry_after,
        "settings.max-retry-after",
        &mut errors,
    ) {
        settings.max_retry_after = d;
    }
    if let Some(d) = time(&toml.retention, "settings.retention", &mut errors) {
        settings.retention = d;
    }
    if let Some(size) = &toml.max_body_size {
        match size.get_ref().trim().parse::<bytesize::ByteSize>() {
            Ok(parsed) if parsed.as_u64() > 0 => settings.max_body_bytes = parsed.as_u64(),
            _ => errors.push(
                Some(size.span()),
                Some("settings.max-body-size".to_owned()),
                format!(
                    "invalid size {:?} (write e.g. \"20 MiB\", \"500 kB\")",
                    size.get_ref()
                ),
            ),
        }
    }
    settings.serve = serve_settings(&file.serve, &mut errors);
    if errors.count() == 0 {
        Ok(settings)
    } else {
        Err(errors.finish())
    }
}

fn serve_settings(toml: &ServeToml, errors: &mut Errors<'_>) -> ServeSettings {
    let mut serve = ServeSettings::default();
    if let Some(listen) = &toml.listen {
        match listen.get_ref().trim().parse::<SocketAddr>() {
            Ok(address) => serve.listen = Some(address),
            Err(_) => errors.push(
                Some(listen.span()),
                Some("serve.listen".to_owned()),
                format!(
                    "invalid address {:?} (write e.g. \"127.0.0.1:8080\")",
                    listen.get_ref()
                ),
            ),
        }
    }
    if let Some(refresh) = &toml.refresh {
        serve.refresh = duration(refresh, "serve.refresh", errors);
    }
    if let Some(token) = &toml.token {
        serve.token = token_value(token, "serve.token", errors);
    }
    serve.convert = toml
        .convert
        .as_ref()
        .is_some_and(|convert| *convert.get_ref());
    if let Some(allow) = &toml.convert_allow {
        for rule in allow.get_ref() {
            match rule.get_ref().parse::<AllowRule>() {
                Ok(parsed) => serve.convert_allow.push(parsed),
                Err(error) => errors.push(
                    Some(rule.span()),
                    Some("serve.convert-allow".to_owned()),
                    error.to_string(),
                ),
            }
        }
    }
    serve
}

/// An access token: at least [`MIN_TOKEN_LEN`] visible ASCII characters.
pub(super) fn token_value(
    token: &Spanned<String>,
    key: &str,
    errors: &mut Errors<'_>,
) -> Option<String> {
    let text = token.get_ref();
    let ok = text.len() >= MIN_TOKEN_LEN && text.bytes().all(|b| b.is_ascii_graphic());
    if ok {
        Some(text.clone())
    } else {
        // The message never repeats the token.
        errors.push(
            Some(token.span()),
            Some(key.to_owned()),
            format!("must be at least {MIN_TOKEN_LEN} visible ASCII characters, without spaces"),
        );
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_file_gives_the_defaults() {
        assert_eq!(
            validate_settings(Path::new("feedmill.toml"), "").expect("valid"),
            Settings::default()
        );
    }

    #[test]
    fn every_key_is_read_and_paths_follow_the_file() {
        let text = "[settings]\noutput-dir = \"out\"\nstate = \"s/db.sqlite\"\nuser-agent = \"my-bot/1.0\"\nmax-concurrent = 8\nmax-per-host = 1\nconnect-timeout = \"5s\"\ntimeout = \"1m\"\nmax-body-size = \"2 MiB\"\nmax-redirects = 3\nmax-retry-after = \"1h\"\nretention = \"7d\"\n";
        let settings = validate_settings(Path::new("conf/feedmill.toml"), text).expect("valid");
        assert_eq!(settings.output_dir, Path::new("conf/out"));
        assert_eq!(settings.state_path, Path::new("conf/s/db.sqlite"));
        assert_eq!(settings.user_agent.as_deref(), Some("my-bot/1.0"));
        assert_eq!(
            (
                settings.max_concurrent,
                settings.max_per_host,
                settings.max_redirects
            ),
            (8, 1, 3)
        );
        assert_eq!(settings.connect_timeout, Duration::from_secs(5));
        assert_eq!(settings.timeout, Duration::from_secs(60));
        assert_eq!(settings.max_body_bytes, 2 * 1024 * 1024);
        assert_eq!(settings.retention, Duration::from_secs(7 * 86400));
        assert_eq!(settings.max_retry_after, Duration::from_secs(3600));
        assert_eq!(
            settings.fetch_options().max_retry_after,
            Duration::from_secs(3600)
        );
    }

    #[test]
    fn every_problem_is_reported_with_its_line_and_key() {
        let text = "[settings]\nmax-concurrent = 0\nmax-body-size = \"lots\"\ntimeout = \"soon\"\n";
        let errors = validate_settings(Path::new("f.toml"), text)
            .expect_err("invalid")
            .errors;
        let rendered: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(rendered.len(), 3, "{rendered:?}");
        assert!(
            rendered[0].starts_with("f.toml:2:18: settings.max-concurrent: must be a positive")
        );
        assert!(rendered[1].starts_with("f.toml:3:17: settings.max-body-size: invalid size"));
        assert!(rendered[2].starts_with("f.toml:4:11: settings.timeout: invalid duration"));
    }

    #[test]
    fn unknown_keys_are_refused() {
        let error = validate_settings(Path::new("f.toml"), "[settings]\nthreads = 4\n")
            .expect_err("unknown key");
        assert!(error.to_string().contains("f.toml:2:1"), "{error}");
        assert!(error.to_string().contains("threads"), "{error}");
    }

    #[test]
    fn the_serve_table_is_read_and_checked() {
        let text = "[serve]\nlisten = \"0.0.0.0:9090\"\nrefresh = \"5m\"\ntoken = \"0123456789abcdef\"\nconvert = true\nconvert-allow = [\"10.20.0.0/16\", \"feeds.intranet\"]\n";
        let serve = validate_settings(Path::new("f.toml"), text)
            .expect("valid")
            .serve;
        assert_eq!(serve.listen, Some("0.0.0.0:9090".parse().expect("address")));
        assert_eq!(serve.refresh, Some(Duration::from_secs(300)));
        assert_eq!(serve.token.as_deref(), Some("0123456789abcdef"));
        assert!(serve.convert);
        assert_eq!(serve.convert_allow.len(), 2);

        let bad = "[serve]\nlisten = \"everywhere\"\ntoken = \"short secret\"\nconvert-allow = [\"10.0.0.0/99\"]\n";
        let errors = validate_settings(Path::new("f.toml"), bad)
            .expect_err("invalid")
            .errors;
        let rendered: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(rendered.len(), 3, "{rendered:?}");
        assert!(rendered[0].contains("serve.listen"));
        assert!(rendered[1].contains("serve.token") && !rendered[1].contains("short secret"));
        assert!(rendered[2].contains("serve.convert-allow"));
    }
}
