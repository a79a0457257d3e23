//! Content coding for rendered feeds: which coding a client accepts (`Accept-Encoding`),
//! and each rendered document compressed at most once per coding.
//!
//! Policy: feeds are compressed when first asked for in a coding and the result is kept
//! with the render, so a busy feed costs one compression per refresh, not one per
//! request. Brotli is preferred over gzip when a client accepts both at the same weight.
//! Each coding has its own strong ETag (the identity ETag with `-br` or `-gzip` before
//! the closing quote), as RFC 9110 asks of different representations.

use std::io::Write as _;
use std::sync::OnceLock;

use bytes::Bytes;

/// A content coding we send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    /// No compression.
    Identity,
    /// `gzip`.
    Gzip,
    /// `br` (brotli).
    Brotli,
}

impl Coding {
    /// The `Content-Encoding` token, `None` for identity.
    pub fn token(self) -> Option<&'static str> {
        match self {
            Coding::Identity => None,
            Coding::Gzip => Some("gzip"),
            Coding::Brotli => Some("br"),
        }
    }

    /// The ETag of this coding's representation, given the identity ETag (quoted).
    pub fn etag(self, identity: &str) -> String {
        match self.token() {
            None => identity.to_owned(),
            Some(token) => match identity.strip_suffix('"') {
                Some(open) => format!("{open}-{token}\""),
                None => format!("{identity}-{token}"),
            },
        }
    }
}

/// The coding to answer with, given the request's `Accept-Encoding` value: the accepted
/// coding with the highest weight among brotli and gzip (brotli on a tie), else identity.
/// `*` stands for any coding not named.
pub fn negotiate(accept_encoding: Option<&str>) -> Coding {
    let Some(value) = accept_encoding else {
        return Coding::Identity;
    };
    let mut brotli: Option<f32> = None;
    let mut gzip: Option<f32> = None;
    let mut any: Option<f32> = None;
    for item in value.split(',') {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let weight = parts
            .filter_map(|param| {
                let (key, value) = param.split_once('=')?;
                (key.trim().eq_ignore_ascii_case("q")).then(|| value.trim().parse::<f32>().ok())?
            })
            .next()
            .unwrap_or(1.0);
        match name.as_str() {
            "br" => brotli = Some(weight),
            "gzip" | "x-gzip" => gzip = Some(weight),
            "*" => any = Some(weight),
            _ => {}
        }
    }
    let brotli = brotli.or(any).unwrap_or(0.0);
    let gzip = gzip.or(any).unwrap_or(0.0);
    if brotli > 0.0 && brotli >= gzip {
        Coding::Brotli
    } else if gzip > 0.0 {
        Coding::Gzip
    } else {
        Coding::Identity
    }
}

/// A document's compressed forms, each made on first use and kept.
#[derive(Debug, Default)]
pub struct CompressedForms {
    gzip: OnceLock<Bytes>,
    brotli: OnceLock<Bytes>,
}

/// Brotli quality for cached feeds: close to the best ratio at a small fraction of the
/// cost of quality 11 (live queries render and compress on demand, so the cost matters).
const BROTLI_QUALITY: u32 = 5;
const BROTLI_WINDOW: u32 = 22;

impl CompressedForms {
    /// `body` in `coding`, compressed now if it was not already.
    pub fn get(&self, body: &Bytes, coding: Coding) -> Bytes {
        match coding {
            Coding::Identity => body.clone(),
            Coding::Gzip => self.gzip.get_or_init(|| gzip(body)).clone(),
            Coding::Brotli => self.brotli.get_or_init(|| brotli(body)).clone(),
        }
    }
}

fn gzip(body: &[u8]) -> Bytes {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 4),
        flate2::Compression::default(),
    );
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(body);
    Bytes::from(encoder.finish().unwrap_or_default())
}

fn brotli(body: &[u8]) -> Bytes {
    let mut out = Vec::with_capacity(body.len() / 4);
    {
        let mut writer =
            brotli::CompressorWriter::new(&mut out, 4096, BROTLI_QUALITY, BROTLI_WINDOW);
        let _ = writer.write_all(body);
    }
    Bytes::from(out)
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use super::*;

    #[test]
    fn negotiation_follows_weights_and_prefers_brotli_on_a_tie() {
        assert_eq!(negotiate(None), Coding::Identity);
        assert_eq!(negotiate(Some("")), Coding::Identity);
        assert_eq!(negotiate(Some("gzip, deflate")), Coding::Gzip);
        assert_eq!(negotiate(Some("gzip, deflate, br")), Coding::Brotli);
        assert_eq!(negotiate(Some("br;q=0.5, gzip")), Coding::Gzip);
        assert_eq!(negotiate(Some("br;q=0, gzip;q=0")), Coding::Identity);
        assert_eq!(negotiate(Some("identity")), Coding::Identity);
        assert_eq!(negotiate(Some("*")), Coding::Brotli);
        assert_eq!(negotiate(Some("*;q=0.3, br;q=0")), Coding::Gzip);
        assert_eq!(negotiate(Some("GZIP;Q=0.8")), Coding::Gzip);
        assert_eq!(negotiate(Some("gzip;q=nonsense")), Coding::Gzip);
    }

    #[test]
    fn each_coding_has_its_own_etag() {
        assert_eq!(Coding::Identity.etag("\"ab\""), "\"ab\"");
        assert_eq!(Coding::Gzip.etag("\"ab\""), "\"ab-gzip\"");
        assert_eq!(Coding::Brotli.etag("\"ab\""), "\"ab-br\"");
    }

    #[test]
    fn compressed_forms_decode_to_the_body_and_are_made_once() {
        let body = Bytes::from("<feed>".repeat(500));
        let forms = CompressedForms::default();
        let gz = forms.get(&body, Coding::Gzip);
        assert!(gz.len() < body.len());
        let mut decoded = Vec::new();
        flate2::read::GzDecoder::new(gz.as_ref())
            .read_to_end(&mut decoded)
            .expect("gzip");
        assert_eq!(decoded, body);
        // The same bytes (same allocation) come back on the second ask.
        assert_eq!(forms.get(&body, Coding::Gzip).as_ptr(), gz.as_ptr());

        let br = forms.get(&body, Coding::Brotli);
        let mut decoded = Vec::new();
        brotli::Decompressor::new(br.as_ref(), 4096)
            .read_to_end(&mut decoded)
            .expect("brotli");
        assert_eq!(decoded, body);
        assert_eq!(forms.get(&body, Coding::Identity), body);
    }
}
