//! Arbitrary bytes through the whole per-document parser: it must never panic, every fact's
//! source line must exist in the file, and each fact's printed amount must begin on its line.
//!
//! "Begins on its line", compared on digits (normalisation removes the spaces and joins the
//! separators of a number that OCR broke, `3, 295. 68`): the line, as `normalize` cleans it,
//! holds the digits of the amount (the value's digits; leading zeros it printed, `007`, are not
//! among them), or the line ends with the number's beginning and the narrative took the rest
//! from the lines after it (`1203.` / `14 万元`): its last characters, spaces aside, are digits,
//! points or commas whose digits start the amount, or are zeros before it; or, for a negative
//! amount, the line ends with its sign (`增加 -` / `5 万元`).
#![no_main]

use cnbudget::Amount;
use cnbudget::decode::Format;
use libfuzzer_sys::fuzz_target;

/// The ASCII digits of `text`, in order.
fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

/// Whether `amount` begins on the cleaned `line` (see the module doc).
fn begins_on(amount: Amount, line: &str) -> bool {
    let number = digits(&amount.to_string());
    let line = line.trim_end();
    if digits(line).contains(&number) || (amount.value().is_sign_negative() && line.ends_with('-')) {
        return true;
    }
    // The number's first part, at the end of the line.
    let start = line.trim_end_matches(|c: char| c.is_ascii_digit() || matches!(c, '.' | '．' | ',')).len();
    let first = digits(line.get(start..).unwrap_or_default());
    (0..first.len()).any(|p| {
        let tail = first.get(p..).unwrap_or_default();
        number.starts_with(tail) || number.starts_with(tail.trim_start_matches('0'))
    })
}

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
    // Each line as the parsers read it: cleaned, the parts a form feed cuts it into joined.
    let mut cleaned = vec![String::new(); lines.len()];
    for line in cnbudget::normalize::lines(&text) {
        if let Some(text) = cleaned.get_mut((line.no as usize).saturating_sub(1)) {
            text.push_str(&line.text);
        }
    }
    for fact in &doc.facts {
        let line = fact.line as usize;
        assert!(line >= 1 && line <= lines.len(), "line {line} outside 1..={}", lines.len());
        assert!(fact.amount_yuan().is_some(), "every fact is exact in yuan");
        let cleaned = &cleaned[line - 1];
        assert!(begins_on(fact.amount, cleaned), "{} does not begin on line {line}: {cleaned:?}", fact.amount);
    }
});
