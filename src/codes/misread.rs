//! Printed codes that OCR misread, corrected only on evidence.
//!
//! Takes one document's facts; gives the corrections it made. A printed code is corrected
//! when three things agree: the code is in no edition of the reference; the row's name is,
//! uniquely, another code's; and the table's own arithmetic makes the row that code's parent
//! (it equals the sum of the rows printed with that code's children, in every column where
//! they print, within the rounding of the printed figures). `13113 对个人和家庭的补助 193.37`
//! with `30301 30.39` and `30302 162.98` below it becomes 303. Anything less leaves the
//! printed code alone.

use rust_decimal::Decimal;

use crate::model::{Code, Fact};
use crate::vocab::{CodeSource, Dimension, Statement};

use super::book::Found;
use super::reference::REFERENCE;

/// One corrected code, for the document's notes and checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    pub statement: Statement,
    pub line: u32,
    pub printed: String,
    pub corrected: Code,
    pub name: String,
    /// The children whose sum is the evidence, as printed.
    pub children: Vec<Code>,
    /// The row's amount in yuan (first column), and its children's sum.
    pub amount: Decimal,
    pub sum: Decimal,
    /// The rounding the printed figures admit (one unit in the last place per child).
    pub tolerance: Decimal,
}

/// Finds and applies every correction the evidence supports.
pub fn correct(facts: &mut [Fact], year: Option<i16>) -> Vec<Correction> {
    let suspects: Vec<usize> = (0..facts.len()).filter(|&i| is_suspect(&facts[i])).collect();
    let mut corrections = Vec::new();
    for i in suspects {
        let Some(correction) = evidence(facts, i, year) else { continue };
        let same_row = |f: &Fact| {
            f.statement == correction.statement
                && f.line == correction.line
                && f.code.as_ref().is_some_and(|c| c.as_str() == correction.printed)
        };
        for f in facts.iter_mut().filter(|f| same_row(f)) {
            f.level = Some(correction.corrected.level());
            f.code = Some(correction.corrected.clone());
            f.code_source = Some(CodeSource::Standard);
        }
        if !corrections.iter().any(|c: &Correction| c.line == correction.line && c.printed == correction.printed) {
            corrections.push(correction);
        }
    }
    corrections
}

fn is_suspect(f: &Fact) -> bool {
    matches!(f.dimension, Dimension::Function | Dimension::Economic)
        && f.code_source == Some(CodeSource::Printed)
        && f.code.as_ref().is_some_and(|c| !REFERENCE.knows(f.dimension, c))
}

/// The correction for fact `i`, if the name and the arithmetic both point to one code.
fn evidence(facts: &[Fact], i: usize, year: Option<i16>) -> Option<Correction> {
    let row = &facts[i];
    let candidate =
        REFERENCE.books(row.dimension, year).into_iter().find_map(|b| match b.find(&row.name, None, &[]) {
            Found::One(c) => Some(c),
            _ => None,
        })?;
    // Every column of the row where the candidate's children print must add up.
    let columns: Vec<&Fact> =
        facts.iter().filter(|f| f.statement == row.statement && f.line == row.line && f.code == row.code).collect();
    let mut children_seen: Vec<Code> = Vec::new();
    let mut first: Option<(Decimal, Decimal, Decimal)> = None;
    for col in &columns {
        let kids: Vec<&Fact> = facts
            .iter()
            .filter(|f| {
                f.statement == col.statement
                    && (f.fund_scope, f.split, f.measure) == (col.fund_scope, col.split, col.measure)
                    && f.code_source == Some(CodeSource::Printed)
                    && f.code.as_ref().and_then(Code::parent).as_ref() == Some(&candidate)
            })
            .collect();
        if kids.is_empty() {
            continue;
        }
        let sum: Decimal = kids.iter().filter_map(|k| k.amount_yuan()).sum();
        let amount = col.amount_yuan()?;
        let tolerance: Decimal = kids.iter().map(|k| k.amount.ulp_yuan(k.unit)).sum();
        if (sum - amount).abs() > tolerance {
            return None;
        }
        for k in kids {
            if let Some(c) = &k.code
                && !children_seen.contains(c)
            {
                children_seen.push(c.clone());
            }
        }
        first.get_or_insert((amount, sum, tolerance));
    }
    let (amount, sum, tolerance) = first?;
    children_seen.sort();
    Some(Correction {
        statement: row.statement,
        line: row.line,
        printed: row.code.as_ref()?.as_str().to_string(),
        corrected: candidate,
        name: row.name.clone(),
        children: children_seen,
        amount,
        sum,
        tolerance,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amount::Amount;
    use crate::vocab::FundScope;

    fn fact(code: &str, name: &str, amount: &str, line: u32) -> Fact {
        Fact {
            fund_scope: FundScope::Gpb,
            dimension: Dimension::Economic,
            amount: Amount::parse(amount).unwrap(),
            line,
            ..Fact::sample(Statement::T06, Some(code), name)
        }
    }

    #[test]
    fn name_and_arithmetic_together_correct_a_misread_code() {
        let mut facts = vec![
            fact("13113", "对个人和家庭的补助", "193.37", 284),
            fact("30301", "离休费", "30.39", 285),
            fact("30302", "退休费", "162.98", 286),
        ];
        let corrections = correct(&mut facts, Some(2023));
        assert_eq!(corrections.len(), 1);
        assert_eq!(corrections[0].children.iter().map(Code::as_str).collect::<Vec<_>>(), ["30301", "30302"]);
        assert_eq!(facts[0].code.as_ref().map(Code::as_str), Some("303"));
        assert_eq!((facts[0].level, facts[0].code_source), (Some(1), Some(CodeSource::Standard)));
    }

    #[test]
    fn without_the_arithmetic_the_printed_code_stays() {
        let mut facts = vec![fact("13113", "对个人和家庭的补助", "193.37", 284), fact("30301", "离休费", "30.39", 285)];
        assert!(correct(&mut facts, Some(2023)).is_empty());
        assert_eq!(facts[0].code.as_ref().map(Code::as_str), Some("13113"));
        let mut alone = vec![fact("13113", "对个人和家庭的补助", "193.37", 284)];
        assert!(correct(&mut alone, Some(2023)).is_empty(), "no children, no evidence");
    }

    #[test]
    fn a_known_code_is_never_a_suspect() {
        let mut facts = vec![fact("303", "离休费", "193.37", 284), fact("30301", "离休费", "193.37", 285)];
        assert!(correct(&mut facts, Some(2023)).is_empty());
    }
}
