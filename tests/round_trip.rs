//! Round trips: read a feed, write it in each format, read that back, and get the same
//! articles, within what each format can carry.

mod common;

use feedmill::emit::{self, EmitOptions, OutputFormat};
use feedmill::model::{Article, Feed};
use feedmill::source::feed::{self, ReadOptions};

use common::normalize_text;

const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Peninsula Daily</title>
  <link>https://peninsula.example/</link>
  <description>News from the peninsula</description>
  <item>
    <title>Envoy says he is ready to visit</title>
    <link>https://peninsula.example/news/1001</link>
    <guid isPermaLink="false">peninsula-1001</guid>
    <description>A short &lt;b&gt;summary&lt;/b&gt; with markup.</description>
    <content:encoded><![CDATA[<p>The full <em>body</em> of the story.</p><p><img src="https://peninsula.example/i/1.jpg" alt="photo"></p>]]></content:encoded>
    <dc:creator>Lee Min-ji</dc:creator>
    <pubDate>Tue, 09 Sep 2025 18:21:00 +0900</pubDate>
    <category domain="https://peninsula.example/tags">North Korea</category>
    <category domain="https://peninsula.example/tags">Belarus</category>
    <enclosure url="https://peninsula.example/a/1001.mp3" type="audio/mpeg" length="4096"/>
  </item>
  <item>
    <title>Talks on trade &amp; energy</title>
    <link>https://peninsula.example/news/1002</link>
    <guid>https://peninsula.example/news/1002</guid>
    <description>Plain summary, no markup.</description>
    <pubDate>Mon, 08 Sep 2025 09:00:00 GMT</pubDate>
    <category>Economy</category>
  </item>
</channel>
</rss>"#;

const ATOM: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Eastern Desk</title>
  <id>urn:uuid:4e1f0e7a-0000-4000-8000-000000000001</id>
  <link href="https://east.example/"/>
  <updated>2025-09-10T08:00:00+03:00</updated>
  <entry>
    <title>Minsk and Pyongyang sign a memorandum</title>
    <id>tag:east.example,2025:42</id>
    <link rel="alternate" href="https://east.example/42"/>
    <link rel="enclosure" href="https://east.example/42.pdf" type="application/pdf" length="999"/>
    <published>2025-09-10T07:30:00+03:00</published>
    <updated>2025-09-10T08:00:00+03:00</updated>
    <author><name>Olga Petrova</name><email>olga@east.example</email></author>
    <category term="Belarus" scheme="https://east.example/topics"/>
    <summary>Both sides agreed to expand ties.</summary>
    <content type="html">&lt;p&gt;Both sides &lt;strong&gt;agreed&lt;/strong&gt; to expand ties.&lt;/p&gt;</content>
  </entry>
</feed>"#;

#[track_caller]
fn read(bytes: &[u8]) -> Feed {
    match feed::read(bytes, &ReadOptions::default()) {
        Ok(outcome) => outcome.feed,
        Err(error) => panic!("read failed: {error}"),
    }
}

#[track_caller]
fn write(feed: &Feed, format: OutputFormat) -> Vec<u8> {
    match emit::write(feed, format, &EmitOptions::default()) {
        Ok(bytes) => bytes,
        Err(error) => panic!("write failed: {error}"),
    }
}

fn plain(text: &Option<feedmill::model::Text>) -> Option<String> {
    text.as_ref().map(|t| normalize_text(&t.to_plain()))
}

/// What every format carries for an article, besides its id.
fn essentials(article: &Article) -> (Option<String>, Option<String>, Option<i64>, Vec<String>) {
    let terms = article.tags.iter().map(|t| t.term.clone()).collect();
    (
        plain(&article.title),
        article.link.clone(),
        article.published.map(|d| d.timestamp()),
        terms,
    )
}

#[track_caller]
fn assert_round_trip(input: &str, format: OutputFormat) {
    let original = read(input.as_bytes());
    let written = write(&original, format);
    let again = read(&written);
    let context = String::from_utf8_lossy(&written);
    assert_eq!(plain(&again.title), plain(&original.title), "{context}");
    assert_eq!(again.link, original.link, "{context}");
    assert_eq!(again.articles.len(), original.articles.len(), "{context}");
    for (before, after) in original.articles.iter().zip(&again.articles) {
        // Atom ids must be IRIs: one that is not (an RSS guid such as `peninsula-1001`)
        // goes out as a `urn:uuid:` derived from it.
        let id_derived = format == OutputFormat::Atom
            && url::Url::parse(&before.id).is_err()
            && after.id.starts_with("urn:uuid:");
        assert!(
            after.id == before.id || id_derived,
            "{format:?}: id {} became {}",
            before.id,
            after.id
        );
        assert_eq!(
            essentials(after),
            essentials(before),
            "{format:?}: {context}"
        );
        let names = |a: &Article| a.authors.iter().map(|p| p.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(after), names(before), "{format:?}");
        let urls = |a: &Article| {
            a.enclosures
                .iter()
                .map(|e| e.url.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(urls(after), urls(before), "{format:?}");
        assert_eq!(
            plain(&after.summary),
            plain(&before.summary),
            "{format:?}: {context}"
        );
        // JSON Feed requires content: a lone summary is repeated there.
        let expected_content = match format {
            OutputFormat::Json => before.content.as_ref().or(before.summary.as_ref()).cloned(),
            _ => before.content.clone(),
        };
        assert_eq!(
            plain(&after.content),
            plain(&expected_content),
            "{format:?}: {context}"
        );
        match (format, before.updated) {
            // RSS has no per-item updated date.
            (OutputFormat::Rss, _) => {}
            // Atom requires one, and falls back to the published date.
            (OutputFormat::Atom, None) => assert_eq!(after.updated, before.published),
            (_, updated) => assert_eq!(
                after.updated.map(|d| d.timestamp()),
                updated.map(|d| d.timestamp())
            ),
        }
        if format != OutputFormat::Json {
            // JSON Feed tags are bare strings.
            let schemes = |a: &Article| a.tags.iter().map(|t| t.scheme.clone()).collect::<Vec<_>>();
            assert_eq!(schemes(after), schemes(before), "{format:?}");
        }
    }
}

#[test]
fn rss_round_trips_through_rss() {
    assert_round_trip(RSS, OutputFormat::Rss);
}

#[test]
fn rss_round_trips_through_atom() {
    assert_round_trip(RSS, OutputFormat::Atom);
}

#[test]
fn rss_round_trips_through_json_feed() {
    assert_round_trip(RSS, OutputFormat::Json);
}

#[test]
fn atom_round_trips_through_rss() {
    assert_round_trip(ATOM, OutputFormat::Rss);
}

#[test]
fn atom_round_trips_through_atom() {
    assert_round_trip(ATOM, OutputFormat::Atom);
}

#[test]
fn atom_round_trips_through_json_feed() {
    assert_round_trip(ATOM, OutputFormat::Json);
}

#[test]
fn offsets_survive_atom_and_json_output() {
    let original = read(RSS.as_bytes());
    for format in [OutputFormat::Atom, OutputFormat::Json] {
        let again = read(&write(&original, format));
        let published = again.articles[0].published.expect("published");
        assert_eq!(published.offset().local_minus_utc(), 9 * 3600, "{format:?}");
    }
}
