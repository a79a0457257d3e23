//! The spec-rule validators of `common::validate` catch what they claim to: a valid
//! document passes, and breaking one rule at a time gives an error naming that rule.

mod common;

use common::validate;

/// `base` with `from` replaced by `to`; `from` must occur, so a typo cannot make a case
/// test the valid document.
#[track_caller]
fn mutated(base: &str, from: &str, to: &str) -> String {
    assert!(base.contains(from), "`{from}` is not in the base document");
    base.replacen(from, to, 1)
}

/// Every case gives at least one error containing its needle.
#[track_caller]
fn assert_cases(validator: fn(&[u8]) -> Vec<String>, base: &str, cases: &[(&str, &str, &str)]) {
    let base_errors = validator(base.as_bytes());
    assert!(
        base_errors.is_empty(),
        "the base document is invalid: {base_errors:#?}"
    );
    for (from, to, needle) in cases {
        let document = mutated(base, from, to);
        let errors = validator(document.as_bytes());
        assert!(
            errors.iter().any(|error| error.contains(needle)),
            "replacing `{from}` with `{to}` should give an error containing `{needle}`, got {errors:#?}"
        );
    }
}

const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
<title>Harbor &amp; Times</title>
<link>https://example.com/</link>
<description>News</description>
<language>en-US</language>
<lastBuildDate>Tue, 09 Sep 2025 18:21:00 +0900</lastBuildDate>
<managingEditor>desk@example.com (The Desk)</managingEditor>
<atom:link href="https://example.com/feed" rel="self" type="application/rss+xml"/>
<item>
<title>First</title>
<link>https://example.com/a</link>
<guid isPermaLink="false">a-1</guid>
<pubDate>Tue, 09 Sep 2025 18:21:00 +0900</pubDate>
<author>kim@example.com (Kim)</author>
<category>News</category>
<enclosure url="https://example.com/a.mp3" length="123" type="audio/mpeg"/>
<dc:creator>Lee</dc:creator>
</item>
<item>
<description><![CDATA[<p>Only a description</p>]]></description>
<guid>https://example.com/b</guid>
</item>
</channel>
</rss>
"#;

#[test]
fn rss_rules_each_catch_their_error() {
    let cases = [
        // Well-formedness.
        ("</title>", "</titel>", "not well-formed"),
        (
            "<title>First</title>",
            "<title>Fir\u{1}st</title>",
            "not allowed in XML",
        ),
        ("<title>First</title>", "<title>a ]]> b</title>", "`]]>`"),
        (
            "<title>First</title>",
            "<title>&nbsp;</title>",
            "undefined entity",
        ),
        (
            "<title>First</title>",
            "<title>&#1;</title>",
            "not an XML character",
        ),
        ("</channel>", "</channel><junk/>", "unexpected element"),
        ("</rss>", "</rss><rss/>", "second root"),
        ("</rss>", "", "never closed"),
        ("</rss>", "</rss>trailing", "text outside the root"),
        (
            r#" rel="self""#,
            r#" rel="self" rel="alternate""#,
            "bad attribute",
        ),
        (
            r#"<?xml version="1.0""#,
            r#"<?xml version="1.1""#,
            "not 1.0",
        ),
        (
            r#"encoding="UTF-8""#,
            r#"encoding="ISO-8859-1""#,
            "declared encoding",
        ),
        // Namespaces.
        (
            "<dc:creator>Lee</dc:creator>",
            "<x:y>Lee</x:y>",
            "not declared",
        ),
        (
            "<dc:creator>Lee</dc:creator>",
            r#"<y xmlns="urn:x">Lee</y>"#,
            "not one RSS output may use",
        ),
        (
            "<dc:creator>Lee</dc:creator>",
            "<dc:author>Lee</dc:author>",
            "not an element of",
        ),
        (
            "<category>News</category>",
            "<summary>x</summary>",
            "not an RSS 2.0 element",
        ),
        // Root and channel.
        (r#"<rss version="2.0""#, r#"<rss version="0.91""#, "version"),
        (
            "</channel>",
            "</channel><channel><title>x</title></channel>",
            "channel elements",
        ),
        ("<title>Harbor &amp; Times</title>", "", "no `title`"),
        (
            "<title>Harbor &amp; Times</title>",
            "<title> </title>",
            "`title` is empty",
        ),
        ("<link>https://example.com/</link>", "", "no `link`"),
        (
            "<link>https://example.com/</link>",
            "<link>/home</link>",
            "not an absolute URL",
        ),
        (
            "<description>News</description>",
            "<description></description>",
            "`description` is empty",
        ),
        (
            "<language>en-US</language>",
            "<language>English (US)</language>",
            "language tag",
        ),
        (
            "<language>en-US</language>",
            "<language>English</language>",
            "language tag",
        ),
        (
            "<language>en-US</language>",
            "<language>en</language><language>ko</language>",
            "appears 2 times",
        ),
        (
            "Tue, 09 Sep 2025 18:21:00 +0900</lastBuildDate>",
            "2025-09-09T18:21:00+09:00</lastBuildDate>",
            "RFC 822",
        ),
        ("desk@example.com (The Desk)", "The Desk", "e-mail address"),
        // Items.
        (
            "<title>First</title>",
            "",
            "neither a title nor a description",
        ),
        (
            "<link>https://example.com/a</link>",
            "<link>a.html</link>",
            "not an absolute URL",
        ),
        (
            "<link>https://example.com/a</link>",
            "<link>https://example.com/a</link><link>https://example.com/b</link>",
            "appears 2 times",
        ),
        (
            "<pubDate>Tue, 09 Sep 2025 18:21:00 +0900</pubDate>",
            "<pubDate>yesterday</pubDate>",
            "RFC 822",
        ),
        ("kim@example.com (Kim)", "Kim", "e-mail address"),
        (
            r#"url="https://example.com/a.mp3""#,
            r#"url="/a.mp3""#,
            "absolute http(s)",
        ),
        (
            r#"url="https://example.com/a.mp3""#,
            r#"url="ftp://example.com/a.mp3""#,
            "absolute http(s)",
        ),
        (
            r#"length="123""#,
            r#"length="12 KB""#,
            "non-negative integer",
        ),
        (r#"length="123" "#, "", "no length"),
        (r#" type="audio/mpeg""#, "", "no type"),
        (r#"type="audio/mpeg""#, r#"type="mp3""#, "not a MIME type"),
        (
            r#"type="audio/mpeg""#,
            r#"type="audio/<mpeg""#,
            "`<` in the value",
        ),
        (
            r#"isPermaLink="false""#,
            r#"isPermaLink="yes""#,
            "not true or false",
        ),
        (
            r#"<guid isPermaLink="false">a-1</guid>"#,
            "<guid>a-1</guid>",
            "permalink guid",
        ),
        (
            r#"<guid isPermaLink="false">a-1</guid>"#,
            r#"<guid isPermaLink="false"></guid>"#,
            "empty",
        ),
        (
            "<category>News</category>",
            "<category> </category>",
            "category: empty",
        ),
        (r#" rel="self""#, "", "no rel"),
        (r#"href="https://example.com/feed" "#, "", "no href"),
        (
            "<dc:creator>Lee</dc:creator>",
            "<dc:creator></dc:creator>",
            "dc:creator: empty",
        ),
    ];
    assert_cases(validate::rss2, RSS, &cases);
}

const ATOM: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
<title>Eastern Desk</title>
<id>urn:uuid:4e1f0e7a-0000-4000-8000-000000000001</id>
<updated>2025-09-10T08:00:00+03:00</updated>
<author><name>Olga</name><email>olga@east.example</email></author>
<link rel="alternate" type="text/html" href="https://east.example/"/>
<link rel="self" title="a &lt; b" href="https://east.example/feed"/>
<entry>
<title type="html">A &lt;b&gt;bold&lt;/b&gt; move</title>
<id>tag:east.example,2025:42</id>
<link href="https://east.example/42"/>
<link rel="enclosure" type="audio/mpeg" length="99" href="https://east.example/42.mp3"/>
<updated>2025-09-10T08:00:00Z</updated>
<published>2025-09-10T07:30:00+03:00</published>
<category term="Belarus"/>
<summary>Short</summary>
<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Both <b>agreed</b>.</p></div></content>
</entry>
<entry>
<title>Second</title>
<id>https://east.example/43</id>
<updated>2025-09-11T08:00:00Z</updated>
<content src="https://east.example/43.pdf" type="application/pdf"/>
<summary>About the PDF</summary>
</entry>
</feed>
"#;

#[test]
fn atom_rules_each_catch_their_error() {
    let cases = [
        // Well-formedness and the root.
        ("</title>", "</Title>", "not well-formed"),
        (
            r#"xmlns="http://www.w3.org/2005/Atom""#,
            r#"xmlns="http://purl.org/atom/ns#""#,
            "not `feed`",
        ),
        (r#"xml:lang="en""#, r#"xml:lang="en_US""#, "language tag"),
        // Feed metadata.
        (
            "<id>urn:uuid:4e1f0e7a-0000-4000-8000-000000000001</id>",
            "",
            "0 `id` elements",
        ),
        (
            "urn:uuid:4e1f0e7a-0000-4000-8000-000000000001",
            "feed-1",
            "not an absolute IRI",
        ),
        (
            "urn:uuid:4e1f0e7a-0000-4000-8000-000000000001",
            "https://east.example/a b",
            "not an absolute IRI",
        ),
        (
            "<title>Eastern Desk</title>",
            "<title>A</title><title>B</title>",
            "2 `title` elements",
        ),
        (
            "<updated>2025-09-10T08:00:00+03:00</updated>",
            "",
            "0 `updated` elements",
        ),
        (
            "2025-09-10T08:00:00+03:00</updated>",
            "2025-09-10 08:00:00+03:00</updated>",
            "RFC 3339",
        ),
        ("2025-09-10T08:00:00Z", "2025-09-10t08:00:00z", "RFC 3339"),
        (
            "2025-09-10T07:30:00+03:00",
            "Wed, 10 Sep 2025 07:30:00 +0300",
            "RFC 3339",
        ),
        (
            "<author><name>Olga</name><email>olga@east.example</email></author>",
            "",
            "no author",
        ),
        ("<name>Olga</name>", "<name> </name>", "name is empty"),
        ("<name>Olga</name>", "", "0 names"),
        ("olga@east.example", "Olga at East", "e-mail address"),
        (
            r#"<link rel="self" title="a &lt; b" href="https://east.example/feed"/>"#,
            r#"<link rel="alternate" type="text/html" href="https://east.example/b"/>"#,
            "2 alternate links",
        ),
        // Entries.
        ("<id>tag:east.example,2025:42</id>", "", "0 `id` elements"),
        (
            "<id>https://east.example/43</id>",
            "<id>43</id>",
            "not an absolute IRI",
        ),
        ("<title>Second</title>", "", "0 `title` elements"),
        (
            "<updated>2025-09-11T08:00:00Z</updated>",
            "",
            "0 `updated` elements",
        ),
        (
            "<published>2025-09-10T07:30:00+03:00</published>",
            "<published>2025-09-10T07:30:00+03:00</published><published>2025-09-10T07:30:00+03:00</published>",
            "2 `published` elements",
        ),
        (
            r#"<link href="https://east.example/42"/>"#,
            r#"<link href="https://east.example/42"/><link href="https://east.example/42b"/>"#,
            "2 alternate links",
        ),
        (
            r#"<link href="https://east.example/42"/>"#,
            r#"<link/>"#,
            "no href",
        ),
        (
            r#"<link href="https://east.example/42"/>"#,
            r#"<link href="https://east.example/4 2"/>"#,
            "not an IRI",
        ),
        (r#"length="99""#, r#"length="big""#, "not an integer"),
        (r#"type="audio/mpeg""#, r#"type="mp3""#, "not a MIME type"),
        (
            r#"<content src="https://east.example/43.pdf" type="application/pdf"/>"#,
            "",
            "no content and no alternate link",
        ),
        (
            r#"<content src="https://east.example/43.pdf" type="application/pdf"/>"#,
            r#"<content src="https://east.example/43.pdf" type="application/pdf">x</content>"#,
            "not empty",
        ),
        ("<summary>About the PDF</summary>", "", "no summary"),
        (
            r#"type="application/pdf"/>"#,
            r#"type="html"/>"#,
            "must be a MIME type",
        ),
        (
            r#"<title type="html">"#,
            r#"<title type="markdown">"#,
            "not text, html or xhtml",
        ),
        (
            r#"<content type="xhtml">"#,
            r#"<content type="wiki">"#,
            "MIME type",
        ),
        (
            r#"<div xmlns="http://www.w3.org/1999/xhtml"><p>Both <b>agreed</b>.</p></div>"#,
            "<p>Both</p>",
            "xhtml divs",
        ),
        (
            r#"<div xmlns="http://www.w3.org/1999/xhtml">"#,
            "<div>",
            "xhtml divs",
        ),
        (
            r#"<content type="xhtml">"#,
            r#"<content type="html">"#,
            "must be escaped",
        ),
        (r#"<category term="Belarus"/>"#, "<category/>", "no term"),
        (
            "<summary>Short</summary>",
            "<subtitle>Short</subtitle>",
            "not an Atom element here",
        ),
    ];
    assert_cases(validate::atom1, ATOM, &cases);
}

const JSON: &str = r#"{
  "version": "https://jsonfeed.org/version/1.1",
  "title": "Seoul Notes",
  "home_page_url": "https://example.com/",
  "feed_url": "https://example.com/feed.json",
  "language": "ko",
  "authors": [{"name": "Kim", "url": "mailto:kim@example.com"}],
  "_extension": {"anything": true},
  "items": [
    {
      "id": "1",
      "url": "https://example.com/posts/1",
      "title": "Spring",
      "content_html": "<p>Hi</p>",
      "date_published": "2024-03-01T09:30:00+09:00",
      "tags": ["travel"],
      "attachments": [{"url": "https://example.com/a.mp3", "mime_type": "audio/mpeg", "size_in_bytes": 10}]
    },
    {"id": "2", "content_text": "plain"}
  ]
}"#;

#[test]
fn json_feed_rules_each_catch_their_error() {
    let cases = [
        (
            r#""title": "Seoul Notes","#,
            r#""title": "Seoul Notes""#,
            "not JSON",
        ),
        (
            "https://jsonfeed.org/version/1.1",
            "https://jsonfeed.org/version/1",
            "version",
        ),
        (r#""title": "Seoul Notes","#, "", "title is missing"),
        (
            r#""title": "Seoul Notes","#,
            r#""title": 7,"#,
            "not a string",
        ),
        (
            r#""items": ["#,
            r#""items": "none", "_items": ["#,
            "items is \"none\", not an array",
        ),
        (r#""id": "1","#, "", "id is missing"),
        (r#""id": "1","#, r#""id": 1,"#, "not a string"),
        (r#""id": "2","#, r#""id": "","#, "id is empty"),
        (
            r#""content_text": "plain""#,
            r#""title": "t""#,
            "neither content_html nor content_text",
        ),
        (
            r#""content_html": "<p>Hi</p>","#,
            r#""content_html": ["<p>Hi</p>"],"#,
            "content_html is not a string",
        ),
        ("https://example.com/posts/1", "/posts/1", "url"),
        ("https://example.com/feed.json", "feed.json", "feed_url"),
        (
            "2024-03-01T09:30:00+09:00",
            "Fri, 01 Mar 2024 09:30:00 +0900",
            "RFC 3339",
        ),
        (r#"["travel"]"#, r#"["travel", 3]"#, "array of strings"),
        (
            r#""language": "ko","#,
            r#""language": "Korean language","#,
            "language tag",
        ),
        (
            r#"{"name": "Kim", "url": "mailto:kim@example.com"}"#,
            "{}",
            "none of name, url, avatar",
        ),
        (
            r#""authors": [{"#,
            r#""authors": "Kim", "_authors": [{"#,
            "authors is not an array",
        ),
        (r#""mime_type": "audio/mpeg", "#, "", "no mime_type"),
        (r#""url": "https://example.com/a.mp3", "#, "", "no url"),
        (
            r#""size_in_bytes": 10"#,
            r#""size_in_bytes": "10""#,
            "size_in_bytes",
        ),
        (
            r#""id": "2","#,
            r#""id": "2", "author": {"name": "x"},"#,
            "deprecated",
        ),
        (r#""_extension""#, r#""extension""#, "unknown key"),
    ];
    assert_cases(validate::json_feed11, JSON, &cases);
}
