//! `feedmill::build::run` end to end against sources served on 127.0.0.1 by each test:
//! conditional GET, Retry-After and backoff, a failing source keeping its last good
//! articles, dedup across a feed and a page, per-tag outputs, first-seen dates,
//! retention and the written files (reusing unchanged outputs: `build_reuse.rs`). Each
//! run gets an explicit `now`.

mod building;
mod support;

use std::fs;
use std::path::PathBuf;

use building::*;
use chrono::{DateTime, TimeZone, Utc};
use feedmill::build::SourceStatus;
use serde_json::Value;
use support::{Response, TestServer};

#[test]
fn an_unchanged_source_answers_304_and_keeps_its_articles_without_a_reparse() {
    let body = rss(&[(
        "Minsk trade fair opens",
        "https://wire.example.net/a",
        "Mon, 23 Nov 2026 08:45:00 GMT",
        &["Belarus"],
    )]);
    let server = TestServer::start([(
        "/feed.xml",
        Response::ok("application/rss+xml", body.clone())
            .header("ETag", "\"v1\"")
            .when_header("If-None-Match", "\"v1\"", Response::status(304)),
    )]);
    let run = Run::new(&definition(&server.url("/feed.xml")));

    let first = run.build(at(25, 8));
    assert_eq!(status_of(&first, "wire"), &SourceStatus::Ok);
    assert_eq!(first.outputs[0].new_articles, 1);
    let second = run.build(at(25, 9));
    assert_eq!(status_of(&second, "wire"), &SourceStatus::Unchanged);
    assert_eq!(second.outputs[0].new_articles, 0);
    assert_eq!(titles(&run.items("world")), ["Minsk trade fair opens"]);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(
        requests[1]
            .to_ascii_lowercase()
            .contains("if-none-match: \"v1\""),
        "{}",
        requests[1]
    );
}

#[test]
fn a_failing_source_keeps_its_last_good_articles_and_backs_off_after_retry_after() {
    let body = rss(&[(
        "Border market reopens",
        "https://wire.example.net/b",
        "Thu, 19 Nov 2026 07:00:00 GMT",
        &[],
    )]);
    let server = TestServer::start([("/feed.xml", Response::ok("application/rss+xml", body))]);
    let run = Run::new(&definition(&server.url("/feed.xml")));
    run.build(at(25, 8));

    server.set_route(
        "/feed.xml",
        Response::status(429).header("Retry-After", "3600"),
    );
    let failed = run.build(at(25, 9));
    match status_of(&failed, "wire") {
        SourceStatus::Failed {
            error,
            consecutive_failures,
        } => {
            assert!(error.contains("429"), "{error}");
            assert!(error.contains("wire"), "names the source: {error}");
            assert_eq!(*consecutive_failures, 1);
        }
        other => panic!("expected a failure, got {other:?}"),
    }
    assert!(!failed.all_ok());
    assert_eq!(
        titles(&run.items("world")),
        ["Border market reopens"],
        "last good articles kept"
    );

    // Within the hour the server asked for, the source is not even requested.
    let requests_before = server.requests().len();
    let waiting = run.build(at(25, 9) + chrono::Duration::minutes(30));
    assert!(matches!(
        status_of(&waiting, "wire"),
        SourceStatus::BackingOff { .. }
    ));
    assert_eq!(server.requests().len(), requests_before);
    assert_eq!(titles(&run.items("world")), ["Border market reopens"]);

    // After it, the source is asked again and recovers.
    server.set_route(
        "/feed.xml",
        Response::ok(
            "application/rss+xml",
            rss(&[(
                "Border market reopens",
                "https://wire.example.net/b",
                "Thu, 19 Nov 2026 07:00:00 GMT",
                &[],
            )]),
        ),
    );
    let recovered = run.build(at(25, 11));
    assert_eq!(status_of(&recovered, "wire"), &SourceStatus::Ok);
    assert!(recovered.all_ok());
}

#[test]
fn the_same_story_from_a_feed_and_a_page_comes_out_once_with_all_tags_and_the_earliest_date() {
    let feed = rss(&[(
        "Belarusian leader says he is ready to visit Pyongyang",
        "https://wire.example.net/2026/11/20/visit?utm_source=rss&amp;utm_medium=feed",
        "Fri, 20 Nov 2026 09:30:00 GMT",
        &["Belarus"],
    )]);
    let page = r#"<html><head><title>North Korea</title></head><body><ul>
      <li class="story"><a class="headline" href="https://www.wire.example.net/2026/11/20/visit/amp">Belarusian leader says he is ready to visit Pyongyang</a>
        <span class="date">20 Nov. 2026, 18:21</span><span class="tags"><a>North Korea</a></span></li>
      <li class="story"><a class="headline" href="https://daily.example.org/other">Another story</a>
        <span class="date">21 Nov. 2026, 10:00</span><span class="tags"><a>Weather</a></span></li>
    </ul></body></html>"#;
    let server = TestServer::start([
        ("/feed.xml", Response::ok("application/rss+xml", feed)),
        (
            "/section.html",
            Response::ok("text/html; charset=utf-8", page),
        ),
    ]);
    let run = Run::new(&format!(
        r#"[feed]
title = "World"
name = "world"
[feed.filter]
tags-any = ["north korea"]

[[source]]
name = "wire"
url = "{}"

[[source]]
name = "section"
url = "{}"
kind = "page"
time-zone = "Asia/Seoul"
[source.page]
items = "li.story"
title = "a.headline"
link = "a.headline@href"
date = ".date"
date-format = "%d %b. %Y, %H:%M"
tags = {{ selector = ".tags a", all = true }}
"#,
        server.url("/feed.xml"),
        server.url("/section.html")
    ));
    let report = run.build(at(25, 8));
    assert!(report.all_ok(), "{report:?}");
    let items = run.items("world");
    assert_eq!(
        titles(&items),
        ["Belarusian leader says he is ready to visit Pyongyang"]
    );
    let item = &items[0];
    let tags: Vec<&str> = item["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        tags.contains(&"Belarus") && tags.contains(&"North Korea"),
        "{tags:?}"
    );
    // 18:21 in Seoul is 09:21 UTC, earlier than the wire's 09:30 UTC.
    let published = DateTime::parse_from_rfc3339(item["date_published"].as_str().expect("date"))
        .expect("RFC 3339");
    assert_eq!(
        published,
        Utc.with_ymd_and_hms(2026, 11, 20, 9, 21, 0)
            .single()
            .expect("valid")
    );
    // The wire comes first in the file, so its id and link are kept.
    assert!(
        item["url"]
            .as_str()
            .expect("url")
            .starts_with("https://wire.example.net/2026/11/20/visit")
    );
}

#[test]
fn undated_articles_get_their_first_seen_date_and_scrolled_off_ones_stay_for_the_retention() {
    let server = TestServer::start([(
        "/feed.xml",
        Response::ok(
            "application/rss+xml",
            rss(&[
                (
                    "Undated analysis",
                    "https://wire.example.net/analysis",
                    "",
                    &[],
                ),
                (
                    "Dated story",
                    "https://wire.example.net/dated",
                    "Mon, 23 Nov 2026 08:45:00 GMT",
                    &[],
                ),
            ]),
        ),
    )]);
    let run = Run::new(&format!(
        "[feed]\ntitle = \"World\"\nname = \"world\"\nretention = \"7d\"\n\n[[source]]\nname = \"wire\"\nurl = \"{}\"\n",
        server.url("/feed.xml")
    ));
    run.build(at(24, 6));
    // The story scrolls off the source.
    server.set_route(
        "/feed.xml",
        Response::ok(
            "application/rss+xml",
            rss(&[(
                "Dated story",
                "https://wire.example.net/dated",
                "Mon, 23 Nov 2026 08:45:00 GMT",
                &[],
            )]),
        ),
    );
    run.build(at(26, 6));
    let items = run.items("world");
    assert_eq!(
        titles(&items),
        ["Undated analysis", "Dated story"],
        "kept within the retention, newest first"
    );
    let first_seen =
        DateTime::parse_from_rfc3339(items[0]["date_published"].as_str().expect("date"))
            .expect("RFC 3339");
    assert_eq!(
        first_seen,
        at(24, 6),
        "dated when first seen, not when last built"
    );

    // A week after it was last seen, it is gone.
    run.build(at(24, 6) + chrono::Duration::days(8));
    assert_eq!(titles(&run.items("world")), ["Dated story"]);
}

#[test]
fn per_tag_feeds_are_written_with_slugged_names_and_an_index() {
    let server = TestServer::start([(
        "/feed.xml",
        Response::ok(
            "application/rss+xml",
            rss(&[
                (
                    "One",
                    "https://wire.example.net/1",
                    "Mon, 23 Nov 2026 08:45:00 GMT",
                    &["North Korea", "Belarus"],
                ),
                (
                    "Two",
                    "https://wire.example.net/2",
                    "Mon, 23 Nov 2026 09:45:00 GMT",
                    &["DPRK"],
                ),
            ]),
        ),
    )]);
    let run = Run::new(&format!(
        "[feed]\ntitle = \"World\"\nname = \"world\"\nper-tag = true\nformats = [\"atom\", \"json\"]\n[aliases]\n\"DPRK\" = \"North Korea\"\n\n[[source]]\nname = \"wire\"\nurl = \"{}\"\n",
        server.url("/feed.xml")
    ));
    let report = run.build(at(25, 8));
    assert_eq!(report.outputs[0].tags, 2);
    let tags = run.public().join("world/tags");
    let nk = fs::read_to_string(tags.join("north-korea.json")).expect("per-tag feed");
    let nk: Value = serde_json::from_str(&nk).expect("JSON");
    assert_eq!(
        titles(nk["items"].as_array().expect("items")),
        ["Two", "One"]
    );
    assert!(tags.join("belarus.atom").is_file());
    assert!(
        !tags.join("north-korea.rss").exists(),
        "only the formats asked for"
    );
    let index = fs::read_to_string(tags.join("index.html")).expect("index");
    assert!(
        index.contains("href=\"north-korea.atom\"") && index.contains("href=\"belarus.json\""),
        "{index}"
    );

    // A tag that disappears takes its files with it; no temporary files are left.
    server.set_route(
        "/feed.xml",
        Response::ok(
            "application/rss+xml",
            rss(&[(
                "Two",
                "https://wire.example.net/2",
                "Mon, 23 Nov 2026 09:45:00 GMT",
                &["DPRK"],
            )]),
        ),
    );
    let run_again = run.build(at(25, 9) + chrono::Duration::days(40));
    assert_eq!(run_again.outputs[0].tags, 1);
    assert!(!tags.join("belarus.atom").exists());
    let leftovers: Vec<PathBuf> = walk(&run.public())
        .into_iter()
        .filter(|p| {
            p.file_name()
                .is_some_and(|name| name.to_string_lossy().starts_with(".feedmill-"))
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_feed_can_read_another_generated_feed() {
    let run = Run::new(
        "[feed]\ntitle = \"World\"\nname = \"world\"\n[[source]]\nname = \"asia\"\nfeed = \"asia\"\n",
    );
    run.file(
        "asia.toml",
        "[feed]\ntitle = \"Asia\"\n[[source]]\nname = \"local\"\nfile = \"asia.xml\"\n",
    );
    run.file(
        "asia.xml",
        &rss(&[(
            "From Asia",
            "https://asia.example.com/1",
            "Mon, 23 Nov 2026 08:45:00 GMT",
            &[],
        )]),
    );
    let (_, report) = run.build_dir(at(25, 8));
    assert!(report.all_ok(), "{report:?}");
    assert_eq!(titles(&run.items("world")), ["From Asia"]);
    assert_eq!(titles(&run.items("asia")), ["From Asia"]);
}

#[test]
fn outputs_built_side_by_side_keep_definition_order_and_wait_for_the_feeds_they_read() {
    // Named so the chain runs against file order: `world` (read by nobody) reads
    // `region`, which reads `local`; seven independent definitions sit in between, so
    // the workers are busy when `world` has to wait.
    let run = Run::new(
        "[feed]\ntitle = \"World\"\nname = \"world\"\n[[source]]\nname = \"region\"\nfeed = \"region\"\n",
    );
    run.file(
        "region.toml",
        "[feed]\ntitle = \"Region\"\n[[source]]\nname = \"local\"\nfeed = \"local\"\n\
         [[source]]\nname = \"own\"\nfile = \"region.xml\"\n",
    );
    run.file(
        "local.toml",
        "[feed]\ntitle = \"Local\"\n[[source]]\nname = \"own\"\nfile = \"local.xml\"\n",
    );
    let story = |title: &str, n: u32| {
        rss(&[(
            title,
            &format!(
                "https://{}.example.com/{n}",
                title.to_lowercase().replace(' ', "-")
            ),
            &format!("Mon, 23 Nov 2026 0{n}:00:00 GMT"),
            &[],
        )])
    };
    run.file("region.xml", &story("From the region", 2));
    run.file("local.xml", &story("From the town", 1));
    for n in 1..=7 {
        run.file(
            &format!("other-{n}.toml"),
            &format!("[feed]\ntitle = \"Other {n}\"\n[[source]]\nname = \"own\"\nfile = \"other-{n}.xml\"\n"),
        );
        run.file(
            &format!("other-{n}.xml"),
            &story(&format!("Other story {n}"), n),
        );
    }
    let (definitions, report) = run.build_dir(at(25, 8));
    assert!(report.all_ok(), "{report:?}");
    let given: Vec<&str> = (definitions.iter())
        .map(|definition| definition.feed.name.as_str())
        .collect();
    let reported: Vec<&str> = report.outputs.iter().map(|o| o.feed.as_str()).collect();
    let built: Vec<&str> = report.feeds.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(reported, given);
    assert_eq!(built, given);
    assert_eq!(
        titles(&run.items("world")),
        ["From the region", "From the town"]
    );
    assert_eq!(
        titles(&run.items("region")),
        ["From the region", "From the town"]
    );
    for n in 1..=7 {
        assert_eq!(
            titles(&run.items(&format!("other-{n}"))),
            [format!("Other story {n}")]
        );
    }
}

#[test]
fn a_source_with_a_refresh_interval_is_not_fetched_before_it_is_due() {
    let server = TestServer::start([(
        "/feed.xml",
        Response::ok(
            "application/rss+xml",
            rss(&[(
                "Slow site story",
                "https://slow.example.org/1",
                "Mon, 23 Nov 2026 08:45:00 GMT",
                &[],
            )]),
        ),
    )]);
    let run = Run::new(&format!(
        "[feed]\ntitle = \"World\"\nname = \"world\"\n\n[[source]]\nname = \"wire\"\nurl = \"{}\"\nrefresh = \"1h\"\n",
        server.url("/feed.xml")
    ));
    assert_eq!(status_of(&run.build(at(25, 8)), "wire"), &SourceStatus::Ok);
    let early = run.build(at(25, 8) + chrono::Duration::minutes(30));
    assert!(
        matches!(status_of(&early, "wire"), SourceStatus::NotDue { next } if next.starts_with("2026-11-25T09:00:00")),
        "{:?}",
        status_of(&early, "wire")
    );
    assert_eq!(server.requests().len(), 1, "not asked before it is due");
    assert_eq!(
        titles(&run.items("world")),
        ["Slow site story"],
        "its kept articles are used"
    );
    assert_eq!(
        status_of(&run.build(at(25, 9) + chrono::Duration::minutes(1)), "wire"),
        &SourceStatus::Ok
    );
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn a_definition_is_merged_and_written_while_another_s_source_is_still_being_fetched() {
    // `world` reads a local file; `zz-late` (built after it) a source that answers only
    // after a delay. The first output is on disk before that answer can have come.
    const DELAY: std::time::Duration = std::time::Duration::from_secs(3);
    let late = rss(&[(
        "Late story",
        "https://late.example.com/1",
        "Mon, 23 Nov 2026 05:00:00 GMT",
        &[],
    )]);
    let server = TestServer::start_concurrent([(
        "/late.xml",
        Response::ok("application/rss+xml", late).delayed(DELAY),
    )]);
    let run = Run::new(
        "[feed]\ntitle = \"World\"\nname = \"world\"\n[[source]]\nname = \"own\"\nfile = \"world.xml\"\n",
    );
    run.file(
        "world.xml",
        &rss(&[(
            "Early story",
            "https://early.example.com/1",
            "Mon, 23 Nov 2026 04:00:00 GMT",
            &[],
        )]),
    );
    run.file(
        "zz-late.toml",
        &format!(
            "[feed]\ntitle = \"Late\"\n[[source]]\nname = \"wire\"\nurl = \"{}\"\n",
            server.url("/late.xml")
        ),
    );
    let started = std::time::SystemTime::now();
    let (_, report) = run.build_dir(at(25, 8));
    assert!(report.all_ok(), "{report:?}");
    let written = |name: &str| {
        let path = run.public().join(format!("{name}.json"));
        let modified = fs::metadata(&path).and_then(|meta| meta.modified());
        modified.expect("output written")
    };
    let early = written("world").duration_since(started).unwrap_or_default();
    let late = written("zz-late")
        .duration_since(started)
        .unwrap_or_default();
    assert!(early < DELAY, "`world` written {early:?} after the start");
    assert!(late >= DELAY, "`zz-late` written {late:?} after the start");
    assert_eq!(titles(&run.items("world")), ["Early story"]);
    assert_eq!(titles(&run.items("zz-late")), ["Late story"]);
}

#[test]
fn a_store_that_cannot_be_written_ends_the_run_with_its_error_and_never_hangs() {
    // Another connection holds the write lock for the whole run: recording the first
    // fetched source waits the busy timeout (5 s) and fails, while fetch workers, the
    // run's thread and the output workers are all running.
    let server = TestServer::start_concurrent([(
        "/feed.xml",
        Response::ok(
            "application/rss+xml",
            rss(&[(
                "Minsk trade fair opens",
                "https://wire.example.net/a",
                "Mon, 23 Nov 2026 08:45:00 GMT",
                &[],
            )]),
        ),
    )]);
    let run = Run::new(&definition(&server.url("/feed.xml")));
    let mut store = run.store();
    let holder =
        rusqlite::Connection::open(run.dir.path().join("state.sqlite")).expect("second connection");
    holder
        .execute_batch("BEGIN EXCLUSIVE")
        .expect("write lock taken");
    let (done, finished) = std::sync::mpsc::channel();
    let (paths, public) = ([run.dir.path().join("world.toml")], run.public());
    std::thread::spawn(move || {
        let result = run_build(&paths, &mut store, public, 4, at(25, 8));
        let _ = done.send(result.map(|_| ()).map_err(|error| error.to_string()));
    });
    let started = std::time::Instant::now();
    let result = finished
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("the run ends (the busy timeout is 5 s)");
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(4),
        "the write waited for the lock: {:?}",
        started.elapsed()
    );
    let error = result.expect_err("a store that cannot be written is an error");
    assert!(
        error.contains("state.sqlite") && error.contains("world/wire"),
        "{error}"
    );
    drop(holder);
}
