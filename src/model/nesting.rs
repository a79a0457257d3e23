//! A bound on how deeply HTML nests, applied before any HTML parser sees it.
//!
//! html5ever walks the stack of open elements for many start tags, so 100,000 nested
//! `<div>`s cost it billions of steps. Browsers cap the tree's depth (Chromium at 512) and
//! so do we: tags that would open an element deeper than the limit are dropped, with their
//! end tags, and their text and shallower markup are kept. Policy: a tolerant scan, never
//! a failure; markup within the limit comes back borrowed and unchanged. Entry point:
//! [`limit_html_nesting`].

use std::borrow::Cow;

use super::is_void_element;

/// The deepest element nesting HTML keeps, as in Chromium (`feedmill` drops the tags below
/// it).
pub const MAX_HTML_NESTING: usize = 512;

/// Elements whose end tag may be left out: the parser closes them at the next sibling,
/// so repeating them does not nest.
const OPTIONAL_END: [&str; 19] = [
    "html", "head", "body", "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot",
    "colgroup", "caption", "option", "optgroup", "rt", "rp",
];

/// Elements whose content is text up to their own end tag.
const RAW_TEXT: [&str; 8] = [
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
];

/// `html` with the tags of elements nested deeper than `max_depth` removed (their text is
/// kept), and whether any were. Elements with optional end tags (`p`, `li`, `td` …) and
/// void ones (`br`, `img` …) do not count, since they do not nest when repeated.
///
/// ```
/// use feedmill::model::limit_html_nesting;
///
/// let deep = format!("{}text{}", "<div>".repeat(5), "</div>".repeat(5));
/// let (limited, dropped) = limit_html_nesting(&deep, 2);
/// assert!(dropped);
/// assert_eq!(limited, "<div><div>text</div></div>");
/// assert!(!limit_html_nesting("<p>a<p>b<br>c", 1).1);
/// ```
pub fn limit_html_nesting(html: &str, max_depth: usize) -> (Cow<'_, str>, bool) {
    // Fewer tags than the limit cannot nest deeper than it.
    if memchr::memchr_iter(b'<', html.as_bytes()).count() <= max_depth {
        return (Cow::Borrowed(html), false);
    }
    let mut limiter = Limiter {
        html,
        max_depth,
        open: Vec::new(),
        foreign: 0,
        out: None,
        copied: 0,
    };
    limiter.run();
    match limiter.out {
        Some(mut out) => {
            out.push_str(&html[limiter.copied..]);
            (Cow::Owned(out), true)
        }
        None => (Cow::Borrowed(html), false),
    }
}

struct Limiter<'a> {
    html: &'a str,
    max_depth: usize,
    /// Open elements, outermost first: name and whether its tags are kept.
    open: Vec<(&'a str, bool)>,
    /// How many open elements are `svg` or `math`, where `<x/>` closes itself.
    foreign: usize,
    /// The output, started at the first dropped tag.
    out: Option<String>,
    /// How much of `html` is in `out` (or needs no copy yet).
    copied: usize,
}

impl<'a> Limiter<'a> {
    fn run(&mut self) {
        let html = self.html;
        let mut pos = 0;
        while let Some(offset) = memchr::memchr(b'<', &html.as_bytes()[pos..]) {
            let start = pos + offset;
            let rest = &html[start..];
            if let Some(after) = rest.strip_prefix("<!--") {
                pos = start + 4 + after.find("-->").map_or(after.len(), |end| end + 3);
                continue;
            }
            if rest.starts_with("<!") || rest.starts_with("<?") {
                pos = start + rest.find('>').map_or(rest.len(), |end| end + 1);
                continue;
            }
            let closing = rest.as_bytes().get(1) == Some(&b'/');
            let name_from = if closing { 2 } else { 1 };
            let name = tag_name(&rest[name_from..]);
            if name.is_empty() {
                pos = start + 1;
                continue;
            }
            let Some(end) = tag_end(rest) else {
                // An unfinished tag: the parser keeps it as text.
                return;
            };
            let tag = start..start + end + 1;
            pos = tag.end;
            if closing {
                self.close(name, tag);
            } else if RAW_TEXT.iter().any(|raw| raw.eq_ignore_ascii_case(name)) {
                pos = skip_raw_text(html, pos, name);
            } else {
                let self_closing = rest[..end].ends_with('/');
                self.open(name, self_closing, tag);
            }
        }
    }

    fn open(&mut self, name: &'a str, self_closing: bool, tag: std::ops::Range<usize>) {
        if is_void_element(name)
            || OPTIONAL_END
                .iter()
                .any(|optional| optional.eq_ignore_ascii_case(name))
            || (self_closing && self.foreign > 0)
        {
            return;
        }
        let kept = self.open.len() < self.max_depth;
        if !kept {
            self.drop_tag(tag);
        }
        if is_foreign(name) {
            self.foreign += 1;
        }
        self.open.push((name, kept));
    }

    fn close(&mut self, name: &str, tag: std::ops::Range<usize>) {
        // An end tag without an open element is ignored by the parser: keep it as it is.
        let Some(index) = self
            .open
            .iter()
            .rposition(|(open, _)| open.eq_ignore_ascii_case(name))
        else {
            return;
        };
        let kept = self.open[index].1;
        for (closed, _) in self.open.drain(index..) {
            if is_foreign(closed) {
                self.foreign -= 1;
            }
        }
        if !kept {
            self.drop_tag(tag);
        }
    }

    fn drop_tag(&mut self, tag: std::ops::Range<usize>) {
        let out = self
            .out
            .get_or_insert_with(|| String::with_capacity(self.html.len()));
        out.push_str(&self.html[self.copied..tag.start]);
        self.copied = tag.end;
    }
}

fn is_foreign(name: &str) -> bool {
    name.eq_ignore_ascii_case("svg") || name.eq_ignore_ascii_case("math")
}

/// The tag name at the start of `text`: a letter, then letters, digits, `-`, `_`, `:`.
fn tag_name(text: &str) -> &str {
    if !text.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return "";
    }
    let len = text
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':'))
        .count();
    &text[..len]
}

/// The index of the `>` ending the tag that starts `tag`, skipping quoted attribute values.
fn tag_end(tag: &str) -> Option<usize> {
    let mut quote = None;
    for (index, byte) in tag.bytes().enumerate() {
        match (quote, byte) {
            (None, b'"' | b'\'') => quote = Some(byte),
            (Some(open), _) if byte == open => quote = None,
            (None, b'>') => return Some(index),
            _ => {}
        }
    }
    None
}

/// Where the text of raw-text element `name`, starting at `from`, ends: at its end tag
/// (which is left for the scan), or at the end of `html`.
fn skip_raw_text(html: &str, from: usize, name: &str) -> usize {
    let bytes = html.as_bytes();
    let mut pos = from;
    while let Some(offset) = memchr::memmem::find(&bytes[pos..], b"</") {
        let start = pos + offset;
        let candidate = &bytes[start + 2..];
        if candidate.len() >= name.len()
            && candidate[..name.len()].eq_ignore_ascii_case(name.as_bytes())
        {
            return start;
        }
        pos = start + 2;
    }
    html.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(tag: &str, depth: usize) -> String {
        format!(
            "{}x{}",
            format!("<{tag}>").repeat(depth),
            format!("</{tag}>").repeat(depth)
        )
    }

    #[test]
    fn markup_within_the_limit_comes_back_borrowed() {
        let html = nested("div", 10);
        let (limited, dropped) = limit_html_nesting(&html, 10);
        assert!(matches!(limited, Cow::Borrowed(_)));
        assert!(!dropped);
    }

    #[test]
    fn tags_below_the_limit_are_dropped_with_their_end_tags_and_the_text_kept() {
        let html = format!("<p>before</p>{}<p>after</p>", nested("div", 100_000));
        let (limited, dropped) = limit_html_nesting(&html, 512);
        assert!(dropped);
        assert_eq!(
            limited,
            format!("<p>before</p>{}<p>after</p>", nested("div", 512))
        );
    }

    #[test]
    fn unclosed_and_self_closed_elements_count_as_open() {
        let html = "<div/><span>".repeat(50);
        let (limited, _) = limit_html_nesting(&html, 4);
        assert_eq!(limited, "<div/><span><div/><span>");
        let html = "<b>x".repeat(10);
        let (limited, _) = limit_html_nesting(&html, 3);
        assert_eq!(limited, format!("<b>x<b>x<b>x{}", "x".repeat(7)));
    }

    #[test]
    fn repeated_optional_end_and_void_elements_do_not_nest() {
        let html = "<p>a<li>b<br><img src=x><td>c".repeat(1000);
        assert!(!limit_html_nesting(&html, 8).1);
    }

    #[test]
    fn comments_raw_text_and_quoted_angle_brackets_are_not_tags() {
        let html = format!(
            "<!-- {} --><script>{}</script><a title=\"<div><div><div>\">x</a>",
            "<div>".repeat(50),
            "<div>".repeat(50)
        );
        assert!(!limit_html_nesting(&html, 2).1);
    }

    #[test]
    fn self_closed_foreign_elements_do_not_open() {
        let html = format!("<svg>{}</svg>", "<path d=\"M0\"/>".repeat(50));
        assert!(!limit_html_nesting(&html, 2).1);
    }

    #[test]
    fn a_misnested_end_tag_closes_the_elements_inside_it() {
        // `</div>` closes the unclosed `<span>`s too, so the next `<div>`s are shallow.
        let html = format!(
            "<div>{}</div>{}",
            "<span>".repeat(10),
            "<div></div>".repeat(10)
        );
        assert!(!limit_html_nesting(&html, 11).1);
    }
}
