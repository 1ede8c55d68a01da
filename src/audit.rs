//! The self-audit: how much of what a report's statements print was read.
//!
//! Takes a document's statement segments, its table facts and the amounts the table parsers
//! read but set aside; gives its [`Audit`] and a note for each line whose figures were not
//! read. Every number printed on a statement's lines is a token, and each token is accounted
//! for as one of: a fact of that line (matched by value, each fact once); an amount set aside
//! by the contract (a zero cell, a column with no split, a repeat); a token that is not a
//! figure (a code or 行次 at the head of a row, a 栏次 row, a percentage, a year or date, a page
//! or table number, an ordinal); or, failing all of those, unread. Does not read the prose:
//! the narrative states years, counts, changes and shares in the same sentences as its
//! figures, and its figures are confirmed instead by the checks against the tables.

use std::sync::LazyLock;

use regex::Regex;
use rust_decimal::Decimal;

use crate::FastMap;
use crate::amount::Amount;
use crate::model::{Audit, Diagnostic, Fact, SetAside, StatementAudit};
use crate::normalize::Line;
use crate::segment::TableSegment;
use crate::vocab::Statement;

/// At most this many unread lines are listed in a document's notes; the rest are counted.
const MAX_LISTED: usize = 60;

static NUMBER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\d(?:[\d,]*\d)?(?:\.\d+)?").expect("valid regex"));
/// A 栏次 / 行次 header row, or a line of column numbers.
static COLUMN_NUMBERS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"栏次|行次").expect("valid regex"));

/// What became of one number on a statement's line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Read,
    SetAside,
    NotFigure,
    Unread,
}

/// Audits a document's statements.
pub fn audit(tables: &[TableSegment], facts: &[Fact], set_aside: &[SetAside]) -> (Audit, Vec<Diagnostic>) {
    let mut by_line: FastMap<u32, (Vec<Decimal>, Vec<Decimal>)> = FastMap::default();
    for f in facts.iter().filter(|f| f.statement != Statement::Narrative) {
        by_line.entry(f.line).or_default().0.push(f.amount.value());
    }
    for a in set_aside {
        by_line.entry(a.line).or_default().1.push(a.amount.value());
    }
    let mut audit = Audit::default();
    let mut unread_lines = Vec::new();
    for table in tables {
        let (mut tokens, mut unread, mut read) = (0u32, 0u32, 0u32);
        for line in table.lines {
            let (mut read_here, mut aside_here) = by_line.remove(&line.no).unwrap_or_default();
            let mut missed = Vec::new();
            for (text, kind) in tokens_of(line, &mut read_here, &mut aside_here) {
                tokens += 1;
                match kind {
                    Token::Read => read += 1,
                    Token::SetAside => audit.set_aside += 1,
                    Token::NotFigure => audit.not_figures += 1,
                    Token::Unread => {
                        unread += 1;
                        missed.push(text);
                    }
                }
            }
            if !missed.is_empty() {
                unread_lines.push((line.no, table.statement, missed.join(" ")));
            }
        }
        audit.tokens += tokens;
        audit.read += read;
        audit.unread += unread;
        if read == 0 && unread > 0 {
            audit.unread_statements.push(table.statement);
        }
        audit.statements.push(StatementAudit { statement: table.statement, line: table.title_line, tokens, unread });
    }
    audit.unread_statements.sort();
    audit.unread_statements.dedup();
    let notes = notes(&audit.statements, &unread_lines);
    (audit, notes)
}

/// The notes: one per statement with unread figures, then one per unread line.
fn notes(statements: &[StatementAudit], unread_lines: &[(u32, Statement, String)]) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> =
        statements.iter().filter(|s| s.unread > 0).map(|s| Diagnostic::new(s.line, s.to_string())).collect();
    for (line, statement, text) in unread_lines.iter().take(MAX_LISTED) {
        out.push(Diagnostic::new(*line, format!("{statement}: not read: {text}")));
    }
    if unread_lines.len() > MAX_LISTED {
        let (line, ..) = unread_lines[MAX_LISTED];
        out.push(Diagnostic::new(
            line,
            format!("and {} more lines with numbers not read", unread_lines.len() - MAX_LISTED),
        ));
    }
    out
}

/// Every number of a line, classified. `read` and `aside` are the amounts the parsers took
/// from the line; each matches one token.
fn tokens_of(line: &Line, read: &mut Vec<Decimal>, aside: &mut Vec<Decimal>) -> Vec<(String, Token)> {
    let text = line.text.as_str();
    let column_numbers = COLUMN_NUMBERS.is_match(text) || is_number_row(text);
    let found: Vec<regex::Match> = NUMBER.find_iter(text).collect();
    let mut out: Vec<(String, Token)> = Vec::with_capacity(found.len());
    let take = |pool: &mut Vec<Decimal>, value: Option<Decimal>| {
        let i = value.and_then(|v| pool.iter().position(|r| *r == v));
        i.map(|i| pool.swap_remove(i)).is_some()
    };
    let mut k = 0;
    while let Some(m) = found.get(k) {
        let token = m.as_str();
        let value = Amount::parse(token).map(|a| a.value());
        // A value OCR split across two cells (`7.4` | `8`), read joined by the table parser.
        let joined = found.get(k + 1).and_then(|next| Amount::parse(&[token, next.as_str()].concat()));
        let kind = if take(read, value) {
            Token::Read
        } else if take(aside, value) {
            Token::SetAside
        } else if column_numbers || not_a_figure(text, m.start(), m.end(), k == 0) {
            Token::NotFigure
        } else if let Some(next) = found.get(k + 1).filter(|_| take(read, joined.map(|a| a.value()))) {
            out.push((token.to_string(), Token::Read));
            out.push((next.as_str().to_string(), Token::Read));
            k += 2;
            continue;
        } else {
            Token::Unread
        };
        out.push((token.to_string(), kind));
        k += 1;
    }
    out
}

/// `text` after the 款/项 parts of a code printed in columns (`   01    工资…` → `工资…`).
fn after_code_parts(text: &str) -> &str {
    let mut rest = text.trim_start();
    loop {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let spaced = rest[digits..].starts_with(char::is_whitespace);
        if !(1..=2).contains(&digits) || !spaced {
            return rest;
        }
        rest = rest[digits..].trim_start();
    }
}

/// A line of bare small integers: the column numbers under a header (1 2 3 4 …).
fn is_number_row(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    words.len() >= 2 && words.iter().all(|w| w.len() <= 2 && w.bytes().all(|b| b.is_ascii_digit()))
}

/// True when the number at `start..end` of `text` is not an amount by its form or place.
fn not_a_figure(text: &str, start: usize, end: usize, first: bool) -> bool {
    let token = &text[start..end];
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    let integer = token.bytes().all(|b| b.is_ascii_digit());
    let year = integer && token.len() == 4 && matches!(token.get(..2), Some("19" | "20"));
    let head = text[..start].chars().all(|c| c.is_whitespace() || "|-—(（".contains(c));
    // A code printed in parts (201 03 01) or a 行次 follows the head of the row.
    let code_run = integer && text[..start].chars().all(|c| c.is_whitespace() || c.is_ascii_digit());
    // A code printed before its name, anywhere on the line (the right half of a two-sided
    // table), or last on its line when the name wrapped to the next.
    // Its 款/项 parts may follow it (`501   01    工资奖金津补贴`).
    let named_code = integer
        && matches!(token.len(), 3 | 5 | 7)
        && after_code_parts(&text[end..]).chars().next().is_none_or(|c| !c.is_ascii() && c.is_alphabetic());
    matches!(after, Some('%' | '％' | '年' | '月' | '日' | '号' | '页' | '表' | '行' | '栏' | '、' | '）' | ')' | '-' | '—' | '+'))
        || matches!(before, Some('表' | '第' | '—' | '-' | '(' | '（' | '+'))
        || year
        // A code in brackets before its name (`[2080201]行政运行`).
        || (integer && matches!(before, Some('[' | '【')) && matches!(after, Some(']' | '】')))
        || (integer && (first && head || code_run))
        || named_code
        // 行次 and 栏次 numbers, ordinals and note numbers: a table's amounts carry decimals
        // or run to three digits and more.
        || (integer && token.len() <= 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str, read: &[&str], aside: &[&str]) -> Vec<(String, Token)> {
        let line = Line { no: 1, page: None, text: text.to_string() };
        let dec = |xs: &[&str]| xs.iter().map(|x| Amount::parse(x).unwrap().value()).collect::<Vec<_>>();
        tokens_of(&line, &mut dec(read), &mut dec(aside))
    }

    #[test]
    fn each_number_is_read_set_aside_not_a_figure_or_unread() {
        let got = kinds("  201  03  01   行政运行   1,234.50   0.00   12.30  5.1%", &["1234.5"], &["0"]);
        let want = [
            ("201", Token::NotFigure),
            ("03", Token::NotFigure),
            ("01", Token::NotFigure),
            ("1,234.50", Token::Read),
            ("0.00", Token::SetAside),
            ("12.30", Token::Unread),
            ("5.1", Token::NotFigure),
        ];
        let want: Vec<(String, Token)> = want.iter().map(|(t, k)| (t.to_string(), *k)).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn column_numbers_years_and_table_labels_are_not_figures() {
        assert!(kinds("栏次   1   2   3", &[], &[]).iter().all(|(_, k)| *k == Token::NotFigure));
        assert!(kinds("   1   2   3   4", &[], &[]).iter().all(|(_, k)| *k == Token::NotFigure));
        assert!(kinds("公开03表   2026年部门支出总表", &[], &[]).iter().all(|(_, k)| *k == Token::NotFigure));
        // A 行次 before the amounts, and an amount printed as an integer (in 元) unread.
        let got = kinds("3   一般公共预算拨款   535987052.4   335980000", &["535987052.4"], &[]);
        assert_eq!(got.iter().map(|(_, k)| *k).collect::<Vec<_>>(), [Token::NotFigure, Token::Read, Token::Unread]);
        // A second classification's code, in parts, after the first's name.
        let got = kinds("301   01    基本工资             501   01    工资奖金津补贴    145.81", &["145.81"], &[]);
        assert!(got.iter().all(|(t, k)| *k == Token::NotFigure || t == "145.81"), "{got:?}");
        // A code in brackets before its name.
        let got = kinds("  [2080201]行政运行     15,383.70", &["15383.70"], &[]);
        assert_eq!(got.iter().map(|(_, k)| *k).collect::<Vec<_>>(), [Token::NotFigure, Token::Read]);
    }
}
