//! The reader, one format and one recovery case at a time: each test feeds a small
//! document and checks what lands in the model and which warnings come with it.

use feedmill::model::{IdOrigin, TextKind};
use feedmill::source::feed::{self, FeedFormat, ReadError, ReadOptions, ReadOutcome, WarningKind};

#[track_caller]
fn read(document: &str) -> ReadOutcome {
    match feed::read(document.as_bytes(), &ReadOptions::default()) {
        Ok(outcome) => outcome,
        Err(error) => panic!("read failed: {error}"),
    }
}

#[track_caller]
fn read_at(document: &str, url: &str) -> ReadOutcome {
    let options = ReadOptions {
        url: Some(url.to_owned()),
        ..ReadOptions::default()
    };
    match feed::read(document.as_bytes(), &options) {
        Ok(outcome) => outcome,
        Err(error) => panic!("read failed: {error}"),
    }
}

fn titles(outcome: &ReadOutcome) -> Vec<String> {
    outcome
        .feed
        .articles
        .iter()
        .map(|a| {
            a.title
                .as_ref()
                .map(|t| t.value.clone())
                .unwrap_or_default()
        })
        .collect()
}

#[test]
fn rss2_with_extensions_fills_the_model() {
    let outcome = read(
        r#"<?xml version="1.0"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom"
     xmlns:media="http://search.yahoo.com/mrss/" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
<channel>
  <title>Daily</title><link>https://news.example/</link><description>All the news</description>
  <language>en-us</language>
  <atom:link rel="self" href="https://news.example/rss.xml"/>
  <item>
    <title>Envoy visits</title>
    <link>https://news.example/a/1</link>
    <guid isPermaLink="false">story-1</guid>
    <description>&lt;p&gt;Short&lt;/p&gt;</description>
    <content:encoded><![CDATA[<p>Long <b>body</b></p>]]></content:encoded>
    <dc:creator>Kim Reporter</dc:creator>
    <pubDate>Tue, 09 Sep 2025 18:21:00 +0900</pubDate>
    <category domain="https://news.example/tags">North Korea</category>
    <category>Belarus</category>
    <enclosure url="https://news.example/a.mp3" type="audio/mpeg" length="1234"/>
    <media:thumbnail url="https://news.example/a.jpg"/>
    <itunes:duration>1:02:03</itunes:duration>
    <comments>https://news.example/a/1#comments</comments>
  </item>
</channel></rss>"#,
    );
    assert_eq!(outcome.format, FeedFormat::Rss20);
    assert!(outcome.warnings.is_empty(), "{:?}", outcome.warnings);
    let feed = &outcome.feed;
    assert_eq!(
        feed.self_link.as_deref(),
        Some("https://news.example/rss.xml")
    );
    assert_eq!(feed.language.as_deref(), Some("en-us"));
    let article = &feed.articles[0];
    assert_eq!(article.id, "story-1");
    assert_eq!(article.link.as_deref(), Some("https://news.example/a/1"));
    assert_eq!(
        article.summary.as_ref().map(|s| s.value.as_str()),
        Some("<p>Short</p>")
    );
    let content = article.content.as_ref().expect("content");
    assert_eq!(content.kind, TextKind::Html);
    assert_eq!(content.value, "<p>Long <b>body</b></p>");
    assert_eq!(article.authors[0].name.as_deref(), Some("Kim Reporter"));
    let published = article.published.expect("published");
    assert_eq!(published.to_rfc3339(), "2025-09-09T18:21:00+09:00");
    let terms: Vec<&str> = article.tags.iter().map(|t| t.term.as_str()).collect();
    assert_eq!(terms, ["North Korea", "Belarus"]);
    assert_eq!(
        article.tags[0].scheme.as_deref(),
        Some("https://news.example/tags")
    );
    assert_eq!(article.enclosures[0].length, Some(1234));
    assert_eq!(article.image.as_deref(), Some("https://news.example/a.jpg"));
    assert_eq!(article.duration_seconds, Some(3723));
    assert_eq!(
        article.comments.as_deref(),
        Some("https://news.example/a/1#comments")
    );
}

#[test]
fn rss_without_version_is_read() {
    let outcome =
        read("<rss><channel><title>T</title><item><title>A</title></item></channel></rss>");
    assert_eq!(outcome.format, FeedFormat::RssUnknownVersion);
    assert_eq!(titles(&outcome), ["A"]);
}

#[test]
fn rss_091_and_092_versions_are_recognised() {
    assert_eq!(
        read("<rss version='0.91'><channel/></rss>").format,
        FeedFormat::Rss091
    );
    assert_eq!(
        read("<rss version='0.92'><channel/></rss>").format,
        FeedFormat::Rss092
    );
}

#[test]
fn rss1_rdf_items_take_their_id_from_rdf_about() {
    let outcome = read(
        r#"<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
            xmlns:dc="http://purl.org/dc/elements/1.1/">
          <channel rdf:about="http://example.org/"><title>R</title></channel>
          <item rdf:about="http://example.org/1"><title>One</title><link>http://example.org/1</link>
            <dc:date>2004-01-01T12:00:00Z</dc:date></item>
        </rdf:RDF>"#,
    );
    assert_eq!(outcome.format, FeedFormat::Rss10);
    let article = &outcome.feed.articles[0];
    assert_eq!(article.id, "http://example.org/1");
    assert!(article.published.is_some(), "dc:date is the published date");
}

#[test]
fn rss090_is_told_apart_from_rss1() {
    let outcome = read(
        r#"<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://my.netscape.com/rdf/simple/0.9/">
          <channel><title>Old</title></channel><item><title>I</title><link>http://x/</link></item></rdf:RDF>"#,
    );
    assert_eq!(outcome.format, FeedFormat::Rss090);
    assert_eq!(titles(&outcome), ["I"]);
}

#[test]
fn atom10_text_constructs_keep_their_type() {
    let outcome = read(
        r#"<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de">
          <title type="text">A &amp; B</title><id>urn:f</id>
          <link href="https://a.example/"/>
          <entry><id>urn:e1</id><title type="html">&lt;b&gt;Bold&lt;/b&gt;</title>
            <link rel="alternate" href="https://a.example/1"/>
            <link rel="enclosure" href="https://a.example/1.mp3" type="audio/mpeg" length="5"/>
            <author><name>Ann</name><email>ann@a.example</email></author>
            <category term="belarus" label="Belarus" scheme="https://a.example/t"/>
            <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Hi</p></div></content>
            <updated>2025-09-09T09:21:00Z</updated>
          </entry></feed>"#,
    );
    assert_eq!(outcome.format, FeedFormat::Atom10);
    let feed = &outcome.feed;
    assert_eq!(
        feed.title.as_ref().map(|t| (t.kind, t.value.as_str())),
        Some((TextKind::Plain, "A & B"))
    );
    assert_eq!(feed.language.as_deref(), Some("de"));
    let article = &feed.articles[0];
    assert_eq!(article.title.as_ref().map(|t| t.kind), Some(TextKind::Html));
    assert_eq!(
        article.content.as_ref().map(|c| c.value.as_str()),
        Some("<p>Hi</p>")
    );
    assert_eq!(article.enclosures[0].url, "https://a.example/1.mp3");
    assert_eq!(article.tags[0].label.as_deref(), Some("Belarus"));
    assert_eq!(article.authors[0].email.as_deref(), Some("ann@a.example"));
}

#[test]
fn atom03_modes_are_decoded() {
    let outcome = read(
        r#"<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>Old Atom</title>
          <entry><title mode="base64">RXhhbXBsZQ==</title><id>tag:x,2004:1</id>
            <summary type="text/html" mode="escaped">&lt;i&gt;s&lt;/i&gt;</summary>
            <issued>2004-01-01T00:00:00Z</issued></entry></feed>"#,
    );
    assert_eq!(outcome.format, FeedFormat::Atom03);
    let article = &outcome.feed.articles[0];
    assert_eq!(titles(&outcome), ["Example"]);
    assert_eq!(
        article.summary.as_ref().map(|s| s.value.as_str()),
        Some("<i>s</i>")
    );
    assert!(article.published.is_some());
}

#[test]
fn xml_base_resolves_links_and_urls_inside_html() {
    let outcome = read_at(
        r#"<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://example.com/blog/">
          <entry xml:base="posts/"><id>urn:1</id><link href="one.html"/>
            <content type="html">&lt;a href="two.html"&gt;2&lt;/a&gt; &lt;img src="/i.png"&gt;</content></entry></feed>"#,
        "http://ignored.example/feed",
    );
    let article = &outcome.feed.articles[0];
    assert_eq!(
        article.link.as_deref(),
        Some("http://example.com/blog/posts/one.html")
    );
    let content = &article.content.as_ref().expect("content").value;
    assert!(
        content.contains(r#"href="http://example.com/blog/posts/two.html""#),
        "{content}"
    );
    assert!(
        content.contains(r#"src="http://example.com/i.png""#),
        "{content}"
    );
}

#[test]
fn relative_links_resolve_against_the_document_url() {
    let outcome = read_at(
        "<rss><channel><item><link>/a</link></item></channel></rss>",
        "https://site.example/feed.xml",
    );
    assert_eq!(
        outcome.feed.articles[0].link.as_deref(),
        Some("https://site.example/a")
    );
}

#[test]
fn html_entities_and_bare_ampersands_are_recovered() {
    let outcome = read(
        "<rss><channel><title>Caf&eacute; &nbsp;&amp; Tom & Jerry &bogus;</title></channel></rss>",
    );
    let title = outcome.feed.title.expect("title").to_plain();
    assert!(title.starts_with("Café & Tom & Jerry"), "{title}");
    assert!(
        title.ends_with("&bogus;"),
        "unknown entities stay as written: {title}"
    );
    assert!(
        outcome
            .warnings
            .iter()
            .any(|w| w.kind == WarningKind::Syntax && w.message.contains("bogus")),
        "{:?}",
        outcome.warnings
    );
}

#[test]
fn junk_before_and_after_the_root_is_skipped_with_a_warning() {
    let outcome = read(
        "garbage\n<rss><channel><item><title>A</title></item></channel></rss>\ntrailing <junk/>",
    );
    assert_eq!(titles(&outcome), ["A"]);
    assert!(outcome.warnings.iter().any(|w| w.kind == WarningKind::Junk));
}

#[test]
fn unclosed_tags_are_closed_by_their_parent() {
    let outcome = read(
        "<rss><channel><item><title>A</title><description>x<b>bold</description></item>\
         <item><title>B</title></item></channel></rss>",
    );
    assert_eq!(titles(&outcome), ["A", "B"]);
    assert!(outcome.is_bozo());
}

#[test]
fn truncated_documents_keep_every_complete_article() {
    let outcome = read(
        "<rss><channel><title>T</title><item><title>One</title></item>\
         <item><title>Two</title></item><item><title>Thr",
    );
    assert_eq!(titles(&outcome), ["One", "Two"]);
    assert!(
        outcome
            .warnings
            .iter()
            .any(|w| w.kind == WarningKind::Truncated)
    );
    assert_eq!(outcome.feed.title.map(|t| t.value).as_deref(), Some("T"));
}

#[test]
fn control_characters_do_not_stop_the_reader() {
    let outcome = read("<rss><channel><item><title>A\u{1}B</title></item></channel></rss>");
    assert_eq!(outcome.feed.articles.len(), 1);
}

#[test]
fn warnings_carry_line_numbers() {
    let outcome = read("<rss>\n<channel>\n<title>&bogus;</title>\n</channel></rss>");
    let warning = outcome.warnings.first().expect("a warning");
    assert_eq!(warning.line, Some(3));
}

#[test]
fn articles_without_guid_get_stable_ids_from_link_or_hash() {
    let document = "<rss><channel><item><link>http://x/1</link></item><item><title>No link</title></item></channel></rss>";
    let first = read(document);
    let second = read(document);
    assert_eq!(first.feed.articles[0].id, "http://x/1");
    assert_eq!(first.feed.articles[0].id_origin, IdOrigin::FromLink);
    assert_eq!(first.feed.articles[1].id_origin, IdOrigin::FromHash);
    assert_eq!(first.feed.articles[1].id, second.feed.articles[1].id);
}

#[test]
fn a_bad_date_is_dropped_with_a_warning_not_an_error() {
    let outcome = read(
        "<rss><channel><item><title>A</title><pubDate>someday</pubDate></item></channel></rss>",
    );
    assert!(outcome.feed.articles[0].published.is_none());
    assert!(outcome.warnings.iter().any(|w| w.kind == WarningKind::Date));
}

#[test]
fn input_with_nothing_usable_is_an_error_naming_the_problem() {
    assert!(matches!(
        feed::read(b"   ", &ReadOptions::default()),
        Err(ReadError::Empty)
    ));
    let html = feed::read(
        b"<!DOCTYPE html><html><body>hi</body></html>",
        &ReadOptions::default(),
    );
    let message = html.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("HTML"), "{message}");
    let other = feed::read(b"<note><to>x</to></note>", &ReadOptions::default());
    let message = other.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("<note>"), "{message}");
}

#[test]
fn windows_1251_feed_declared_in_the_prolog_is_decoded() {
    let text = "<?xml version=\"1.0\" encoding=\"windows-1251\"?><rss><channel><title>Новости</title></channel></rss>";
    let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(text);
    let outcome = feed::read(&bytes, &ReadOptions::default()).expect("readable");
    assert_eq!(
        outcome.feed.title.map(|t| t.value).as_deref(),
        Some("Новости")
    );
    assert_eq!(outcome.encoding, "windows-1251");
}

#[test]
fn json_feed_is_detected_and_read() {
    let outcome = read(
        r#"{"version":"https://jsonfeed.org/version/1","title":"J","items":[{"id":"1","content_text":"x"}]}"#,
    );
    assert_eq!(outcome.format, FeedFormat::Json10);
    assert_eq!(outcome.feed.articles[0].id, "1");
}
