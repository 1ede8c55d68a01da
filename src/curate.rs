//! Facts to the curated datasets: one chosen value per key.
//!
//! Takes one document's facts; gives the rows of `functional_expenditure` (the functional
//! and expenditure-total facts), each with `is_primary` set on exactly one row per (fund
//! scope, code — or level and name when there is no code —, split, measure). Tables beat the
//! narrative; among tables the statement that owns the fund scope beats a restatement (t03 for
//! all funds, t05 for the general public budget, t04 for appropriations); a printed code beats
//! a resolved one; then the earliest line. Does not change any fact.

use std::collections::HashMap;

use crate::model::Fact;
use crate::vocab::{CodeSource, Dimension, FundScope, Statement};

/// A `functional_expenditure` row: a fact and whether it is the key's chosen value.
#[derive(Debug, Clone, Copy)]
pub struct Curated<'a> {
    pub fact: &'a Fact,
    pub is_primary: bool,
}

/// The functional rows of one document, in fact order.
pub fn functional(facts: &[Fact]) -> Vec<Curated<'_>> {
    let rows: Vec<&Fact> = facts.iter().filter(|f| is_functional(f)).collect();
    let mut best: HashMap<Key, (Rank, usize)> = HashMap::new();
    for (i, f) in rows.iter().enumerate() {
        let rank = rank(f);
        best.entry(key(f))
            .and_modify(|b| {
                if rank < b.0 {
                    *b = (rank, i)
                }
            })
            .or_insert((rank, i));
    }
    rows.iter()
        .enumerate()
        .map(|(i, f)| Curated { fact: f, is_primary: best.get(&key(f)).is_some_and(|b| b.1 == i) })
        .collect()
}

/// Function rows of the expenditure statements and the narrative, and their total rows.
fn is_functional(f: &Fact) -> bool {
    let statement_ok = matches!(
        f.statement,
        Statement::T03 | Statement::T04 | Statement::T05 | Statement::T07 | Statement::T08 | Statement::Narrative
    );
    let row_ok = match f.dimension {
        Dimension::Function => true,
        Dimension::Total => match f.statement {
            Statement::T03 | Statement::T05 | Statement::T07 | Statement::T08 => true,
            // A t04's revenue-side totals and the narrative's 收入/收支 totals are not spending.
            _ => f.name.contains('支') && !f.name.contains('收'),
        },
        _ => false,
    };
    statement_ok && row_ok
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    fund_scope: FundScope,
    code: Option<String>,
    level: Option<u8>,
    /// Only for rows with neither code nor total level: they are told apart by name.
    name: Option<String>,
    split: crate::vocab::Split,
    measure: crate::vocab::Measure,
}

fn key(f: &Fact) -> Key {
    let uncoded_item = f.code.is_none() && f.level != Some(0);
    Key {
        fund_scope: f.fund_scope,
        code: f.code.as_ref().map(|c| c.as_str().to_string()),
        level: if f.code.is_none() { f.level } else { None },
        name: uncoded_item.then(|| f.name.clone()),
        split: f.split,
        measure: f.measure,
    }
}

/// Lower is better.
type Rank = (u8, u8, u8, u32);

fn rank(f: &Fact) -> Rank {
    let narrative = u8::from(f.statement == Statement::Narrative);
    let owner = match (f.fund_scope, f.statement) {
        (FundScope::All, Statement::T03)
        | (FundScope::Gpb, Statement::T05)
        | (FundScope::Fiscal, Statement::T04)
        | (FundScope::GovFund, Statement::T07)
        | (FundScope::SoeCapital, Statement::T08) => 0,
        _ => 1,
    };
    let code = match f.code_source {
        Some(CodeSource::Printed) => 0,
        Some(CodeSource::SiblingTable) => 1,
        Some(CodeSource::Standard) => 2,
        Some(CodeSource::Corpus) => 3,
        None => 4,
    };
    (narrative, owner, code, f.line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amount::Amount;
    use crate::model::Code;
    use crate::vocab::{Measure, Split, Unit};

    fn fact(statement: Statement, scope: FundScope, code: Option<&str>, name: &str, line: u32) -> Fact {
        Fact {
            statement,
            fund_scope: scope,
            dimension: if code.is_some() || !name.contains("合计") { Dimension::Function } else { Dimension::Total },
            code: code.and_then(Code::parse),
            code_source: code.map(|_| CodeSource::Printed),
            level: Some(code.map_or(0, |c| Code::parse(c).map_or(0, |c| c.level()))),
            name: name.into(),
            path: vec![],
            split: Split::Total,
            measure: Measure::Final,
            amount: Amount::parse("1.00").unwrap(),
            unit: Unit::Wan,
            line,
            page: None,
        }
    }

    #[test]
    fn tables_beat_the_narrative_and_the_owner_beats_a_restatement() {
        let facts = vec![
            fact(Statement::T04, FundScope::Gpb, Some("201"), "一般公共服务支出", 10),
            fact(Statement::T05, FundScope::Gpb, Some("201"), "一般公共服务支出", 20),
            fact(Statement::Narrative, FundScope::Gpb, Some("201"), "一般公共服务支出", 30),
            fact(Statement::T03, FundScope::All, Some("201"), "一般公共服务支出", 5),
        ];
        let primary: Vec<(u32, bool)> = functional(&facts).iter().map(|c| (c.fact.line, c.is_primary)).collect();
        assert_eq!(primary, [(10, false), (20, true), (30, false), (5, true)]);
    }

    #[test]
    fn totals_share_one_key_whatever_their_name() {
        let facts = vec![
            fact(Statement::T03, FundScope::All, None, "合计", 5),
            fact(Statement::Narrative, FundScope::All, None, "支出合计", 50),
            fact(Statement::Narrative, FundScope::All, None, "收入合计", 40),
        ];
        let primary: Vec<(u32, bool)> = functional(&facts).iter().map(|c| (c.fact.line, c.is_primary)).collect();
        assert_eq!(primary, [(5, true), (50, false)], "收入合计 is not spending");
    }
}
