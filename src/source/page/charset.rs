//! Decodes HTML page bytes to text, choosing the charset roughly as browsers do (WHATWG):
//! byte-order mark, then the `Content-Type` header's charset, then a `<meta>` declaration in
//! the first 1024 bytes, then detection with chardetng (helped by the URL's top-level domain).
//!
//! Policy: decoding never fails. A declared charset that is unknown or contradicted by the
//! bytes (invalid in it, valid UTF-8, or a windows-1252/Latin-1 label on bytes detected as
//! a non-Latin script) is replaced by the next candidate, with a [`WarningKind::Encoding`]
//! warning. A header that disagrees with the `<meta>` wins, with a warning.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

use super::{Warning, WarningKind};
use crate::source::feed::charset::is_latin;

/// Page text and how it was decoded.
#[derive(Debug)]
pub(crate) struct Decoded {
    /// The text, without a byte-order mark.
    pub text: String,
    /// The name of the encoding used, lowercase (`euc-kr`, `shift_jis`, `utf-8`).
    pub label: String,
    /// Declarations that were unknown or contradicted by the bytes.
    pub warnings: Vec<Warning>,
}

/// How many bytes of the page the `<meta>` prescan looks at, as WHATWG says.
const PRESCAN_LEN: usize = 1024;

/// Decodes `bytes`; `content_type` is the HTTP header, `tld` the page URL's top-level
/// domain (`kr`, `jp`), which helps detection tell similar legacy encodings apart.
pub(crate) fn decode(bytes: &[u8], content_type: Option<&str>, tld: Option<&str>) -> Decoded {
    let mut warnings = Vec::new();
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return finish(encoding, &bytes[bom_len..], warnings);
    }

    let from_header = content_type.and_then(header_charset);
    let from_meta = prescan(bytes);
    if let (Some(header), Some(meta)) = (&from_header, &from_meta) {
        let (header_encoding, meta_encoding) = (lookup(header), lookup(meta));
        if header_encoding.is_some() && meta_encoding.is_some() && header_encoding != meta_encoding
        {
            warnings.push(encoding_warning(format!(
                "the Content-Type header says `{header}` but the page's <meta> says `{meta}`"
            )));
        }
    }
    let declarations = [
        (from_header, "Content-Type header"),
        (from_meta, "page's <meta>"),
    ];
    for (label, origin) in declarations {
        let Some(label) = label else { continue };
        let Some(encoding) = lookup(&label) else {
            warnings.push(encoding_warning(format!(
                "unknown charset `{label}` in the {origin}"
            )));
            continue;
        };
        if encoding
            .decode_without_bom_handling_and_without_replacement(bytes)
            .is_none()
        {
            warnings.push(encoding_warning(format!(
                "the {origin} says `{label}` but the bytes are not valid {}",
                encoding.name()
            )));
            continue;
        }
        if encoding != UTF_8 && !bytes.is_ascii() && std::str::from_utf8(bytes).is_ok() {
            warnings.push(encoding_warning(format!(
                "the {origin} says `{label}` but the bytes are UTF-8; read as UTF-8"
            )));
            return finish(UTF_8, bytes, warnings);
        }
        if encoding == WINDOWS_1252 && !bytes.is_ascii() {
            let detected = detect(bytes, tld);
            if !is_latin(detected) {
                warnings.push(encoding_warning(format!(
                    "the {origin} says `{label}` but the bytes look like {}; read as {}",
                    detected.name(),
                    detected.name()
                )));
                return finish(detected, bytes, warnings);
            }
        }
        return finish(encoding, bytes, warnings);
    }

    let encoding = detect(bytes, tld);
    if !warnings.is_empty() || !bytes.is_ascii() && encoding != UTF_8 {
        warnings.push(encoding_warning(format!(
            "no usable charset declaration; detected {}",
            encoding.name()
        )));
    }
    finish(encoding, bytes, warnings)
}

fn finish(encoding: &'static Encoding, bytes: &[u8], warnings: Vec<Warning>) -> Decoded {
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    Decoded {
        text: text.into_owned(),
        label: encoding.name().to_ascii_lowercase(),
        warnings,
    }
}

/// Guesses the encoding of undeclared bytes; valid UTF-8 is always read as UTF-8.
fn detect(bytes: &[u8], tld: Option<&str>) -> &'static Encoding {
    if std::str::from_utf8(bytes).is_ok() {
        return UTF_8;
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Allow);
    detector.feed(bytes, true);
    let tld = tld
        .map(str::to_ascii_lowercase)
        .filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_alphanumeric()));
    let guessed = detector.guess(
        tld.as_deref().map(str::as_bytes),
        chardetng::Utf8Detection::Allow,
    );
    // Invalid UTF-8 is not UTF-8; windows-1252 keeps every byte visible.
    if guessed == UTF_8 {
        WINDOWS_1252
    } else {
        guessed
    }
}

/// The `charset` parameter of a `Content-Type` value.
fn header_charset(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (key, value) = param.split_once('=')?;
        let value = value.trim().trim_matches(['"', '\'']).trim();
        (key.trim().eq_ignore_ascii_case("charset") && !value.is_empty()).then(|| value.to_owned())
    })
}

/// Looks a charset label up; UTF-16 labels in `<meta>` mean UTF-8, as WHATWG says, since
/// a page that can declare it in ASCII is not UTF-16.
fn lookup(label: &str) -> Option<&'static Encoding> {
    let lower = label.trim().to_ascii_lowercase();
    let normalized = match lower.as_str() {
        "utf8" => "utf-8",
        "cp1251" => "windows-1251",
        "cp949" | "uhc" => "euc-kr",
        "sjis" | "cp932" => "shift_jis",
        other => other,
    };
    Encoding::for_label(normalized.as_bytes()).map(Encoding::output_encoding)
}

/// The charset a `<meta charset>` or `<meta http-equiv="Content-Type">` declares in the
/// first 1024 bytes (a simplified WHATWG prescan: comments skipped, attributes read).
fn prescan(bytes: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(PRESCAN_LEN)]);
    let mut rest: &str = &head;
    while let Some(open) = rest.find('<') {
        rest = &rest[open..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
            continue;
        }
        let is_meta = rest.get(..6).is_some_and(|tag| {
            tag.eq_ignore_ascii_case("<meta ") || tag.eq_ignore_ascii_case("<meta/")
        });
        let end = rest.find('>').unwrap_or(rest.len());
        if is_meta && let Some(charset) = meta_charset(&rest[5..end]) {
            return Some(charset);
        }
        rest = &rest[(end + 1).min(rest.len())..];
    }
    None
}

/// The charset one `<meta>` tag's attributes declare.
fn meta_charset(attributes: &str) -> Option<String> {
    let attributes = parse_attributes(attributes);
    let get = |name: &str| {
        attributes
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    };
    if let Some(charset) = get("charset").filter(|c| !c.trim().is_empty()) {
        return Some(charset.trim().to_owned());
    }
    let is_content_type = get("http-equiv").is_some_and(|v| v.eq_ignore_ascii_case("content-type"));
    if !is_content_type {
        return None;
    }
    let content = get("content")?;
    let lower = content.to_ascii_lowercase();
    let after = &content[lower.find("charset")? + "charset".len()..];
    let value = after.trim_start().strip_prefix('=')?.trim_start();
    let value = value.trim_matches(['"', '\'']);
    let end = value
        .find(|c: char| c == ';' || c == '"' || c == '\'' || c.is_whitespace())
        .unwrap_or(value.len());
    Some(value[..end].to_owned()).filter(|v| !v.is_empty())
}

/// Splits `name="value" name='value' name=value name` into pairs.
fn parse_attributes(text: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let mut rest = text.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
    while !rest.is_empty() {
        let name_end = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '/')
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_owned();
        rest = rest[name_end..].trim_start();
        let mut value = String::new();
        if let Some(after_eq) = rest.strip_prefix('=') {
            let after_eq = after_eq.trim_start();
            let quote = after_eq.chars().next().filter(|c| *c == '"' || *c == '\'');
            let (raw, remaining) = match quote {
                Some(quote) => {
                    let inner = &after_eq[1..];
                    let end = inner.find(quote).unwrap_or(inner.len());
                    (&inner[..end], inner.get(end + 1..).unwrap_or(""))
                }
                None => {
                    let end = after_eq.find(char::is_whitespace).unwrap_or(after_eq.len());
                    (&after_eq[..end], &after_eq[end..])
                }
            };
            value = raw.to_owned();
            rest = remaining;
        }
        if !name.is_empty() {
            pairs.push((name, value));
        }
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
    }
    pairs
}

fn encoding_warning(message: String) -> Warning {
    Warning {
        kind: WarningKind::Encoding,
        message,
        line: None,
    }
}

#[cfg(test)]
mod tests {
    use encoding_rs::{EUC_KR, GBK, SHIFT_JIS, WINDOWS_1251};

    use super::*;

    fn page(body: &str) -> String {
        format!(
            "<!doctype html><html><head><title>t</title></head><body><p>{body}</p></body></html>"
        )
    }

    const KOREAN: &str = "북한 김정은 국무위원장이 새로운 엔진 시험을 참관했다고 조선중앙통신이 보도했다. \
        정부는 긴장 완화와 강력한 억제력을 바탕으로 한 두 갈래 접근을 강조했다.";
    const RUSSIAN: &str = "Президент заявил, что готов посетить столицу в ближайшее удобное время, \
        чтобы укрепить двусторонние связи и расширить торговое сотрудничество между странами.";
    const JAPANESE: &str = "政府は本日、新しい経済対策を発表した。首相は記者会見で、物価高への対応を最優先に\
        取り組むと述べ、地方の中小企業への支援を強化する考えを示した。";
    const CHINESE: &str = "国家统计局今天发布数据显示，今年前三季度国内生产总值同比增长，\
        消费对经济增长的贡献率继续提高，就业形势总体稳定。";

    #[test]
    fn undeclared_legacy_encodings_are_detected() {
        for (encoding, text) in [
            (EUC_KR, KOREAN),
            (WINDOWS_1251, RUSSIAN),
            (SHIFT_JIS, JAPANESE),
            (GBK, CHINESE),
        ] {
            let html = page(text);
            let (bytes, _, _) = encoding.encode(&html);
            let decoded = decode(&bytes, None, None);
            assert_eq!(decoded.label, encoding.name().to_ascii_lowercase());
            assert!(decoded.text.contains(text), "{}", decoded.text);
        }
    }

    #[test]
    fn meta_charset_is_honoured_without_a_warning() {
        let html = format!("<meta charset=\"euc-kr\">{}", page(KOREAN));
        let (bytes, _, _) = EUC_KR.encode(&html);
        let decoded = decode(&bytes, None, None);
        assert_eq!(decoded.label, "euc-kr");
        assert!(decoded.warnings.is_empty());
    }

    #[test]
    fn http_equiv_content_type_is_honoured() {
        let html = format!(
            "<!-- <meta charset=utf-8> --><META HTTP-EQUIV='Content-Type' CONTENT='text/html; charset=Shift_JIS'>{}",
            page(JAPANESE)
        );
        let (bytes, _, _) = SHIFT_JIS.encode(&html);
        let decoded = decode(&bytes, None, None);
        assert_eq!(decoded.label, "shift_jis");
        assert!(decoded.text.contains(JAPANESE));
    }

    #[test]
    fn header_charset_wins_over_meta() {
        let html = format!("<meta charset=\"euc-kr\">{}", page(RUSSIAN));
        let (bytes, _, _) = WINDOWS_1251.encode(&html);
        let decoded = decode(&bytes, Some("text/html; charset=\"windows-1251\""), None);
        assert_eq!(decoded.label, "windows-1251");
        assert!(decoded.text.contains(RUSSIAN));
        assert_eq!(decoded.warnings.len(), 1, "the declarations disagree");
    }

    #[test]
    fn a_declaration_the_bytes_contradict_is_a_warning() {
        let html = format!("<meta charset=\"iso-8859-1\">{}", page(KOREAN));
        let decoded = decode(html.as_bytes(), None, None);
        assert_eq!(decoded.label, "utf-8");
        assert!(decoded.text.contains(KOREAN));
        assert_eq!(decoded.warnings.len(), 1);
        assert_eq!(decoded.warnings[0].kind, WarningKind::Encoding);

        let russian = page(RUSSIAN);
        let (bytes, _, _) = WINDOWS_1251.encode(&russian);
        let decoded = decode(&bytes, Some("text/html; charset=utf-8"), None);
        assert_eq!(decoded.label, "windows-1251");
        assert!(decoded.text.contains(RUSSIAN));
        assert_eq!(decoded.warnings.len(), 2, "{:?}", decoded.warnings);
    }

    #[test]
    fn a_latin_declaration_on_korean_bytes_gives_way_to_detection() {
        let html = format!("<meta charset=\"iso-8859-1\">{}", page(KOREAN));
        let (bytes, _, _) = EUC_KR.encode(&html);
        let decoded = decode(&bytes, None, Some("kr"));
        assert_eq!(decoded.label, "euc-kr");
        assert!(decoded.text.contains(KOREAN));
        assert_eq!(decoded.warnings.len(), 1);
    }

    #[test]
    fn a_latin_declaration_on_latin_bytes_is_kept() {
        let text = "Le conseil municipal a approuvé le nouveau terminal flottant à l'unanimité, \
                    après deux années de débats sur son coût élevé.";
        let html = format!("<meta charset=\"iso-8859-1\">{}", page(text));
        let (bytes, _, _) = WINDOWS_1252.encode(&html);
        let decoded = decode(&bytes, None, None);
        assert_eq!(decoded.label, "windows-1252");
        assert!(decoded.text.contains(text));
        assert!(decoded.warnings.is_empty(), "{:?}", decoded.warnings);
    }

    #[test]
    fn unknown_charset_falls_back_to_detection_with_a_warning() {
        let html = format!("<meta charset=\"x-bogus\">{}", page("plain"));
        let decoded = decode(html.as_bytes(), None, None);
        assert_eq!(decoded.label, "utf-8");
        assert!(decoded.warnings[0].message.contains("x-bogus"));
    }

    #[test]
    fn a_byte_order_mark_wins() {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice(page("é").as_bytes());
        let decoded = decode(&bytes, Some("text/html; charset=windows-1252"), None);
        assert_eq!(decoded.label, "utf-8");
        assert!(decoded.text.starts_with("<!doctype"));
    }
}
