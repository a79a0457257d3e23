//! The reader's state while it walks one document: the open elements, the field being
//! captured, the warnings with their lines, and the builder the finished fields go to.

use std::borrow::Cow;
use std::rc::Rc;

use quick_xml::events::BytesStart;
use smallvec::SmallVec;
use url::Url;

use super::MAX_WARNINGS;
use super::assign::Builder;
use super::capture::{self, Attributes, Capture};
use super::elements::{self, Action, Context};
use super::markup::Entities;
use super::names::{Ns, Scopes};
use crate::model::replace_references;
use crate::source::feed::{ReadError, ReadOptions, ReadOutcome, Warning, WarningKind};

/// One open element.
struct Frame {
    /// The name as written, to match its end tag.
    raw_name: FrameName,
    ns: Ns,
    /// The context this element opened, if it opened one.
    opened: Option<Context>,
    /// True when this element is inside a skipped subtree (or is its root).
    skipped: bool,
    /// Bindings in scope before this element declared its own.
    scope_len: usize,
    pushed_base: bool,
    pushed_lang: bool,
}

/// An element name as written: a span of the document when the reader borrowed it from
/// there (always, for `Reader::from_str`), so that open elements cost no allocation.
enum FrameName {
    Span(std::ops::Range<usize>),
    Owned(String),
}

impl FrameName {
    fn new(text: &str, name: &str) -> Self {
        // Address arithmetic only, to find where `name` lies in `text`, if it does.
        let start = (name.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
        let end = start.wrapping_add(name.len());
        match text.get(start..end) {
            Some(span) if span.as_ptr() == name.as_ptr() => FrameName::Span(start..end),
            _ => FrameName::Owned(name.to_owned()),
        }
    }

    fn as_str<'a>(&'a self, text: &'a str) -> &'a str {
        match self {
            FrameName::Span(range) => text.get(range.clone()).unwrap_or_default(),
            FrameName::Owned(name) => name,
        }
    }
}

pub(super) struct State<'t> {
    text: &'t str,
    /// Byte offset of the event being handled, for warnings' line numbers.
    pub(super) offset: usize,
    /// The last offset a line number was computed for, and that line: offsets only grow,
    /// so counting resumes from there.
    line_cursor: (usize, usize),
    stack: Vec<Frame>,
    contexts: Vec<Context>,
    scopes: Scopes,
    /// `xml:base` in scope, innermost last; shared with captures, not copied.
    bases: Vec<Rc<Url>>,
    langs: Vec<String>,
    pub(super) capture: Option<Capture>,
    pub(super) entities: Entities,
    /// Warnings past [`MAX_WARNINGS`], counted.
    n_unkept_warnings: usize,
    builder: Builder,
    saw_root: bool,
    root_closed: bool,
    junk_warned: bool,
}

impl<'t> State<'t> {
    /// How many elements are open.
    pub(super) fn depth(&self) -> usize {
        self.stack.len()
    }

    pub(super) fn new(text: &'t str, options: &ReadOptions) -> Self {
        let document_url = options
            .content_location
            .as_deref()
            .and_then(|location| {
                let base = options.url.as_deref().and_then(|u| Url::parse(u).ok());
                match base {
                    Some(base) => base.join(location).ok(),
                    None => Url::parse(location).ok(),
                }
            })
            .or_else(|| options.url.as_deref().and_then(|u| Url::parse(u).ok()));
        let mut langs = Vec::new();
        if let Some(language) = options.content_language.as_deref() {
            langs.push(language.trim().to_owned());
        }
        State {
            text,
            offset: 0,
            line_cursor: (0, 1),
            stack: Vec::new(),
            contexts: vec![Context::Feed],
            scopes: Scopes::default(),
            bases: document_url.into_iter().map(Rc::new).collect(),
            langs,
            capture: None,
            entities: Entities::new(text.len()),
            n_unkept_warnings: 0,
            builder: Builder::new(options.content_language.clone()),
            saw_root: false,
            root_closed: false,
            junk_warned: false,
        }
    }

    fn line_of(&mut self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        let (from, line) = self.line_cursor;
        let (from, line) = if end >= from { (from, line) } else { (0, 1) };
        let newlines = self.text.as_bytes()[from..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.line_cursor = (end, line + newlines);
        line + newlines
    }

    pub(super) fn warn_at(&mut self, kind: WarningKind, message: String, offset: usize) {
        if self.builder.warnings.len() >= MAX_WARNINGS {
            self.n_unkept_warnings += 1;
            return;
        }
        let line = Some(self.line_of(offset));
        self.builder.warnings.push(Warning {
            kind,
            message,
            line,
        });
    }

    pub(super) fn warn(&mut self, kind: WarningKind, message: String) {
        self.warn_at(kind, message, self.offset);
    }

    fn context(&self) -> Context {
        self.contexts.last().copied().unwrap_or(Context::Feed)
    }

    fn in_skipped(&self) -> bool {
        self.stack.last().is_some_and(|frame| frame.skipped)
    }

    pub(super) fn start(&mut self, start: &BytesStart<'_>, empty: bool) {
        if self.root_closed {
            self.junk_after_root();
            return;
        }
        let raw_name = start.name().0;
        let scope_len = self.scopes.len();
        let mut pushed_base = false;
        let mut pushed_lang = false;
        // Most elements have a few attributes: kept inline, not allocated per element.
        let mut attributes: SmallVec<[(&str, Cow<'_, str>); 8]> = SmallVec::new();
        let mut html_attributes = start.html_attributes();
        html_attributes.with_checks(false);
        for attr in html_attributes.filter_map(Result::ok) {
            let key = attr.key.0;
            let value = self.attribute_value(attr.value);
            if key == "xmlns" {
                self.scopes.declare("", &value);
                attributes.push((key, value));
            } else if let Some(prefix) = key.strip_prefix("xmlns:") {
                self.scopes.declare(prefix, &value);
            } else if key == "xml:base" {
                let base = match self.bases.last() {
                    Some(current) => current.join(value.trim()).ok(),
                    None => Url::parse(value.trim()).ok(),
                };
                if let Some(base) = base {
                    self.bases.push(Rc::new(base));
                    pushed_base = true;
                }
            } else if key == "xml:lang" {
                self.langs.push(value.trim().to_owned());
                pushed_lang = true;
            } else {
                attributes.push((key, value));
            }
        }
        let (prefix, local) = split_name(raw_name);
        let (mut ns, declared) = self.scopes.element_ns(prefix);
        if !declared {
            self.warn_at(
                WarningKind::Syntax,
                format!("namespace prefix `{prefix}` of <{raw_name}> is not declared"),
                self.offset,
            );
        }
        if !self.saw_root {
            ns = self.adopt_root_namespace(prefix, ns, local, &attributes);
        } else if ns == Ns::Rss && self.builder.is_atom() {
            // Atom elements written without any namespace.
            ns = self.builder.atom_ns();
        }
        let mut frame = Frame {
            raw_name: FrameName::new(self.text, raw_name),
            ns,
            opened: None,
            skipped: self.in_skipped(),
            scope_len,
            pushed_base,
            pushed_lang,
        };
        let local_lower = lowercase(local);

        if let Some(capture) = self.capture.as_mut() {
            let parent_ns = self.stack.last().map(|frame| frame.ns);
            capture.open_child(raw_name, local, ns, parent_ns, &attributes, empty);
        } else if !frame.skipped {
            if !self.saw_root {
                self.saw_root = true;
                self.builder.root(ns, &local_lower, &attributes);
                if self.builder.is_entry_document() {
                    // An Atom Entry Document: the root is the one article.
                    self.dispatch(&mut frame, ns, &local_lower, &attributes);
                }
            } else {
                self.dispatch(&mut frame, ns, &local_lower, &attributes);
            }
        }
        self.stack.push(frame);
        if empty {
            self.close_top();
        }
    }

    /// A feed root in an unknown namespace (`<feed xmlns="http://example.com/newformat#">`)
    /// is still RSS or Atom: its namespace is rebound to the vocabulary its name implies.
    fn adopt_root_namespace(
        &mut self,
        prefix: &str,
        ns: Ns,
        local: &str,
        attributes: &Attributes<'_>,
    ) -> Ns {
        if ns != Ns::Other {
            return ns;
        }
        let version = capture::attribute(attributes, "version").map(str::trim);
        let adopted = match local.to_ascii_lowercase().as_str() {
            "feed" if version == Some("0.3") => Ns::Atom03,
            "feed" => Ns::Atom10,
            "rss" | "channel" => Ns::Rss,
            _ => return ns,
        };
        self.scopes.declare_ns(prefix, adopted);
        adopted
    }

    /// Acts on an element outside any capture: opens a context, starts a capture, reads
    /// attributes, or skips it.
    fn dispatch(&mut self, frame: &mut Frame, ns: Ns, local: &str, attributes: &Attributes<'_>) {
        let action = elements::classify(self.context(), ns, local);
        match action {
            Action::Article => {
                let lang = self.current_lang().map(str::to_owned);
                self.builder.start_article(attributes, lang);
                frame.opened = Some(Context::Article);
            }
            Action::Person => {
                self.builder.start_person(local == "contributor");
                frame.opened = Some(Context::Person);
            }
            Action::Image => {
                self.builder.start_image();
                frame.opened = Some(Context::Image);
            }
            Action::Field(field) => {
                let base = self.bases.last().cloned();
                let depth = self.stack.len();
                let buffer = self.builder.buffer_for(field);
                self.capture = Some(Capture::new(field, ns, depth, attributes, base, buffer));
            }
            Action::Attributes(element) => {
                let base = self.bases.last().cloned();
                self.builder
                    .attributes_element(element, attributes, base.as_deref());
            }
            Action::Skip => frame.skipped = true,
            Action::Transparent => {}
        }
        if let Some(context) = frame.opened {
            self.contexts.push(context);
        }
    }

    fn attribute_value<'a>(&self, raw: Cow<'a, str>) -> Cow<'a, str> {
        if memchr::memchr(b'&', raw.as_bytes()).is_none() {
            return raw;
        }
        Cow::Owned(replace_references(&raw, |name| self.entities.resolve(name)))
    }

    fn current_lang(&self) -> Option<&str> {
        self.langs
            .last()
            .map(String::as_str)
            .filter(|l| !l.is_empty())
    }

    pub(super) fn end(&mut self, raw_name: &str) {
        if self.root_closed {
            return;
        }
        let trimmed = capture::trim(raw_name);
        let Some(depth) = self
            .stack
            .iter()
            .rposition(|frame| frame.raw_name.as_str(self.text) == trimmed)
        else {
            if let Some(capture) = self.capture.as_mut() {
                capture.stray_end(trimmed);
            }
            self.warn(
                WarningKind::Syntax,
                format!("end tag `</{trimmed}>` has no matching start tag"),
            );
            return;
        };
        let n_unclosed = self.stack.len() - depth - 1;
        if n_unclosed > 0 {
            let names: Vec<String> = self.stack[depth + 1..]
                .iter()
                .map(|frame| format!("<{}>", frame.raw_name.as_str(self.text)))
                .collect();
            self.warn(
                WarningKind::Syntax,
                format!("`</{trimmed}>` closes unclosed {}", names.join(", ")),
            );
        }
        for _ in 0..=n_unclosed {
            self.close_top();
        }
    }

    /// Closes the innermost open element.
    fn close_top(&mut self) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let depth = self.stack.len();
        if let Some(capture) = self.capture.as_mut() {
            if depth > capture.depth() {
                capture.close_child(frame.raw_name.as_str(self.text), frame.ns);
            } else if let Some(capture) = self.capture.take() {
                let finished = capture.finish(&mut self.builder.warnings);
                self.builder.apply(finished, self.contexts.last().copied());
            }
        }
        if let Some(context) = frame.opened {
            self.contexts.pop();
            match context {
                Context::Article => self.builder.end_article(),
                Context::Person => self.builder.end_person(),
                Context::Image => self.builder.end_image(),
                Context::Feed => {}
            }
        }
        self.scopes.truncate(frame.scope_len);
        if frame.pushed_base {
            self.bases.pop();
        }
        if frame.pushed_lang {
            // The root's xml:lang is the feed's language when it states none.
            if depth == 0
                && let Some(lang) = self.langs.last().cloned()
            {
                self.builder.root_language(lang);
            }
            self.langs.pop();
        }
        if depth == 0 {
            self.root_closed = true;
        }
    }

    /// Bytes from the current event to the next `<`: what a field's text, references
    /// included, can take at most once resolved.
    fn text_run_len(&self) -> usize {
        let rest = self.text.as_bytes().get(self.offset..).unwrap_or_default();
        memchr::memchr(b'<', rest).unwrap_or(rest.len())
    }

    /// Before a field's first text: room for all of it (see [`Capture::reserve`]).
    fn reserve_for_run(&mut self) {
        if self.capture.as_ref().is_some_and(Capture::is_empty) {
            let run = self.text_run_len();
            if let Some(capture) = self.capture.as_mut() {
                capture.reserve(run);
            }
        }
    }

    pub(super) fn text(&mut self, text: &str) {
        self.reserve_for_run();
        if let Some(capture) = self.capture.as_mut() {
            capture.push_text(text);
        } else if (self.root_closed || !self.saw_root) && !text.trim().is_empty() {
            self.junk_after_root();
        }
    }

    pub(super) fn cdata(&mut self, text: &str) {
        if let Some(capture) = self.capture.as_mut() {
            capture.push_text(text);
        }
    }

    pub(super) fn reference(&mut self, name: &str) {
        self.reserve_for_run();
        let resolved = self.entities.resolve(name);
        let Some(capture) = self.capture.as_mut() else {
            if resolved.is_none() {
                self.warn(WarningKind::Syntax, format!("unknown entity `&{name};`"));
            }
            return;
        };
        match resolved {
            Some(value) => capture.push_text(&value),
            None => {
                capture.push_raw_reference(name);
                self.warn(WarningKind::Syntax, format!("unknown entity `&{name};`"));
            }
        }
    }

    fn junk_after_root(&mut self) {
        if !self.junk_warned {
            self.junk_warned = true;
            let message = if self.saw_root {
                "content after the end of the root element was ignored"
            } else {
                "text before the root element was ignored"
            };
            self.warn(WarningKind::Junk, message.to_owned());
        }
    }

    pub(super) fn finish(mut self) -> Result<ReadOutcome, ReadError> {
        if !self.saw_root {
            return Err(ReadError::NotAFeed {
                reason: "no XML element found".into(),
            });
        }
        if let Some(budget) = self.entities.refused_over() {
            self.builder.warnings.push(Warning {
                kind: WarningKind::Syntax,
                message: format!(
                    "entity expansion refused: the document's own entities expanded to more than {budget} bytes; the rest were left out"
                ),
                line: None,
            });
        }
        if !self.root_closed && !self.stack.is_empty() {
            // The outermost few say where; a thousand more would say nothing.
            const SHOWN: usize = 8;
            let mut open: Vec<String> = self
                .stack
                .iter()
                .take(SHOWN)
                .map(|frame| format!("<{}>", frame.raw_name.as_str(self.text)))
                .collect();
            if self.stack.len() > SHOWN {
                open.push(format!("… ({} more)", self.stack.len() - SHOWN));
            }
            self.warn(
                WarningKind::Truncated,
                format!(
                    "the document ends inside {}; the unfinished part was dropped",
                    open.join(" > ")
                ),
            );
            // Close the feed-level elements so what was read is kept; an article cut off
            // in the middle is dropped.
            self.capture = None;
            self.builder.abandon_open_article();
        }
        if self.n_unkept_warnings > 0 {
            self.builder.warnings.push(Warning {
                kind: WarningKind::Syntax,
                message: format!(
                    "{} more warnings were left out (at most {MAX_WARNINGS} are kept)",
                    self.n_unkept_warnings
                ),
                line: None,
            });
        }
        let format = self.builder.format;
        let Some(format) = format else {
            return Err(ReadError::NotAFeed {
                reason: format!("root element is `<{}>`", self.builder.root_name),
            });
        };
        let (feed, warnings) = self.builder.into_feed();
        Ok(ReadOutcome {
            feed,
            format,
            encoding: String::new(),
            warnings,
        })
    }
}

fn split_name(name: &str) -> (&str, &str) {
    // A byte scan: names are short, and this runs for every element.
    match name.bytes().position(|b| b == b':') {
        Some(colon) => (&name[..colon], &name[colon + 1..]),
        None => ("", name),
    }
}

fn lowercase(name: &str) -> std::borrow::Cow<'_, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        std::borrow::Cow::Owned(name.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(name)
    }
}
