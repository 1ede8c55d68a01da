//! What the stages produce: classification codes, facts, checks and the per-document result.
//!
//! Takes nothing; gives the records that flow from the parsers through `codes` and
//! `reconcile` to the `sink`. Every record that came from the text carries the line it came
//! from, so that each figure in the output can be traced back.

use rust_decimal::Decimal;
use std::fmt;

use crate::amount::Amount;
use crate::vocab::{
    CheckStatus, CodeSource, Dimension, Evidence, FundScope, Measure, Phase, Split, Statement, Status, Unit,
};

/// A functional (3/5/7 digits: 类/款/项) or economic (3/5 digits) classification code.
/// Deserialized through [`Code::parse`], so a cached code holds the same shape as a parsed one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String")]
pub struct Code(Box<str>);

impl TryFrom<String> for Code {
    type Error = String;

    fn try_from(text: String) -> Result<Code, String> {
        Code::parse(&text).ok_or_else(|| format!("not a classification code: {text:?}"))
    }
}

impl Code {
    /// Accepts 3, 5 or 7 ASCII digits not starting with 0.
    pub fn parse(text: &str) -> Option<Code> {
        let ok = matches!(text.len(), 3 | 5 | 7) && text.bytes().all(|b| b.is_ascii_digit()) && !text.starts_with('0');
        ok.then(|| Code(text.into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// 1 for a 类 (or 3-digit economic code), 2 for a 款, 3 for a 项.
    pub fn level(&self) -> u8 {
        match self.0.len() {
            3 => 1,
            5 => 2,
            _ => 3,
        }
    }

    /// The code one level up: 2010350 → 20103 → 201 → none.
    pub fn parent(&self) -> Option<Code> {
        self.parent_str().map(|p| Code(p.into()))
    }

    /// The parent's digits, without building a [`Code`].
    pub fn parent_str(&self) -> Option<&str> {
        match self.0.len() {
            5 | 7 => self.0.get(..self.0.len() - 2),
            _ => None,
        }
    }

    /// True when `self` is `other` or one of its ancestors.
    pub fn contains(&self, other: &Code) -> bool {
        other.0.starts_with(&*self.0)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One printed amount with everything needed to place it: the `facts` row before the
/// document-level columns are added.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Fact {
    pub statement: Statement,
    pub fund_scope: FundScope,
    pub dimension: Dimension,
    pub code: Option<Code>,
    pub code_source: Option<CodeSource>,
    /// 0 total, 1 类 / 3-digit economic / item, 2 款 / 5-digit economic / sub-item, 3 项.
    /// `None` only while a code is still to be resolved.
    pub level: Option<u8>,
    pub name: String,
    /// The names of the row's ancestors, outermost first, when the text shows them (a
    /// narrative 类/款/项 path): what code resolution matches on. Not written out.
    pub path: Vec<String>,
    pub split: Split,
    pub measure: Measure,
    pub amount: Amount,
    pub unit: Unit,
    /// 1-based line where the amount begins.
    pub line: u32,
    /// 1-based page, where the input marks pages.
    pub page: Option<u16>,
    /// What the report's arithmetic says of the figure: set by `reconcile::evidence` once the
    /// document's checks are final, `Unchecked` until then.
    pub evidence: Evidence,
}

impl Fact {
    /// The amount in yuan, exact at scale 2 (facts whose amount cannot be stored exactly are
    /// never created: see [`Amount::to_yuan`]).
    pub fn amount_yuan(&self) -> Option<Decimal> {
        self.amount.to_yuan(self.unit)
    }
}

/// Something a parser noticed and could not turn into a fact: written to the document's
/// `notes` so that a user can see what was left out and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    pub line: u32,
    pub message: String,
}

impl Diagnostic {
    pub fn new(line: u32, message: impl Into<String>) -> Diagnostic {
        Diagnostic { line, message: message.into() }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// What a parser stage gives: facts, the printed amounts it read and chose not to record
/// (and why), and what it could not read.
#[derive(Debug, Default, Clone)]
pub struct Parsed {
    pub facts: Vec<Fact>,
    pub set_aside: Vec<SetAside>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    pub fn extend(&mut self, other: Parsed) {
        self.facts.extend(other.facts);
        self.set_aside.extend(other.set_aside);
        self.diagnostics.extend(other.diagnostics);
    }
}

/// A printed amount a table parser read and, by the output contract, does not record: the
/// self-audit counts it as accounted for, not as unread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SetAside {
    pub line: u32,
    pub amount: Amount,
    pub why: AsideReason,
}

/// Why a read amount is not a fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsideReason {
    /// A zero in a cell the contract keeps no zero for (an empty cell printed as 0.00).
    Zero,
    /// A column the contract has no split or measure for (事业收入, 人员经费 under a 基本支出
    /// group, 其中 columns).
    NoMeaning,
    /// The same figure printed again on its row (a subtotal column, 总计 on both halves).
    Repeat,
    /// A row of one of the department's units in a table by unit (the department's figures
    /// are its total row).
    UnitRow,
}

/// What a document's self-audit found: the amount-like tokens printed in its statements and
/// what became of them (docs/schema.md, "Evidence").
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Audit {
    /// Amount-like tokens on the lines of the statements found.
    pub tokens: u32,
    /// Tokens that became facts.
    pub read: u32,
    /// Tokens recognised as not figures: codes, 行次 / 栏次 numbers, percentages, dates,
    /// page and table numbers.
    pub not_figures: u32,
    /// Tokens read as figures that the contract does not record (see [`AsideReason`]).
    pub set_aside: u32,
    /// Tokens none of the above: figures the parsers did not read.
    pub unread: u32,
    /// Statements found, holding figures, of which not one was read.
    pub unread_statements: Vec<Statement>,
    /// Each statement segment's own count, in document order.
    pub statements: Vec<StatementAudit>,
}

/// The self-audit of one statement segment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StatementAudit {
    pub statement: Statement,
    /// The line of its title.
    pub line: u32,
    pub tokens: u32,
    pub unread: u32,
}

impl fmt::Display for StatementAudit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} of {} printed numbers not read", self.statement, self.unread, self.tokens)
    }
}

impl Audit {
    /// The share of tokens accounted for (read, recognised as not figures, or set aside);
    /// `None` for a document whose statements print no amount.
    pub fn coverage(&self) -> Option<f64> {
        (self.tokens > 0).then(|| f64::from(self.tokens - self.unread) / f64::from(self.tokens))
    }
}

/// One arithmetic identity or cross-statement agreement, tested.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Check {
    /// The check's id, e.g. `t03.basic_plus_project` (docs/schema.md lists them).
    pub check: String,
    /// The row or code the check is about.
    pub subject: String,
    /// In yuan.
    #[serde(with = "crate::amount::decimal_bytes")]
    pub expected: Decimal,
    /// In yuan.
    #[serde(with = "crate::amount::decimal_bytes")]
    pub actual: Decimal,
    pub status: CheckStatus,
    pub detail: String,
    pub line: u32,
    /// The places in the document's `facts` of the figures the check compares: what its
    /// outcome is evidence for or against. Empty for a check about something else (a code
    /// correction). The total (or the restated figure) comes first.
    pub members: Vec<u32>,
    /// Which members the check holding confirms.
    pub binds: Binds,
}

/// Which of a check's members it confirms when it holds (docs/schema.md, "Evidence").
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Binds {
    /// Every member: figures of different rows or statements, each named by its own row.
    All,
    /// The first only. A sum of the columns of one row (total = basic + project, t09's 合计 =
    /// its items) holds whichever column is called which: it binds the total, whose row is
    /// named by a printed code or is a 合计 row, not what its terms are called.
    First,
    /// None: a sum of one row's columns whose row is named only by its text (no printed
    /// code), which a layout misread may have put beside another row's figures.
    Nothing,
}

impl Check {
    /// `actual − expected`, in yuan.
    pub fn diff(&self) -> Decimal {
        self.actual - self.expected
    }
}

/// What the report says about itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Meta {
    pub department: Option<String>,
    pub fiscal_year: Option<i16>,
    pub phase: Option<Phase>,
    /// The unit most of its tables (or, without tables, its prose) print.
    pub unit: Option<Unit>,
}

/// Everything read from one input file: a `documents` row and the rows it owns in the other
/// datasets.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Document {
    /// Stable hash of the file's bytes.
    pub report_id: String,
    /// Path relative to the input root, `/`-separated.
    pub source_file: String,
    pub status: Status,
    /// Why the document is not `ok`.
    pub error: Option<String>,
    pub meta: Meta,
    pub statements: Vec<Statement>,
    pub facts: Vec<Fact>,
    pub checks: Vec<Check>,
    pub notes: Vec<Diagnostic>,
    /// What was read of the figures its statements print.
    pub audit: Audit,
}

impl Document {
    /// A document that could not be read at all.
    pub fn failed(report_id: String, source_file: String, reason: impl Into<String>) -> Document {
        Document {
            report_id,
            source_file,
            status: Status::Failed,
            error: Some(reason.into()),
            meta: Meta::default(),
            statements: Vec::new(),
            facts: Vec::new(),
            checks: Vec::new(),
            notes: Vec::new(),
            audit: Audit::default(),
        }
    }

    pub fn checks_failed(&self) -> usize {
        self.checks.iter().filter(|c| c.status == CheckStatus::Fail).count()
    }
}

#[cfg(test)]
impl Fact {
    /// A fact for unit tests: a function row of `statement` (printed code and its level when
    /// given), all funds, total split, final, 1.00 万元 on line 1. Tests change what they need.
    pub(crate) fn sample(statement: Statement, code: Option<&str>, name: &str) -> Fact {
        let code = code.and_then(Code::parse);
        Fact {
            statement,
            fund_scope: FundScope::All,
            dimension: Dimension::Function,
            code_source: code.as_ref().map(|_| CodeSource::Printed),
            level: code.as_ref().map(Code::level),
            code,
            name: name.into(),
            path: vec![],
            split: Split::Total,
            measure: Measure::Final,
            amount: Amount::from_decimal(Decimal::new(100, 2)),
            unit: Unit::Wan,
            line: 1,
            page: None,
            evidence: Evidence::Unchecked,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_know_their_level_and_parent() {
        let c = Code::parse("2010350").unwrap();
        assert_eq!(c.level(), 3);
        assert_eq!(c.parent().unwrap().as_str(), "20103");
        assert_eq!(c.parent().unwrap().parent().unwrap().as_str(), "201");
        assert!(Code::parse("201").unwrap().parent().is_none());
        assert!(Code::parse("201").unwrap().contains(&c));
        assert!(!Code::parse("202").unwrap().contains(&c));
    }

    #[test]
    fn a_code_deserializes_only_through_parse() {
        let ok: Code = serde_json::from_str("\"2010350\"").unwrap();
        assert_eq!(ok.as_str(), "2010350");
        for bad in ["\"\"", "\"20\"", "\"2O1\"", "\"０２０\""] {
            assert!(serde_json::from_str::<Code>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn codes_reject_other_shapes() {
        for s in ["20", "2010", "201035", "20103500", "020", "2O1", "13113x"] {
            assert!(Code::parse(s).is_none(), "{s}");
        }
        assert!(Code::parse("13113").is_some(), "shape only: 13113 is a well-formed 5-digit code");
    }
}
