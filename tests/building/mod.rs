//! Shared by the `build::run` tests (`build.rs`, `build_reuse.rs`): a directory with one
//! definition, its store and its outputs, run at an explicit `now`, and small helpers.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use feedmill::build::{self, BuildOptions, BuildReport, SourceStatus};
use feedmill::config;
use feedmill::fetch::{FetchOptions, Fetcher};
use feedmill::store::Store;
use serde_json::Value;
use tempfile::TempDir;

/// A directory with one definition, its store and its outputs.
pub struct Run {
    /// The directory: definition, store (`state.sqlite`) and outputs.
    pub dir: TempDir,
}

impl Run {
    pub fn new(definition: &str) -> Run {
        let dir = tempfile::tempdir().expect("temp dir");
        fs::write(dir.path().join("world.toml"), definition).expect("write definition");
        Run { dir }
    }

    pub fn file(&self, name: &str, text: &str) {
        fs::write(self.dir.path().join(name), text).expect("write source file");
    }

    pub fn public(&self) -> PathBuf {
        self.dir.path().join("public")
    }

    pub fn build(&self, now: DateTime<Utc>) -> BuildReport {
        let mut store = self.store();
        let paths = [self.dir.path().join("world.toml")];
        run_build(&paths, &mut store, self.public(), 4, now)
            .expect("run completes")
            .1
    }

    /// Builds every definition file in the directory (not only `world.toml`), two
    /// sources at a time; returns the definitions in the order loaded and the report.
    pub fn build_dir(&self, now: DateTime<Utc>) -> (Vec<config::FeedDefinition>, BuildReport) {
        let mut store = self.store();
        let paths = [self.dir.path().to_path_buf()];
        run_build(&paths, &mut store, self.public(), 2, now).expect("run completes")
    }

    /// The directory's store (`state.sqlite`), opened.
    pub fn store(&self) -> Store {
        Store::open(&self.dir.path().join("state.sqlite")).expect("store opens")
    }

    /// The JSON Feed output's items.
    pub fn items(&self, name: &str) -> Vec<Value> {
        let text = fs::read_to_string(self.public().join(format!("{name}.json")))
            .expect("json output written");
        let feed: Value = serde_json::from_str(&text).expect("valid JSON");
        feed["items"].as_array().cloned().unwrap_or_default()
    }
}

/// Loads the definitions at `paths` and builds them into `public` with `store`, at most
/// `max_concurrent` sources at a time; returns the definitions in the order loaded and
/// the run's result.
pub fn run_build(
    paths: &[PathBuf],
    store: &mut Store,
    public: PathBuf,
    max_concurrent: usize,
    now: DateTime<Utc>,
) -> Result<(Vec<config::FeedDefinition>, BuildReport), build::BuildError> {
    let loaded = config::load(paths, None).expect("valid definitions");
    let fetcher = Fetcher::new(&FetchOptions::default()).expect("fetcher");
    let options = BuildOptions {
        now,
        output_dir: Some(public),
        max_concurrent,
        default_retention: Duration::from_secs(30 * 86400),
    };
    let report = build::run(&loaded.definitions, store, &fetcher, &options, &mut |_| {})?;
    Ok((loaded.definitions, report))
}

pub fn titles(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|item| item["title"].as_str().unwrap_or_default().to_owned())
        .collect()
}

pub fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0)
        .single()
        .expect("valid date")
}

pub fn rss(items: &[(&str, &str, &str, &[&str])]) -> String {
    let mut body = String::from(
        "<rss version=\"2.0\"><channel><title>Wire</title><link>https://wire.example.net/</link>",
    );
    for (title, link, date, tags) in items {
        body.push_str(&format!("<item><title>{title}</title><link>{link}</link>"));
        if !date.is_empty() {
            body.push_str(&format!("<pubDate>{date}</pubDate>"));
        }
        for tag in *tags {
            body.push_str(&format!("<category>{tag}</category>"));
        }
        body.push_str("</item>");
    }
    body.push_str("</channel></rss>");
    body
}

pub fn status_of<'a>(report: &'a BuildReport, source: &str) -> &'a SourceStatus {
    &report
        .sources
        .iter()
        .find(|s| s.source == source)
        .expect("source reported")
        .status
}

pub fn definition(url: &str) -> String {
    format!(
        "[feed]\ntitle = \"World\"\nname = \"world\"\n\n[[source]]\nname = \"wire\"\nurl = \"{url}\"\n"
    )
}

pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                found.extend(walk(&path));
            } else {
                found.push(path);
            }
        }
    }
    found
}

/// Every file under `dir` with its bytes, by path.
/// The published files under `dir` with their bytes (not the build's lock file, which
/// is not an output).
pub fn contents(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = walk(dir)
        .into_iter()
        .filter(|path| !path.ends_with(feedmill::build::LOCK_FILE))
        .map(|path| {
            let bytes = fs::read(&path).expect("read output");
            (path, bytes)
        })
        .collect();
    files.sort();
    files
}
