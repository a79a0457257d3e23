//! What reaches a reader is safe: every file of Python feedparser's test corpus
//! (`../shared/corpus/feedparser`, its `wellformed/sanitize` cases above all) read by
//! feedmill and written as RSS, Atom and JSON Feed carries no script, event handler,
//! `javascript:`/`vbscript:`/`data:` URL, style-based attack, form, frame, plugin or
//! document-level element, and no relative URL, in any field.
//!
//! Every string of the output (XML text and attribute values, JSON strings) is checked
//! for script and data URLs. Every string a reader may render as HTML is also unescaped
//! once (by the XML or JSON parser) and parsed as an HTML fragment by html5ever, as a
//! browser would: in RSS every element's text, titles and authors included (readers take
//! them as HTML, whatever the spec profile says); in Atom the text constructs of type
//! `html` or `xhtml` (`text` is unambiguous); in JSON Feed `content_html`. The corpus lives outside the
//! repository; the test skips with a message when it is absent.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use feedmill::emit::{self, EmitOptions, OutputFormat};
use feedmill::source::feed::{self, ReadOptions};
use scraper::{Html, Node};
use serde_json::Value;

use common::validate::xml::{self, Element};

/// Elements no output may carry: they run code, load other documents or plugins, take
/// input, or change how the page around them behaves.
const FORBIDDEN_ELEMENTS: &[&str] = &[
    "script",
    "style",
    "form",
    "input",
    "button",
    "textarea",
    "select",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "meta",
    "link",
    "base",
    "noscript",
    "template",
    "foreignobject",
    "use",
    "animate",
    "set",
    "handler",
    "isindex",
    "bgsound",
    "xml",
    "xss",
    "layer",
    "ilayer",
];

/// Attributes holding a URL a browser loads or follows.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "background",
    "poster",
    "data",
    "cite",
    "longdesc",
    "lowsrc",
    "dynsrc",
    "codebase",
    "usemap",
    "srcset",
    "profile",
    "manifest",
    "icon",
    "xml:base",
];

/// What style values must never hold.
const STYLE_ATTACKS: &[&str] = &[
    "expression(",
    "url(",
    "behavior",
    "-moz-binding",
    "javascript:",
];

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/feedparser/tests")
}

/// A URL as a browser compares its scheme: entities already decoded by the parser,
/// control characters and whitespace anywhere removed, lowercase.
fn url_scheme_view(value: &str) -> String {
    value
        .chars()
        .filter(|ch| !ch.is_whitespace() && !ch.is_control())
        .collect::<String>()
        .to_ascii_lowercase()
}

fn is_dangerous_url(value: &str) -> bool {
    let view = url_scheme_view(value);
    ["javascript:", "vbscript:", "data:", "livescript:", "mocha:"]
        .iter()
        .any(|scheme| view.starts_with(scheme))
}

/// What the checks found, per kind of problem, with a few examples each.
#[derive(Default)]
struct Findings {
    problems: BTreeMap<&'static str, Vec<String>>,
    strings: usize,
    html_fields: usize,
    fragments: usize,
    elements: usize,
    url_attributes: usize,
}

impl Findings {
    fn report(&mut self, kind: &'static str, at: &str, detail: &str) {
        let list = self.problems.entry(kind).or_default();
        if list.len() < 5 {
            let detail: String = detail.chars().take(160).collect();
            list.push(format!("{at}: {detail}"));
        } else {
            list.push(String::new());
        }
    }

    /// Checks one string of the output, found at `at`; as HTML when `html`.
    fn check_string(&mut self, at: &str, value: &str, html: bool) {
        self.strings += 1;
        if is_dangerous_url(value) {
            self.report("script or data URL as a field", at, value);
        }
        if !html {
            return;
        }
        self.html_fields += 1;
        if !value.contains('<') {
            return;
        }
        self.fragments += 1;
        let fragment = Html::parse_fragment(value);
        for node in fragment.tree.nodes() {
            let Node::Element(element) = node.value() else {
                continue;
            };
            self.elements += 1;
            let name = element.name().to_ascii_lowercase();
            if FORBIDDEN_ELEMENTS.contains(&name.as_str()) {
                self.report("forbidden element", at, &format!("<{name}> in {value}"));
            }
            for (attribute, attribute_value) in element.attrs() {
                let attribute = attribute.to_ascii_lowercase();
                if attribute.starts_with("on") {
                    self.report("event handler", at, &format!("{attribute} in {value}"));
                }
                if attribute == "style" {
                    let view = url_scheme_view(&attribute_value.replace('\\', ""));
                    if STYLE_ATTACKS.iter().any(|attack| view.contains(attack)) {
                        self.report("style attack", at, attribute_value);
                    } else {
                        self.report("style attribute", at, attribute_value);
                    }
                }
                if URL_ATTRIBUTES.contains(&attribute.as_str()) {
                    self.url_attributes += 1;
                    // `srcset` lists URLs separated by commas.
                    for url in attribute_value.split(',').map(str::trim) {
                        let url = url.split_whitespace().next().unwrap_or("");
                        if is_dangerous_url(url) {
                            self.report("script or data URL in markup", at, attribute_value);
                        } else if !url.is_empty()
                            && !url.starts_with('#')
                            && url::Url::parse(url).is_err()
                        {
                            self.report("relative URL", at, &format!("{attribute}={url}"));
                        }
                    }
                }
            }
        }
    }

    /// Checks `element` and its descendants; in `rss`, every text as HTML.
    fn check_xml(&mut self, at: &str, element: &Element, rss: bool) {
        let here = format!("{at}/{}", element.qname);
        for attribute in &element.attrs {
            self.check_string(
                &format!("{here}/@{}", attribute.name),
                &attribute.value,
                false,
            );
        }
        let text = element.text();
        if !text.trim().is_empty() {
            let html = rss || matches!(element.attr("type"), Some("html" | "xhtml" | "text/html"));
            self.check_string(&here, &text, html);
        }
        for child in element.elements() {
            self.check_xml(&here, child, rss);
        }
    }

    /// Checks `value` and what it holds; `content_html` as HTML.
    fn check_json(&mut self, at: &str, value: &Value) {
        match value {
            Value::String(text) => self.check_string(at, text, at.ends_with(".content_html")),
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    self.check_json(&format!("{at}[{index}]"), item);
                }
            }
            Value::Object(map) => {
                for (key, item) in map {
                    self.check_json(&format!("{at}.{key}"), item);
                }
            }
            _ => {}
        }
    }
}

#[test]
fn no_script_handler_script_url_style_attack_or_form_survives_in_any_output() {
    let dir = corpus();
    if !dir.is_dir() {
        eprintln!(
            "skipped: the feedparser corpus is not at {} (it lives in ../shared)",
            dir.display()
        );
        return;
    }
    let mut files = Vec::new();
    common::collect_files(&dir, &mut files);
    let mut findings = Findings::default();
    let (mut read, mut unreadable, mut sanitize_cases, mut documents) = (0, 0, 0, 0);
    for path in files
        .iter()
        .filter(|path| path.extension().is_some_and(|e| e == "xml"))
    {
        let relative = path.strip_prefix(&dir).expect("under the corpus");
        let name = relative.to_string_lossy().replace('\\', "/");
        let bytes = std::fs::read(path).expect("readable corpus file");
        let options = ReadOptions {
            // Every case gets a base, so every relative URL can be made absolute.
            url: Some(format!("http://corpus.example.org/tests/{name}")),
            ..ReadOptions::default()
        };
        let Ok(outcome) = feed::read(&bytes, &options) else {
            unreadable += 1;
            continue;
        };
        read += 1;
        if name.starts_with("wellformed/sanitize/") {
            sanitize_cases += 1;
        }
        for format in [OutputFormat::Rss, OutputFormat::Atom, OutputFormat::Json] {
            let written = emit::write(&outcome.feed, format, &EmitOptions::default())
                .unwrap_or_else(|error| panic!("{name}: writing {format}: {error}"));
            documents += 1;
            let at = format!("{name} as {format}");
            match format {
                OutputFormat::Json => {
                    let value: Value = serde_json::from_slice(&written)
                        .unwrap_or_else(|error| panic!("{at}: invalid JSON: {error}"));
                    findings.check_json(&at, &value);
                }
                _ => {
                    let root = xml::parse(&written)
                        .unwrap_or_else(|errors| panic!("{at}: not well-formed: {errors:?}"));
                    findings.check_xml(&at, &root, format == OutputFormat::Rss);
                }
            }
        }
    }
    println!(
        "{read} corpus files read ({sanitize_cases} sanitize cases, {unreadable} not feeds), \
         {documents} documents written, {} strings checked, {} of them fields read as HTML, \
         {} holding markup with {} elements and {} URL attributes",
        findings.strings,
        findings.html_fields,
        findings.fragments,
        findings.elements,
        findings.url_attributes
    );
    assert!(sanitize_cases > 500, "the sanitize cases were found");
    let summary: Vec<String> = findings
        .problems
        .iter()
        .map(|(kind, examples)| {
            let shown: Vec<&String> = examples.iter().filter(|e| !e.is_empty()).collect();
            format!("{kind}: {} found, e.g. {shown:#?}", examples.len())
        })
        .collect();
    assert!(summary.is_empty(), "{}", summary.join("\n"));
}

/// Attacks written into hand-made hostile feeds, so the test does not depend on the
/// corpus alone.
const ATTACKS: &[&str] = &[
    "<script>alert(1)</script>",
    "<a href=\"&#x6A;avascript:alert(1)\">entity</a>",
    "<a href=\"java&#x09;script:alert(1)\">tab</a>",
    "<a href=\" JAVASCRIPT:alert(1)\">case</a>",
    "<a href=\"vbscript:msgbox(1)\">vb</a>",
    "<img src=\"data:image/svg+xml;base64,PHN2Zz4=\">",
    "<img src=\"x.png\" onerror=\"alert(1)\" style=\"background:url(javascript:alert(1))\">",
    "<p style=\"width: expression(alert(1)); behavior: url(x.htc); -moz-binding: url(x)\">styled</p>",
    "<form action=\"javascript:alert(1)\"><input name=\"q\"><button formaction=\"javascript:alert(1)\">go</button></form>",
    "<iframe src=\"https://evil.example/\"></iframe><object data=\"x.swf\"></object><embed src=\"x.swf\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\"><base href=\"javascript:/\"><link rel=\"stylesheet\" href=\"x.css\">",
    "<svg><a xlink:href=\"javascript:alert(1)\"><circle r=\"1\"></circle></a><script>alert(1)</script></svg>",
    "<math><maction actiontype=\"statusline\" xlink:href=\"javascript:alert(1)\">m</maction></math>",
    "<table background=\"javascript:alert(1)\"><tr><td>cell</td></tr></table>",
    "<video poster=\"javascript:alert(1)\" src=\"clip.mp4\"></video>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<a href=\"/relative/page\">relative</a><img src=\"../img/a.png\">",
];

fn escape_xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Reads `document`, writes it in every format and checks every output: each attack's
/// harmless neighbour kept, relative links absolute, and nothing found.
fn assert_clean_everywhere(kind: &str, document: &str) {
    let options = ReadOptions {
        url: Some("https://site.example.org/feed.xml".to_owned()),
        ..ReadOptions::default()
    };
    let outcome = feed::read(document.as_bytes(), &options)
        .unwrap_or_else(|error| panic!("the hostile {kind} reads: {error}"));
    let mut findings = Findings::default();
    for format in [OutputFormat::Rss, OutputFormat::Atom, OutputFormat::Json] {
        let written = emit::write(&outcome.feed, format, &EmitOptions::default()).expect("writes");
        let text = String::from_utf8(written.clone()).expect("UTF-8");
        for n in 0..ATTACKS.len() {
            assert!(
                text.contains(&format!("kept {n}")),
                "{kind} as {format}: item {n} kept"
            );
        }
        assert!(
            text.contains("https://site.example.org/relative/page"),
            "{kind} as {format}: absolute"
        );
        let at = format!("hostile {kind} as {format}");
        if format == OutputFormat::Json {
            findings.check_json(&at, &serde_json::from_slice(&written).expect("JSON"));
        } else {
            findings.check_xml(
                &at,
                &xml::parse(&written).expect("well-formed"),
                format == OutputFormat::Rss,
            );
        }
    }
    assert!(findings.problems.is_empty(), "{:#?}", findings.problems);
    assert!(
        findings.url_attributes >= 3 * 3,
        "{kind}: links and images were checked"
    );
}

#[test]
fn a_hostile_rss_feed_comes_out_clean_in_every_format() {
    let items: String = ATTACKS
        .iter()
        .enumerate()
        .map(|(n, attack)| {
            format!(
                "<item><title>Item {n} &lt;script&gt;alert(1)&lt;/script&gt;</title>\
                 <link>https://site.example.org/{n}</link>\
                 <description>&lt;p&gt;kept {n}&lt;/p&gt;{}</description></item>",
                escape_xml(attack)
            )
        })
        .collect();
    assert_clean_everywhere(
        "RSS",
        &format!(
            "<rss version=\"2.0\"><channel><title>Hostile</title><link>javascript:alert(1)</link>{items}</channel></rss>"
        ),
    );
}

#[test]
fn a_hostile_atom_feed_comes_out_clean_in_every_format() {
    // Escaped HTML in `summary`, the same as XHTML (scripts as elements) in `content`,
    // and a script URL as `xml:base` and as the entry's link.
    let entries: String = ATTACKS
        .iter()
        .enumerate()
        .map(|(n, attack)| {
            let xhtml = attack.replace("&#x6A;", "j").replace("&#x09;", "\t");
            format!(
                "<entry><id>urn:x:{n}</id><title type=\"html\">Item {n} &lt;img src=x onerror=alert(1)&gt;</title>\
                 <updated>2026-11-23T10:00:00Z</updated>\
                 <link rel=\"alternate\" href=\"https://site.example.org/{n}\"/>\
                 <link rel=\"related\" href=\"javascript:alert(1)\"/>\
                 <summary type=\"html\">&lt;p&gt;kept {n}&lt;/p&gt;{}</summary>\
                 <content type=\"xhtml\" xml:base=\"javascript:alert(1)//\"><div xmlns=\"http://www.w3.org/1999/xhtml\"><p>kept {n}</p>{}</div></content></entry>",
                escape_xml(attack),
                xhtml.replace("<img src=\"data:image/svg+xml;base64,PHN2Zz4=\">", "<img src=\"data:image/svg+xml;base64,PHN2Zz4=\"/>")
                    .replace("<img src=\"x.png\" onerror=\"alert(1)\" style=\"background:url(javascript:alert(1))\">", "<img src=\"x.png\" onerror=\"alert(1)\" style=\"background:url(javascript:alert(1))\"/>")
                    .replace("<input name=\"q\">", "<input name=\"q\"/>")
                    .replace("<embed src=\"x.swf\">", "<embed src=\"x.swf\"/>")
                    .replace("<base href=\"javascript:/\">", "<base href=\"javascript:/\"/>")
                    .replace("<link rel=\"stylesheet\" href=\"x.css\">", "<link rel=\"stylesheet\" href=\"x.css\"/>")
                    .replace("0;url=javascript:alert(1)\">", "0;url=javascript:alert(1)\"/>")
                    .replace("<img src=\"../img/a.png\">", "<img src=\"../img/a.png\"/>")
            )
        })
        .collect();
    assert_clean_everywhere(
        "Atom",
        &format!(
            "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Hostile</title><id>urn:x</id>\
             <updated>2026-11-23T10:00:00Z</updated>{entries}</feed>"
        ),
    );
}

#[test]
fn a_hostile_json_feed_comes_out_clean_in_every_format() {
    let items: Vec<serde_json::Value> = ATTACKS
        .iter()
        .enumerate()
        .map(|(n, attack)| {
            serde_json::json!({
                "id": format!("{n}"),
                "url": format!("https://site.example.org/{n}"),
                "external_url": "javascript:alert(1)",
                "title": format!("Item {n} <script>alert(1)</script>"),
                "content_html": format!("<p>kept {n}</p>{attack}"),
                "image": "javascript:alert(1)",
                "authors": [{"name": "<b onmouseover=alert(1)>x</b>", "url": "vbscript:x"}],
            })
        })
        .collect();
    let document = serde_json::json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Hostile",
        "home_page_url": "javascript:alert(1)",
        "items": items,
    });
    assert_clean_everywhere("JSON Feed", &document.to_string());

    // A title that is text stays that text through RSS, read back by our own reader.
    let outcome =
        feed::read(document.to_string().as_bytes(), &ReadOptions::default()).expect("reads");
    let rss =
        emit::write(&outcome.feed, OutputFormat::Rss, &EmitOptions::default()).expect("writes");
    let back = feed::read(&rss, &ReadOptions::default()).expect("reads back");
    let title = back.feed.articles[0].title.as_ref().expect("a title");
    assert_eq!(title.to_plain(), "Item 0 <script>alert(1)</script>");
}

/// The checks themselves catch each attack when it is there.
#[test]
fn the_checks_catch_each_attack() {
    let cases = [
        ("<script>x</script>", "forbidden element"),
        ("<p onclick=\"x()\">p</p>", "event handler"),
        (
            "<a href=\"&#106;avascript:x\">a</a>",
            "script or data URL in markup",
        ),
        (
            "<img src=\" data:image/png;base64,AA\">",
            "script or data URL in markup",
        ),
        ("<p style=\"x:expression(1)\">p</p>", "style attack"),
        ("<p style=\"color:red\">p</p>", "style attribute"),
        ("<form><input></form>", "forbidden element"),
        ("<a href=\"page.html\">a</a>", "relative URL"),
        ("javascript:alert(1)", "script or data URL as a field"),
    ];
    for (html, kind) in cases {
        let mut findings = Findings::default();
        findings.check_string("case", html, true);
        assert!(
            findings.problems.contains_key(kind),
            "{html}: {kind} expected, found {:?}",
            findings.problems.keys()
        );
    }
}
