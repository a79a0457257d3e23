//! A small, strict XML reader for the validators: checks well-formedness and namespaces,
//! and builds a tree the spec rules walk.

use std::borrow::Cow;

use quick_xml::NsReader;
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;

/// The XML namespace, bound to `xml:` without a declaration.
pub const XML_NAMESPACE: &str = "http://www.w3.org/XML/1998/namespace";

/// An element with its resolved namespace, attributes and children.
#[derive(Debug, Clone)]
pub struct Element {
    /// Namespace URI, `None` when unqualified.
    pub ns: Option<String>,
    /// Local name.
    pub name: String,
    /// Name as written, with its prefix.
    pub qname: String,
    pub attrs: Vec<Attr>,
    pub children: Vec<Node>,
}

#[derive(Debug, Clone)]
pub struct Attr {
    pub ns: Option<String>,
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone)]
pub enum Node {
    Element(Element),
    Text(String),
}

impl Element {
    /// The unqualified attribute `name`.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|attr| attr.ns.is_none() && attr.name == name)
            .map(|attr| attr.value.as_str())
    }

    /// The attribute `name` in namespace `ns`.
    pub fn attr_ns(&self, ns: &str, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|attr| attr.ns.as_deref() == Some(ns) && attr.name == name)
            .map(|attr| attr.value.as_str())
    }

    /// Child elements, in order.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|node| match node {
            Node::Element(element) => Some(element),
            Node::Text(_) => None,
        })
    }

    /// Child elements named `name` in namespace `ns` (`None`: unqualified).
    pub fn children_named<'a>(
        &'a self,
        ns: Option<&'a str>,
        name: &'a str,
    ) -> impl Iterator<Item = &'a Element> + 'a {
        self.elements()
            .filter(move |child| child.ns.as_deref() == ns && child.name == name)
    }

    /// True when the element is `name` in namespace `ns`.
    pub fn is(&self, ns: Option<&str>, name: &str) -> bool {
        self.ns.as_deref() == ns && self.name == name
    }

    /// The element's own text (not its descendants').
    pub fn text(&self) -> String {
        self.children
            .iter()
            .filter_map(|node| match node {
                Node::Text(text) => Some(text.as_str()),
                Node::Element(_) => None,
            })
            .collect()
    }
}

/// Parses `bytes` as a namespace-well-formed XML 1.0 document in UTF-8.
///
/// Returns the root element, or every problem found before giving up.
pub fn parse(bytes: &[u8]) -> Result<Element, Vec<String>> {
    let text =
        std::str::from_utf8(bytes).map_err(|err| vec![format!("document is not UTF-8: {err}")])?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut errors = Vec::new();
    if let Some((offset, ch)) = text.char_indices().find(|&(_, ch)| !is_xml_char(ch)) {
        errors.push(format!(
            "character U+{:04X} at byte {offset} is not allowed in XML 1.0",
            ch as u32
        ));
    }
    let root = read_tree(text, &mut errors);
    match root {
        Some(root) if errors.is_empty() => Ok(root),
        _ => {
            if errors.is_empty() {
                errors.push("document has no root element".to_owned());
            }
            Err(errors)
        }
    }
}

fn read_tree(text: &str, errors: &mut Vec<String>) -> Option<Element> {
    let mut reader = NsReader::from_str(text);
    let config = reader.config_mut();
    config.check_end_names = true;
    config.check_comments = true;
    config.allow_dangling_amp = false;
    config.allow_unmatched_ends = false;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut seen_decl = false;
    let mut seen_anything = false;
    loop {
        let position = reader.buffer_position();
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(err) => {
                errors.push(format!("not well-formed at byte {position}: {err}"));
                return None;
            }
        };
        match event {
            Event::Decl(decl) => {
                if seen_decl || seen_anything {
                    errors.push("XML declaration is not at the start".to_owned());
                }
                seen_decl = true;
                check_declaration(&decl, errors);
            }
            Event::Start(start) | Event::Empty(start) if root.is_some() && stack.is_empty() => {
                errors.push(format!(
                    "second root element `{}` after the first",
                    start.name().0
                ));
                return None;
            }
            Event::Start(start) => stack.push(element(&reader, &start, errors)),
            Event::Empty(start) => {
                let element = element(&reader, &start, errors);
                attach(&mut stack, &mut root, element);
            }
            Event::End(_) => {
                let Some(element) = stack.pop() else {
                    errors.push(format!("end tag without a start at byte {position}"));
                    return None;
                };
                attach(&mut stack, &mut root, element);
            }
            Event::Text(text) => {
                let content = text.xml10_content();
                if content.contains("]]>") {
                    errors.push("`]]>` in character data".to_owned());
                }
                push_text(&mut stack, &content, errors);
            }
            Event::CData(cdata) => {
                if stack.is_empty() {
                    errors.push("CDATA section outside the root element".to_owned());
                }
                push_text(&mut stack, &cdata.xml10_content(), errors);
            }
            Event::GeneralRef(reference) => {
                let resolved = resolve_reference(&reference.xml10_content());
                match resolved {
                    Ok(ch) => push_text(&mut stack, &ch.to_string(), errors),
                    Err(message) => errors.push(message),
                }
            }
            Event::Comment(_) | Event::PI(_) | Event::DocType(_) => {}
            Event::Eof => break,
        }
        seen_anything = true;
    }
    if let Some(open) = stack.last() {
        errors.push(format!("element `{}` is never closed", open.qname));
    }
    root
}

fn check_declaration(decl: &quick_xml::events::BytesDecl<'_>, errors: &mut Vec<String>) {
    match decl.version() {
        Ok(version) if version == "1.0" => {}
        Ok(version) => errors.push(format!("XML version `{version}` is not 1.0")),
        Err(err) => errors.push(format!("bad XML declaration: {err}")),
    }
    if let Some(encoding) = decl.encoding() {
        match encoding {
            Ok(name) if name.eq_ignore_ascii_case("utf-8") => {}
            Ok(name) => errors.push(format!(
                "declared encoding `{name}` but the document is UTF-8"
            )),
            Err(err) => errors.push(format!("bad encoding in XML declaration: {err}")),
        }
    }
}

fn attach(stack: &mut [Element], root: &mut Option<Element>, element: Element) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(Node::Element(element)),
        None => *root = Some(element),
    }
}

fn push_text(stack: &mut [Element], text: &str, errors: &mut Vec<String>) {
    match stack.last_mut() {
        Some(parent) => match parent.children.last_mut() {
            Some(Node::Text(previous)) => previous.push_str(text),
            _ => parent.children.push(Node::Text(text.to_owned())),
        },
        None if text.trim().is_empty() => {}
        None => errors.push(format!("text outside the root element: `{}`", text.trim())),
    }
}

/// `&name;`: the five predefined entities or a character reference to an XML character.
fn resolve_reference(name: &str) -> Result<char, String> {
    let ch = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => {
            let code = match name.strip_prefix('#') {
                Some(number) => match number.strip_prefix('x') {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => number.parse().ok(),
                },
                None => return Err(format!("undefined entity `&{name};`")),
            };
            match code.and_then(char::from_u32) {
                Some(ch) if is_xml_char(ch) => ch,
                _ => {
                    return Err(format!(
                        "character reference `&{name};` is not an XML character"
                    ));
                }
            }
        }
    };
    Ok(ch)
}

fn element<R>(reader: &NsReader<R>, start: &BytesStart<'_>, errors: &mut Vec<String>) -> Element {
    let resolver = reader.resolver();
    let qname = start.name().0.to_owned();
    let (resolved, local) = resolver.resolve_element(start.name());
    let ns = namespace(resolved, &qname, errors);
    let mut attrs = Vec::new();
    for attr in start.attributes() {
        let attr = match attr {
            Ok(attr) => attr,
            Err(err) => {
                errors.push(format!("bad attribute on `{qname}`: {err}"));
                continue;
            }
        };
        let key = attr.key.0;
        // A literal `<` is never allowed in an attribute value; `&lt;` is.
        if attr.value.contains('<') {
            errors.push(format!("`<` in the value of `{key}` on `{qname}`"));
        }
        let value: Cow<'_, str> = match attr.normalized_value(XmlVersion::Implicit1_0) {
            Ok(value) => value,
            Err(err) => {
                errors.push(format!("bad value of `{key}` on `{qname}`: {err}"));
                continue;
            }
        };
        if key == "xmlns" {
            continue;
        }
        if let Some(prefix) = key.strip_prefix("xmlns:") {
            if value.is_empty() {
                errors.push(format!("prefix `{prefix}` is bound to an empty namespace"));
            }
            continue;
        }
        let (resolved, attr_local) = resolver.resolve_attribute(attr.key);
        attrs.push(Attr {
            ns: namespace(resolved, key, errors),
            name: attr_local.as_ref().to_owned(),
            value: value.into_owned(),
        });
    }
    Element {
        ns,
        name: local.as_ref().to_owned(),
        qname,
        attrs,
        children: Vec::new(),
    }
}

fn namespace(resolved: ResolveResult<'_>, qname: &str, errors: &mut Vec<String>) -> Option<String> {
    match resolved {
        ResolveResult::Bound(ns) => Some(ns.0.to_owned()),
        ResolveResult::Unbound => None,
        ResolveResult::Unknown(prefix) => {
            errors.push(format!("prefix `{prefix}` of `{qname}` is not declared"));
            None
        }
    }
}

/// The `Char` production of XML 1.0.
pub fn is_xml_char(ch: char) -> bool {
    matches!(ch, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}
