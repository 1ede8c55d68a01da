//! Classification codes for rows that do not print one.
//!
//! Takes one document's facts; fills `code`, `code_source` and, where it was unknown, `level`
//! of function and economic rows that have a name but no code, and gives a diagnostic for
//! each row it could not resolve without guessing. A row is resolved from a sibling table of
//! the same report (`sibling_table`): another statement that prints the same name with a code
//! at the same level. A name that maps to two codes is ambiguous and stays unresolved. Does
//! not change a printed code.

use std::collections::{BTreeSet, HashMap};

use crate::model::{Code, Diagnostic, Fact};
use crate::vocab::{CodeSource, Dimension, Statement};

/// A name as matched across statements: brackets of either width are the same bracket.
fn match_key(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            c => c,
        })
        .collect()
}

/// Resolves what it can; gives a diagnostic for every coded-dimension row left without a code.
pub fn resolve(facts: &mut [Fact]) -> Vec<Diagnostic> {
    let printed = printed_index(facts);
    let mut diagnostics = Vec::new();
    for fact in facts.iter_mut() {
        if fact.code.is_some() || !matches!(fact.dimension, Dimension::Function | Dimension::Economic) {
            continue;
        }
        if fact.level == Some(0) || fact.name.is_empty() {
            continue;
        }
        let candidates = printed.get(&(fact.dimension, match_key(&fact.name))).map(|by| {
            by.iter()
                .filter(|(s, c)| *s != fact.statement && fact.level.is_none_or(|l| c.level() == l))
                .map(|(_, c)| c.clone())
                .collect::<BTreeSet<Code>>()
        });
        match candidates {
            Some(codes) if codes.len() == 1 => {
                let code = codes.into_iter().next().expect("one code");
                fact.level = Some(code.level());
                fact.code = Some(code);
                fact.code_source = Some(CodeSource::SiblingTable);
            }
            Some(codes) if codes.len() > 1 => {
                let list: Vec<&str> = codes.iter().map(Code::as_str).collect();
                diagnostics.push(Diagnostic::new(
                    fact.line,
                    format!("{}: ambiguous code for {:?}: {}", fact.statement, fact.name, list.join(" or ")),
                ));
            }
            _ => diagnostics
                .push(Diagnostic::new(fact.line, format!("{}: no code found for {:?}", fact.statement, fact.name))),
        }
    }
    diagnostics
}

/// Every (dimension, name) that a statement prints with a code.
fn printed_index(facts: &[Fact]) -> HashMap<(Dimension, String), Vec<(Statement, Code)>> {
    let mut index: HashMap<(Dimension, String), Vec<(Statement, Code)>> = HashMap::new();
    for f in facts {
        if let (Some(code), Some(CodeSource::Printed)) = (&f.code, f.code_source) {
            let entry = index.entry((f.dimension, match_key(&f.name))).or_default();
            if !entry.iter().any(|(s, c)| *s == f.statement && c == code) {
                entry.push((f.statement, code.clone()));
            }
        }
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amount::Amount;
    use crate::vocab::{FundScope, Measure, Split, Unit};

    fn fact(statement: Statement, code: Option<&str>, level: Option<u8>, name: &str) -> Fact {
        Fact {
            statement,
            fund_scope: FundScope::All,
            dimension: Dimension::Function,
            code: code.and_then(Code::parse),
            code_source: code.map(|_| CodeSource::Printed),
            level,
            name: name.into(),
            path: vec![],
            split: Split::Total,
            measure: Measure::Final,
            amount: Amount::parse("1.00").unwrap(),
            unit: Unit::Wan,
            line: 1,
            page: None,
        }
    }

    #[test]
    fn a_class_row_takes_the_code_its_sibling_prints() {
        let mut facts = vec![
            fact(Statement::T03, Some("221"), Some(1), "住房保障支出"),
            fact(Statement::T01, None, Some(1), "住房保障支出"),
        ];
        assert!(resolve(&mut facts).is_empty());
        assert_eq!(facts[1].code.as_ref().map(Code::as_str), Some("221"));
        assert_eq!(facts[1].code_source, Some(CodeSource::SiblingTable));
    }

    #[test]
    fn same_name_at_another_level_is_not_a_match_and_two_codes_are_ambiguous() {
        let mut facts = vec![
            fact(Statement::T03, Some("20899"), Some(2), "其他社会保障和就业支出"),
            fact(Statement::T03, Some("2089999"), Some(3), "其他社会保障和就业支出"),
            fact(Statement::T01, None, Some(1), "其他社会保障和就业支出"),
            fact(Statement::T05, None, None, "其他社会保障和就业支出"),
        ];
        let d = resolve(&mut facts);
        assert!(facts[2].code.is_none() && facts[3].code.is_none());
        assert_eq!(d.len(), 2);
        assert!(d[1].message.contains("20899 or 2089999"), "{}", d[1].message);
    }
}
