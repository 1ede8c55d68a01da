//! The reports' own arithmetic, checked.
//!
//! Takes one document's resolved facts and the code corrections made on it; gives its
//! [`Check`]s: every identity the tables print ([`within`]: children sum to their parent,
//! the 合计 row to its classes, total = basic + project, the 合计 fund column to the funds,
//! the 三公 total to its items) and every agreement between statements and with the prose
//! ([`across`]: t02 vs t03, t03 vs t05 where all money is 一般公共预算, t01/t04 classes vs
//! t03/t05, t06 人员经费 + 公用经费 vs t05 basic, narrative vs table). A check passes when
//! the figures are equal, is `rounding` when they differ by no more than one unit in the
//! last printed place per summed term (0.01 万元 each for 万元 tables), and fails otherwise.
//! Across reports, [`budgets`] checks a final account's 年初预算 against the department's
//! published budget of the same year, when the run has both.
//! Does not change any fact.

pub mod across;
pub mod budgets;
pub mod evidence;
pub mod within;

use rust_decimal::Decimal;

use crate::codes::Correction;
use crate::model::{Binds, Check, Fact};
use crate::vocab::{CheckStatus, CodeSource, Statement};

/// Checks one document.
pub fn reconcile(facts: &[Fact], corrections: &[Correction]) -> Vec<Check> {
    recheck(facts, corrections.iter().map(correction_check).collect())
}

/// Checks a document again after its codes changed (codes learned from the corpus): every
/// identity is re-evaluated; the code corrections, which the facts no longer show, are kept.
pub fn recheck(facts: &[Fact], previous: Vec<Check>) -> Vec<Check> {
    let mut checks = within::checks(facts);
    checks.extend(across::checks(facts));
    checks.extend(previous.into_iter().filter(|c| c.check.ends_with(".code_correction")));
    checks.sort_by(|a, b| (a.line, &a.check, &a.subject).cmp(&(b.line, &b.check, &b.subject)));
    checks
}

/// A printed total against the figures it is the sum (or the restatement) of.
pub struct Identity<'a> {
    pub check: String,
    pub subject: String,
    pub total: &'a Fact,
    pub terms: Vec<&'a Fact>,
    pub detail: String,
}

impl Identity<'_> {
    /// Evaluates the identity on the document's `facts`, which its figures are borrowed from;
    /// `None` when an amount cannot be expressed in yuan.
    pub fn evaluate(self, facts: &[Fact]) -> Option<Check> {
        let expected = self.total.amount_yuan()?;
        let actual = self.terms.iter().map(|t| t.amount_yuan()).sum::<Option<Decimal>>()?;
        // One unit in the last printed place per summed term, and of the total itself.
        let tolerance = self.terms.iter().map(|t| t.amount.ulp_yuan(t.unit)).max().unwrap_or_default()
            * Decimal::from(self.terms.len().max(1));
        let members = std::iter::once(self.total).chain(self.terms.iter().copied());
        let one_row = self.terms.iter().all(|t| t.line == self.total.line && t.statement == self.total.statement);
        let named = self.total.level == Some(0) || self.total.code_source == Some(CodeSource::Printed);
        let binds = match (one_row, named) {
            (false, _) => Binds::All,
            (true, true) => Binds::First,
            (true, false) => Binds::Nothing,
        };
        Some(Check {
            check: self.check,
            subject: self.subject,
            expected,
            actual,
            status: status(actual - expected, tolerance),
            detail: self.detail,
            line: self.total.line,
            members: members.filter_map(|f| place(facts, f)).collect(),
            binds,
        })
    }
}

/// The place of `f` in `facts`, which it is borrowed from: a check records its figures by
/// place, so that their evidence can be set once the checks are final. Computed from the
/// addresses (facts are one slice), and confirmed by identity, not by equality.
pub fn place(facts: &[Fact], f: &Fact) -> Option<u32> {
    let offset = (f as *const Fact as usize).checked_sub(facts.as_ptr() as usize)?;
    let i = offset / std::mem::size_of::<Fact>().max(1);
    let same = facts.get(i).is_some_and(|g| std::ptr::eq(g, f));
    same.then(|| u32::try_from(i).ok()).flatten()
}

/// Pass when equal, rounding within the tolerance, fail beyond it.
pub fn status(diff: Decimal, tolerance: Decimal) -> CheckStatus {
    if diff.is_zero() {
        CheckStatus::Pass
    } else if diff.abs() <= tolerance {
        CheckStatus::Rounding
    } else {
        CheckStatus::Fail
    }
}

/// `{statement}.{what}`, a check's name, built without the formatting machinery: a document
/// has hundreds of checks.
fn check_name(statement: Statement, what: &str) -> String {
    [statement.as_str(), ".", what].concat()
}

/// `{head} = {term} + {term} + …`: what a sum check adds up.
fn sum_detail(head: &str, terms: Vec<&str>) -> String {
    let mut out = String::with_capacity(head.len() + 3 + terms.iter().map(|t| t.len() + 3).sum::<usize>());
    out.push_str(head);
    out.push_str(" = ");
    for (i, term) in terms.into_iter().enumerate() {
        if i > 0 {
            out.push_str(" + ");
        }
        out.push_str(term);
    }
    out
}

/// A row's subject: its code, else its name.
pub fn subject(f: &Fact) -> &str {
    f.code.as_ref().map_or(f.name.as_str(), |c| c.as_str())
}

fn correction_check(c: &Correction) -> Check {
    let kids: Vec<&str> = c.children.iter().map(|k| k.as_str()).collect();
    Check {
        check: format!("{}.code_correction", c.statement),
        subject: format!("{}→{}", c.printed, c.corrected),
        expected: c.amount,
        actual: c.sum,
        status: status(c.sum - c.amount, c.tolerance),
        detail: format!(
            "printed code {} on {} read as {}: {} = {}",
            c.printed,
            c.name,
            c.corrected,
            c.corrected,
            kids.join(" + ")
        ),
        line: c.line,
        members: Vec::new(),
        binds: Binds::Nothing,
    }
}
