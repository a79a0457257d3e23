//! Writes subscription lists as OPML 2.0: [`write_opml`] turns an [`OpmlDocument`] into
//! UTF-8 bytes.
//!
//! Policy: the output is always valid OPML 2.0. Every outline has the required `text`
//! (falling back to its feed URL, site URL or `Untitled`), a feed is
//! `<outline type="rss" text title xmlUrl htmlUrl/>`, a folder is an outline holding
//! outlines, and values are escaped with quick-xml's `escape` after the characters XML
//! cannot carry are removed. No clock: `dateCreated` is written only when given.
//! Entry point: [`write_opml`].

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use quick_xml::escape::escape;

use super::sanitize::strip_invalid_xml_chars;

/// A subscription list to write.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpmlDocument {
    /// The list's title (`<head><title>`).
    pub title: String,
    /// When the list was made (`<head><dateCreated>`, written as RFC 822); `None` leaves
    /// it out.
    pub created: Option<DateTime<Utc>>,
    /// The top-level outlines.
    pub outlines: Vec<OpmlOutline>,
}

/// One outline: a feed (with `xml_url`), a folder (with `children`), or both.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpmlOutline {
    /// What readers show (`text`, also written as `title`).
    pub text: String,
    /// The feed's URL (`xmlUrl`); an outline with one is written `type="rss"`.
    pub xml_url: Option<String>,
    /// The site the feed belongs to (`htmlUrl`); on an outline without a feed URL, a
    /// `type="link"` outline to it.
    pub html_url: Option<String>,
    /// The outlines inside, for a folder.
    pub children: Vec<OpmlOutline>,
}

impl OpmlOutline {
    /// A feed outline.
    pub fn feed(text: impl Into<String>, xml_url: impl Into<String>) -> Self {
        OpmlOutline {
            text: text.into(),
            xml_url: Some(xml_url.into()),
            ..OpmlOutline::default()
        }
    }

    /// A folder holding `children`.
    pub fn folder(text: impl Into<String>, children: Vec<OpmlOutline>) -> Self {
        OpmlOutline {
            text: text.into(),
            children,
            ..OpmlOutline::default()
        }
    }

    /// The same outline with `html_url` as its site.
    #[must_use]
    pub fn with_html_url(mut self, html_url: impl Into<String>) -> Self {
        self.html_url = Some(html_url.into());
        self
    }
}

/// Writes `document` as an OPML 2.0 document in UTF-8, indented by two spaces.
///
/// The same document always gives the same bytes.
pub fn write_opml(document: &OpmlDocument) -> Vec<u8> {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<opml version=\"2.0\">\n  <head>\n");
    let _ = writeln!(out, "    <title>{}</title>", text_value(&document.title));
    if let Some(created) = document.created {
        let _ = writeln!(
            out,
            "    <dateCreated>{}</dateCreated>",
            created.format("%a, %d %b %Y %H:%M:%S GMT")
        );
    }
    out.push_str("  </head>\n");
    if document.outlines.is_empty() {
        out.push_str("  <body/>\n");
    } else {
        out.push_str("  <body>\n");
        for outline in &document.outlines {
            write_outline(&mut out, outline, 2);
        }
        out.push_str("  </body>\n");
    }
    out.push_str("</opml>\n");
    out.into_bytes()
}

fn write_outline(out: &mut String, outline: &OpmlOutline, depth: usize) {
    let indent = "  ".repeat(depth);
    let xml_url = non_empty(outline.xml_url.as_deref());
    let html_url = non_empty(outline.html_url.as_deref());
    let text = non_empty(Some(&outline.text))
        .or(xml_url)
        .or(html_url)
        .unwrap_or("Untitled");
    let _ = write!(out, "{indent}<outline");
    match (xml_url, html_url) {
        (Some(xml_url), _) => {
            attribute(out, "type", "rss");
            attribute(out, "text", text);
            attribute(out, "title", text);
            attribute(out, "xmlUrl", xml_url);
            if let Some(html_url) = html_url {
                attribute(out, "htmlUrl", html_url);
            }
        }
        (None, Some(html_url)) => {
            attribute(out, "type", "link");
            attribute(out, "text", text);
            attribute(out, "url", html_url);
        }
        (None, None) => {
            attribute(out, "text", text);
            attribute(out, "title", text);
        }
    }
    if outline.children.is_empty() {
        out.push_str("/>\n");
        return;
    }
    out.push_str(">\n");
    for child in &outline.children {
        write_outline(out, child, depth + 1);
    }
    let _ = writeln!(out, "{indent}</outline>");
}

/// Appends ` name="value"`, escaped. Tabs and line breaks are written as character
/// references, so that a reader's attribute normalization does not turn them into spaces.
fn attribute(out: &mut String, name: &str, value: &str) {
    let escaped = text_value(value)
        .replace('\t', "&#9;")
        .replace('\n', "&#10;")
        .replace('\r', "&#13;");
    let _ = write!(out, " {name}=\"{escaped}\"");
}

/// `value` without the characters XML cannot carry, escaped for text or a quoted attribute.
fn text_value(value: &str) -> String {
    escape(strip_invalid_xml_chars(value).as_ref()).into_owned()
}

fn non_empty(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|value| !value.is_empty())
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;

    fn written(document: &OpmlDocument) -> String {
        String::from_utf8(write_opml(document)).expect("UTF-8")
    }

    #[test]
    fn feeds_and_folders_are_written_as_nested_outlines() {
        let document = OpmlDocument {
            title: "Subscriptions".into(),
            created: Some(Utc.with_ymd_and_hms(2026, 11, 27, 6, 5, 0).unwrap()),
            outlines: vec![
                OpmlOutline::folder(
                    "Tech",
                    vec![
                        OpmlOutline::feed("Alpha", "https://alpha.example/feed")
                            .with_html_url("https://alpha.example/"),
                    ],
                ),
                OpmlOutline::feed("Beta", "https://beta.example/rss"),
            ],
        };
        assert_eq!(
            written(&document),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <opml version=\"2.0\">\n  <head>\n    <title>Subscriptions</title>\n\
             \x20   <dateCreated>Fri, 27 Nov 2026 06:05:00 GMT</dateCreated>\n  </head>\n  <body>\n\
             \x20   <outline text=\"Tech\" title=\"Tech\">\n\
             \x20     <outline type=\"rss\" text=\"Alpha\" title=\"Alpha\" xmlUrl=\"https://alpha.example/feed\" htmlUrl=\"https://alpha.example/\"/>\n\
             \x20   </outline>\n\
             \x20   <outline type=\"rss\" text=\"Beta\" title=\"Beta\" xmlUrl=\"https://beta.example/rss\"/>\n\
             \x20 </body>\n</opml>\n"
        );
    }

    #[test]
    fn values_are_escaped_and_characters_xml_cannot_carry_are_dropped() {
        let document = OpmlDocument {
            title: "A & B <list>\u{1}".into(),
            created: None,
            outlines: vec![OpmlOutline::feed(
                "\"Quoted\" & 'single'\nline",
                "https://x.example/feed?a=1&b=2",
            )],
        };
        let text = written(&document);
        assert!(
            text.contains("<title>A &amp; B &lt;list&gt;</title>"),
            "{text}"
        );
        assert!(
            text.contains("text=\"&quot;Quoted&quot; &amp; &apos;single&apos;&#10;line\""),
            "{text}"
        );
        assert!(
            text.contains("xmlUrl=\"https://x.example/feed?a=1&amp;b=2\""),
            "{text}"
        );
        assert!(!text.contains("dateCreated"), "{text}");
    }

    #[test]
    fn outlines_always_get_a_text() {
        let document = OpmlDocument {
            title: String::new(),
            created: None,
            outlines: vec![
                OpmlOutline::feed("  ", "https://x.example/feed"),
                OpmlOutline {
                    html_url: Some("https://site.example/".into()),
                    ..OpmlOutline::default()
                },
                OpmlOutline::default(),
            ],
        };
        let text = written(&document);
        assert!(text.contains("text=\"https://x.example/feed\""), "{text}");
        assert!(
            text.contains("<outline type=\"link\" text=\"https://site.example/\" url=\"https://site.example/\"/>"),
            "{text}"
        );
        assert!(
            text.contains("<outline text=\"Untitled\" title=\"Untitled\"/>"),
            "{text}"
        );
    }

    #[test]
    fn an_empty_list_has_an_empty_body() {
        let text = written(&OpmlDocument::default());
        assert!(text.contains("<body/>"), "{text}");
    }
}
