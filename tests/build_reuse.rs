//! `feedmill::build::run` reusing an unchanged output (sources answering 304, same
//! definition, files untouched) — and never one whose inputs, definition, clock-relative
//! filters or files changed. Each run gets an explicit `now`.

use std::fs;

mod building;
mod support;

use building::*;
use feedmill::build::SourceStatus;
use support::{Response, TestServer};

/// A source answering 304 to its ETag, with two tagged stories.
fn unchanging_source() -> TestServer {
    let body = rss(&[
        (
            "Minsk trade fair opens",
            "https://wire.example.net/a",
            "Mon, 23 Nov 2026 08:45:00 GMT",
            &["Belarus", "Trade"],
        ),
        (
            "Vilnius rail link delayed",
            "https://wire.example.net/b",
            "Tue, 24 Nov 2026 10:00:00 GMT",
            &["Lithuania"],
        ),
    ]);
    TestServer::start([(
        "/feed.xml",
        Response::ok("application/rss+xml", body)
            .header("ETag", "\"v1\"")
            .when_header("If-None-Match", "\"v1\"", Response::status(304)),
    )])
}

#[test]
fn an_unchanged_run_gives_the_same_outputs_and_restores_a_deleted_or_edited_file() {
    let server = unchanging_source();
    let run = Run::new(&format!(
        "[feed]\ntitle = \"World\"\nname = \"world\"\nper-tag = true\n\n[[source]]\nname = \"wire\"\nurl = \"{}\"\n",
        server.url("/feed.xml")
    ));
    let first = run.build(at(25, 8));
    let written = contents(&run.public());
    assert_eq!(
        written.len(),
        3 + 3 * 3 + 1,
        "three formats, three tags, an index"
    );

    let second = run.build(at(25, 9));
    assert_eq!(status_of(&second, "wire"), &SourceStatus::Unchanged);
    assert_eq!(contents(&run.public()), written);
    assert_eq!(second.outputs[0].files, first.outputs[0].files);
    assert_eq!(
        (
            second.outputs[0].articles,
            second.outputs[0].tags,
            second.outputs[0].new_articles
        ),
        (2, 3, 0)
    );
    assert_eq!(second.feeds[0].feed, first.feeds[0].feed);
    assert_eq!(second.feeds[0].tags.len(), 3);
    assert_eq!(second.sources[0].articles, 2);

    // A stray tag feed goes, as after every run.
    fs::write(run.public().join("world/tags/stale.rss"), "<rss/>").expect("add a stray feed");
    run.build(at(25, 10));
    assert_eq!(contents(&run.public()), written);

    // Files changed behind feedmill's back are written again, though nothing else moved.
    fs::remove_file(run.public().join("world.json")).expect("delete an output");
    fs::write(run.public().join("world/tags/trade.atom"), "<feed/>").expect("edit a tag feed");
    run.build(at(25, 11));
    assert_eq!(contents(&run.public()), written);
}

#[test]
fn a_filter_counting_back_from_now_drops_articles_as_time_passes_though_nothing_changed() {
    let server = unchanging_source();
    let run = Run::new(&format!(
        "[feed]\ntitle = \"World\"\nname = \"world\"\n\n[feed.filter]\nsince = \"2d\"\n\n[[source]]\nname = \"wire\"\nurl = \"{}\"\n",
        server.url("/feed.xml")
    ));
    run.build(at(25, 8));
    assert_eq!(
        titles(&run.items("world")),
        ["Vilnius rail link delayed", "Minsk trade fair opens"]
    );
    let later = run.build(at(26, 9));
    assert_eq!(status_of(&later, "wire"), &SourceStatus::Unchanged);
    assert_eq!(titles(&run.items("world")), ["Vilnius rail link delayed"]);
}

#[test]
fn articles_of_an_unchanged_source_leave_when_their_retention_ends() {
    let server = unchanging_source();
    let run = Run::new(&format!(
        "[feed]\ntitle = \"World\"\nname = \"world\"\nretention = \"2d\"\n\n[[source]]\nname = \"wire\"\nurl = \"{}\"\n",
        server.url("/feed.xml")
    ));
    run.build(at(25, 8));
    run.build(at(26, 8));
    assert_eq!(run.items("world").len(), 2);
    let later = run.build(at(27, 9));
    assert_eq!(status_of(&later, "wire"), &SourceStatus::Unchanged);
    assert_eq!(later.outputs[0].articles, 0);
    assert!(run.items("world").is_empty());
}

#[test]
fn a_changed_definition_is_built_again_though_its_sources_did_not_change() {
    let server = unchanging_source();
    let source = format!(
        "\n[[source]]\nname = \"wire\"\nurl = \"{}\"\n",
        server.url("/feed.xml")
    );
    let run = Run::new(&format!(
        "[feed]\ntitle = \"World\"\nname = \"world\"\n{source}"
    ));
    run.build(at(25, 8));
    assert_eq!(run.items("world").len(), 2);
    run.file(
        "world.toml",
        &format!("[feed]\ntitle = \"World\"\nname = \"world\"\nlimit = 1\n{source}"),
    );
    run.build(at(25, 9));
    assert_eq!(titles(&run.items("world")), ["Vilnius rail link delayed"]);
}

#[test]
fn a_feed_reading_a_generated_feed_follows_its_changes() {
    let server = unchanging_source();
    let run = Run::new(
        "[feed]\ntitle = \"World\"\nname = \"world\"\n[[source]]\nname = \"europe\"\nfeed = \"europe\"\n",
    );
    let europe = |limit: usize| {
        format!(
            "[feed]\ntitle = \"Europe\"\nlimit = {limit}\n[[source]]\nname = \"wire\"\nurl = \"{}\"\n",
            server.url("/feed.xml")
        )
    };
    run.file("europe.toml", &europe(2));
    let build_all = |now| run.build_dir(now).1;
    build_all(at(25, 8));
    build_all(at(25, 9));
    assert_eq!(run.items("world").len(), 2);
    run.file("europe.toml", &europe(1));
    let report = build_all(at(25, 10));
    assert!(report.all_ok(), "{report:?}");
    assert_eq!(titles(&run.items("europe")), ["Vilnius rail link delayed"]);
    assert_eq!(titles(&run.items("world")), ["Vilnius rail link delayed"]);
}
