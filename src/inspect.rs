//! A human-readable account of what was read from one report.
//!
//! Takes a parsed [`Document`]; gives the text `cnbudget inspect FILE` prints: the document's
//! metadata and status, each statement's facts in line order (code, level, name, split,
//! measure, amount, unit), the checks that did not pass (or all of them), and the notes on
//! what was left out. It is how a user finds out why a report they have never fed the tool
//! came out wrong.

use std::fmt::Write as _;

use crate::model::{Document, Fact};
use crate::vocab::{CheckStatus, Evidence, Statement};

/// What to include.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// List passing checks too.
    pub all_checks: bool,
}

/// Renders the report.
pub fn render(doc: &Document, options: Options) -> String {
    let mut out = String::new();
    header(&mut out, doc);
    for statement in Statement::ALL {
        let facts: Vec<&Fact> = doc.facts.iter().filter(|f| f.statement == *statement).collect();
        if !facts.is_empty() || doc.statements.contains(statement) {
            section(&mut out, *statement, &facts);
        }
    }
    checks(&mut out, doc, options);
    if !doc.notes.is_empty() {
        let _ = writeln!(out, "\n== notes ({})", doc.notes.len());
        for n in &doc.notes {
            let _ = writeln!(out, "  {n}");
        }
    }
    out
}

fn header(out: &mut String, doc: &Document) {
    let m = &doc.meta;
    let _ = writeln!(out, "{}  [{}]  report_id {}", doc.source_file, doc.status, doc.report_id);
    if let Some(e) = &doc.error {
        let _ = writeln!(out, "  {e}");
    }
    let _ = writeln!(
        out,
        "  department {}  year {}  phase {}  unit {}",
        m.department.as_deref().unwrap_or("?"),
        m.fiscal_year.map_or_else(|| "?".into(), |y| y.to_string()),
        m.phase.map_or("?", |p| p.as_str()),
        m.unit.map_or("?", |u| u.as_str()),
    );
    let ids: Vec<&str> = doc.statements.iter().map(|s| s.as_str()).collect();
    let _ = writeln!(
        out,
        "  statements [{}]  facts {}  checks failed {}",
        ids.join(" "),
        doc.facts.len(),
        doc.checks_failed()
    );
    let evidence: Vec<String> = Evidence::ALL
        .iter()
        .map(|e| format!("{} {}", doc.facts.iter().filter(|f| f.evidence == *e).count(), e))
        .collect();
    let _ = writeln!(out, "  evidence: {}", evidence.join(", "));
}

fn section(out: &mut String, statement: Statement, facts: &[&Fact]) {
    let _ = writeln!(out, "\n== {statement} ({} facts)", facts.len());
    if facts.is_empty() {
        let _ = writeln!(out, "  (found, but no figure read: an empty table, or one the parser could not read)");
        return;
    }
    let _ = writeln!(
        out,
        "  {:>5}  {:<8} {:>3}  {:<10} {:<9} {:<10} {:<16} {:>16} {:<12} name",
        "line", "scope", "lvl", "code", "split", "dimension", "measure", "amount", "evidence"
    );
    for f in facts {
        let _ = writeln!(
            out,
            "  {:>5}  {:<8} {:>3}  {:<10} {:<9} {:<10} {:<16} {:>16} {:<12} {}{}",
            f.line,
            f.fund_scope.as_str(),
            f.level.map_or_else(|| "?".into(), |l| l.to_string()),
            f.code.as_ref().map_or("-", |c| c.as_str()),
            f.split.as_str(),
            f.dimension.as_str(),
            f.measure.as_str(),
            format!("{} {}", f.amount, f.unit),
            f.evidence.as_str(),
            f.name,
            f.code_source.map_or(String::new(), |s| if s.as_str() == "printed" {
                String::new()
            } else {
                format!("  [{s}]")
            }),
        );
    }
}

fn checks(out: &mut String, doc: &Document, options: Options) {
    let count = |s: CheckStatus| doc.checks.iter().filter(|c| c.status == s).count();
    let _ = writeln!(
        out,
        "\n== checks: {} pass, {} rounding, {} fail",
        count(CheckStatus::Pass),
        count(CheckStatus::Rounding),
        count(CheckStatus::Fail)
    );
    for c in doc.checks.iter().filter(|c| options.all_checks || c.status != CheckStatus::Pass) {
        let _ = writeln!(
            out,
            "  {:<8} line {:>5}  {:<28} {:<12} expected {} actual {} diff {}  ({})",
            c.status.as_str(),
            c.line,
            c.check,
            c.subject,
            c.expected,
            c.actual,
            c.diff(),
            c.detail
        );
    }
}
