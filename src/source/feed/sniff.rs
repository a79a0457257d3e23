//! Tells XML feeds, JSON and HTML pages apart by their first meaningful markup, not by
//! file name or media type (both lie often).

/// What a document looks like before it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// XML: RSS, RDF or Atom.
    Xml,
    /// JSON: JSON Feed.
    Json,
    /// An HTML page.
    Html,
    /// Something else.
    Unknown,
}

pub(super) fn input_kind(text: &str) -> InputKind {
    let trimmed = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if trimmed.starts_with(['{', '[']) {
        return InputKind::Json;
    }
    let Some(root) = first_element_name(trimmed) else {
        // Junk before the root: still a feed when a feed root follows.
        return if has_feed_root(trimmed) {
            InputKind::Xml
        } else {
            InputKind::Unknown
        };
    };
    let root = root.to_ascii_lowercase();
    if root == "html" || (root.starts_with("!doctype") && root.contains("html")) {
        if has_feed_root(trimmed) && !trimmed[..trimmed.len().min(2048)].contains("<head") {
            return InputKind::Xml;
        }
        return InputKind::Html;
    }
    if matches!(root.as_str(), "head" | "body" | "div" | "p" | "meta") {
        return InputKind::Html;
    }
    InputKind::Xml
}

/// The name of the first start tag or DOCTYPE, skipping the XML declaration, processing
/// instructions and comments. `None` when the text does not start with markup.
fn first_element_name(text: &str) -> Option<String> {
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if !rest.starts_with('<') {
            return None;
        }
        if rest.starts_with("<?") {
            rest = &rest[rest.find("?>")? + 2..];
        } else if rest.starts_with("<!--") {
            rest = &rest[rest.find("-->")? + 3..];
        } else if let Some(doctype) = rest
            .get(..9)
            .filter(|d| d.eq_ignore_ascii_case("<!doctype"))
        {
            let line_end = rest.find('>').unwrap_or(rest.len());
            let declaration = rest[..line_end].to_ascii_lowercase();
            if declaration.contains(" html") {
                return Some(format!("{}html", doctype.trim_start_matches('<')));
            }
            rest = &rest[line_end.min(rest.len())..];
            rest = rest.strip_prefix('>').unwrap_or(rest);
        } else {
            let name: String = rest[1..]
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
                .collect();
            let local = name.rsplit(':').next().unwrap_or(&name).to_owned();
            return Some(local);
        }
    }
}

fn has_feed_root(text: &str) -> bool {
    let head = &text[..floor_char_boundary(text, 4096)];
    ["<rss", "<feed", "<rdf:RDF", "<RDF", "<channel"]
        .iter()
        .any(|needle| head.contains(needle))
}

fn floor_char_boundary(text: &str, max: usize) -> usize {
    let mut end = max.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feeds_pages_and_json_are_told_apart() {
        assert_eq!(input_kind("<?xml version='1.0'?>\n<rss/>"), InputKind::Xml);
        assert_eq!(input_kind("<!-- c --><feed xmlns='x'/>"), InputKind::Xml);
        assert_eq!(input_kind("  {\"version\": \"x\"}"), InputKind::Json);
        assert_eq!(input_kind("<!DOCTYPE html><html><head>"), InputKind::Html);
        assert_eq!(input_kind("<html lang=en><body>"), InputKind::Html);
        assert_eq!(input_kind("hello"), InputKind::Unknown);
    }

    #[test]
    fn junk_before_a_feed_root_is_still_xml() {
        assert_eq!(input_kind("garbage\n<rss version='2.0'>"), InputKind::Xml);
    }
}
