//! `Content-Encoding` undone before a body is compared: a body is what the
//! server meant once its encodings are reversed (RFC 9110 §8.4), so a gzip
//! server is held to the text it compressed, not to a few magic bytes.
//! gzip and deflate through flate2; `br` is not decoded (no small kept
//! crate), and the check says so rather than comparing compressed bytes.

use std::io::Read;

/// Most a decoded body may grow to before the check gives up (a zip bomb).
const MAX_DECODED: u64 = 16 * 1024 * 1024;

/// Why a body could not be decoded.
#[derive(Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// The data stops before the compressed stream ends.
    Truncated {
        coding: String,
    },
    /// Not data of that coding at all.
    Invalid {
        coding: String,
        why: String,
    },
    /// A coding this check does not know.
    Unsupported {
        coding: String,
    },
    TooLarge,
}

impl DecodeError {
    pub fn describe(&self) -> String {
        match self {
            DecodeError::Truncated { coding } => {
                format!(
                    "the body is marked `Content-Encoding: {coding}` but its {coding} data stops before the end of the compressed stream"
                )
            }
            DecodeError::Invalid { coding, why } => {
                format!("the body is marked `Content-Encoding: {coding}` but is not {coding} data ({why})")
            }
            DecodeError::Unsupported { coding } => {
                format!(
                    "the body is encoded with `{coding}`, which this check cannot decode (it decodes gzip and deflate)"
                )
            }
            DecodeError::TooLarge => format!(
                "the decoded body is larger than the {} MiB a check reads",
                MAX_DECODED >> 20
            ),
        }
    }
}

/// The codings named by the response's Content-Encoding headers, in the order
/// they were applied (lower case; `identity` left out).
pub fn codings(values: &[&str]) -> Vec<String> {
    values
        .iter()
        .flat_map(|v| v.split(','))
        .map(|c| c.trim().to_ascii_lowercase())
        .filter(|c| !c.is_empty() && c != "identity")
        .collect()
}

/// The body with every coding undone, last applied first.
pub fn decode(codings: &[String], body: &[u8]) -> Result<Vec<u8>, DecodeError> {
    let mut data = body.to_vec();
    for coding in codings.iter().rev() {
        data = decode_one(coding, &data)?;
    }
    Ok(data)
}

fn decode_one(coding: &str, data: &[u8]) -> Result<Vec<u8>, DecodeError> {
    match coding {
        "gzip" | "x-gzip" => read_all(flate2::read::MultiGzDecoder::new(data), coding),
        // "deflate" is zlib-wrapped by the RFC; some servers send raw deflate.
        "deflate" => read_all(flate2::read::ZlibDecoder::new(data), coding)
            .or_else(|first| read_all(flate2::read::DeflateDecoder::new(data), coding).map_err(|_| first)),
        other => Err(DecodeError::Unsupported {
            coding: other.to_string(),
        }),
    }
}

fn read_all(reader: impl Read, coding: &str) -> Result<Vec<u8>, DecodeError> {
    let mut out = Vec::new();
    let mut limited = reader.take(MAX_DECODED + 1);
    match limited.read_to_end(&mut out) {
        Ok(_) if out.len() as u64 > MAX_DECODED => Err(DecodeError::TooLarge),
        Ok(_) => Ok(out),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Err(DecodeError::Truncated {
            coding: coding.to_string(),
        }),
        Err(e) => Err(DecodeError::Invalid {
            coding: coding.to_string(),
            why: e.to_string(),
        }),
    }
}

/// Which layer is wrong when a body's Content-Length and the bytes sent
/// disagree on an encoded body: said when the bytes that did come decode to
/// exactly Content-Length bytes (the length of the text before compression).
pub fn length_counts_decoded(codings: &[String], sent: &[u8], length: usize) -> Option<String> {
    if codings.is_empty() {
        return None;
    }
    let decoded = decode(codings, sent).ok()?;
    (decoded.len() == length).then(|| {
        format!(
            "Content-Length is {length}, the size of the body before {}; it must count the bytes sent: {} here",
            codings.join(", "),
            sent.len()
        )
    })
}

/// gzip's magic bytes: a compressed body sent without saying so.
pub fn looks_gzipped(body: &[u8]) -> bool {
    body.starts_with(&[0x1f, 0x8b])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(text: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(text).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn undoes_gzip_and_deflate() {
        let zipped = gzip(b"hello");
        assert_eq!(decode(&codings(&["gzip"]), &zipped).unwrap(), b"hello");
        let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        zlib.write_all(b"hi").unwrap();
        assert_eq!(
            decode(&codings(&["Deflate"]), &zlib.finish().unwrap()).unwrap(),
            b"hi"
        );
        let mut raw = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        raw.write_all(b"raw").unwrap();
        assert_eq!(
            decode(&codings(&["deflate"]), &raw.finish().unwrap()).unwrap(),
            b"raw"
        );
        assert_eq!(decode(&codings(&["identity"]), b"as is").unwrap(), b"as is");
    }

    #[test]
    fn says_what_is_wrong_with_the_data() {
        let zipped = gzip(b"hello world, hello world");
        assert!(matches!(
            decode(&codings(&["gzip"]), &zipped[..zipped.len() - 5]),
            Err(DecodeError::Truncated { .. })
        ));
        assert!(matches!(
            decode(&codings(&["gzip"]), b"plain text"),
            Err(DecodeError::Invalid { .. })
        ));
        assert!(matches!(
            decode(&codings(&["br"]), b"x"),
            Err(DecodeError::Unsupported { .. })
        ));
        assert!(looks_gzipped(&zipped));
    }

    #[test]
    fn blames_a_length_that_counts_the_decoded_text() {
        let zipped = gzip(b"hello world, hello world");
        let cut = &zipped[..zipped.len() - 2];
        assert_eq!(length_counts_decoded(&codings(&["gzip"]), &zipped, 24).as_deref(), Some(
            format!("Content-Length is 24, the size of the body before gzip; it must count the bytes sent: {} here", zipped.len()).as_str()
        ));
        assert_eq!(length_counts_decoded(&codings(&["gzip"]), &zipped, 30), None);
        assert_eq!(length_counts_decoded(&codings(&["gzip"]), cut, 24), None);
        assert_eq!(length_counts_decoded(&[], b"plain", 5), None);
    }
}
