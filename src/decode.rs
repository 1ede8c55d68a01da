//! Bytes to text.
//!
//! Takes the raw bytes of one input file and how to read them ([`Format`]); gives the
//! document's text as one `String` (UTF-8, original line breaks kept) or the one-line reason
//! it is not text. Handles UTF-8 with or without BOM, UTF-16 with BOM, GB18030/GBK, and
//! page-array JSON (`[{"page": n, "text": ...}]`), whose pages are joined with a form feed as
//! `pdftotext` would have written them. Does not look at what the text says.

use serde::Deserialize;

use crate::error::{DocError, Utf16Fault};

/// How a file's bytes hold a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.txt` / `.md`: the text itself.
    Text,
    /// `.json`: an array of pages.
    PageArray,
    /// `.pdf`: its text layer, as `pdftotext -layout` extracts it.
    Pdf,
}

/// Share of control characters above which a "text" is really binary.
const MAX_CONTROL_SHARE: f64 = 0.01;

/// Decodes one file.
pub fn decode(bytes: &[u8], format: Format) -> Result<String, DocError> {
    if bytes.is_empty() {
        return Err(DocError::Empty);
    }
    if format == Format::Pdf {
        return crate::extract::pdf_text(bytes);
    }
    if let Some(kind) = sniff_binary(bytes) {
        return Err(DocError::Binary(kind));
    }
    let text = decode_text(bytes)?;
    if text.trim().is_empty() {
        return Err(DocError::Empty);
    }
    check_control_chars(&text)?;
    match format {
        Format::PageArray => join_pages(&text),
        _ => Ok(text),
    }
}

/// Recognises common binary formats by their magic bytes.
fn sniff_binary(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"%PDF", "a PDF document: extract its text first"),
        (b"\x89PNG", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"PK\x03\x04", "a ZIP archive (docx/xlsx?)"),
        (b"\xD0\xCF\x11\xE0", "an OLE document (doc/xls?)"),
        (b"\x1F\x8B", "a gzip archive"),
        (b"\x7FELF", "an executable"),
    ];
    MAGIC.iter().find(|(m, _)| bytes.starts_with(m)).map(|(_, kind)| *kind)
}

fn decode_text(bytes: &[u8]) -> Result<String, DocError> {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let body = bytes.get(bom_len..).unwrap_or_default();
        let (text, had_errors) = encoding.decode_without_bom_handling(body);
        if had_errors {
            return Err(malformed(body, encoding, bom_len, true));
        }
        return Ok(text.into_owned());
    }
    if let Some(utf16) = utf16_without_bom(bytes) {
        let (text, had_errors) = utf16.decode_without_bom_handling(bytes);
        return if had_errors { Err(malformed(bytes, utf16, 0, false)) } else { Ok(text.into_owned()) };
    }
    if bytes.contains(&0) {
        return Err(DocError::Binary("contains NUL bytes"));
    }
    // encoding_rs validates UTF-8 several times faster than `std::str::from_utf8` on CJK text.
    if let Some(text) = encoding_rs::UTF_8.decode_without_bom_handling_and_without_replacement(bytes) {
        return Ok(text.into_owned());
    }
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|text| text.into_owned())
        .ok_or(DocError::UnknownEncoding { offset: encoding_rs::Encoding::utf8_valid_up_to(bytes) })
}

/// Why `body`, which starts at byte `start` of the file (after the byte-order mark, if `bom`),
/// is not valid in `encoding` (UTF-8 or UTF-16, the encodings a byte-order mark or NUL bytes
/// announce), as its reason.
fn malformed(body: &[u8], encoding: &'static encoding_rs::Encoding, start: usize, bom: bool) -> DocError {
    match utf16_fault(body, encoding, start) {
        Some(fault) => DocError::InvalidUtf16 { encoding: encoding.name(), bom, fault },
        None => DocError::InvalidUtf8AfterBom { offset: start + encoding_rs::Encoding::utf8_valid_up_to(body) },
    }
}

/// The first fault of `body` as UTF-16 (`None` for UTF-8, or for well-formed UTF-16), with
/// offsets counted from byte `start` of the file: what makes `encoding_rs` report errors.
fn utf16_fault(body: &[u8], encoding: &'static encoding_rs::Encoding, start: usize) -> Option<Utf16Fault> {
    let big_endian = if encoding == encoding_rs::UTF_16BE {
        true
    } else if encoding == encoding_rs::UTF_16LE {
        false
    } else {
        return None;
    };
    let unpaired = |unit: usize| Some(Utf16Fault::UnpairedSurrogate { offset: start + 2 * unit });
    // The unit index of a high surrogate still waiting for its low half.
    let mut high: Option<usize> = None;
    for (i, pair) in body.chunks_exact(2).enumerate() {
        let &[a, b] = pair else { continue };
        let unit = if big_endian { u16::from_be_bytes([a, b]) } else { u16::from_le_bytes([a, b]) };
        match (unit, high) {
            (0xD800..=0xDBFF, Some(h)) => return unpaired(h),
            (0xD800..=0xDBFF, None) => high = Some(i),
            (0xDC00..=0xDFFF, Some(_)) => high = None,
            (0xDC00..=0xDFFF, None) => return unpaired(i),
            (_, Some(h)) => return unpaired(h),
            (_, None) => {}
        }
    }
    if let Some(h) = high {
        return unpaired(h);
    }
    (body.len() % 2 == 1).then_some(Utf16Fault::OddLength { bytes: start + body.len() })
}

/// UTF-16 text without a BOM shows up as a NUL in every other byte of its ASCII characters.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    let pairs = sample.len() / 2;
    if pairs < 2 {
        return None;
    }
    let even_nuls = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_nuls = sample.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    // CJK characters such as U+4E00 put a NUL in the other half too, so compare, not exclude.
    if odd_nuls * 20 >= pairs && odd_nuls > 4 * even_nuls {
        Some(encoding_rs::UTF_16LE)
    } else if even_nuls * 20 >= pairs && even_nuls > 4 * odd_nuls {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

fn check_control_chars(text: &str) -> Result<(), DocError> {
    // Counted on bytes, for speed: a control character (`char::is_control`) is a C0 byte, DEL,
    // or C1 (`C2 80`–`C2 9F`); most texts have none, and then need no character count.
    let bytes = text.as_bytes();
    let c0: usize = bytes.chunks(255).map(|chunk| usize::from(stray_c0_in(chunk))).sum();
    let c1 = memchr::memchr_iter(0xC2, bytes)
        .filter(|&at| bytes.get(at + 1).is_some_and(|b| (0x80..=0x9F).contains(b)))
        .count();
    let control = c0 + c1;
    if control == 0 {
        return Ok(());
    }
    let total = text.chars().count();
    if control as f64 > MAX_CONTROL_SHARE * total as f64 {
        return Err(DocError::Binary("too many control characters"));
    }
    Ok(())
}

/// The C0 controls and DELs among at most 255 bytes, save the four a text may hold (`\n`,
/// `\r`, `\t`, `\f`). Branch-free and counted in a byte, so that the compiler vectorises it.
fn stray_c0_in(chunk: &[u8]) -> u8 {
    let stray = |b: u8| (b < 0x20) & (b != b'\n') & (b != b'\r') & (b != b'\t') & (b != 0x0C) | (b == 0x7F);
    chunk.iter().fold(0u8, |n, &b| n.wrapping_add(u8::from(stray(b))))
}

#[derive(Deserialize)]
struct Page {
    #[allow(dead_code)]
    page: serde_json::Value,
    text: String,
}

/// Joins the pages of a page-array JSON file with `\f`, in array order.
fn join_pages(json: &str) -> Result<String, DocError> {
    let pages: Vec<Page> = serde_json::from_str(json).map_err(|e| {
        DocError::InvalidJson(format!("{e} (expected an array of {{\"page\": n, \"text\": ...}} objects)"))
    })?;
    if pages.is_empty() {
        return Err(DocError::Empty);
    }
    let texts: Vec<&str> = pages.iter().map(|p| p.text.as_str()).collect();
    Ok(texts.join("\u{c}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Rng;

    #[test]
    fn control_share_counted_on_bytes_agrees_with_chars() {
        const PIECES: &[&str] = &[
            "收入", "a", "\n", "\t", "\r", "\u{c}", "\u{1}", "\u{1f}", "\u{7f}", "\u{80}", "\u{9f}", "\u{a0}",
            "\u{85}", "€",
        ];
        let by_chars = |text: &str| {
            let control = text.chars().filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}')).count();
            control as f64 > MAX_CONTROL_SHARE * text.chars().count() as f64
        };
        let mut rng = Rng(0xc0_c1);
        for _ in 0..20_000 {
            let n = 1 + (rng.next() % 120) as usize;
            // Mostly text, so that both sides of the threshold are met.
            let text: String =
                (0..n).map(|_| if rng.next().is_multiple_of(40) { rng.pick(PIECES) } else { "收入" }).collect();
            assert_eq!(check_control_chars(&text).is_err(), by_chars(&text), "on {text:?}");
        }
    }

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode("收入\n".as_bytes(), Format::Text).unwrap(), "收入\n");
        assert_eq!(decode(b"\xEF\xBB\xBF\xE6\x94\xB6", Format::Text).unwrap(), "收");
    }

    #[test]
    fn gb18030_is_recognised() {
        let (bytes, _, _) = encoding_rs::GB18030.encode("2023年度收入决算表\r\n单位：万元");
        assert_eq!(decode(&bytes, Format::Text).unwrap(), "2023年度收入决算表\r\n单位：万元");
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let le: Vec<u8> = "决算 2023\n".encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let mut with_bom = vec![0xFF, 0xFE];
        with_bom.extend(&le);
        assert_eq!(decode(&with_bom, Format::Text).unwrap(), "决算 2023\n");
        let ascii_le: Vec<u8> = "Budget 2023 report\n".encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        assert_eq!(decode(&ascii_le, Format::Text).unwrap(), "Budget 2023 report\n");
    }

    #[test]
    fn binary_and_empty_files_are_refused() {
        assert_eq!(decode(b"", Format::Text), Err(DocError::Empty));
        assert_eq!(decode(b" \n\n", Format::Text), Err(DocError::Empty));
        assert!(matches!(decode(b"%PDF-1.7\n...", Format::Text), Err(DocError::Binary(_))));
        assert!(matches!(decode(b"ab\0\0\0\x01\x02cd\0", Format::Text), Err(DocError::Binary(_))));
        assert!(matches!(decode(b"\x01\x02\x03\x04abc", Format::Text), Err(DocError::Binary(_))));
    }

    #[test]
    fn invalid_bytes_name_their_offset() {
        // 0xFF never appears in UTF-8 or GB18030.
        assert_eq!(decode(b"abc\xFF\xFFdef", Format::Text), Err(DocError::UnknownEncoding { offset: 3 }));
    }

    #[test]
    fn a_bom_followed_by_bytes_it_does_not_allow_names_the_bom_and_the_fault() {
        let reason = |bytes: &[u8]| decode(bytes, Format::Text).unwrap_err().to_string();
        // UTF-8 BOM, `收`, then a byte that no UTF-8 has: the offset is that byte's.
        assert_eq!(
            reason(b"\xEF\xBB\xBF\xE6\x94\xB6\xFFabc"),
            "invalid UTF-8 after a UTF-8 byte-order mark (first bad byte at offset 6)"
        );
        // UTF-16LE BOM, `决算`, then a lone byte.
        assert_eq!(
            reason(b"\xFF\xFE\xB3\x51\x97\x7B\x0A"),
            "invalid UTF-16LE after its byte-order mark: odd length (7 bytes), the last byte is half a code unit"
        );
        // UTF-16BE BOM, `a`, a high surrogate, then `b` instead of its low half.
        assert_eq!(
            reason(b"\xFE\xFF\x00a\xD8\x3D\x00b"),
            "invalid UTF-16BE after its byte-order mark: unpaired surrogate at offset 4"
        );
        // UTF-16LE BOM then a low surrogate with no high one before it.
        assert_eq!(
            reason(b"\xFF\xFEa\x00\x00\xDCb\x00"),
            "invalid UTF-16LE after its byte-order mark: unpaired surrogate at offset 4"
        );
    }

    #[test]
    fn malformed_utf16_without_a_bom_is_named_as_such_not_as_binary() {
        let mut le: Vec<u8> = "Budget 2023 report\n".encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let odd = [le.as_slice(), b"x"].concat();
        assert_eq!(
            decode(&odd, Format::Text).unwrap_err().to_string(),
            "invalid UTF-16LE (guessed from its NUL bytes, no byte-order mark): odd length (39 bytes), the last \
             byte is half a code unit"
        );
        le.splice(6..6, [0x00, 0xD8]);
        assert_eq!(
            decode(&le, Format::Text).unwrap_err().to_string(),
            "invalid UTF-16LE (guessed from its NUL bytes, no byte-order mark): unpaired surrogate at offset 6"
        );
    }

    /// The fault named is there exactly when `encoding_rs` finds the UTF-16 malformed.
    #[test]
    fn utf16_faults_agree_with_encoding_rs() {
        const UNITS: &[u16] = &[0x0061, 0x4E00, 0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0xD83D, 0xDE00, 0x000A, 0xFFFF];
        let mut rng = Rng(0x0dd_0016);
        for _ in 0..20_000 {
            let n = (rng.next() % 8) as usize;
            let units: Vec<u16> = (0..n).map(|_| UNITS[(rng.next() % UNITS.len() as u64) as usize]).collect();
            for encoding in [encoding_rs::UTF_16LE, encoding_rs::UTF_16BE] {
                let big = encoding == encoding_rs::UTF_16BE;
                let mut bytes: Vec<u8> =
                    units.iter().flat_map(|u| if big { u.to_be_bytes() } else { u.to_le_bytes() }).collect();
                if rng.next().is_multiple_of(4) {
                    bytes.push(0x41);
                }
                let (_, had_errors) = encoding.decode_without_bom_handling(&bytes);
                assert_eq!(utf16_fault(&bytes, encoding, 0).is_some(), had_errors, "{encoding:?} {bytes:x?}");
            }
        }
    }

    #[test]
    fn page_arrays_join_with_form_feeds() {
        let json = r#"[{"page": 1, "text": "一\n二"}, {"page": 2, "text": "三"}]"#;
        assert_eq!(decode(json.as_bytes(), Format::PageArray).unwrap(), "一\n二\u{c}三");
        assert!(matches!(decode(b"{\"page\": 1}", Format::PageArray), Err(DocError::InvalidJson(_))));
        assert!(matches!(decode(b"[{\"page\": 1, \"text\": ", Format::PageArray), Err(DocError::InvalidJson(_))));
        assert_eq!(decode(b"[]", Format::PageArray), Err(DocError::Empty));
    }
}
