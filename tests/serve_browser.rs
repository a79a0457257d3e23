//! A real browser on `feedmill serve`: Debian's headless Chromium loads the index page of
//! a server on 127.0.0.1 (the bundled demo, refreshed once), the rendered DOM must list
//! the feed (title, the three subscribe links, each source's health) and carry the
//! `<link rel="alternate">` for auto-discovery; then Chromium follows the Atom subscribe
//! link found in that DOM and the document it shows must hold the feed's entries.
//!
//! Chromium runs with a throw-away profile and a host resolver that resolves nothing, so
//! it reaches 127.0.0.1 only. Skipped with a message when `chromium` is not installed
//! (`apt-get install chromium`, as `.ci/run` does).

mod serving;

use std::env;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use feedmill::serve;
use scraper::{Html, Selector};
use url::Url;

/// How long one Chromium run may take before the test gives up on it.
const CHROMIUM_LIMIT: Duration = Duration::from_secs(60);

/// `chromium` on `PATH`, if installed.
fn chromium() -> Option<PathBuf> {
    let path = env::var_os("PATH")?;
    env::split_paths(&path)
        .map(|dir| dir.join("chromium"))
        .find(|candidate| candidate.is_file())
}

/// The DOM Chromium renders for `url` (a 127.0.0.1 URL), serialized by `--dump-dom`.
fn dump_dom(chromium: &Path, url: &Url) -> String {
    assert_eq!(
        url.host_str(),
        Some("127.0.0.1"),
        "the browser only goes to loopback"
    );
    let profile = tempfile::tempdir().expect("profile dir");
    let mut child = Command::new(chromium)
        .args([
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            // Every host name resolves to nothing: only 127.0.0.1 is reachable.
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(url.as_str())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting chromium");
    let started = Instant::now();
    while child.try_wait().expect("waiting for chromium").is_none() {
        if started.elapsed() > CHROMIUM_LIMIT {
            let _ = child.kill();
            panic!("chromium took over {CHROMIUM_LIMIT:?} on {url}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().expect("chromium's output");
    assert!(
        output.status.success(),
        "chromium on {url}: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(
        !log.contains("Page load failed"),
        "chromium could not load {url}:\n{log}"
    );
    String::from_utf8(output.stdout).expect("the dumped DOM is UTF-8")
}

fn select(selector: &str) -> Selector {
    Selector::parse(selector).expect("a valid selector")
}

#[test]
fn chromium_lists_the_feeds_and_follows_a_subscribe_link() {
    let Some(chromium) = chromium() else {
        eprintln!(
            "skipped: `chromium` is not installed (apt-get install --no-install-recommends chromium)"
        );
        return;
    };
    let state = tempfile::tempdir().expect("temp dir");
    let app = serving::demo_app(state.path());
    let published = app.published.snapshot()["world"].clone();
    let address = serving::start(serve::router(Arc::clone(&app)));

    let index_url = Url::parse(&format!("http://{address}/")).expect("index URL");
    let index = Html::parse_document(&dump_dom(&chromium, &index_url));

    // Auto-discovery: the feed's Atom document in the head.
    let alternates: Vec<(String, String)> = index
        .select(&select(r#"head link[rel="alternate"]"#))
        .filter_map(|link| {
            let element = link.value();
            Some((
                element.attr("type")?.to_owned(),
                element.attr("href")?.to_owned(),
            ))
        })
        .collect();
    assert!(
        alternates.contains(&(
            "application/atom+xml".to_owned(),
            "/feeds/world.atom".to_owned()
        )),
        "{alternates:?} in\n{}",
        index.html()
    );

    // The feed's section: title, subscribe links, count and per-source health.
    let section = index
        .select(&select("section.feed"))
        .next()
        .expect("a section for the feed");
    let heading: String = section
        .select(&select("h2"))
        .next()
        .expect("a heading")
        .text()
        .collect();
    assert_eq!(heading, "World — Belarus and North Korea");
    let subscribe: Vec<(String, String)> = section
        .select(&select("p a"))
        .filter_map(|a| Some((a.text().collect(), a.value().attr("href")?.to_owned())))
        .collect();
    let expected: Vec<(String, String)> = [
        ("Atom", "/feeds/world.atom"),
        ("RSS", "/feeds/world.rss"),
        ("JSON Feed", "/feeds/world.json"),
    ]
    .iter()
    .map(|(text, href)| ((*text).to_owned(), (*href).to_owned()))
    .collect();
    assert_eq!(subscribe, expected);
    let section_text: String = section.text().collect();
    let count = published.built.feed.articles.len();
    assert!(count > 0);
    assert!(
        section_text.contains(&format!("{count} articles")),
        "{section_text}"
    );
    let health: Vec<String> = section
        .select(&select("ul.sources li"))
        .map(|li| li.text().collect())
        .collect();
    assert_eq!(
        health,
        [
            "wire: ok",
            "asia-desk: ok",
            "daily-headlines: ok",
            "daily-nk-section: ok"
        ]
    );

    // Follow the Atom link as the DOM has it, resolved against the page's URL.
    let atom_href = section
        .select(&select("p a"))
        .find(|a| a.text().collect::<String>() == "Atom")
        .and_then(|a| a.value().attr("href"))
        .expect("an Atom link");
    let atom_url = index_url.join(atom_href).expect("a resolvable link");
    assert_eq!(atom_url.path(), "/feeds/world.atom");
    let shown = dump_dom(&chromium, &atom_url);
    // Chromium shows the document it was served: `application/atom+xml` as its source text
    // (Chromium 156 puts it in a `<pre>`; an `application/xml` one would get the XML
    // viewer's tree instead). Either way what the user sees must hold one `<entry>` per
    // article, with every entry's title.
    let shown = Html::parse_document(&shown);
    let shown_text: String = shown
        .select(&select("div.pretty-print, body > pre"))
        .next()
        .unwrap_or_else(|| panic!("no document text in what Chromium shows:\n{}", shown.html()))
        .text()
        .collect();
    assert_eq!(shown_text.matches("<entry>").count(), count, "{shown_text}");
    for article in &published.built.feed.articles {
        let title = article
            .title
            .as_ref()
            .map(|t| t.to_plain())
            .unwrap_or_default();
        assert!(
            shown_text.contains(&title),
            "the Atom document Chromium shows lacks the entry `{title}`:\n{shown_text}"
        );
    }
    assert!(
        shown_text.contains("Belarusian leader says he is ready to visit Pyongyang"),
        "the demo's Diplomacy story is in the feed"
    );
}
