//! Budget against final accounts, across the reports of a run.
//!
//! Takes a department's published budget document and its final account of the same year (the
//! run pairs them by department and year, see `pipeline`); gives a `budget_vs_final` check for
//! every 年初预算 figure the final account states for a fund scope, class (or total) and split
//! that the budget prints: the budget the department published at the start of the year
//! against the 年初预算 its final account says it had. Does not compare anything inside one
//! report.

use std::collections::HashMap;

use rust_decimal::Decimal;

use crate::curate;
use crate::model::{Check, Document, Fact};
use crate::vocab::{Dimension, FundScope, Measure, Phase, Split};

use super::status;

/// (fund scope, class code or "" for the total, split).
type Key = (FundScope, String, Split);

/// The figures of one published budget that a final account can restate.
#[derive(Debug, Default)]
pub struct Budget {
    figures: HashMap<Key, (Decimal, Decimal, u32)>,
    source_file: String,
}

/// The key of a total or class row, if it has one.
fn key(f: &Fact) -> Option<Key> {
    let class = match (f.dimension, f.level) {
        (Dimension::Total, Some(0)) => String::new(),
        (Dimension::Function, Some(1)) => f.code.as_ref()?.as_str().to_string(),
        _ => return None,
    };
    Some((f.fund_scope, class, f.split))
}

/// The (department, year) a document speaks for, when it says both.
pub fn pair_key(doc: &Document) -> Option<(String, i16)> {
    Some((doc.meta.department.clone()?, doc.meta.fiscal_year?))
}

impl Budget {
    /// The primary class and total figures of a budget document.
    pub fn of(doc: &Document) -> Budget {
        let mut budget = Budget { source_file: doc.source_file.clone(), ..Budget::default() };
        if doc.meta.phase != Some(Phase::Budget) {
            return budget;
        }
        for row in
            curate::functional(&doc.facts).into_iter().filter(|c| c.is_primary && c.fact.measure == Measure::Budget)
        {
            let f = row.fact;
            if let (Some(k), Some(yuan)) = (key(f), f.amount_yuan()) {
                budget.figures.entry(k).or_insert((yuan, f.amount.ulp_yuan(f.unit), f.line));
            }
        }
        budget
    }

    /// The checks of a final account's 年初预算 figures against this budget.
    pub fn checks(&self, doc: &Document) -> Vec<Check> {
        if doc.meta.phase != Some(Phase::Final) {
            return Vec::new();
        }
        doc.facts
            .iter()
            .zip(0u32..)
            .filter(|(f, _)| f.measure == Measure::InitialBudget)
            .filter_map(|(f, place)| {
                let (budget, ulp, line) = self.figures.get(&key(f)?)?;
                let actual = f.amount_yuan()?;
                let tolerance = (*ulp).max(f.amount.ulp_yuan(f.unit));
                Some(Check {
                    check: "budget_vs_final".to_string(),
                    subject: f.code.as_ref().map_or_else(|| f.name.clone(), |c| c.as_str().to_string()),
                    expected: *budget,
                    actual,
                    status: status(actual - budget, tolerance),
                    detail: format!(
                        "年初预算 line {} = the published budget ({} line {line})",
                        f.line, self.source_file
                    ),
                    line: f.line,
                    members: vec![place],
                    binds: crate::model::Binds::All,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amount::Amount;
    use crate::model::{Code, Meta};
    use crate::vocab::{CheckStatus, CodeSource, Statement, Status, Unit};

    fn doc(phase: Phase, facts: Vec<Fact>) -> Document {
        Document {
            report_id: "r".into(),
            source_file: format!("{phase}.txt"),
            status: Status::Ok,
            error: None,
            meta: Meta {
                department: Some("某局".into()),
                fiscal_year: Some(2024),
                phase: Some(phase),
                unit: Some(Unit::Wan),
            },
            statements: vec![],
            facts,
            checks: vec![],
            notes: vec![],
            audit: Default::default(),
        }
    }

    fn class(statement: Statement, measure: Measure, amount: &str) -> Fact {
        Fact {
            statement,
            fund_scope: FundScope::Gpb,
            dimension: Dimension::Function,
            code: Code::parse("201"),
            code_source: Some(CodeSource::Printed),
            level: Some(1),
            name: "一般公共服务支出".into(),
            path: vec![],
            split: Split::Total,
            measure,
            amount: Amount::parse(amount).unwrap(),
            unit: Unit::Wan,
            line: 9,
            page: None,
            evidence: crate::vocab::Evidence::Unchecked,
        }
    }

    #[test]
    fn a_final_account_s_initial_budget_meets_the_published_budget() {
        let index = Budget::of(&doc(Phase::Budget, vec![class(Statement::T05, Measure::Budget, "100.00")]));
        let same =
            index.checks(&doc(Phase::Final, vec![class(Statement::Narrative, Measure::InitialBudget, "100.00")]));
        assert_eq!(
            same.iter().map(|c| (c.check.as_str(), c.status)).collect::<Vec<_>>(),
            [("budget_vs_final", CheckStatus::Pass)]
        );
        let other =
            index.checks(&doc(Phase::Final, vec![class(Statement::Narrative, Measure::InitialBudget, "90.00")]));
        assert_eq!(other[0].status, CheckStatus::Fail);
        let finals_only = index.checks(&doc(Phase::Final, vec![class(Statement::T05, Measure::Final, "90.00")]));
        assert!(finals_only.is_empty());
    }
}
