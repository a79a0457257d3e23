//! Reads OPML subscription lists (OPML 1.0, 1.1 and 2.0, as feed readers export them)
//! into [`Subscriptions`].
//!
//! Policy: lenient, as real readers must be. The bytes are decoded like a feed (BOM, XML
//! declaration, UTF-8, detection: the feed reader's `charset`); broken markup, HTML named
//! entities, attribute names in any case (`xmlUrl`, `xmlurl`, `XMLURL`), a missing `<body>`
//! or `version`, and truncation are read through. Folders (outlines holding outlines)
//! become the `categories` of the subscriptions inside, outermost first, followed by the
//! segments of a `category` attribute (`/Tech/Rust,/News` gives `Tech`, `Rust`, `News`).
//! Outlines without a feed URL are skipped and a feed URL listed twice is kept once (its
//! categories merged); each is a warning. Only input that is not OPML at all (an HTML
//! page, a feed, JSON, text) is an [`OpmlError`]. Entry point: [`read_opml`]; what one
//! outline means (attributes, feed URL, categories) is `outline`.
//!
//! Feed URLs are kept as written (trimmed), except that the `feed:` pseudo-scheme
//! (`feed://host/x`, `feed:https://host/x`) becomes the http(s) URL it stands for. OPML
//! gives no base URL, so a relative `xmlUrl` cannot be resolved: it is kept as written,
//! with a warning, and left to the caller (`config::import` writes it commented out).
//!
//! Why quick-xml and not the `opml` crate: that crate maps the document onto strict structs
//! (strong-xml). It refuses a list whose `<body>` has no outline, an outline without
//! `text` or a `version` it does not know; it matches only the exact `xmlUrl` spelling;
//! it takes a `&str`, so the charset is the caller's problem; and a bare `&` or an
//! `&eacute;` fails the whole document. All of these occur in exported lists. quick-xml,
//! already the feed reader's parser, gives events we can read through any of them.

use std::collections::HashMap;

use quick_xml::events::{BytesStart, Event};
use url::Url;

use crate::model::resolve_html_reference;
use crate::source::feed::charset;
use crate::source::feed::xml::lenient_reader;
use outline::{Attributes, Outline, collapse_whitespace, local_name, push_category};

mod outline;

/// More recovered syntax errors than this and the rest of the document is taken as junk.
const MAX_SYNTAX_ERRORS: usize = 100;

/// The OPML versions there are; another `version` is read as if it were 2.0, with a warning.
const KNOWN_VERSIONS: [&str; 3] = ["1.0", "1.1", "2.0"];

/// A subscription list read from OPML.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subscriptions {
    /// The list's `<head><title>`, whitespace collapsed; `None` when absent or empty.
    pub title: Option<String>,
    /// The subscriptions, in document order, each feed URL once.
    pub subscriptions: Vec<Subscription>,
    /// What was skipped or recovered from, each naming the line where known
    /// (`line 12: outline "News" has no feed URL; skipped`).
    pub warnings: Vec<String>,
}

/// One subscribed feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    /// The outline's `text`, else its `title`, whitespace collapsed.
    pub title: Option<String>,
    /// The feed's URL, as written (trimmed; `feed:` made http(s)). Not empty; possibly
    /// relative or otherwise not a usable URL, which [`read_opml`] warns about.
    pub xml_url: String,
    /// The site the feed belongs to (`htmlUrl`).
    pub html_url: Option<String>,
    /// The titles of the folders around the outline, outermost first, then the segments
    /// of its `category` attribute; each once (compared ignoring case).
    pub categories: Vec<String>,
}

/// Input that is not an OPML subscription list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OpmlError {
    /// The input was empty or only whitespace.
    #[error("the document is empty")]
    Empty,
    /// The input is something else: markup with another root, JSON, or text.
    #[error("not an OPML subscription list: {reason}")]
    NotOpml {
        /// What was found instead, e.g. "the document is an HTML page".
        reason: String,
    },
}

/// Reads an OPML document's subscriptions.
///
/// See the module docs for what is tolerated and how folders, categories and feed URLs
/// are read.
///
/// # Errors
///
/// [`OpmlError::Empty`] for empty input, [`OpmlError::NotOpml`] when the root element is
/// not `<opml>` (an HTML page, a feed) or the input is not XML at all.
pub fn read_opml(bytes: &[u8]) -> Result<Subscriptions, OpmlError> {
    let decoded = charset::decode(bytes, None);
    let text = decoded.text.trim_start_matches('\u{feff}');
    if text.trim().is_empty() {
        return Err(OpmlError::Empty);
    }
    if text.trim_start().starts_with(['{', '[']) {
        return Err(not_opml("the document is JSON, not XML"));
    }
    let mut state = State::new(text);
    state
        .warnings
        .extend(decoded.warnings.iter().map(ToString::to_string));
    let mut reader = lenient_reader(text);
    let mut n_errors = 0;
    loop {
        let position = reader.buffer_position();
        state.offset = usize::try_from(position).unwrap_or(usize::MAX);
        match reader.read_event() {
            Ok(Event::Start(start)) => state.start(&start, false)?,
            Ok(Event::Empty(start)) => state.start(&start, true)?,
            Ok(Event::End(end)) => state.end(end.name().0),
            Ok(Event::Text(content)) => state.text(&content.xml10_content()),
            Ok(Event::CData(content)) => state.text(&content.xml10_content()),
            Ok(Event::GeneralRef(reference)) => state.reference(&reference),
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(error) => {
                n_errors += 1;
                state.warn(format!("malformed XML: {error}"));
                if reader.buffer_position() == position || n_errors > MAX_SYNTAX_ERRORS {
                    break;
                }
            }
        }
    }
    state.finish()
}

fn not_opml(reason: impl Into<String>) -> OpmlError {
    OpmlError::NotOpml {
        reason: reason.into(),
    }
}

/// One open element.
struct Frame {
    /// The local name, lowercased.
    name: String,
    /// For an outline without a feed URL: its title, which the outlines inside it get as a
    /// category (a folder).
    folder: Option<String>,
    /// For an outline without a feed URL: the warning to give if it turns out to hold no
    /// outline (not a folder after all).
    skipped: Option<String>,
    /// How many outlines it directly holds.
    n_outlines: usize,
}

struct State<'t> {
    text: &'t str,
    /// Byte offset of the event being read.
    offset: usize,
    /// Where line counting has got to: a byte offset and the line it is on.
    counted: (usize, usize),
    saw_root: bool,
    root_closed: bool,
    saw_body: bool,
    stack: Vec<Frame>,
    /// The `<head><title>` text while it is open.
    title_text: Option<String>,
    title: Option<String>,
    subscriptions: Vec<Subscription>,
    /// Index in `subscriptions` by normalized feed URL.
    by_url: HashMap<String, usize>,
    warnings: Vec<String>,
}

impl<'t> State<'t> {
    fn new(text: &'t str) -> Self {
        State {
            text,
            offset: 0,
            counted: (0, 1),
            saw_root: false,
            root_closed: false,
            saw_body: false,
            stack: Vec::new(),
            title_text: None,
            title: None,
            subscriptions: Vec::new(),
            by_url: HashMap::new(),
            warnings: Vec::new(),
        }
    }

    fn start(&mut self, start: &BytesStart<'_>, empty: bool) -> Result<(), OpmlError> {
        let raw_name = start.name().0;
        let name = local_name(raw_name).to_ascii_lowercase();
        if !self.saw_root {
            self.saw_root = true;
            self.root(raw_name, &name, start)?;
        } else if self.root_closed {
            return Ok(());
        }
        let parent = self.stack.last().map(|frame| frame.name.as_str());
        let mut frame = Frame {
            name,
            folder: None,
            skipped: None,
            n_outlines: 0,
        };
        match (parent, frame.name.as_str()) {
            (Some("head"), "title") if !empty => self.title_text = Some(String::new()),
            (_, "body") => self.saw_body = true,
            (_, "outline") => {
                if let Some(parent) = self.stack.last_mut() {
                    parent.n_outlines += 1;
                }
                self.outline(start, empty, &mut frame);
            }
            _ => {}
        }
        if !empty {
            self.stack.push(frame);
        }
        Ok(())
    }

    /// Checks the root element: `<opml>`, or an error saying what the document is.
    fn root(
        &mut self,
        raw_name: &str,
        name: &str,
        start: &BytesStart<'_>,
    ) -> Result<(), OpmlError> {
        match name {
            "opml" => {}
            "html" => return Err(not_opml("the document is an HTML page")),
            "rss" | "feed" | "rdf" => {
                return Err(not_opml(format!(
                    "the document is a feed (`<{raw_name}>`), not a list of subscriptions"
                )));
            }
            _ => {
                let shown: String = raw_name.chars().take(40).collect();
                return Err(not_opml(format!(
                    "the root element is `<{shown}>`, not `<opml>`"
                )));
            }
        }
        let attributes = Attributes::read(start);
        match attributes.get("version").map(str::trim) {
            Some(version) if KNOWN_VERSIONS.contains(&version) => {}
            Some(version) => {
                self.warn(format!("unknown OPML version {version:?}; read as 2.0"));
            }
            None => self.warn("`<opml>` has no `version`; read as 2.0".to_owned()),
        }
        Ok(())
    }

    /// Reads one outline: a subscription when it names a feed URL, else a folder (if it
    /// turns out to hold outlines) or a skipped outline.
    fn outline(&mut self, start: &BytesStart<'_>, empty: bool, frame: &mut Frame) {
        let folders: Vec<&str> = self
            .stack
            .iter()
            .filter_map(|frame| frame.folder.as_deref())
            .collect();
        match outline::read(start, &folders) {
            Outline::Feed(subscription) => self.add(subscription),
            Outline::Other { reason, .. } if empty => self.warn(reason),
            Outline::Other { title, reason } => {
                frame.folder = title;
                frame.skipped = Some(self.at_line(reason));
            }
        }
    }

    /// Adds a subscription, or merges it into the one with the same feed URL.
    fn add(&mut self, subscription: Subscription) {
        let shown = subscription.title.as_deref().unwrap_or("(untitled)");
        let key = match Url::parse(&subscription.xml_url) {
            Ok(url) => url.to_string(),
            Err(url::ParseError::RelativeUrlWithoutBase) => {
                self.warn(format!(
                    "the feed URL `{}` of {shown:?} is relative and the list gives no base; kept as written",
                    subscription.xml_url
                ));
                subscription.xml_url.clone()
            }
            Err(error) => {
                self.warn(format!(
                    "the feed URL `{}` of {shown:?} is not a valid URL ({error}); kept as written",
                    subscription.xml_url
                ));
                subscription.xml_url.clone()
            }
        };
        if let Some(&index) = self.by_url.get(&key) {
            let message = format!(
                "`{}` ({shown:?}) is listed again; kept once",
                subscription.xml_url
            );
            self.warn(message);
            if let Some(first) = self.subscriptions.get_mut(index) {
                for category in &subscription.categories {
                    push_category(&mut first.categories, category);
                }
            }
            return;
        }
        self.by_url.insert(key, self.subscriptions.len());
        self.subscriptions.push(subscription);
    }

    /// Closes the innermost open element called `raw_name` and those inside it; an end
    /// tag that matches nothing open is ignored.
    fn end(&mut self, raw_name: &str) {
        let name = local_name(raw_name.trim()).to_ascii_lowercase();
        let Some(depth) = self.stack.iter().rposition(|frame| frame.name == name) else {
            return;
        };
        while self.stack.len() > depth {
            self.close_top();
        }
        if self.stack.is_empty() {
            self.root_closed = true;
        }
    }

    fn close_top(&mut self) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        if frame.n_outlines == 0
            && let Some(warning) = frame.skipped
        {
            self.warnings.push(warning);
        }
        let closes_title = frame.name == "title"
            && self
                .stack
                .last()
                .is_some_and(|parent| parent.name == "head");
        if closes_title && let Some(text) = self.title_text.take() {
            self.title = self.title.take().or_else(|| collapse_whitespace(&text));
        }
    }

    fn text(&mut self, content: &str) {
        if let Some(title) = self.title_text.as_mut() {
            title.push_str(content);
        }
    }

    fn reference(&mut self, name: &str) {
        let resolved = resolve_html_reference(name);
        if resolved.is_none() {
            self.warn(format!("unknown entity `&{name};` kept as written"));
        }
        if let Some(title) = self.title_text.as_mut() {
            match resolved {
                Some(value) => title.push_str(&value),
                None => {
                    title.push('&');
                    title.push_str(name);
                    title.push(';');
                }
            }
        }
    }

    fn finish(mut self) -> Result<Subscriptions, OpmlError> {
        if !self.saw_root {
            return Err(not_opml("the document is not XML (no element found)"));
        }
        if !self.stack.is_empty() {
            self.warn("the document ends before `</opml>`; read what was there".to_owned());
            while !self.stack.is_empty() {
                self.close_top();
            }
        }
        if !self.saw_body {
            self.warnings
                .push("the document has no `<body>`; read the outlines found".to_owned());
        }
        Ok(Subscriptions {
            title: self.title,
            subscriptions: self.subscriptions,
            warnings: self.warnings,
        })
    }

    fn warn(&mut self, message: String) {
        let warning = self.at_line(message);
        self.warnings.push(warning);
    }

    /// `line N: message`, for the event being read.
    fn at_line(&mut self, message: String) -> String {
        let (from, line) = self.counted;
        let to = self.offset.min(self.text.len());
        if to > from {
            let n_newlines = self.text.as_bytes().get(from..to).map_or(0, |bytes| {
                bytes.iter().filter(|&&byte| byte == b'\n').count()
            });
            self.counted = (to, line + n_newlines);
        }
        format!("line {}: {message}", self.counted.1)
    }
}

#[cfg(test)]
mod tests;
