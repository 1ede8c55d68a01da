//! Budget against final accounts, across the reports of a run.
//!
//! Takes, in a run's first pass, the budget documents' totals and class figures
//! ([`BudgetIndex::learn`]); gives, in the second, a `budget_vs_final` check for every
//! 年初预算 figure a final account states for the same department, year, fund scope, class (or
//! total) and split: the budget the department published at the start of the year against
//! the 年初预算 its final account says it had. Does not compare anything inside one report.

use std::collections::HashMap;

use crate::curate;
use crate::model::{Check, Document, Fact};
use crate::vocab::{Dimension, FundScope, Measure, Phase, Split};

use super::status;

/// (department, year, fund scope, class code or "" for the total, split).
type Key = (String, i16, FundScope, String, Split);

/// The published budgets of a run: one figure per key, with its tolerance.
#[derive(Debug, Default)]
pub struct BudgetIndex {
    figures: HashMap<Key, (rust_decimal::Decimal, rust_decimal::Decimal, String)>,
}

/// The key of a total or class row, if it has one.
fn key(doc: &Document, f: &Fact) -> Option<Key> {
    let department = doc.meta.department.clone()?;
    let year = doc.meta.fiscal_year?;
    let class = match (f.dimension, f.level) {
        (Dimension::Total, Some(0)) => String::new(),
        (Dimension::Function, Some(1)) => f.code.as_ref()?.as_str().to_string(),
        _ => return None,
    };
    Some((department, year, f.fund_scope, class, f.split))
}

impl BudgetIndex {
    /// Adds a budget document's primary class and total figures.
    pub fn learn(&mut self, doc: &Document) {
        if doc.meta.phase != Some(Phase::Budget) {
            return;
        }
        for row in
            curate::functional(&doc.facts).into_iter().filter(|c| c.is_primary && c.fact.measure == Measure::Budget)
        {
            let f = row.fact;
            if let (Some(k), Some(yuan)) = (key(doc, f), f.amount_yuan()) {
                let where_ = format!("{} line {}", doc.source_file, f.line);
                self.figures.entry(k).or_insert((yuan, f.amount.ulp_yuan(f.unit), where_));
            }
        }
    }

    /// The checks of a final account's 年初预算 figures against the published budget.
    pub fn checks(&self, doc: &Document) -> Vec<Check> {
        if doc.meta.phase != Some(Phase::Final) || self.figures.is_empty() {
            return Vec::new();
        }
        doc.facts
            .iter()
            .filter(|f| f.measure == Measure::InitialBudget)
            .filter_map(|f| {
                let (budget, ulp, where_) = self.figures.get(&key(doc, f)?)?;
                let actual = f.amount_yuan()?;
                let tolerance = (*ulp).max(f.amount.ulp_yuan(f.unit));
                Some(Check {
                    check: "budget_vs_final".to_string(),
                    subject: f.code.as_ref().map_or_else(|| f.name.clone(), |c| c.as_str().to_string()),
                    expected: *budget,
                    actual,
                    status: status(actual - budget, tolerance),
                    detail: format!("年初预算 line {} = the published budget ({where_})", f.line),
                    line: f.line,
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
        }
    }

    #[test]
    fn a_final_account_s_initial_budget_meets_the_published_budget() {
        let mut index = BudgetIndex::default();
        index.learn(&doc(Phase::Budget, vec![class(Statement::T05, Measure::Budget, "100.00")]));
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
