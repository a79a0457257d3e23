//! Reads a field's character data straight from the document instead of through
//! quick-xml's events: text, references and CDATA sections are most of a feed's events,
//! and quick-xml validates each one as UTF-8 again though the document already is a `&str`.
//!
//! Policy: the same pieces quick-xml would report (with the lenient reader's settings), in
//! the same order and at the same offsets: text up to an `&` or `<`; a reference up to its
//! `;`; an `&` with no `;` before the next `&` or `<` kept as text; a `<![CDATA[` section.
//! Reading stops before any other markup, which the reader then reads as usual.
//! Entry point: [`read_run`].

use memchr::{memchr, memchr2, memmem};

use super::state::State;

const CDATA_OPEN: &str = "<![CDATA[";
const CDATA_CLOSE: &[u8] = b"]]>";

/// Hands the character data at the start of `rest` to `state` and returns how many bytes
/// of `rest` it took. `offset` is where `rest` starts, as the reader counts positions.
///
/// The caller must only call this where quick-xml would next read text (after any event
/// but a text event or an error) and must then advance the reader by the returned count.
/// Data that runs to the end of the document is left to the reader, which reports it.
pub(super) fn read_run(state: &mut State<'_>, rest: &str, offset: usize) -> usize {
    let mut at = 0;
    loop {
        let Some(tail) = rest.get(at..) else {
            return at;
        };
        if let Some(section) = tail.strip_prefix(CDATA_OPEN) {
            let Some(end) = memmem::find(section.as_bytes(), CDATA_CLOSE) else {
                return at;
            };
            state.offset = offset + at;
            state.cdata(section.get(..end).unwrap_or_default());
            at += CDATA_OPEN.len() + end + CDATA_CLOSE.len();
            continue;
        }
        match memchr(b'<', tail.as_bytes()) {
            Some(0) | None => return at,
            Some(lt) => {
                text_and_references(state, tail.get(..lt).unwrap_or_default(), offset + at);
                at += lt;
            }
        }
    }
}

/// Splits `run` (no `<` in it) into text and references as quick-xml does.
fn text_and_references(state: &mut State<'_>, run: &str, offset: usize) {
    let bytes = run.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        state.offset = offset + at;
        let rest = &bytes[at..];
        if rest[0] != b'&' {
            let end = memchr(b'&', rest).map_or(bytes.len(), |amp| at + amp);
            state.text(run.get(at..end).unwrap_or_default());
            at = end;
            continue;
        }
        // `&name;` is a reference; an `&` followed by another `&` (or by the end of the
        // run) before any `;` is text up to there.
        match memchr2(b';', b'&', &rest[1..]) {
            Some(len) if rest[1 + len] == b';' => {
                state.reference(run.get(at + 1..at + 1 + len).unwrap_or_default());
                at += len + 2;
            }
            Some(len) => {
                state.text(run.get(at..at + 1 + len).unwrap_or_default());
                at += len + 1;
            }
            None => {
                state.text(run.get(at..).unwrap_or_default());
                at = bytes.len();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::source::feed::{ReadOptions, Warning, WarningKind, read};

    fn first_article(xml: &str) -> (crate::model::Article, Vec<Warning>) {
        let outcome = read(xml.as_bytes(), &ReadOptions::default()).expect("a feed");
        let article = outcome
            .feed
            .articles
            .into_iter()
            .next()
            .expect("an article");
        (article, outcome.warnings)
    }

    #[test]
    fn text_references_and_dangling_ampersands_read_as_the_reader_would() {
        let (article, warnings) = first_article(
            "<feed xmlns='http://www.w3.org/2005/Atom'><entry><id>x</id>\
             <title>a &amp; b &amp c&#65;&#x42; &lt;i&gt;</title>\
             <summary>x & y &&&; z</summary></entry></feed>",
        );
        let title = article.title.expect("a title");
        assert_eq!(title.value, "a & b &amp cAB <i>");
        assert_eq!(article.summary.expect("a summary").value, "x & y &&&; z");
        // `&&&;` holds the reference `&;`, an empty name: no entity, kept as written.
        assert!(warnings.iter().any(|w| w.message.contains("`&;`")));
    }

    #[test]
    fn cdata_sections_between_text_are_kept_in_order() {
        let (article, _) = first_article(
            "<feed xmlns='http://www.w3.org/2005/Atom'><entry><id>x</id>\
             <content type='html'>a <![CDATA[<p>b]]>&amp;<![CDATA[c</p>]]> d</content>\
             </entry></feed>",
        );
        assert_eq!(
            article.content.expect("content").value,
            "a <p>b&amp;c</p> d"
        );
    }

    #[test]
    fn unknown_entities_are_reported_on_their_own_line() {
        let (article, warnings) = first_article(
            "<rss version='2.0'><channel><item><guid>g</guid>\n<title>one\n&nope; two\n&nah;</title>\
             </item></channel></rss>",
        );
        assert_eq!(
            article.title.expect("a title").value,
            "one\n&nope; two\n&nah;"
        );
        let lines: Vec<_> = warnings
            .iter()
            .filter(|w| w.kind == WarningKind::Syntax && w.message.contains("unknown entity"))
            .map(|w| w.line)
            .collect();
        assert_eq!(lines, [Some(3), Some(4)]);
    }

    #[test]
    fn a_field_cut_off_by_the_end_of_the_document_is_left_to_the_reader() {
        let outcome = read(
            b"<feed xmlns='http://www.w3.org/2005/Atom'><entry><id>x</id><title>t &amp",
            &ReadOptions::default(),
        )
        .expect("a feed");
        assert!(outcome.feed.articles.is_empty());
        assert!(
            outcome
                .warnings
                .iter()
                .any(|w| w.kind == WarningKind::Truncated)
        );
    }
}
