//! Identities inside one statement.
//!
//! Takes a document's facts; gives one check per identity a statement prints:
//! `{t}.children_sum` (a code against its children), `{t}.total_sum` (a 合计 row against its
//! classes; t01/t04 本年收入合计 against the sources and 本年支出合计 against the classes; t06
//! 人员经费合计 against 301 + 303 and 公用经费合计 against the other classes; t09 合计 against
//! the items and the 公务用车 subtotal against 购置 + 运行), `{t}.basic_plus_project` (a row's
//! total against its basic, project and other splits) and `t04.funds_sum` (the 合计 fund
//! column against the per-fund columns). Also `narrative.classes_sum`: the classes the prose
//! lists against the total it states. Does not compare statements with each other.

use std::collections::BTreeMap;

use crate::model::{Check, Code, Fact};
use crate::vocab::{Dimension, FundScope, Measure, Split, Statement};

use super::{Identity, check_name, subject, sum_detail};

/// Facts that share a statement, fund scope, split and measure: one column of one table.
type Column<'a> = Vec<&'a Fact>;

fn columns(facts: &[Fact]) -> BTreeMap<(Statement, FundScope, Split, Measure), Column<'_>> {
    let mut out: BTreeMap<_, Column> = BTreeMap::new();
    for f in facts {
        out.entry((f.statement, f.fund_scope, f.split, f.measure)).or_default().push(f);
    }
    out
}

/// Every identity check inside the document's statements.
pub fn checks(facts: &[Fact]) -> Vec<Check> {
    let mut out = Vec::new();
    for ((statement, ..), column) in &columns(facts) {
        if *statement == Statement::Narrative {
            out.extend(narrative_classes(facts, column));
            continue;
        }
        out.extend(children_sums(facts, *statement, column));
        out.extend(total_sums(facts, *statement, column));
    }
    out.extend(splits(facts));
    out.extend(funds(facts));
    out
}

fn is_classified(f: &Fact) -> bool {
    f.code.is_some() && matches!(f.dimension, Dimension::Function | Dimension::Economic)
}

/// The first row of each code in a column (a code printed twice is checked once).
fn by_code<'a>(column: &[&'a Fact]) -> BTreeMap<&'a Code, &'a Fact> {
    let mut out = BTreeMap::new();
    for f in column {
        if let (Some(code), true) = (&f.code, is_classified(f)) {
            out.entry(code).or_insert(*f);
        }
    }
    out
}

/// Each coded row with the rows of its children printed under it, before the next row outside
/// its code: a table that prints a code in several blocks (yantai's t06 prints 301 once per
/// government class it maps to) sums each block on its own.
fn blocks<'a>(column: &[&'a Fact]) -> Vec<(&'a Code, &'a Fact, Vec<&'a Fact>)> {
    let coded: Vec<(&Code, &Fact)> =
        column.iter().filter(|f| is_classified(f)).filter_map(|f| Some((f.code.as_ref()?, *f))).collect();
    let mut out = Vec::new();
    for (i, &(code, parent)) in coded.iter().enumerate() {
        let kids: Vec<&Fact> = coded
            .iter()
            .skip(i + 1)
            .take_while(|(c, _)| c.as_str().len() > code.as_str().len() && c.as_str().starts_with(code.as_str()))
            .filter(|(c, _)| c.parent_str() == Some(code.as_str()))
            .map(|&(_, f)| f)
            .collect();
        if !kids.is_empty() {
            out.push((code, parent, kids));
        }
    }
    out
}

fn children_sums(facts: &[Fact], statement: Statement, column: &[&Fact]) -> Vec<Check> {
    let coded = by_code(column);
    let repeats = coded.len() < column.iter().filter(|f| is_classified(f)).count();
    let families: Vec<(&Code, &Fact, Vec<&Fact>)> = if repeats {
        blocks(column)
    } else {
        let mut children: BTreeMap<&str, Vec<&Fact>> = BTreeMap::new();
        for (code, f) in &coded {
            if let Some(parent) = code.parent_str() {
                children.entry(parent).or_default().push(f);
            }
        }
        coded.iter().filter_map(|(code, parent)| Some((*code, *parent, children.remove(code.as_str())?))).collect()
    };
    families
        .into_iter()
        .filter_map(|(code, parent, kids)| {
            let names: Vec<&str> = kids.iter().map(|k| subject(k)).collect();
            Identity {
                check: check_name(statement, "children_sum"),
                subject: code.to_string(),
                total: parent,
                terms: kids,
                detail: sum_detail(code.as_str(), names),
            }
            .evaluate(facts)
        })
        .collect()
}

/// The level-0 rows of a column and the rows they add up.
fn total_sums(facts: &[Fact], statement: Statement, column: &[&Fact]) -> Vec<Check> {
    let totals: Vec<&Fact> = column.iter().copied().filter(|f| f.level == Some(0)).collect();
    totals
        .iter()
        .filter_map(|total| {
            let terms = terms_of(statement, total, column)?;
            let names: Vec<&str> = terms.iter().map(|t| subject(t)).collect();
            Identity {
                check: check_name(statement, "total_sum"),
                subject: total.name.clone(),
                total,
                terms,
                detail: sum_detail(&total.name, names),
            }
            .evaluate(facts)
        })
        .collect()
}

/// What a total row is the sum of, for its statement; `None` when the table prints nothing
/// to check it against (or it is a grand total that includes balances).
fn terms_of<'a>(statement: Statement, total: &Fact, column: &[&'a Fact]) -> Option<Vec<&'a Fact>> {
    let level1 = |dimension: Dimension| -> Vec<&'a Fact> {
        column.iter().copied().filter(|f| f.dimension == dimension && f.level == Some(1)).collect()
    };
    let terms = match statement {
        // 本年收入合计 adds this year's sources; 收入总计 the balances brought in, too.
        Statement::T01 | Statement::T04 if total.name.contains("收入") => level1(Dimension::Revenue)
            .into_iter()
            .filter(|f| total.name.contains("总计") || (!f.name.contains("结转") && !f.name.contains("结余")))
            .collect(),
        Statement::T01 | Statement::T04 if total.name.contains("支出") => level1(Dimension::Function),
        Statement::T06 => {
            let personnel = |f: &Fact| f.code.as_ref().is_some_and(|c| matches!(c.as_str(), "301" | "303"));
            let classes = level1(Dimension::Economic);
            match &total.name {
                n if n.contains("人员经费") => classes.into_iter().filter(|f| personnel(f)).collect(),
                n if n.contains("公用经费") => classes.into_iter().filter(|f| !personnel(f)).collect(),
                n if n.contains("合计") || n.contains("总计") => classes,
                // 人员支出 / 日常公用支出 follow the government classification, whose parts
                // the departmental codes do not show.
                _ => return None,
            }
        }
        // 会议费 and 培训费, level 0 beside the 三公, are no totals.
        Statement::T09 if total.name.contains("合计") => level1(Dimension::ThreePublic),
        Statement::T02 | Statement::T03 | Statement::T05 | Statement::T07 | Statement::T08 => {
            level1(Dimension::Function)
        }
        _ => return None,
    };
    (!terms.is_empty()).then_some(terms)
}

/// t09's vehicle subtotal against its two parts.
fn vehicle_subtotals(facts: &[Fact], column: &[&Fact]) -> Vec<Check> {
    let parts: Vec<&Fact> =
        column.iter().copied().filter(|f| f.dimension == Dimension::ThreePublic && f.level == Some(2)).collect();
    column
        .iter()
        .copied()
        .filter(|f| f.dimension == Dimension::ThreePublic && f.level == Some(1) && f.name.contains("公务用车"))
        .filter(|_| !parts.is_empty())
        .filter_map(|sub| {
            Identity {
                check: "t09.vehicle_sum".to_string(),
                subject: sub.name.clone(),
                total: sub,
                terms: parts.clone(),
                detail: format!("{} = 购置 + 运行", sub.name),
            }
            .evaluate(facts)
        })
        .collect()
}

/// Each row's total against its splits (t03, t05, t07, t08).
fn splits(facts: &[Fact]) -> Vec<Check> {
    let mut rows: BTreeMap<(Statement, FundScope, Measure, u32, &str), Vec<&Fact>> = BTreeMap::new();
    for f in facts
        .iter()
        .filter(|f| matches!(f.statement, Statement::T03 | Statement::T05 | Statement::T07 | Statement::T08))
    {
        rows.entry((f.statement, f.fund_scope, f.measure, f.line, subject(f))).or_default().push(f);
    }
    let mut out: Vec<Check> = rows
        .into_iter()
        .filter_map(|((statement, .., subject), row)| {
            let total = row.iter().copied().find(|f| f.split == Split::Total)?;
            let parts: Vec<&Fact> = row.iter().copied().filter(|f| f.split != Split::Total).collect();
            if parts.is_empty() {
                return None;
            }
            let names: Vec<&str> = parts.iter().map(|p| p.split.as_str()).collect();
            Identity {
                check: check_name(statement, "basic_plus_project"),
                subject: subject.to_string(),
                total,
                terms: parts,
                detail: sum_detail("total", names),
            }
            .evaluate(facts)
        })
        .collect();
    let t09: Vec<&Fact> = facts.iter().filter(|f| f.statement == Statement::T09).collect();
    // One column per measure and fund (a 三公 table by rows prints a column per fund).
    let mut columns: BTreeMap<(Measure, FundScope), Vec<&Fact>> = BTreeMap::new();
    for f in t09 {
        columns.entry((f.measure, f.fund_scope)).or_default().push(f);
    }
    for column in columns.values() {
        out.extend(vehicle_subtotals(facts, column));
    }
    out
}

/// t04: each row's 合计 (fiscal) column against its per-fund columns.
fn funds(facts: &[Fact]) -> Vec<Check> {
    let mut rows: BTreeMap<(Measure, u32, &str), Vec<&Fact>> = BTreeMap::new();
    for f in facts.iter().filter(|f| f.statement == Statement::T04 && f.dimension != Dimension::Revenue) {
        rows.entry((f.measure, f.line, f.name.as_str())).or_default().push(f);
    }
    rows.into_values()
        .filter_map(|row| {
            let total = row.iter().copied().find(|f| f.fund_scope == FundScope::Fiscal)?;
            let parts: Vec<&Fact> = row.iter().copied().filter(|f| f.fund_scope != FundScope::Fiscal).collect();
            if parts.is_empty() {
                return None;
            }
            Identity {
                check: "t04.funds_sum".to_string(),
                subject: subject(total).to_string(),
                total,
                terms: parts,
                detail: "合计 = 一般公共预算 + 政府性基金 + 国有资本经营".to_string(),
            }
            .evaluate(facts)
        })
        .collect()
}

/// The prose's classes (each once) against each expenditure total it states for the same
/// fund scope and measure.
fn narrative_classes(facts: &[Fact], column: &[&Fact]) -> Vec<Check> {
    let mut classes: Vec<&Fact> = Vec::new();
    for f in column.iter().copied().filter(|f| f.dimension == Dimension::Function && f.level == Some(1)) {
        if !classes.iter().any(|c| subject(c) == subject(f)) {
            classes.push(f);
        }
    }
    if classes.len() < 2 {
        return Vec::new();
    }
    let mut seen = Vec::new();
    column
        .iter()
        .copied()
        .filter(|f| f.dimension == Dimension::Total && f.name.contains("支出") && !f.name.contains('收'))
        .filter(|f| {
            let new = !seen.contains(&f.amount);
            seen.push(f.amount);
            new
        })
        .filter_map(|total| {
            let names: Vec<&str> = classes.iter().map(|c| subject(c)).collect();
            Identity {
                check: "narrative.classes_sum".to_string(),
                subject: total.name.clone(),
                total,
                terms: classes.clone(),
                detail: sum_detail(&total.name, names),
            }
            .evaluate(facts)
        })
        .collect()
}
