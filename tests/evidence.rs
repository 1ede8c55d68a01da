//! Evidence and the self-audit, against the gold key and the reports' own arithmetic.
//!
//! - A `confirmed` figure is exactly right: a gold row with the same keys, name, amount and
//!   line (design.md: "Published confirmed figures must be right").
//! - A gold figure that takes part in an identity the gold itself satisfies (a parent and its
//!   children, a row's total and its basic + project) is `confirmed` in the output: the
//!   identities are computed here from the gold rows, not taken from the pipeline's checks.
//! - The README's triage query, run by DuckDB over the corpus output, lists the reports that
//!   are not fully read.

use std::collections::BTreeMap;
use std::process::Command;

use rust_decimal::Decimal;

use crate::gold::{GoldRow, attainable, exact, load, output_rows, reports};
use crate::util::corpus_output;

fn gold(report: &str) -> Vec<GoldRow> {
    load(report).into_iter().map(|g| attainable(report, g)).collect()
}

#[test]
fn every_confirmed_fact_is_exactly_a_gold_figure() {
    let mut wrong = Vec::new();
    let mut confirmed = 0;
    for report in reports() {
        let gold = gold(&report);
        for o in output_rows(corpus_output(), &report).iter().filter(|o| o.evidence == "confirmed") {
            confirmed += 1;
            if !gold.iter().any(|g| exact(g, o)) {
                wrong.push(format!(
                    "{report} line {} {} {} {} {} {}",
                    o.line, o.statement, o.code, o.split, o.yuan, o.name
                ));
            }
        }
    }
    assert!(confirmed > 400, "only {confirmed} confirmed figures in the gold reports");
    assert!(wrong.is_empty(), "confirmed, but not a gold figure:\n{}", wrong.join("\n"));
}

/// The gold rows that take part in an identity the gold satisfies, within the reports'
/// rounding (0.01 万元 per term): a coded parent and its children in one column, and a row's
/// total and its basic and project splits.
fn in_holding_identities(gold: &[GoldRow]) -> Vec<&GoldRow> {
    let cent = Decimal::new(100, 0); // 0.01 万元 in yuan
    let holds = |total: Decimal, terms: &[&GoldRow]| {
        let sum: Decimal = terms.iter().map(|t| t.yuan).sum();
        (sum - total).abs() <= cent * Decimal::from(terms.len())
    };
    let mut out: Vec<&GoldRow> = Vec::new();
    let column = |g: &GoldRow| (g.statement.clone(), g.fund_scope.clone(), g.split.clone(), g.measure.clone());
    let mut columns: BTreeMap<_, Vec<&GoldRow>> = BTreeMap::new();
    for g in gold.iter().filter(|g| g.statement != "narrative" && !g.code.is_empty()) {
        columns.entry(column(g)).or_default().push(g);
    }
    for rows in columns.values() {
        for parent in rows {
            let kids: Vec<&GoldRow> = rows
                .iter()
                .copied()
                .filter(|k| k.code.len() == parent.code.len() + 2 && k.code.starts_with(&parent.code))
                .collect();
            // The first row of a code is the one checked (a code printed twice is checked once).
            let first = rows.iter().find(|r| r.code == parent.code).is_some_and(|r| std::ptr::eq(*r, *parent));
            if first && !kids.is_empty() && holds(parent.yuan, &kids) {
                out.push(parent);
                out.extend(kids);
            }
        }
    }
    let mut lines: BTreeMap<_, Vec<&GoldRow>> = BTreeMap::new();
    for g in gold.iter().filter(|g| matches!(g.statement.as_str(), "t03" | "t05" | "t07" | "t08")) {
        lines
            .entry((g.statement.clone(), g.fund_scope.clone(), g.measure.clone(), g.line, g.code.clone()))
            .or_default()
            .push(g);
    }
    for row in lines.values() {
        let (totals, parts): (Vec<&GoldRow>, Vec<&GoldRow>) = row.iter().partition(|g| g.split == "total");
        if let [total] = totals[..]
            && !parts.is_empty()
            && holds(total.yuan, &parts)
        {
            out.push(total);
            out.extend(parts);
        }
    }
    out
}

#[test]
fn gold_figures_in_a_holding_identity_are_confirmed() {
    let mut unconfirmed = Vec::new();
    let mut involved = 0;
    for report in reports() {
        let gold = gold(&report);
        let out = output_rows(corpus_output(), &report);
        for g in in_holding_identities(&gold) {
            involved += 1;
            let found = out.iter().find(|o| exact(g, o));
            if found.is_none_or(|o| o.evidence != "confirmed") {
                let ev = found.map_or("absent", |o| o.evidence.as_str());
                unconfirmed
                    .push(format!("{report} line {} {} {} {} {}: {ev}", g.line, g.statement, g.code, g.split, g.name));
            }
        }
    }
    assert!(involved > 300, "only {involved} gold figures in holding identities");
    assert!(unconfirmed.is_empty(), "in a holding identity, not confirmed:\n{}", unconfirmed.join("\n"));
}

/// README's "reports to look at" query, as a user runs it in DuckDB on the corpus output: it
/// lists exactly the documents that are not fully read, worst first.
#[test]
fn readme_triage_query_lists_the_reports_to_look_at() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let query = readme
        .split("```sql\n-- reports to look at")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("README has the triage query");
    let query = format!("-- reports to look at{query}").replace("output/", &format!("{}/", corpus_output().display()));
    let script = format!("import duckdb\nfor r in duckdb.sql({query:?}).fetchall(): print(r[0], r[1])");
    let out = Command::new("python3")
        .args(["-c", &script])
        .output()
        .expect("python3 with duckdb (tests/python/requirements.txt)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let listed: Vec<String> = String::from_utf8(out.stdout).unwrap().lines().map(str::to_string).collect();
    // The one sample with figures no parser can place (tests/samples.rs, PARTIAL), then the
    // one whose prose states a figure its table contradicts (planning line 785: 基本支出
    // 5377.64 against t05's 5364.75, a documented defect in tests/samples.rs).
    assert_eq!(
        listed,
        [
            "shanghai-putuo-shiquan-subdistrict-2026-unit-budget.json partial",
            "shanghai-putuo-planning-natural-resources-2024-final.txt ok"
        ]
    );
}
