//! Decodes feed bytes to text: BOM, transport charset, XML declaration, then detection.

use encoding_rs::Encoding;

use super::Warning;

pub(super) struct Decoded {
    pub text: String,
    pub encoding: &'static Encoding,
    pub warnings: Vec<Warning>,
}

pub(super) fn decode(bytes: &[u8], content_type: Option<&str>) -> Decoded {
    let _ = content_type;
    Decoded {
        text: String::from_utf8_lossy(bytes).into_owned(),
        encoding: encoding_rs::UTF_8,
        warnings: Vec::new(),
    }
}
