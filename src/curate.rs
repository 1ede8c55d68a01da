//! Facts to the curated datasets: one chosen value per key.
//!
//! Takes one document's facts; gives the rows of `functional_expenditure`,
//! `economic_expenditure`, `revenue` and `three_public`, each with `is_primary` set on exactly
//! one row per key (the dataset's classification, fund scope, split and measure). Tables beat
//! the narrative; among tables the statement that owns the figure beats a restatement (t03
//! for all funds, t05 for the general public budget, t04 for appropriations, t06 for economic
//! items, t01 for revenue, t09 for 三公); a printed code beats a resolved one; then the
//! earliest line. Does not change any fact.

use std::hash::Hash;

use crate::FastMap;
use crate::model::Fact;
use crate::vocab::{
    CodeSource, Dimension, EconomicCategory, FundScope, RevenueSource, Split, Statement, ThreePublicItem,
};

/// A curated row: a fact and whether it is its key's chosen value.
#[derive(Debug, Clone, Copy)]
pub struct Curated<'a> {
    pub fact: &'a Fact,
    pub is_primary: bool,
}

/// Marks the best-ranked row of each key primary; keeps the rows' order.
fn choose<'a, K: Hash + Eq>(rows: Vec<&'a Fact>, key: impl Fn(&'a Fact) -> K) -> Vec<Curated<'a>> {
    let keys: Vec<K> = rows.iter().map(|f| key(f)).collect();
    let mut best: FastMap<&K, (Rank, usize)> = FastMap::with_capacity_and_hasher(keys.len(), Default::default());
    for (i, (f, k)) in rows.iter().zip(&keys).enumerate() {
        let r = rank(f);
        best.entry(k)
            .and_modify(|b| {
                if r < b.0 {
                    *b = (r, i)
                }
            })
            .or_insert((r, i));
    }
    rows.iter()
        .zip(&keys)
        .enumerate()
        .map(|(i, (f, k))| Curated { fact: f, is_primary: best.get(k).is_some_and(|b| b.1 == i) })
        .collect()
}

/// Lower is better: (narrative?, not the owner?, code source, line).
type Rank = (u8, u8, u8, u32);

fn rank(f: &Fact) -> Rank {
    let narrative = u8::from(f.statement == Statement::Narrative);
    let owner = match (f.dimension, f.fund_scope, f.statement) {
        (Dimension::Economic, _, Statement::T06)
        | (Dimension::ThreePublic, _, Statement::T09)
        | (Dimension::Revenue, FundScope::All, Statement::T01)
        | (_, FundScope::All, Statement::T03)
        | (_, FundScope::Gpb, Statement::T05)
        | (_, FundScope::Fiscal, Statement::T04)
        | (_, FundScope::GovFund, Statement::T07)
        | (_, FundScope::SoeCapital, Statement::T08) => 0,
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

/// A spending total: a table's 合计 row, or a narrative/t04 total named for expenditure.
fn is_spending_total(f: &Fact) -> bool {
    f.dimension == Dimension::Total
        && match f.statement {
            Statement::T03 | Statement::T05 | Statement::T07 | Statement::T08 => true,
            _ => f.name.contains('支') && !f.name.contains('收'),
        }
}

/// The functional rows of the expenditure statements and the narrative, with their totals.
pub fn functional(facts: &[Fact]) -> Vec<Curated<'_>> {
    let rows = facts
        .iter()
        .filter(|f| {
            matches!(
                f.statement,
                Statement::T03
                    | Statement::T04
                    | Statement::T05
                    | Statement::T07
                    | Statement::T08
                    | Statement::Narrative
            ) && (f.dimension == Dimension::Function || is_spending_total(f))
        })
        .collect();
    choose(rows, |f| {
        let uncoded_item = f.code.is_none() && f.level != Some(0);
        (
            f.fund_scope,
            f.code.as_ref(),
            if f.code.is_none() { f.level } else { None },
            uncoded_item.then_some(f.name.as_str()),
            f.split,
            f.measure,
        )
    })
}

/// The economic category of an economic row. Its code's 类 is read with `get`, not sliced: a
/// code deserialized from the cache has not been through `Code::parse`, and this runs in the
/// sink, where a panic would stop the run.
pub fn category(f: &Fact) -> EconomicCategory {
    match (f.level, f.code.as_ref().and_then(|c| c.as_str().get(..3))) {
        (Some(0), _) => EconomicCategory::Subtotal,
        (_, Some("301" | "303")) => EconomicCategory::Personnel,
        (_, Some("309" | "310")) => EconomicCategory::Capital,
        _ if f.name.contains("人员经费") => EconomicCategory::Subtotal,
        _ => EconomicCategory::Public,
    }
}

/// The economic rows (t06 and the narrative's 人员经费 / 公用经费 / items).
pub fn economic(facts: &[Fact]) -> Vec<Curated<'_>> {
    let rows = facts.iter().filter(|f| f.dimension == Dimension::Economic).collect();
    choose(rows, |f| {
        // Subtotals are told apart by what they total, whatever their exact wording.
        let subtotal = (f.level == Some(0)).then(|| {
            if f.name.contains("人员经费") {
                "personnel"
            } else if f.name.contains("公用经费") {
                "public"
            } else {
                "total"
            }
        });
        let name = (f.code.is_none() && subtotal.is_none()).then_some(f.name.as_str());
        (f.fund_scope, f.code.as_ref(), subtotal, name, f.split, f.measure)
    })
}

/// The revenue source of a revenue row: its name on t01/t04/narrative rows; the column on a
/// t02 function row; `total` for a revenue total.
pub fn revenue_source(f: &Fact) -> Option<RevenueSource> {
    match f.dimension {
        Dimension::Revenue => RevenueSource::from_printed(&f.name),
        Dimension::Function if f.statement == Statement::T02 => match f.split {
            Split::Fiscal => Some(RevenueSource::Fiscal),
            _ => Some(RevenueSource::Total),
        },
        Dimension::Total => Some(RevenueSource::Total),
        _ => None,
    }
}

fn is_revenue(f: &Fact) -> bool {
    match f.dimension {
        Dimension::Revenue => true,
        Dimension::Function => f.statement == Statement::T02,
        Dimension::Total => match f.statement {
            Statement::T02 => true,
            Statement::T01 | Statement::T04 | Statement::Narrative => f.name.contains("收入") && !f.name.contains('支'),
            _ => false,
        },
        _ => false,
    }
}

/// The revenue rows: sources (t01, t04, narrative), t02 by function, and revenue totals.
pub fn revenue(facts: &[Fact]) -> Vec<Curated<'_>> {
    let rows = facts.iter().filter(|f| is_revenue(f) && revenue_source(f).is_some()).collect();
    choose(rows, |f| {
        let source = revenue_source(f);
        // A t02 total row and a summary's 本年收入合计 are the same figure.
        let split = if f.dimension == Dimension::Total { Split::Total } else { f.split };
        let name = source.is_none().then_some(f.name.as_str());
        (f.fund_scope, source, f.code.as_ref(), split, f.measure, name)
    })
}

/// The 三公 rows (t09 and the narrative).
pub fn three_public(facts: &[Fact]) -> Vec<Curated<'_>> {
    let rows = facts.iter().filter(|f| f.dimension == Dimension::ThreePublic).collect();
    choose(rows, |f| {
        let item = ThreePublicItem::from_printed(&f.name);
        let name = item.is_none().then_some(f.name.as_str());
        (f.fund_scope, item, name, f.measure)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(statement: Statement, scope: FundScope, code: Option<&str>, name: &str, line: u32) -> Fact {
        let sample = Fact::sample(statement, code, name);
        let total = code.is_none() && name.contains("合计");
        Fact {
            fund_scope: scope,
            dimension: if total { Dimension::Total } else { Dimension::Function },
            level: sample.level.or(Some(0)),
            line,
            ..sample
        }
    }

    fn primary(rows: &[Curated]) -> Vec<(u32, bool)> {
        rows.iter().map(|c| (c.fact.line, c.is_primary)).collect()
    }

    #[test]
    fn tables_beat_the_narrative_and_the_owner_beats_a_restatement() {
        let facts = vec![
            fact(Statement::T04, FundScope::Gpb, Some("201"), "一般公共服务支出", 10),
            fact(Statement::T05, FundScope::Gpb, Some("201"), "一般公共服务支出", 20),
            fact(Statement::Narrative, FundScope::Gpb, Some("201"), "一般公共服务支出", 30),
            fact(Statement::T03, FundScope::All, Some("201"), "一般公共服务支出", 5),
        ];
        assert_eq!(primary(&functional(&facts)), [(10, false), (20, true), (30, false), (5, true)]);
    }

    #[test]
    fn totals_share_one_key_whatever_their_name() {
        let facts = vec![
            fact(Statement::T03, FundScope::All, None, "合计", 5),
            fact(Statement::Narrative, FundScope::All, None, "支出合计", 50),
            fact(Statement::Narrative, FundScope::All, None, "收入合计", 40),
        ];
        assert_eq!(primary(&functional(&facts)), [(5, true), (50, false)], "收入合计 is not spending");
    }

    #[test]
    fn economic_subtotals_match_by_what_they_total() {
        let mut a = fact(Statement::T06, FundScope::Gpb, None, "人员经费合计", 340);
        let mut b = fact(Statement::Narrative, FundScope::Gpb, None, "人员经费", 490);
        for f in [&mut a, &mut b] {
            f.dimension = Dimension::Economic;
        }
        let facts = vec![a, b];
        let rows = economic(&facts);
        assert_eq!(primary(&rows), [(340, true), (490, false)]);
        assert_eq!(category(rows[0].fact), EconomicCategory::Subtotal);
    }

    /// A code comes back from the cache by deserialization, which goes through `Code::parse`
    /// (model.rs): a damaged entry cannot hold a code shorter than a 类, so curation, which
    /// runs in the sink outside the per-document panic guard, never sees one.
    #[test]
    fn a_damaged_cached_code_is_refused_before_curation() {
        let short = postcard::from_bytes::<crate::model::Code>(&postcard::to_stdvec("30").unwrap());
        assert!(short.is_err());
        let f = Fact {
            dimension: Dimension::Economic,
            level: Some(2),
            code: crate::model::Code::parse("30101"),
            ..fact(Statement::T06, FundScope::Gpb, None, "基本工资", 300)
        };
        assert_eq!(category(&f), EconomicCategory::Personnel);
    }

    #[test]
    fn three_public_items_are_keyed_by_item() {
        let mut facts = vec![
            fact(Statement::T09, FundScope::Fiscal, None, "公务用车运行维护费", 394),
            fact(Statement::Narrative, FundScope::Fiscal, None, "公务用车运行费", 518),
        ];
        for f in &mut facts {
            f.dimension = Dimension::ThreePublic;
        }
        assert_eq!(primary(&three_public(&facts)), [(394, true), (518, false)]);
    }
}
