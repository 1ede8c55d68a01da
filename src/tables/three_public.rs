//! The 三公 table (t09): every amount column is an item, named by its header.
//!
//! Takes the t09 grid and records; gives its `three_public` facts: 合计 (level 0), the three
//! items (level 1; the 公务用车 subtotal named after its group, not 小计) and the two 公务用车
//! parts (level 2), each under the measure of its half. Uses the statement's known structure
//! where OCR damaged the header: the items are printed twice, 预算数 then 决算数, so when the
//! labels do not tell the two halves apart (one is lost, or misplaced over both) the standard
//! order does; a label with stray characters is read as the standard item name it contains
//! (`公务5用车购置及支运行费` → 公务用车购置及运行费); and a value split across two cells is
//! joined when the row's 合计 = items says so ([`split_value`]). A part printed under its group
//! by its own word (`购置费` under `公务用车购置及运行费`) is named with the group's subject
//! (`公务用车购置费`). Does not record 机关运行经费.

use crate::model::{AsideReason, Diagnostic, Parsed, SetAside};
use crate::vocab::{Dimension, FundScope, Measure, Phase, Split, Statement};

use super::grid::{Column, Grid, Role};
use super::meaning::{Context, Row, Target, fund_of_label, measure, push_fact};
use super::records::{Record, by_unit, is_department_total};
use super::split_value::{self, Identity};

/// What a 三公 column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Item {
    Total,
    Overseas,
    /// The 公务用车购置及运行费 subtotal.
    Vehicle,
    Purchase,
    Operation,
    Reception,
    /// 会议费, 培训费, 行政经费 beside the 三公: a level-0 row named as printed (design.md).
    Beside,
}

/// One item column: what it holds, its name and level, and its measure.
#[derive(Debug, Clone)]
struct ItemColumn {
    col: usize,
    item: Item,
    name: String,
    level: u8,
    measure: Measure,
    /// Printed as a 小计 under the 三公 group label (the 三公 total where 合计 adds more).
    subtotal: bool,
}

/// The standard item names, in the forms reports print them.
const STANDARD_NAMES: &[&str] = &[
    "合计",
    "因公出国(境)费",
    "因公出国（境）费",
    "因公出国(境)费用",
    "因公出国（境）费用",
    "公务用车购置及运行维护费",
    "公务用车购置及运行费",
    "公务用车购置费",
    "公务用车运行维护费",
    "公务用车运行费",
    "公务接待费",
];

/// Turns the t09 records into facts.
/// `scope`: the money the title names (`财政拨款`, or `一般公共预算` "三公" tables).
pub fn facts(grid: &Grid, records: &[Record], ctx: &Context, scope: FundScope) -> Parsed {
    let mut out = Parsed::default();
    let mut columns: Vec<ItemColumn> = grid
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.role == Role::Amount)
        .filter_map(|(col, c)| item_column(col, c, ctx))
        .collect();
    if columns.iter().all(|c| c.item == Item::Total) && records.iter().filter(|r| row_item(r).is_some()).count() >= 2 {
        return by_rows(grid, records, ctx, scope);
    }
    // A 合计 beside a 三公 小计 adds 会议费 and 培训费 to the 三公: no total of the contract.
    if columns.iter().any(|c| c.item == Item::Total && c.subtotal) {
        columns.retain(|c| c.item != Item::Total || c.subtotal);
    }
    let line = records.first().map_or(0, |r| r.line.no);
    let by_total = halves(&columns);
    out.diagnostics.extend(measures_by_order(&mut columns, &by_total, ctx, line));
    out.diagnostics.extend(drop_ambiguous(&mut columns, line));
    let halves = halves(&columns);
    let identities = identities(&columns, &halves);
    for (k, rec) in records.iter().enumerate() {
        let mut amounts = rec.amounts.clone();
        if by_unit(grid) && !is_department_total(records, k) {
            out.set_aside.extend(amounts.iter().map(|&(_, amount)| SetAside {
                line: rec.line.no,
                amount,
                why: AsideReason::UnitRow,
            }));
            continue;
        }
        out.diagnostics.extend(
            split_value::repair(&mut amounts, &identities, rec.line.no)
                .into_iter()
                .map(|d| Diagnostic { message: format!("t09: {}", d.message), ..d }),
        );
        for (col, amount) in amounts {
            let aside = |why| SetAside { line: rec.line.no, amount, why };
            let Some(column) = columns.iter().find(|c| c.col == col) else {
                if grid.columns.get(col).is_some_and(|c| measure(c, ctx).is_some()) {
                    out.set_aside.push(aside(AsideReason::NoMeaning));
                }
                continue;
            };
            if amount.is_zero() {
                out.set_aside.push(aside(AsideReason::Zero));
                continue;
            }
            let row = Row {
                dimension: Dimension::ThreePublic,
                level: Some(column.level),
                code: None,
                name: column.name.clone(),
                path: Vec::new(),
            };
            let target = Target { fund_scope: scope, split: Split::Total, measure: column.measure };
            push_fact(&mut out, Statement::T09, &row, target, amount, rec, ctx.unit);
        }
    }
    out
}

/// The item a row names, in a table that prints the items as rows (`“三公”经费`, `其中：（一）
/// 因公出国（境）支出`, …, with 行政经费 beside them), and its level.
fn row_item(rec: &Record) -> Option<(Item, u8)> {
    let name = rec.name.as_deref()?;
    if ["行政经费", "会议费", "培训费"].iter().any(|w| name.contains(w)) {
        return Some((Item::Beside, 0));
    }
    if name.contains("三公") {
        return Some((Item::Total, 0));
    }
    let item = item_of(&standard_name(name)).filter(|i| *i != Item::Total)?;
    let level = if matches!(item, Item::Purchase | Item::Operation) { 2 } else { 1 };
    Some((item, level))
}

/// A 三公 table by rows: each row an item, each column a fund (合计 the title's; 一般公共预算,
/// 政府性基金 and 国有资本经营 columns that fund's share).
fn by_rows(grid: &Grid, records: &[Record], ctx: &Context, scope: FundScope) -> Parsed {
    let mut out = Parsed::default();
    for rec in records {
        let item = row_item(rec);
        for &(col, amount) in &rec.amounts {
            let aside = |why| SetAside { line: rec.line.no, amount, why };
            let Some(column) = grid.columns.get(col) else { continue };
            let Some(measure) = measure(column, ctx) else { continue };
            let (Some((_, level)), Some(fund)) = (item, column_fund(column, scope)) else {
                out.set_aside.push(aside(AsideReason::NoMeaning));
                continue;
            };
            if amount.is_zero() {
                out.set_aside.push(aside(AsideReason::Zero));
                continue;
            }
            let name = if level == 0 && item.is_some_and(|(i, _)| i == Item::Total) {
                "合计".to_string()
            } else {
                item_name(rec.name.as_deref().unwrap_or_default())
            };
            let row = Row { dimension: Dimension::ThreePublic, level: Some(level), code: None, name, path: Vec::new() };
            let target = Target { fund_scope: fund, split: Split::Total, measure };
            push_fact(&mut out, Statement::T09, &row, target, amount, rec, ctx.unit);
        }
    }
    out
}

/// An item row's name without its `其中：` and `（一）` lead.
fn item_name(name: &str) -> String {
    let name = name.trim_start_matches("其中").trim_start_matches(['：', ':']);
    let numbered = name.strip_prefix(['（', '(']).and_then(|rest| {
        let close = rest.find(['）', ')'])?;
        let ordinal = &rest[..close];
        (!ordinal.is_empty() && ordinal.chars().all(|c| "一二三四五六七八九十0123456789".contains(c)))
            .then(|| &rest[close + rest[close..].chars().next().map_or(0, char::len_utf8)..])
    });
    numbered.unwrap_or(name).to_string()
}

/// The fund of a column of a 三公 table by rows: its own fund, or the title's for 合计.
fn column_fund(column: &Column, scope: FundScope) -> Option<FundScope> {
    let leaf = column.path.last()?;
    if let Some(fund) = fund_of_label(leaf) {
        Some(fund)
    } else if leaf.contains("合计") || leaf.contains("金额") || leaf.contains("预算数") {
        Some(scope)
    } else {
        None
    }
}

/// Two columns read as the same item and measure (a header whose group labels reach over
/// the wrong columns: a 三公 小计 read as the 公务用车 one) say neither's meaning: both are
/// left out, with a note, rather than one published under the other's name.
fn drop_ambiguous(columns: &mut Vec<ItemColumn>, line: u32) -> Option<Diagnostic> {
    let key = |c: &ItemColumn| (c.item, c.measure, c.name.clone());
    let twice: Vec<_> =
        columns.iter().map(key).filter(|k| columns.iter().filter(|c| key(c) == *k).count() > 1).collect();
    if twice.is_empty() {
        return None;
    }
    columns.retain(|c| !twice.contains(&key(c)));
    let names: Vec<&str> = twice.iter().map(|k| k.2.as_str()).collect();
    Some(Diagnostic::new(
        line,
        format!("t09: two columns read as {} under one measure: their figures are left out", names.join(", ")),
    ))
}

/// The item a column holds, with its name, level and measure; `None` for a column outside the
/// 三公 (机关运行经费).
fn item_column(col: usize, column: &Column, ctx: &Context) -> Option<ItemColumn> {
    if column.says("机关运行") {
        return None;
    }
    let measure = measure(column, ctx)?;
    let leaf_printed = column.path.last().map_or("", String::as_str);
    if ["会议费", "培训费", "行政经费"].iter().any(|w| leaf_printed.contains(w)) {
        let name = leaf_printed.to_string();
        return Some(ItemColumn { col, item: Item::Beside, name, level: 0, measure, subtotal: false });
    }
    // A 小计 right under the 三公 group label (not under 公务用车) is the 三公 total.
    let under_vehicle = column.path.iter().rev().skip(1).any(|p| p.contains("公务用车"));
    if leaf_printed == "小计" && !under_vehicle && column.path.iter().any(|p| p.contains("三公")) {
        return Some(ItemColumn { col, item: Item::Total, name: "合计".into(), level: 0, measure, subtotal: true });
    }
    let labels: Vec<String> = column
        .path
        .iter()
        .filter(|p| !(p.contains("预算") || p.contains("决算") || p.starts_with(|c: char| c.is_ascii_digit())))
        .map(|p| standard_name(p))
        .collect();
    let leaf = labels.last()?;
    let item = item_of(leaf)?;
    let (name, level) = match item {
        Item::Total => ("合计".to_string(), 0),
        // The subtotal is named after its group, the 公务用车 label above it.
        Item::Vehicle if leaf == "小计" => {
            let group = labels.iter().rev().skip(1).find(|l| l.contains("公务用车")).or(labels.iter().rev().nth(1));
            (group?.clone(), 1)
        }
        Item::Vehicle | Item::Overseas | Item::Reception => (leaf.clone(), 1),
        Item::Purchase | Item::Operation => (qualified(leaf, &labels), 2),
        Item::Beside => return None,
    };
    Some(ItemColumn { col, item, name, level, measure, subtotal: false })
}

/// A part printed under its group by its own word only (`购置费` under `公务用车购置及运行费`)
/// is named with the group's subject (`公务用车购置费`), as the item is called elsewhere.
fn qualified(leaf: &str, labels: &[String]) -> String {
    const SUBJECT: &str = "公务用车";
    if leaf.contains(SUBJECT) {
        return leaf.to_string();
    }
    let grouped = labels.iter().rev().skip(1).any(|l| l.contains(SUBJECT) && l.contains("购置") && l.contains("运行"));
    if grouped { format!("{SUBJECT}{leaf}") } else { leaf.to_string() }
}

fn item_of(label: &str) -> Option<Item> {
    let has = |w: &str| label.contains(w);
    Some(if label == "合计" {
        Item::Total
    } else if label == "小计" || (has("购置") && has("运行")) {
        Item::Vehicle
    } else if has("出国") {
        Item::Overseas
    } else if has("购置") {
        Item::Purchase
    } else if has("运行") {
        Item::Operation
    } else if has("接待") {
        Item::Reception
    } else {
        return None;
    })
}

/// A label as a standard item name: as printed when it is one, else the longest standard
/// name whose characters it holds in order (OCR adds stray characters: `公务5用车购置及支运行费`),
/// else as printed.
fn standard_name(label: &str) -> String {
    if STANDARD_NAMES.contains(&label) || label == "小计" {
        return label.to_string();
    }
    STANDARD_NAMES
        .iter()
        .filter(|n| n.chars().count() > 2 && is_subsequence(n, label))
        .max_by_key(|n| n.chars().count())
        .map_or_else(|| label.to_string(), |n| n.to_string())
}

fn is_subsequence(needle: &str, hay: &str) -> bool {
    let mut hay = hay.chars();
    needle.chars().all(|c| hay.any(|h| h == c))
}

/// The columns cut into halves, each starting at a 合计; as index ranges into `columns`.
fn halves(columns: &[ItemColumn]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in columns.iter().enumerate().skip(1) {
        if c.item == Item::Total {
            out.push(start..i);
            start = i;
        }
    }
    if start < columns.len() {
        out.push(start..columns.len());
    }
    out
}

/// In a final account whose header does not tell its two like halves apart, the first half
/// is the 预算数 (the full-year budget) and the second the 决算数, the standard order.
fn measures_by_order(
    columns: &mut [ItemColumn],
    halves: &[std::ops::Range<usize>],
    ctx: &Context,
    line: u32,
) -> Option<Diagnostic> {
    let [first, second] = halves else { return None };
    let items = |r: &std::ops::Range<usize>| columns[r.clone()].iter().map(|c| c.item).collect::<Vec<_>>();
    if ctx.phase != Some(Phase::Final) || items(first) != items(second) {
        return None;
    }
    let uniform = |r: &std::ops::Range<usize>| {
        let m = columns.get(r.start).map(|c| c.measure);
        columns[r.clone()].iter().all(|c| Some(c.measure) == m).then_some(m).flatten()
    };
    if let (Some(a), Some(b)) = (uniform(first), uniform(second))
        && a != b
    {
        return None;
    }
    for c in &mut columns[first.clone()] {
        c.measure = Measure::FullYearBudget;
    }
    for c in &mut columns[second.clone()] {
        c.measure = Measure::Final;
    }
    Some(Diagnostic::new(
        line,
        "t09: the header's 预算数/决算数 labels do not tell the two halves apart: read in the standard order, 预算数 then 决算数",
    ))
}

/// Each half's identities: 合计 = 因公出国 + 公务用车 + 公务接待, 公务用车 = 购置 + 运行.
fn identities(columns: &[ItemColumn], halves: &[std::ops::Range<usize>]) -> Vec<Identity> {
    let mut out = Vec::new();
    for half in halves {
        let cols = &columns[half.clone()];
        let find = |item: Item| cols.iter().find(|c| c.item == item).map(|c| c.col);
        let all = |items: &[Item]| items.iter().filter_map(|&i| find(i)).collect::<Vec<_>>();
        if let Some(total) = find(Item::Total) {
            out.push(Identity { total, parts: all(&[Item::Overseas, Item::Vehicle, Item::Reception]) });
        }
        if let Some(total) = find(Item::Vehicle) {
            out.push(Identity { total, parts: all(&[Item::Purchase, Item::Operation]) });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize;
    use crate::tables::{grid, ocr_fixture, records};
    use crate::vocab::Unit;

    fn read(section: &str) -> Parsed {
        let lines = normalize::lines(&ocr_fixture("three-public-halves.txt", Some(section)));
        let g = grid::grid(&lines).expect("a grid");
        let (recs, _) = records::records(&g);
        let ctx = Context { phase: Some(Phase::Final), unit: Unit::Wan, fiscal_year: Some(2023) };
        facts(&g, &recs, &ctx, FundScope::Fiscal)
    }

    fn measures(p: &Parsed) -> Vec<(String, Measure, String)> {
        p.facts.iter().map(|f| (f.name.clone(), f.measure, f.amount.to_string())).collect()
    }

    #[test]
    fn halves_read_budget_then_final_when_the_labels_do_not_tell() {
        for section in ["budget-label-lost", "both-labels"] {
            let p = read(section);
            let got = measures(&p);
            assert_eq!(got[0], ("合计".to_string(), Measure::FullYearBudget, "2.00".to_string()), "{section}");
            assert_eq!(got[4], ("合计".to_string(), Measure::Final, "1.90".to_string()), "{section}");
            assert_eq!(got[1].0, "公务用车购置及运行费", "{section}: the 小计 is named after its group");
            let noted = p.diagnostics.iter().any(|d| d.message.contains("standard order"));
            assert_eq!(noted, section == "budget-label-lost", "{section}: {:?}", p.diagnostics);
        }
    }

    #[test]
    fn labels_with_stray_characters_read_as_the_standard_name() {
        assert_eq!(standard_name("公务5用车购置及支运行费"), "公务用车购置及运行费");
        assert_eq!(standard_name("公务用车购置及运行维护费"), "公务用车购置及运行维护费");
        assert_eq!(standard_name("因公出国（境）费"), "因公出国（境）费");
        assert_eq!(standard_name("小计"), "小计");
        assert_eq!(standard_name("机关运行经费"), "机关运行经费");
    }
}
