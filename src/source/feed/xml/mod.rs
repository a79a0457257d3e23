//! Streaming reader for XML feeds (RSS 0.9x/1.0/2.0, Atom 0.3/1.0): one pass of quick-xml
//! events into the model.
//!
//! Policy: tolerate what feedparser tolerates. Mismatched and unclosed tags are closed
//! implicitly, unknown entities are kept as written, a truncated document keeps every
//! complete article before the cut; each becomes a [`Warning`]. Entry point: [`read`].

mod assign;
mod capture;
mod elements;
mod markup;
mod names;
mod runs;
mod state;
mod target;
mod values;

use quick_xml::Reader;
use quick_xml::events::Event;

use self::state::State;

use super::{ReadError, ReadOptions, ReadOutcome, WarningKind};

/// More recovered errors than this and the document is taken to be garbage from there on.
const MAX_SYNTAX_ERRORS: usize = 1000;

/// Elements nested deeper than this are skipped, content and all, without a frame each:
/// every open element costs memory, and no feed nests even a tenth as deep.
const MAX_XML_NESTING: usize = 1024;

/// More warnings than this for one document and the rest are counted, not kept: a
/// document of nothing but unknown entities must not cost a warning per reference.
const MAX_WARNINGS: usize = 1000;

/// A quick-xml reader over `text` that reports what real documents get wrong (mismatched
/// or unmatched end tags, bare `&`, odd comments) to its caller instead of stopping.
pub(crate) fn lenient_reader(text: &str) -> Reader<&[u8]> {
    let mut reader = Reader::from_str(text);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    config.allow_dangling_amp = true;
    config.check_comments = false;
    reader
}

pub(super) fn read(text: &str, options: &ReadOptions) -> Result<ReadOutcome, ReadError> {
    let mut state = State::new(text, options);
    let mut reader = lenient_reader(text);
    let mut n_errors = 0;
    // Elements open below `MAX_XML_NESTING`, skipped.
    let mut too_deep = 0usize;
    // XML 1.0 reads `\r\n` and `\r` as `\n`. Without any `\r` in the document there is
    // nothing to normalize, and the per-event scan for one can be skipped.
    let has_cr = memchr::memchr(b'\r', text.as_bytes()).is_some();
    // Bytes of character data read by `runs` rather than by the reader, which does not
    // count them in its positions.
    let mut skipped = 0usize;
    // True when the reader would next read text: after any event but text or an error.
    let mut at_text = false;
    loop {
        // Inside a field, text, references and CDATA are read straight from the document
        // (`runs`), then the reader goes on from the markup after them. Documents with
        // `\r` take the reader's way, which normalizes line ends.
        if at_text && !has_cr && too_deep == 0 && state.capture.is_some() {
            let remaining = *reader.get_ref();
            let from = text.len() - remaining.len();
            let offset = reader.buffer_position() as usize + skipped;
            let taken = runs::read_run(&mut state, text.get(from..).unwrap_or_default(), offset);
            if taken > 0 {
                *reader.get_mut() = remaining.get(taken..).unwrap_or_default();
                skipped += taken;
            }
        }
        // Outside a field, whitespace between elements means nothing: the reader skips it
        // instead of reporting it as an event of its own. Inside one, every character
        // counts. Offsets (for warnings' lines) stay those of the events as they would be
        // without the skipping: a text starts before its leading whitespace, the rest after.
        let trimming = state.capture.is_none();
        reader.config_mut().trim_text_start = trimming;
        let before = reader.buffer_position() as usize + skipped;
        let position = if trimming {
            before + xml_whitespace_len(text.as_bytes().get(before..).unwrap_or_default())
        } else {
            before
        };
        state.offset = position;
        let event = reader.read_event();
        at_text = !matches!(event, Ok(Event::Text(_)) | Err(_));
        match event {
            Ok(Event::Start(_)) if too_deep > 0 || state.depth() >= MAX_XML_NESTING => {
                if too_deep == 0 {
                    state.warn(
                        WarningKind::Syntax,
                        format!(
                            "elements nested deeper than {MAX_XML_NESTING} were skipped with their content"
                        ),
                    );
                }
                too_deep += 1;
            }
            Ok(Event::End(_)) if too_deep > 0 => too_deep -= 1,
            Ok(Event::Empty(_) | Event::Text(_) | Event::CData(_) | Event::GeneralRef(_))
                if too_deep > 0 => {}
            Ok(Event::Start(start)) => state.start(&start, false),
            Ok(Event::Empty(start)) => state.start(&start, true),
            Ok(Event::End(end)) => state.end(end.name().0),
            Ok(Event::Text(content)) => {
                state.offset = before;
                if has_cr {
                    state.text(&content.xml10_content());
                } else {
                    state.text(&content);
                }
            }
            Ok(Event::CData(cdata)) if has_cr => state.cdata(&cdata.xml10_content()),
            Ok(Event::CData(cdata)) => state.cdata(&cdata),
            Ok(Event::GeneralRef(reference)) => state.reference(&reference),
            Ok(Event::DocType(doctype)) => {
                markup::declared_entities(&doctype, &mut state.entities.declared)
            }
            Ok(Event::Decl(_) | Event::PI(_) | Event::Comment(_)) => {}
            Ok(Event::Eof) => break,
            Err(error) => {
                let at = reader.error_position() as usize + skipped;
                n_errors += 1;
                let eof = reader.buffer_position() as usize + skipped >= text.len();
                let kind = if eof {
                    WarningKind::Truncated
                } else {
                    WarningKind::Syntax
                };
                state.warn_at(kind, format!("malformed XML: {error}"), at);
                let stuck = reader.buffer_position() as usize + skipped == position;
                if eof || stuck || n_errors > MAX_SYNTAX_ERRORS {
                    break;
                }
            }
        }
    }
    state.finish()
}

/// Length of the run of XML whitespace (space, tab, CR, LF) `bytes` start with: what the
/// reader skips before an event when trimming.
fn xml_whitespace_len(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        .count()
}
