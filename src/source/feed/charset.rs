//! Decodes feed bytes to text, choosing the charset the way feedparser does (RFC 3023):
//! byte-order mark, then the transport `Content-Type`, then the XML declaration, then
//! UTF-8, then detection.
//!
//! Policy: decoding never fails. A declared charset that is unknown or contradicted by the
//! bytes is replaced by the next candidate, with an [`WarningKind::Encoding`] warning.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

use super::{Warning, WarningKind};

pub(crate) struct Decoded<'a> {
    /// The text; borrowed from the input when the bytes already are valid UTF-8 (or
    /// ASCII in a compatible charset), so the common case copies nothing.
    pub text: Cow<'a, str>,
    /// The label to report: as declared when honoured, else the encoding's name.
    pub label: String,
    pub warnings: Vec<Warning>,
}

/// A byte encoding that encoding_rs does not cover.
#[derive(Clone, Copy)]
enum Utf32 {
    Big,
    Little,
}

pub(crate) fn decode<'a>(bytes: &'a [u8], content_type: Option<&str>) -> Decoded<'a> {
    let mut warnings = Vec::new();
    if let Some((utf32, bom_len)) = utf32_signature(bytes) {
        let label = match utf32 {
            Utf32::Big => "utf-32be",
            Utf32::Little => "utf-32le",
        };
        return Decoded {
            text: Cow::Owned(decode_utf32(&bytes[bom_len..], utf32)),
            label: label.to_owned(),
            warnings,
        };
    }
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let body = &bytes[bom_len..];
        if let Some(text) = decode_strict(encoding, body) {
            return Decoded {
                text,
                label: encoding.name().to_ascii_lowercase(),
                warnings,
            };
        }
        warnings.push(encoding_warning(format!(
            "the byte-order mark says {} but the bytes are not; decoded leniently",
            encoding.name()
        )));
        let (text, _) = encoding.decode_without_bom_handling(body);
        return Decoded {
            text,
            label: encoding.name().to_ascii_lowercase(),
            warnings,
        };
    }
    if let Some(encoding) = utf16_without_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(bytes);
        return Decoded {
            text,
            label: encoding.name().to_ascii_lowercase(),
            warnings,
        };
    }

    let transport = content_type.map(TransportType::parse);
    let declared_in_xml = xml_declared_encoding(bytes);
    let mut candidates: Vec<(String, &'static str)> = Vec::new();
    if let Some(transport) = &transport {
        match (&transport.charset, transport.family) {
            (Some(charset), _) => candidates.push((charset.clone(), "Content-Type header")),
            (None, MediaFamily::TextXml | MediaFamily::TextOther) => {
                candidates.push(("us-ascii".into(), "Content-Type default for text/*"));
            }
            (None, _) => {}
        }
        if transport.family == MediaFamily::TextOther {
            warnings.push(encoding_warning(format!(
                "served as `{}`, which is not an XML media type",
                transport.media_type
            )));
        }
    }
    if let Some(declared) = &declared_in_xml {
        candidates.push((declared.clone(), "XML declaration"));
    }
    let declared_first = candidates.first().map(|(label, _)| label.clone());
    candidates.push(("utf-8".into(), "default"));

    for (idx, (label, origin)) in candidates.iter().enumerate() {
        let Some(encoding) = lookup(label) else {
            warnings.push(encoding_warning(format!(
                "unknown charset `{label}` in the {origin}"
            )));
            continue;
        };
        if is_ascii_label(label) && !bytes.is_ascii() {
            continue;
        }
        if let Some(text) = decode_strict(encoding, bytes) {
            if encoding == WINDOWS_1252
                && !bytes.is_ascii()
                && let Some(detected) = non_latin(bytes)
            {
                // Any byte is windows-1252, so the declaration cannot be refuted by
                // decoding; a confident guess of another script can.
                warnings.push(encoding_warning(format!(
                    "the {origin} says `{label}` but the bytes look like {}; read as {}",
                    detected.name(),
                    detected.name()
                )));
                let (text, _) = detected.decode_without_bom_handling(bytes);
                return Decoded {
                    text,
                    label: detected.name().to_ascii_lowercase(),
                    warnings,
                };
            }
            if idx > 0 && declared_first.is_some() && warnings.is_empty() {
                warnings.push(encoding_warning(format!(
                    "the bytes are not `{}` as declared; read as {}",
                    declared_first.as_deref().unwrap_or_default(),
                    encoding.name()
                )));
            }
            return Decoded {
                text,
                label: label.trim().trim_matches(['"', '\'']).to_owned(),
                warnings,
            };
        }
    }

    let encoding = if is_mostly_utf8(bytes) {
        // Mostly UTF-8 with a few stray bytes: mojibake or a mixed document. Reading it
        // as windows-1252 keeps every byte visible, as feedparser does.
        WINDOWS_1252
    } else {
        let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
        detector.feed(bytes, true);
        let guessed = detector.guess(None, chardetng::Utf8Detection::Allow);
        if guessed == UTF_8 {
            WINDOWS_1252
        } else {
            guessed
        }
    };
    warnings.push(encoding_warning(format!(
        "the bytes match no declared charset; detected {}",
        encoding.name()
    )));
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    Decoded {
        text,
        label: encoding.name().to_ascii_lowercase(),
        warnings,
    }
}

/// The encoding detected for `bytes` when it is not one of a Latin script (nor UTF-8).
fn non_latin(bytes: &[u8]) -> Option<&'static Encoding> {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let guessed = detector.guess(None, chardetng::Utf8Detection::Allow);
    (guessed != UTF_8 && !is_latin(guessed)).then_some(guessed)
}

/// True for the single-byte encodings of Latin scripts, which a page declaring
/// windows-1252 may plausibly be in; anything else detected contradicts the declaration.
pub(crate) fn is_latin(encoding: &'static Encoding) -> bool {
    matches!(
        encoding.name(),
        "windows-1250"
            | "windows-1252"
            | "windows-1254"
            | "windows-1257"
            | "windows-1258"
            | "ISO-8859-2"
            | "ISO-8859-3"
            | "ISO-8859-4"
            | "ISO-8859-10"
            | "ISO-8859-13"
            | "ISO-8859-14"
            | "ISO-8859-15"
            | "ISO-8859-16"
            | "macintosh"
    )
}

/// True when the bytes are mostly UTF-8: more well-formed multi-byte sequences than bytes
/// that fit none (a few stray bytes in UTF-8 text, not text in another charset).
fn is_mostly_utf8(bytes: &[u8]) -> bool {
    let (mut n_sequences, mut n_stray) = (0usize, 0usize);
    let mut idx = 0;
    while idx < bytes.len() {
        let len = match bytes[idx] {
            0x00..=0x7F => {
                idx += 1;
                continue;
            }
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => 0,
        };
        let valid = len > 0
            && bytes
                .get(idx..idx + len)
                .is_some_and(|seq| std::str::from_utf8(seq).is_ok());
        if valid {
            n_sequences += 1;
            idx += len;
        } else {
            n_stray += 1;
            idx += 1;
        }
    }
    n_sequences > n_stray
}

fn encoding_warning(message: String) -> Warning {
    Warning {
        kind: WarningKind::Encoding,
        message,
        line: None,
    }
}

/// Looks a charset label up, with the aliases feeds use that WHATWG does not list.
fn lookup(label: &str) -> Option<&'static Encoding> {
    let label = label.trim().trim_matches(['"', '\'']);
    let lower = label.to_ascii_lowercase();
    let normalized = match lower.as_str() {
        "utf8" => "utf-8",
        "utf-16" | "utf16" | "ucs-2" | "iso-10646-ucs-2" => "utf-16le",
        "cp1252" => "windows-1252",
        "cp1251" => "windows-1251",
        "macintosh" | "mac" => "x-mac-roman",
        other => other,
    };
    Encoding::for_label(normalized.as_bytes())
}

/// True for the labels of US-ASCII, which WHATWG maps to windows-1252 but which a feed
/// means strictly: bytes above 0x7F contradict it.
fn is_ascii_label(label: &str) -> bool {
    matches!(
        label.trim().to_ascii_lowercase().as_str(),
        "us-ascii" | "ascii" | "ansi_x3.4-1968" | "iso646-us" | "us"
    )
}

/// Decodes, or `None` when the bytes are not valid in `encoding`.
fn decode_strict<'a>(encoding: &'static Encoding, bytes: &'a [u8]) -> Option<Cow<'a, str>> {
    encoding.decode_without_bom_handling_and_without_replacement(bytes)
}

fn utf32_signature(bytes: &[u8]) -> Option<(Utf32, usize)> {
    match bytes {
        [0x00, 0x00, 0xFE, 0xFF, ..] => Some((Utf32::Big, 4)),
        [0xFF, 0xFE, 0x00, 0x00, ..] => Some((Utf32::Little, 4)),
        [0x00, 0x00, 0x00, 0x3C, ..] => Some((Utf32::Big, 0)),
        [0x3C, 0x00, 0x00, 0x00, ..] => Some((Utf32::Little, 0)),
        _ => None,
    }
}

fn decode_utf32(bytes: &[u8], order: Utf32) -> String {
    bytes
        .chunks_exact(4)
        .map(|chunk| {
            let quad = [chunk[0], chunk[1], chunk[2], chunk[3]];
            let code = match order {
                Utf32::Big => u32::from_be_bytes(quad),
                Utf32::Little => u32::from_le_bytes(quad),
            };
            char::from_u32(code).unwrap_or('\u{FFFD}')
        })
        .collect()
}

fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    match bytes {
        [0x00, 0x3C, 0x00, _, ..] => Some(UTF_16BE),
        [0x3C, 0x00, _, 0x00, ..] => Some(UTF_16LE),
        _ => None,
    }
}

/// The `encoding` pseudo-attribute of an XML declaration at the start of the bytes.
fn xml_declared_encoding(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(1024)];
    let start = head.windows(5).position(|w| w == b"<?xml")?;
    let end = head[start..].windows(2).position(|w| w == b"?>")? + start;
    let decl = std::str::from_utf8(&head[start..end]).ok()?;
    let after = &decl[decl.find("encoding")? + "encoding".len()..];
    let after = after.trim_start().strip_prefix('=')?.trim_start();
    let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &after[1..];
    let value = &value[..value.find(quote)?];
    Some(value.trim().to_owned()).filter(|v| !v.is_empty())
}

/// How RFC 3023 treats a media type's default charset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MediaFamily {
    /// `application/xml`, `application/*+xml`: the XML declaration decides.
    ApplicationXml,
    /// `text/xml`, `text/*+xml`: US-ASCII unless the header says otherwise.
    TextXml,
    /// `text/plain`, `text/html`: not XML at all, US-ASCII by default.
    TextOther,
    /// Anything else.
    Other,
}

struct TransportType {
    media_type: String,
    family: MediaFamily,
    charset: Option<String>,
}

impl TransportType {
    fn parse(header: &str) -> Self {
        let mut parts = header.split(';');
        let media_type = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let charset = parts.find_map(|param| {
            let (key, value) = param.split_once('=')?;
            key.trim()
                .eq_ignore_ascii_case("charset")
                .then(|| value.trim().trim_matches(['"', '\'']).to_owned())
        });
        let family = match media_type.as_str() {
            "application/xml"
            | "application/xml-dtd"
            | "application/xml-external-parsed-entity" => MediaFamily::ApplicationXml,
            t if t.starts_with("application/") && t.ends_with("+xml") => {
                MediaFamily::ApplicationXml
            }
            "text/xml" | "text/xml-external-parsed-entity" => MediaFamily::TextXml,
            t if t.starts_with("text/") && t.ends_with("+xml") => MediaFamily::TextXml,
            t if t.starts_with("text/") => MediaFamily::TextOther,
            _ => MediaFamily::Other,
        };
        TransportType {
            media_type,
            family,
            charset: charset.filter(|c| !c.is_empty()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_declaration_charset_is_used() {
        let bytes = b"<?xml version='1.0' encoding='iso-8859-1'?><rss>\xe9</rss>";
        let decoded = decode(bytes, None);
        assert!(decoded.text.contains('é'));
        assert!(decoded.warnings.is_empty());
    }

    #[test]
    fn a_latin_declaration_that_the_bytes_contradict_gives_way_to_detection() {
        let text = "<?xml version='1.0' encoding='utf-8'?><rss><title>Привет, мир: новости дня</title><description>Сегодня в городе прошёл большой праздник.</description></rss>";
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(text);
        let decoded = decode(&bytes, Some("text/xml; charset=iso-8859-1"));
        assert_eq!(decoded.text, text);
        assert_eq!(decoded.label, "windows-1251");
        assert!(
            decoded.warnings[0]
                .message
                .contains("says `iso-8859-1` but the bytes look like windows-1251"),
            "{:?}",
            decoded.warnings
        );
        // Latin text so declared stays as declared.
        let (bytes, _, _) =
            WINDOWS_1252.encode("<rss><title>Café crème à la française, déjà vu</title></rss>");
        let decoded = decode(&bytes, Some("text/xml; charset=iso-8859-1"));
        assert!(decoded.text.contains("Café crème"), "{}", decoded.text);
        assert!(decoded.warnings.is_empty(), "{:?}", decoded.warnings);
    }

    #[test]
    fn header_charset_overrides_the_declaration() {
        let bytes = "<?xml version='1.0' encoding='iso-8859-1'?><rss>é</rss>".as_bytes();
        let decoded = decode(bytes, Some("application/xml; charset=utf-8"));
        assert!(decoded.text.contains('é'));
        assert_eq!(decoded.label, "utf-8");
    }

    #[test]
    fn text_xml_without_charset_that_is_not_ascii_falls_back_with_a_warning() {
        let bytes = "<rss>é</rss>".as_bytes();
        let decoded = decode(bytes, Some("text/xml"));
        assert!(decoded.text.contains('é'));
        assert_eq!(decoded.warnings.len(), 1);
    }

    #[test]
    fn utf32_with_bom_is_decoded() {
        let mut bytes = vec![0x00, 0x00, 0xFE, 0xFF];
        for ch in "<rss/>".chars() {
            bytes.extend_from_slice(&(ch as u32).to_be_bytes());
        }
        assert_eq!(decode(&bytes, None).text, "<rss/>");
    }

    #[test]
    fn undeclared_non_utf8_bytes_are_detected() {
        let bytes = "<rss><title>Привет, мир, это тест кодировки</title></rss>";
        let (encoded, _, _) = encoding_rs::WINDOWS_1251.encode(bytes);
        let decoded = decode(&encoded, None);
        assert!(decoded.text.contains("Привет"), "{}", decoded.text);
        assert!(!decoded.warnings.is_empty());
    }
}
