//! Agreements between statements, and between the prose and the tables.
//!
//! Takes a document's facts; gives one check per figure that two statements both print:
//! `t02_vs_t03` (income and spending by function), `t03_vs_t05` (only when every revenue
//! source is 一般公共预算, so that all funds and the general public budget are the same
//! money), `t01_vs_t03` and `t04_vs_t05` (the class lists of the summary tables),
//! `t06_vs_t05` (人员经费 + 公用经费 against the basic total) and `narrative_vs_table` (a
//! figure of the prose against the table row with the same fund scope, code or total, split
//! and measure). Does not check identities inside one statement.

use crate::FastMap;
use crate::model::{Binds, Check, Code, Fact};
use crate::vocab::{Dimension, FundScope, Measure, Split, Statement, ThreePublicItem};

use super::{Identity, place, subject};

/// Every cross-statement check of the document.
pub fn checks(facts: &[Fact]) -> Vec<Check> {
    let mut out = Vec::new();
    let balances = balances(facts);
    if balances.is_empty() {
        out.extend(same_codes(
            facts,
            (Statement::T02, FundScope::All),
            (Statement::T03, FundScope::All),
            &[Split::Total],
        ));
    } else {
        out.extend(income_plus_balances(facts, &balances));
    }
    let pairs = [
        (Statement::T01, Statement::T03, FundScope::All, FundScope::All),
        (Statement::T04, Statement::T05, FundScope::Gpb, FundScope::Gpb),
    ];
    for (a, b, scope_a, scope_b) in pairs {
        out.extend(same_codes(facts, (a, scope_a), (b, scope_b), &[Split::Total]));
    }
    if all_general_public_budget(facts) {
        out.extend(same_codes(
            facts,
            (Statement::T03, FundScope::All),
            (Statement::T05, FundScope::Gpb),
            &[Split::Total, Split::Basic, Split::Project],
        ));
    }
    out.extend(basic_by_economics(facts));
    out.extend(narrative_vs_table(facts));
    out
}

/// Every coded function row of `a` against the row of `b` with the same code, split and
/// measure (the first such row, when `b` prints one twice).
fn same_codes(facts: &[Fact], a: (Statement, FundScope), b: (Statement, FundScope), splits: &[Split]) -> Vec<Check> {
    let rows = |(s, scope): (Statement, FundScope)| {
        facts.iter().filter(move |f| {
            f.statement == s
                && f.fund_scope == scope
                && f.dimension == Dimension::Function
                && f.code.is_some()
                && splits.contains(&f.split)
        })
    };
    // `b`'s rows by key, so that the pairing is linear in the rows, not quadratic.
    let mut by_key: FastMap<(&Option<Code>, Split, Measure), &Fact> = FastMap::default();
    for fb in rows(b) {
        by_key.entry((&fb.code, fb.split, fb.measure)).or_insert(fb);
    }
    rows(a)
        .filter_map(|fa| {
            let fb = *by_key.get(&(&fa.code, fa.split, fa.measure))?;
            Identity {
                check: format!("{}_vs_{}", a.0, b.0),
                subject: subject(fa).to_string(),
                total: fb,
                terms: vec![fa],
                detail: format!("{} {} {} = {} line {}", a.0, subject(fa), fa.split, b.0, fb.line),
            }
            .evaluate(facts)
        })
        .collect()
}

/// The t01 balances a department carries into and out of the year: 年初结转和结余 and
/// 使用非财政拨款结余 (money spent this year that is not this year's income), 年末结转和结余 and
/// 结余分配 (income not spent). With any of them, a function's income (t02) and spending (t03)
/// differ by design.
fn balances(facts: &[Fact]) -> Vec<&Fact> {
    facts
        .iter()
        .filter(|f| f.statement == Statement::T01 && !f.amount.is_zero())
        .filter(|f| f.name.contains("结转") || f.name.contains("结余"))
        .collect()
}

/// With balances, the whole year instead: t03's 合计 = t02's 合计 + 年初结转和结余 (and 使用
/// 非财政拨款结余) − 年末结转和结余 − 结余分配.
fn income_plus_balances(facts: &[Fact], balances: &[&Fact]) -> Option<Check> {
    let total = |s: Statement| {
        facts.iter().find(|f| {
            f.statement == s && f.dimension == Dimension::Total && f.level == Some(0) && f.split == Split::Total
        })
    };
    let (income, spending) = (total(Statement::T02)?, total(Statement::T03)?);
    let mut actual = income.amount_yuan()?;
    let mut tolerance = income.amount.ulp_yuan(income.unit);
    let mut terms = vec![format!("t02 {}", income.amount)];
    for b in balances {
        let sign = if b.dimension == Dimension::Revenue { 1 } else { -1 };
        actual += b.amount_yuan()? * rust_decimal::Decimal::from(sign);
        tolerance += b.amount.ulp_yuan(b.unit);
        terms.push(format!("{} {}{}", if sign > 0 { "+" } else { "−" }, b.name, b.amount));
    }
    let expected = spending.amount_yuan()?;
    Some(Check {
        check: "t02_vs_t03".to_string(),
        subject: spending.name.clone(),
        expected,
        actual,
        status: super::status(actual - expected, tolerance),
        detail: format!(
            "t03 合计 = {} (t01's balances: income and spending differ by them per function)",
            terms.join(" ")
        ),
        line: spending.line,
        members: [spending, income]
            .into_iter()
            .chain(balances.iter().copied())
            .filter_map(|f| place(facts, f))
            .collect(),
        binds: Binds::All,
    })
}

/// True when the summary table lists no revenue but 一般公共预算 (no other funds, no
/// carry-over): then t03 (all funds) and t05 (general public budget) are the same money.
fn all_general_public_budget(facts: &[Fact]) -> bool {
    let revenue: Vec<&Fact> =
        facts.iter().filter(|f| f.statement == Statement::T01 && f.dimension == Dimension::Revenue).collect();
    !revenue.is_empty() && revenue.iter().all(|f| f.name.contains("一般公共预算") && !f.amount.is_zero())
}

/// t06's personnel and public totals against t05's basic total.
fn basic_by_economics(facts: &[Fact]) -> Option<Check> {
    let t05_basic = facts.iter().find(|f| {
        f.statement == Statement::T05
            && f.dimension == Dimension::Total
            && f.split == Split::Basic
            && f.level == Some(0)
    })?;
    let subtotals: Vec<&Fact> = facts
        .iter()
        .filter(|f| f.statement == Statement::T06 && f.level == Some(0) && f.split == Split::Total)
        .filter(|f| f.name.contains("人员经费") || f.name.contains("公用经费"))
        .collect();
    let terms = if subtotals.is_empty() {
        facts
            .iter()
            .filter(|f| f.statement == Statement::T06 && f.level == Some(0) && f.name == "合计")
            .take(1)
            .collect()
    } else {
        subtotals
    };
    if terms.is_empty() {
        return None;
    }
    Identity {
        check: "t06_vs_t05".to_string(),
        subject: "基本支出".to_string(),
        total: t05_basic,
        terms,
        detail: "t06 人员经费合计 + 公用经费合计 = t05 合计 基本支出".to_string(),
    }
    .evaluate(facts)
}

/// The table row a narrative figure restates: same fund scope, split and measure, and the
/// same code — or, for a total, the table's grand total of spending.
fn table_row<'a>(facts: &'a [Fact], n: &Fact) -> Option<&'a Fact> {
    let owner = match n.fund_scope {
        FundScope::All => Statement::T03,
        FundScope::Gpb => Statement::T05,
        FundScope::Fiscal => Statement::T04,
        FundScope::GovFund => Statement::T07,
        FundScope::SoeCapital => Statement::T08,
    };
    let same = |f: &&Fact| f.fund_scope == n.fund_scope && f.split == n.split && f.measure == n.measure;
    match n.dimension {
        Dimension::Function => facts
            .iter()
            .filter(same)
            .find(|f| f.statement != Statement::Narrative && f.code.is_some() && f.code == n.code),
        Dimension::Total if n.name.contains("支出") && !n.name.contains('收') => {
            facts.iter().filter(same).find(|f| {
                f.statement == owner
                    && f.dimension == Dimension::Total
                    && f.level == Some(0)
                    && (owner != Statement::T04 || f.name.contains("支出"))
            })
        }
        Dimension::ThreePublic => {
            let item = ThreePublicItem::from_printed(&n.name);
            facts
                .iter()
                .filter(same)
                // 会议费 / 培训费 printed beside the 三公 are no item: matched by their name.
                .find(|f| {
                    f.statement == Statement::T09
                        && match item {
                            Some(_) => ThreePublicItem::from_printed(&f.name) == item,
                            None => f.name == n.name,
                        }
                })
        }
        _ => None,
    }
}

fn narrative_vs_table(facts: &[Fact]) -> Vec<Check> {
    facts
        .iter()
        .filter(|n| n.statement == Statement::Narrative)
        .filter_map(|n| {
            let t = table_row(facts, n)?;
            Identity {
                check: "narrative_vs_table".to_string(),
                subject: subject(n).to_string(),
                total: t,
                terms: vec![n],
                detail: format!("narrative line {} = {} line {}", n.line, t.statement, t.line),
            }
            .evaluate(facts)
            .map(|c| Check { line: n.line, ..c })
        })
        .collect()
}
