//! Parts of a feed (its per-tag feeds) written by joining bytes: the whole feed is
//! written once per format and cut into each article's bytes ([`FeedPieces`]); a part
//! is its own shell (the document without articles) with its articles' bytes put in.
//!
//! This gives the bytes writing the part in full gives, because an article's item,
//! entry or JSON object does not depend on the document around it (the writers indent
//! by depth, and articles are the last children of the channel, feed or object), with
//! three exceptions the shell or a fallback handles:
//! - RSS declares the Media RSS namespace only when some item uses it: the shell is
//!   told whether one of the part's does;
//! - Atom names an unknown feed author only when some entry has no author: likewise;
//! - an undated Atom entry is dated by its document, so a part holding one is written in
//!   full.
//!
//! A document whose pieces cannot be found as expected is written in full too.

use std::collections::BTreeMap;
use std::ops::Range;

use quick_xml::Reader;
use quick_xml::events::Event;

use super::prepare::Prepared;
use super::{EmitError, OutputFormat, atom, json, rss, write_prepared};

/// The whole feed as written in each format, with each article's bytes located in it.
#[derive(Debug, Clone)]
pub struct FeedPieces {
    documents: Vec<Pieces>,
}

/// One format's document and where each article is in it.
#[derive(Debug, Clone)]
struct Pieces {
    format: OutputFormat,
    whole: Vec<u8>,
    /// Each article's bytes in `whole`, by position; `None` when they could not all be
    /// found where expected (parts are then written in full).
    articles: Option<Vec<Range<usize>>>,
    /// For RSS, the namespaces each article's item needs declared (empty otherwise).
    namespaces: Vec<BTreeMap<String, String>>,
}

impl FeedPieces {
    /// The whole feed in each format, in the order asked for.
    pub fn documents(&self) -> impl Iterator<Item = &[u8]> {
        self.documents.iter().map(|pieces| pieces.whole.as_slice())
    }
}

/// Writes `whole` in each of `formats` and locates its articles.
pub(super) fn cut(whole: &Prepared<'_>, formats: &[OutputFormat]) -> Result<FeedPieces, EmitError> {
    let count = whole.articles().len();
    let documents = (formats.iter())
        .map(|&format| {
            let bytes = write_prepared(whole, format)?;
            let articles = locate(format, &bytes).filter(|found| found.len() == count);
            let namespaces = match (format, &articles) {
                (OutputFormat::Rss, Some(_)) => {
                    let language = whole.feed.language.as_deref();
                    (whole.articles().iter())
                        .map(|article| rss::item_namespaces(article, language))
                        .collect::<Result<_, EmitError>>()?
                }
                _ => Vec::new(),
            };
            Ok(Pieces {
                format,
                whole: bytes,
                articles,
                namespaces,
            })
        })
        .collect::<Result<_, EmitError>>()?;
    Ok(FeedPieces { documents })
}

/// Writes `part` (cut from the same feed as `pieces`) in each format of `pieces`.
pub(super) fn write_part(
    pieces: &FeedPieces,
    part: &Prepared<'_>,
) -> Result<Vec<Vec<u8>>, EmitError> {
    (pieces.documents.iter())
        .map(|pieces| match join(pieces, part)? {
            Some(bytes) => Ok(bytes),
            None => write_prepared(part, pieces.format),
        })
        .collect()
}

/// `part` in one format joined from `pieces`; `None` when it has to be written in full.
fn join(pieces: &Pieces, part: &Prepared<'_>) -> Result<Option<Vec<u8>>, EmitError> {
    let Some(ranges) = &pieces.articles else {
        return Ok(None);
    };
    Ok(shell(pieces, part)?.and_then(|shell| {
        splice(
            pieces.format,
            &shell,
            &pieces.whole,
            ranges,
            part.positions(),
        )
    }))
}

/// Which formats of `pieces` `part` is joined in rather than written in full, for tests.
#[cfg(test)]
pub(super) fn joined_for_tests(pieces: &FeedPieces, part: &Prepared<'_>) -> Vec<bool> {
    (pieces.documents.iter())
        .map(|pieces| join(pieces, part).is_ok_and(|joined| joined.is_some()))
        .collect()
}

/// The part's document without its articles, told what they need of it; `None` when
/// the part has to be written in full.
fn shell(pieces: &Pieces, part: &Prepared<'_>) -> Result<Option<Vec<u8>>, EmitError> {
    let articles = part.articles();
    Ok(Some(match pieces.format {
        OutputFormat::Rss => {
            let mut namespaces = BTreeMap::new();
            for &position in part.positions() {
                let Some(needed) = pieces.namespaces.get(position) else {
                    return Ok(None);
                };
                namespaces.extend(needed.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
            rss::write_shell(part, &namespaces)?
        }
        OutputFormat::Atom => {
            if articles.iter().any(|a| atom::entry_depends_on_document(a)) {
                return Ok(None);
            }
            let lacking_author = articles.iter().any(|a| a.authors.is_empty());
            atom::write_shell(part, lacking_author)?
        }
        OutputFormat::Json => json::write(&part.shell())?,
    }))
}

/// How each format holds its articles when written: after what separator, and where
/// in a shell (the document without them) they go.
struct Layout {
    /// What comes before each article (its line break and indentation).
    separator: &'static [u8],
    /// What marks the place in a shell: the articles go right before its `at`th byte.
    marker: &'static [u8],
    at: usize,
    /// What follows the last article before the rest of the shell.
    after: &'static [u8],
    /// What goes between two articles, before the separator.
    between: &'static [u8],
}

fn layout(format: OutputFormat) -> Layout {
    match format {
        // `…\n  </channel>`: items go before the line break.
        OutputFormat::Rss => Layout {
            separator: b"\n    ",
            marker: b"\n  </channel>",
            at: 0,
            after: b"",
            between: b"",
        },
        // `…\n</feed>`.
        OutputFormat::Atom => Layout {
            separator: b"\n  ",
            marker: b"\n</feed>",
            at: 0,
            after: b"",
            between: b"",
        },
        // `"items": []` becomes `"items": [` + the items, comma-separated + `\n  ]`.
        OutputFormat::Json => Layout {
            separator: b"\n    ",
            marker: b"\"items\": []",
            at: b"\"items\": [".len(),
            after: b"\n  ",
            between: b",",
        },
    }
}

/// The part: `shell` with the bytes of the articles at `positions` (found in `whole`
/// at `ranges`) put in; `None` when the shell is not laid out as expected.
fn splice(
    format: OutputFormat,
    shell: &[u8],
    whole: &[u8],
    ranges: &[Range<usize>],
    positions: &[usize],
) -> Option<Vec<u8>> {
    if positions.is_empty() {
        return Some(shell.to_vec());
    }
    let layout = layout(format);
    // The marker is the shell's last: only the container's own end follows it.
    let at = rfind(shell, layout.marker)? + layout.at;
    let mut size = shell.len() + layout.after.len();
    for &position in positions {
        size += ranges.get(position)?.len() + layout.separator.len() + layout.between.len();
    }
    let mut out = Vec::with_capacity(size);
    out.extend_from_slice(&shell[..at]);
    for (n, &position) in positions.iter().enumerate() {
        if n > 0 {
            out.extend_from_slice(layout.between);
        }
        out.extend_from_slice(layout.separator);
        out.extend_from_slice(whole.get(ranges.get(position)?.clone())?);
    }
    out.extend_from_slice(layout.after);
    out.extend_from_slice(&shell[at..]);
    Some(out)
}

/// Each article's bytes in a whole document: the `<item>` elements of the channel, the
/// `<entry>` elements of the feed, or the objects of the JSON `items` array, each with
/// its format's separator right before it; `None` when the document is not laid out
/// so.
fn locate(format: OutputFormat, whole: &[u8]) -> Option<Vec<Range<usize>>> {
    let ranges = match format {
        OutputFormat::Rss => xml_children(whole, "item", 3)?,
        OutputFormat::Atom => xml_children(whole, "entry", 2)?,
        OutputFormat::Json => json_items(whole)?,
    };
    let separator = layout(format).separator;
    let separated = ranges.iter().all(|range| {
        (range.start.checked_sub(separator.len()))
            .and_then(|start| whole.get(start..range.start))
            .is_some_and(|before| before == separator)
    });
    separated.then_some(ranges)
}

/// [`locate`], for tests.
#[cfg(test)]
pub(super) fn locate_for_tests(format: OutputFormat, whole: &[u8]) -> Option<Vec<Range<usize>>> {
    locate(format, whole)
}

/// The byte ranges of the `name` elements at `depth` (the root element is depth 1).
fn xml_children(whole: &[u8], name: &str, depth: usize) -> Option<Vec<Range<usize>>> {
    let mut reader = Reader::from_reader(whole);
    let mut level = 0usize;
    let mut start = None;
    let mut ranges = Vec::new();
    loop {
        let before = usize::try_from(reader.buffer_position()).ok()?;
        match reader.read_event().ok()? {
            Event::Start(element) => {
                level += 1;
                if level == depth && element.name().into_inner() == name {
                    start = Some(before);
                }
            }
            Event::End(element) => {
                if level == depth && element.name().into_inner() == name {
                    let after = usize::try_from(reader.buffer_position()).ok()?;
                    ranges.push(start.take()?..after);
                }
                level = level.checked_sub(1)?;
            }
            Event::Empty(element) if level + 1 == depth && element.name().into_inner() == name => {
                ranges.push(before..usize::try_from(reader.buffer_position()).ok()?);
            }
            Event::Eof => return Some(ranges),
            _ => {}
        }
    }
}

/// The byte ranges of the objects in the `items` array of a pretty-printed JSON Feed:
/// after its `  "items": [` line, each from a line `    {` to a line `    }` (JSON
/// strings hold no line breaks, and deeper values are indented further).
fn json_items(whole: &[u8]) -> Option<Vec<Range<usize>>> {
    const OPEN: &[u8] = b"\n  \"items\": [";
    let mut at = rfind(whole, OPEN)? + OPEN.len();
    let mut ranges = Vec::new();
    let mut start = None;
    while let Some(line_end) = memchr::memchr(b'\n', &whole[at..]).map(|n| at + n) {
        let line_start = line_end + 1;
        let rest = &whole[line_start..];
        if rest.starts_with(b"    {") && start.is_none() {
            // From the brace: the separator is the line break and indentation before it.
            start = Some(line_start + 4);
        } else if rest.starts_with(b"    }") {
            ranges.push(start.take()?..line_start + 5);
        } else if rest.starts_with(b"  ]") {
            return Some(ranges);
        }
        at = line_start;
    }
    None
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::rfind(haystack, needle)
}
