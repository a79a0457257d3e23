use super::*;

fn read(text: &str) -> Subscriptions {
    read_opml(text.as_bytes()).expect("an OPML document")
}

fn urls(subscriptions: &Subscriptions) -> Vec<&str> {
    subscriptions
        .subscriptions
        .iter()
        .map(|subscription| subscription.xml_url.as_str())
        .collect()
}

#[test]
fn a_flat_opml_2_list_reads_title_urls_and_site_links() {
    let list = read(
        r#"<?xml version="1.0"?><opml version="2.0"><head><title>My feeds</title></head><body>
          <outline type="rss" text="Alpha" title="Alpha title" xmlUrl="https://alpha.example/feed" htmlUrl="https://alpha.example/"/>
          <outline type="rss" title="Beta" xmlUrl="https://beta.example/rss.xml"/>
        </body></opml>"#,
    );
    assert_eq!(list.title.as_deref(), Some("My feeds"));
    assert_eq!(list.warnings, Vec::<String>::new());
    assert_eq!(
        list.subscriptions[0],
        Subscription {
            title: Some("Alpha".into()),
            xml_url: "https://alpha.example/feed".into(),
            html_url: Some("https://alpha.example/".into()),
            categories: vec![],
        }
    );
    assert_eq!(list.subscriptions[1].title.as_deref(), Some("Beta"));
}

#[test]
fn nested_folders_and_category_attributes_become_categories() {
    let list = read(
        r#"<opml version="1.0"><body>
          <outline text="Tech">
            <outline text="Rust">
              <outline text="A" xmlUrl="https://a.example/feed" category="/Lang/Systems,news"/>
            </outline>
            <outline text="B" xmlUrl="https://b.example/feed"/>
          </outline>
          <outline text="C" xmlUrl="https://c.example/feed"/>
        </body></opml>"#,
    );
    let categories: Vec<&[String]> = list
        .subscriptions
        .iter()
        .map(|subscription| subscription.categories.as_slice())
        .collect();
    assert_eq!(
        categories,
        [
            &["Tech", "Rust", "Lang", "Systems", "news"].map(String::from)[..],
            &["Tech".to_owned()][..],
            &[][..],
        ]
    );
    assert_eq!(list.warnings, Vec::<String>::new());
}

#[test]
fn outlines_without_a_feed_url_are_skipped_with_a_warning_naming_the_line() {
    let list = read(
        "<opml version=\"2.0\"><body>\n<outline text=\"Note to self\"/>\n<outline text=\"Empty folder\"></outline>\n<outline text=\"Ok\" xmlUrl=\"https://ok.example/feed\"/>\n</body></opml>",
    );
    assert_eq!(urls(&list), ["https://ok.example/feed"]);
    assert_eq!(
        list.warnings,
        [
            "line 2: outline \"Note to self\" has no feed URL (`xmlUrl`); skipped",
            "line 3: outline \"Empty folder\" has no feed URL (`xmlUrl`); skipped",
        ]
    );
}

#[test]
fn a_feed_url_listed_twice_is_kept_once_with_both_folders() {
    let list = read(
        r#"<opml version="2.0"><body>
          <outline text="News"><outline text="A" xmlUrl="https://a.example/feed"/></outline>
          <outline text="Daily"><outline text="A again" xmlUrl="HTTPS://A.example/feed"/></outline>
        </body></opml>"#,
    );
    assert_eq!(urls(&list), ["https://a.example/feed"]);
    assert_eq!(list.subscriptions[0].title.as_deref(), Some("A"));
    assert_eq!(list.subscriptions[0].categories, ["News", "Daily"]);
    assert_eq!(list.warnings.len(), 1);
    assert!(
        list.warnings[0].contains("listed again"),
        "{:?}",
        list.warnings
    );
}

#[test]
fn entities_bare_ampersands_and_whitespace_are_read_leniently() {
    let list = read(
        "<opml version=\"2.0\"><head><title>Caf&eacute; &amp;\n  friends</title></head><body>\
         <outline text=\"Tom &amp; Jerry&#39;s &quot;blog&quot; &hellip;\" xmlUrl=\"https://t.example/feed?a=1&b=2\"/>\
         </body></opml>",
    );
    assert_eq!(list.title.as_deref(), Some("Café & friends"));
    let subscription = &list.subscriptions[0];
    assert_eq!(
        subscription.title.as_deref(),
        Some("Tom & Jerry's \"blog\" …")
    );
    assert_eq!(subscription.xml_url, "https://t.example/feed?a=1&b=2");
}

#[test]
fn a_declared_legacy_encoding_and_a_bom_are_decoded() {
    let mut latin1 =
        b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><opml version=\"1.0\"><head><title>Caf"
            .to_vec();
    latin1.push(0xE9);
    latin1.extend_from_slice(
        b"</title></head><body><outline text=\"x\" xmlUrl=\"https://x.example/\"/></body></opml>",
    );
    assert_eq!(
        read_opml(&latin1).expect("opml").title.as_deref(),
        Some("Café")
    );

    let mut with_bom = "\u{feff}".as_bytes().to_vec();
    with_bom.extend_from_slice(
        "<opml version=\"2.0\"><head><title>Ünï</title></head><body/></opml>".as_bytes(),
    );
    assert_eq!(
        read_opml(&with_bom).expect("opml").title.as_deref(),
        Some("Ünï")
    );
}

#[test]
fn relative_and_invalid_feed_urls_are_kept_with_a_warning() {
    let list = read(
        r#"<opml version="2.0"><body><outline text="C" xmlUrl=" /local/feed.xml "/><outline text="D" xmlUrl="http://[bad"/></body></opml>"#,
    );
    assert_eq!(urls(&list), ["/local/feed.xml", "http://[bad"]);
    assert_eq!(list.warnings.len(), 2, "{:?}", list.warnings);
    assert!(
        list.warnings[0].contains("is relative"),
        "{:?}",
        list.warnings
    );
    assert!(
        list.warnings[1].contains("not a valid URL"),
        "{:?}",
        list.warnings
    );
}

#[test]
fn a_truncated_list_keeps_what_was_read() {
    let list = read(
        r#"<opml version="2.0"><body><outline text="F"><outline text="A" xmlUrl="https://a.example/feed"/>"#,
    );
    assert_eq!(urls(&list), ["https://a.example/feed"]);
    assert_eq!(list.subscriptions[0].categories, ["F"]);
    assert!(
        list.warnings.iter().any(|w| w.contains("ends before")),
        "{:?}",
        list.warnings
    );
}

#[test]
fn missing_version_and_body_are_warnings_not_errors() {
    let list = read(r#"<opml><outline text="A" xmlUrl="https://a.example/feed"/></opml>"#);
    assert_eq!(urls(&list), ["https://a.example/feed"]);
    assert_eq!(list.warnings.len(), 2, "{:?}", list.warnings);
}

#[test]
fn html_feeds_json_and_text_are_not_opml() {
    let cases = [
        (
            "<!DOCTYPE html><html><head><title>x</title></head></html>",
            "HTML page",
        ),
        (
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel/></rss>",
            "a feed (`<rss>`)",
        ),
        (
            "<feed xmlns=\"http://www.w3.org/2005/Atom\"/>",
            "a feed (`<feed>`)",
        ),
        ("<rdf:RDF/>", "a feed (`<rdf:RDF>`)"),
        (
            "{\"version\": \"https://jsonfeed.org/version/1.1\"}",
            "JSON",
        ),
        ("just some words", "not XML"),
        ("<subscriptions/>", "`<subscriptions>`"),
    ];
    for (input, expected) in cases {
        let error = read_opml(input.as_bytes()).expect_err(input);
        assert!(error.to_string().contains(expected), "{input}: {error}");
    }
    assert_eq!(read_opml(b"  \n"), Err(OpmlError::Empty));
}
