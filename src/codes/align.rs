//! Codes for a table printed without a code column, by aligning its rows with a sibling's.
//!
//! Takes one document's facts; gives codes (`sibling_table`) to the function rows of a
//! statement that printed names only (their level is unknown), by aligning that statement's
//! names, in printed order, with the names of a sibling statement that prints codes — the
//! longest common subsequence, so that repeated names (`其他社会保障和就业支出` as 款 and as 项)
//! are told apart by their place. Does not touch a row the alignment does not reach.

use std::collections::BTreeSet;

use crate::model::{Code, Fact};
use crate::vocab::{CodeSource, Dimension, Statement};

use super::book::match_key;

/// A row of a statement: its line and matched name, and its code when printed.
#[derive(Debug, Clone)]
struct Row {
    line: u32,
    key: String,
    code: Option<Code>,
}

/// The distinct function rows of a statement, in line order.
fn rows(facts: &[Fact], statement: Statement, coded: bool) -> Vec<Row> {
    let mut out: Vec<Row> = Vec::new();
    for f in facts.iter().filter(|f| f.statement == statement && f.dimension == Dimension::Function) {
        let printed = f.code_source == Some(CodeSource::Printed);
        if coded != printed || (!coded && f.level.is_some()) {
            continue;
        }
        if out.iter().any(|r| r.line == f.line && r.key == match_key(&f.name)) {
            continue;
        }
        out.push(Row { line: f.line, key: match_key(&f.name), code: f.code.clone() });
    }
    out.sort_by_key(|r| r.line);
    out
}

/// Pairs of indexes (a, b) of a longest common subsequence of the two name lists.
fn lcs(a: &[Row], b: &[Row]) -> Vec<(usize, usize)> {
    let mut len = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            len[i][j] = if a[i].key == b[j].key { len[i + 1][j + 1] + 1 } else { len[i + 1][j].max(len[i][j + 1]) };
        }
    }
    let (mut i, mut j, mut pairs) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        if a[i].key == b[j].key {
            pairs.push((i, j));
            i += 1;
            j += 1;
        } else if len[i + 1][j] >= len[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    pairs
}

/// Aligns every uncoded statement with its best sibling and fills the codes it can.
pub fn align(facts: &mut [Fact]) {
    let statements: BTreeSet<Statement> = facts
        .iter()
        .filter(|f| {
            f.dimension == Dimension::Function
                && f.code.is_none()
                && f.level.is_none()
                && f.statement != Statement::Narrative
        })
        .map(|f| f.statement)
        .collect();
    for statement in statements {
        let uncoded = rows(facts, statement, false);
        let best = Statement::ALL
            .iter()
            .filter(|s| **s != statement)
            .map(|s| rows(facts, *s, true))
            .filter(|coded| !coded.is_empty())
            .map(|coded| (lcs(&uncoded, &coded), coded))
            .max_by_key(|(pairs, _)| pairs.len());
        let Some((pairs, coded)) = best else { continue };
        // A sibling that shares less than half the names is not the same table.
        if pairs.len() * 2 < uncoded.len() {
            continue;
        }
        for (i, j) in pairs {
            let (Some(code), row) = (coded[j].code.clone(), &uncoded[i]) else { continue };
            for f in facts.iter_mut().filter(|f| {
                f.statement == statement && f.line == row.line && match_key(&f.name) == row.key && f.code.is_none()
            }) {
                f.level = Some(code.level());
                f.code = Some(code.clone());
                f.code_source = Some(CodeSource::SiblingTable);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(statement: Statement, code: Option<&str>, name: &str, line: u32) -> Fact {
        Fact { line, ..Fact::sample(statement, code, name) }
    }

    #[test]
    fn repeated_names_take_the_codes_of_their_place() {
        let mut facts = vec![
            fact(Statement::T03, Some("208"), "社会保障和就业支出", 10),
            fact(Statement::T03, Some("20899"), "其他社会保障和就业支出", 11),
            fact(Statement::T03, Some("2089999"), "其他社会保障和就业支出", 12),
            fact(Statement::T03, Some("210"), "卫生健康支出", 13),
            fact(Statement::T05, None, "社会保障和就业支出", 20),
            fact(Statement::T05, None, "其他社会保障和就业支出", 21),
            fact(Statement::T05, None, "其他社会保障和就业支出", 22),
            fact(Statement::T05, None, "卫生健康支出", 23),
        ];
        align(&mut facts);
        let got: Vec<(u32, Option<&str>, Option<u8>)> =
            facts[4..].iter().map(|f| (f.line, f.code.as_ref().map(Code::as_str), f.level)).collect();
        assert_eq!(
            got,
            [
                (20, Some("208"), Some(1)),
                (21, Some("20899"), Some(2)),
                (22, Some("2089999"), Some(3)),
                (23, Some("210"), Some(1))
            ]
        );
        assert!(facts[4..].iter().all(|f| f.code_source == Some(CodeSource::SiblingTable)));
    }

    #[test]
    fn an_unrelated_sibling_gives_nothing() {
        let mut facts = vec![
            fact(Statement::T03, Some("201"), "一般公共服务支出", 10),
            fact(Statement::T05, None, "教育支出", 20),
            fact(Statement::T05, None, "卫生健康支出", 21),
        ];
        align(&mut facts);
        assert!(facts[1..].iter().all(|f| f.code.is_none()));
    }
}
