//! Makes untrusted HTML and text safe to republish.
//!
//! Policy: HTML keeps formatting, tables, images, figures and audio/video, and loses
//! scripts, styles, frames, forms, `on*` handlers and every URL whose scheme is not on
//! ammonia's allowlist (so `javascript:`, `vbscript:` and `data:` go); relative URLs are
//! made absolute against the base the caller gives. Entry points: [`clean_html`] and
//! [`strip_invalid_xml_chars`].

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::LazyLock;

use ammonia::{Builder, UrlRelative};
use url::Url;

/// Sanitizes an HTML fragment; relative `href`/`src` URLs are resolved against `base`.
///
/// Without a base, relative URLs are kept as written: there is nothing to resolve them
/// against, and dropping them would lose images and links a reader may still resolve.
pub(crate) fn clean_html(html: &str, base: Option<&Url>) -> String {
    if !html.contains('<') {
        // No markup at all: nothing to remove, and the text keeps its entity spelling.
        return html.to_owned();
    }
    let _base = BaseGuard::set(base.cloned());
    // The parser's cost grows with the square of the nesting: bound it first.
    let (html, _) = crate::model::limit_html_nesting(html, crate::model::MAX_HTML_NESTING);
    sort_attributes(&SANITIZER.clean(&html).to_string())
}

/// Puts every start tag's attributes in name order, so the same markup always serializes
/// the same way (and as feedparser's sanitizer writes it). Works on html5ever's output,
/// where every attribute is `name="value"` and `"` inside values is escaped.
fn sort_attributes(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        rest = &rest[lt..];
        let Some(gt) = start_tag_end(rest) else {
            break;
        };
        let tag = &rest[..=gt];
        rest = &rest[gt + 1..];
        let inner = &tag[1..tag.len() - 1];
        let Some((name, attributes)) = inner.split_once(' ') else {
            out.push_str(tag);
            continue;
        };
        let mut pairs = split_attributes(attributes);
        // html5ever writes `xlink:` attributes without declaring the prefix; declare it
        // where it is used, so the markup is also well-formed XML.
        if pairs.iter().any(|(key, _)| key.starts_with("xlink:"))
            && !pairs.iter().any(|(key, _)| *key == "xmlns:xlink")
        {
            pairs.push(("xmlns:xlink", Some(XLINK_NAMESPACE)));
        }
        pairs.sort_by(|a, b| a.0.cmp(b.0));
        out.push('<');
        out.push_str(name);
        for (key, value) in pairs {
            out.push(' ');
            out.push_str(key);
            if let Some(value) = value {
                out.push('=');
                out.push_str(value);
            }
        }
        out.push('>');
    }
    out.push_str(rest);
    out
}

/// The XLink namespace declaration, as a quoted attribute value.
const XLINK_NAMESPACE: &str = "\"http://www.w3.org/1999/xlink\"";

/// Index of the `>` ending the tag at the start of `text`, skipping quoted values.
fn start_tag_end(text: &str) -> Option<usize> {
    let mut in_quotes = false;
    for (idx, ch) in text.char_indices().skip(1) {
        match ch {
            '"' => in_quotes = !in_quotes,
            '>' if !in_quotes => return Some(idx),
            _ => {}
        }
    }
    None
}

/// Splits `a="1" b c="3"` into `(name, Some(quoted value) | None)` pairs.
fn split_attributes(text: &str) -> Vec<(&str, Option<&str>)> {
    let mut pairs = Vec::new();
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        let name_end = rest.find(['=', ' ']).unwrap_or(rest.len());
        let name = &rest[..name_end];
        rest = &rest[name_end..];
        let value = match rest.strip_prefix("=\"") {
            Some(after) => {
                let close = after.find('"').unwrap_or(after.len());
                let quoted = &rest[1..(close + 3).min(rest.len())];
                rest = &after[(close + 1).min(after.len())..];
                Some(quoted)
            }
            None => None,
        };
        if !name.is_empty() {
            pairs.push((name, value));
        }
        rest = rest.trim_start();
    }
    pairs
}

/// Removes the characters XML 1.0 cannot carry: C0 controls other than tab, line feed and
/// carriage return, and U+FFFE/U+FFFF. (Lone surrogates cannot occur in a Rust string.)
pub(crate) fn strip_invalid_xml_chars(text: &str) -> Cow<'_, str> {
    if !has_invalid_xml_char(text.as_bytes()) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().filter(|&ch| is_xml_char(ch)).collect())
    }
}

/// Whether UTF-8 `bytes` hold a character [`is_xml_char`] refuses, read byte by byte
/// (every string and whole documents go through here): a C0 control is one byte below
/// 0x20, and U+FFFE/U+FFFF are `EF BF BE`/`EF BF BF`; neither byte pattern occurs
/// inside another character's encoding.
fn has_invalid_xml_char(bytes: &[u8]) -> bool {
    bytes.iter().enumerate().any(|(idx, &byte)| match byte {
        b'\t' | b'\n' | b'\r' => false,
        0..0x20 => true,
        0xEF => matches!(bytes.get(idx + 1..idx + 3), Some([0xBF, 0xBE | 0xBF])),
        _ => false,
    })
}

fn is_xml_char(ch: char) -> bool {
    match ch {
        '\t' | '\n' | '\r' => true,
        '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => false,
        _ => true,
    }
}

/// The one sanitizer, built on first use. Its relative-URL hook reads [`CURRENT_BASE`],
/// because ammonia fixes the hook when the builder is built while our base differs per
/// article; rebuilding the builder for every call would re-create all its tables.
static SANITIZER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut builder = Builder::default();
    builder
        .add_tags(["audio", "video", "source", "tfoot", "picture"])
        .add_tag_attributes("audio", ["src", "controls", "loop", "muted", "preload"])
        .add_tag_attributes(
            "video",
            [
                "src", "controls", "loop", "muted", "preload", "poster", "width", "height",
            ],
        )
        .add_tag_attributes("source", ["src", "type", "media"])
        .add_tag_attributes("img", ["title"])
        .add_tag_attributes("th", ["abbr"])
        // Static SVG and MathML (formulas, simple drawings): no scripts, no animation, no
        // `use`/`foreignObject`, no `xlink:` references; ammonia also removes elements that
        // switch namespace anywhere but at `<svg>`/`<math>`.
        .add_tags(SVG_TAGS)
        .add_tags(MATHML_TAGS)
        .add_tag_attributes(
            "svg",
            [
                "xmlns",
                "width",
                "height",
                "viewBox",
                "version",
                "baseProfile",
            ],
        )
        .add_tag_attributes("math", ["xmlns", "display"])
        .add_generic_attributes(SVG_PRESENTATION_ATTRIBUTES)
        // Republished HTML should say what the author wrote; `rel="noopener"` only
        // matters with `target`, which is not allowed anyway.
        .link_rel(None)
        .url_relative(UrlRelative::Custom(Box::new(resolve_against_current_base)));
    builder
});

/// SVG elements that draw static shapes and text.
const SVG_TAGS: [&str; 14] = [
    "svg", "g", "circle", "ellipse", "line", "path", "polygon", "polyline", "rect", "text",
    "tspan", "title", "desc", "defs",
];

/// Presentation MathML.
const MATHML_TAGS: [&str; 20] = [
    "math",
    "mi",
    "mn",
    "mo",
    "ms",
    "mtext",
    "mspace",
    "mrow",
    "mfrac",
    "msqrt",
    "mroot",
    "msub",
    "msup",
    "msubsup",
    "munder",
    "mover",
    "munderover",
    "mtable",
    "mtr",
    "mtd",
];

/// Geometry and paint attributes of the SVG shapes above.
const SVG_PRESENTATION_ATTRIBUTES: [&str; 17] = [
    "cx",
    "cy",
    "r",
    "rx",
    "ry",
    "x",
    "y",
    "x1",
    "y1",
    "x2",
    "y2",
    "d",
    "points",
    "fill",
    "stroke",
    "stroke-width",
    "transform",
];

thread_local! {
    /// The base for the [`clean_html`] call running on this thread, if any.
    static CURRENT_BASE: RefCell<Option<Url>> = const { RefCell::new(None) };
}

fn resolve_against_current_base(relative: &str) -> Option<Cow<'_, str>> {
    CURRENT_BASE.with_borrow(|base| match base {
        Some(base) => base
            .join(relative)
            .ok()
            .map(|absolute| Cow::Owned(String::from(absolute))),
        None => Some(Cow::Borrowed(relative)),
    })
}

/// Sets [`CURRENT_BASE`] for the lifetime of the guard and restores the previous value on
/// drop, so the base cannot leak into a later call even if sanitizing panics.
struct BaseGuard {
    previous: Option<Url>,
}

impl BaseGuard {
    fn set(base: Option<Url>) -> Self {
        let previous = CURRENT_BASE.replace(base);
        BaseGuard { previous }
    }
}

impl Drop for BaseGuard {
    fn drop(&mut self) {
        CURRENT_BASE.set(self.previous.take());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://example.com/posts/one.html").unwrap()
    }

    #[test]
    fn scripts_styles_frames_and_forms_are_removed_with_their_content() {
        let html = "<p>keep</p><script>alert(1)</script><style>p{}</style>\
                    <iframe src=\"https://evil.example/\"></iframe><object data=\"x\"></object>\
                    <embed src=\"x.swf\"><form action=\"/steal\"><input name=\"q\"></form>";
        let cleaned = clean_html(html, Some(&base()));
        assert_eq!(cleaned, "<p>keep</p>");
    }

    #[test]
    fn static_svg_and_mathml_survive_but_svg_scripts_do_not() {
        let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\"><circle cx=\"5\" r=\"2\" fill=\"red\"/>\
                   <script>alert(1)</script><foreignObject><p>x</p></foreignObject></svg>";
        let cleaned = clean_html(svg, None);
        assert!(cleaned.contains("<circle"), "{cleaned}");
        assert!(
            !cleaned.contains("script") && !cleaned.contains("foreignObject"),
            "{cleaned}"
        );
        let math = clean_html(
            "<math><mrow><mi>a</mi><mo>+</mo><mi>b</mi></mrow></math>",
            None,
        );
        assert!(math.contains("<mi>a</mi>"), "{math}");
    }

    #[test]
    fn attributes_come_out_in_name_order() {
        let cleaned = clean_html(
            "<img src=\"https://x.example/a.png\" alt=\"a &quot;b&quot; > c\" title=\"t\">",
            None,
        );
        assert_eq!(
            cleaned,
            "<img alt=\"a &quot;b&quot; &gt; c\" src=\"https://x.example/a.png\" title=\"t\">"
        );
    }

    #[test]
    fn svg_links_keep_their_xlink_prefix_declared() {
        let cleaned = clean_html(
            "<svg><a xlink:href=\"https://example.com/\"><circle r=\"1\"></circle></a></svg>",
            None,
        );
        assert!(
            cleaned.contains("<a xlink:href=\"https://example.com/\" xmlns:xlink=\"http://www.w3.org/1999/xlink\">"),
            "{cleaned}"
        );
        let hostile = clean_html(
            "<svg><a xlink:href=\"javascript:alert(1)\">x</a></svg>",
            None,
        );
        assert!(!hostile.contains("javascript"), "{hostile}");
    }

    #[test]
    fn text_without_markup_is_returned_as_written() {
        assert_eq!(clean_html("Q&amp;A &#38; more", None), "Q&amp;A &#38; more");
    }

    #[test]
    fn event_handlers_are_removed_but_the_element_stays() {
        let cleaned = clean_html("<p onclick=\"steal()\" onmouseover=\"x()\">hi</p>", None);
        assert_eq!(cleaned, "<p>hi</p>");
    }

    #[test]
    fn script_data_and_vbscript_urls_are_dropped() {
        let html = "<a href=\"javascript:alert(1)\">a</a><a href=\" JaVaScRiPt:alert(1)\">b</a>\
                    <a href=\"vbscript:msgbox\">c</a><img src=\"data:image/png;base64,AAAA\">";
        let cleaned = clean_html(html, Some(&base()));
        assert!(
            !cleaned.to_ascii_lowercase().contains("script:"),
            "{cleaned}"
        );
        assert!(!cleaned.contains("data:"), "{cleaned}");
        assert!(cleaned.contains(">a</a>"), "{cleaned}");
    }

    #[test]
    fn relative_urls_are_resolved_against_the_given_base() {
        let html = "<img src=\"../img/a.png\"><a href=\"/about\">about</a>\
                    <video src=\"clip.mp4\" poster=\"poster.jpg\" controls></video>";
        let cleaned = clean_html(html, Some(&base()));
        assert!(
            cleaned.contains("src=\"https://example.com/img/a.png\""),
            "{cleaned}"
        );
        assert!(
            cleaned.contains("href=\"https://example.com/about\""),
            "{cleaned}"
        );
        assert!(
            cleaned.contains("src=\"https://example.com/posts/clip.mp4\""),
            "{cleaned}"
        );
        assert!(
            cleaned.contains("poster=\"https://example.com/posts/poster.jpg\""),
            "{cleaned}"
        );
    }

    #[test]
    fn relative_urls_stay_as_written_without_a_base() {
        let cleaned = clean_html("<img src=\"a.png\">", None);
        assert_eq!(cleaned, "<img src=\"a.png\">");
    }

    #[test]
    fn the_base_of_one_call_does_not_leak_into_the_next() {
        clean_html("<img src=\"a.png\">", Some(&base()));
        assert_eq!(
            clean_html("<img src=\"a.png\">", None),
            "<img src=\"a.png\">"
        );
    }

    #[test]
    fn formatting_tables_figures_and_media_survive() {
        let html = "<figure><img src=\"https://example.com/a.png\" alt=\"A\">\
                    <figcaption><em>A</em> <strong>b</strong></figcaption></figure>\
                    <table><thead><tr><th>h</th></tr></thead><tbody><tr><td>d</td></tr></tbody></table>\
                    <audio src=\"https://example.com/a.mp3\" controls></audio>";
        let cleaned = clean_html(html, None);
        for needle in [
            "<figure>",
            "<figcaption><em>A</em> <strong>b</strong></figcaption>",
            "<th>h</th>",
            "<td>d</td>",
            "<audio controls=\"\" src=\"https://example.com/a.mp3\">",
        ] {
            assert!(cleaned.contains(needle), "{needle} missing from {cleaned}");
        }
    }

    #[test]
    fn control_characters_and_nonchars_are_stripped_but_whitespace_is_kept() {
        let text = "a\u{0}b\u{8}c\td\ne\rf\u{fffe}g\u{ffff}h\u{1b}ü";
        assert_eq!(strip_invalid_xml_chars(text), "abc\td\ne\rfghü");
    }

    #[test]
    fn the_byte_check_agrees_with_the_character_check() {
        let samples = [
            "",
            "plain",
            "\u{fffd}\u{fffe}",
            "\u{fffc}\u{fffd}",
            "\u{efbf}\u{f000}",
            "x\u{ffff}",
            "\u{1f}",
            " \u{7f}\u{80}\u{9f}",
            "한국어 🎉",
            "tab\tnl\ncr\r",
            "\u{ef}\u{bf}\u{be}",
            "end\u{fffe}",
        ];
        for text in samples {
            assert_eq!(
                has_invalid_xml_char(text.as_bytes()),
                !text.chars().all(is_xml_char),
                "{text:?}"
            );
        }
        for code in (0..0x3_0000).filter_map(char::from_u32) {
            let text = format!("a{code}b");
            assert_eq!(
                has_invalid_xml_char(text.as_bytes()),
                !is_xml_char(code),
                "{code:?}"
            );
        }
    }

    #[test]
    fn clean_text_is_borrowed_not_copied() {
        assert!(matches!(
            strip_invalid_xml_chars("fine"),
            Cow::Borrowed("fine")
        ));
    }
}
