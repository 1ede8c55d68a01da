//! Records to facts: what each row and column of a statement means.
//!
//! Takes a statement's [`Grid`] and [`Record`]s; gives its facts. Each amount column is
//! given a fund scope, split and measure from its header words (`基本支出` → basic,
//! `一般公共预算财政拨款` → gpb, `预算数` → full-year budget in a final account), and each row
//! a dimension and level from its code or name (`合计` → total; a coded row → function or
//! economic; in a t01/t04 the revenue half lists sources and the expenditure half function
//! classes; a source numbered `1.` under `一、` is a level-2 sub-item). A column's own label
//! decides its split before the labels above it (a layout header may put a neighbour's group
//! label over it); a budget t01's expenditure half gives 合计 and 项目支出, not the 人员经费 /
//! 公用经费 parts of 基本支出; a t06 人员经费 / 公用经费 column repeats each code's 合计 and counts
//! only on the total row, named after the column. The zero rule of the gold conventions is
//! applied here: a printed zero is a fact only in a coded function row's total/basic/project
//! column. Does not resolve missing codes.

use crate::amount::Amount;
use crate::lexicon;
use crate::model::{AsideReason, Code, Diagnostic, Fact, Parsed, SetAside};
use crate::segment::TableSegment;
use crate::vocab::{CodeSource, Dimension, Evidence, FundScope, Measure, Phase, Split, Statement, Unit};

use super::grid::{Column, Grid, Role};
use super::records::{Record, by_unit, is_department_total};
use super::split_value::{self, Identity};

/// What the document tells a table parser.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    /// The document's phase, when it states one: without it only the columns whose headers
    /// name their measure (决算数, 年初预算, …) are read.
    pub phase: Option<Phase>,
    /// The statement's unit (its own header's, else the document's).
    pub unit: Unit,
    pub fiscal_year: Option<i16>,
}

/// Where an amount column's figures go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Target {
    pub(super) fund_scope: FundScope,
    pub(super) split: Split,
    pub(super) measure: Measure,
}

/// Which half of a two-sided statement (t01, t04) a group is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Revenue,
    Expenditure,
    /// The expenditure again, by economic class (a three- or four-sided summary table's
    /// 部门预算 / 政府预算支出经济分类 halves): a second decomposition of the same total, which
    /// the contract's t01/t04 do not record.
    Economic,
}

/// Row names that stand for a total or subtotal.
const TOTAL_NAMES: &[&str] = &[
    "合计",
    "总计",
    "小计",
    "本年收入合计",
    "本年支出合计",
    "收入合计",
    "支出合计",
    "收入总计",
    "支出总计",
    "收支总计",
    "本年收入",
    "本年支出",
    // Xi'an's 收支总表 heads both sides with 一、部门预算: the whole budget.
    "部门预算",
    "部门综合预算",
];

fn is_total_name(name: &str) -> bool {
    TOTAL_NAMES.contains(&name)
}

/// Turns a statement's records into facts.
/// `scope` is the money the statement's title names (the catalogue's): it decides t05's, t06's
/// and t09's fund scope; the other statements' scopes follow from their columns.
pub fn facts(segment: &TableSegment, grid: &Grid, records: &[Record], ctx: &Context) -> Parsed {
    let (statement, scope, basic_only) = (segment.statement, segment.scope, segment.basic_only);
    if statement == Statement::T09 {
        return super::three_public::facts(grid, records, ctx, scope);
    }
    let mut out = Parsed::default();
    let sides = sides(statement, grid);
    let identities: Vec<Vec<Identity>> =
        grid.groups.iter().map(|g| expenditure_identities(statement, grid, g, ctx)).collect();
    // A column's target depends on its group's side only: worked out once, not per cell.
    let targets_of = |side: Option<Side>| -> Vec<Option<Target>> {
        grid.columns.iter().map(|c| column_target(statement, scope, basic_only, side, c, ctx)).collect()
    };
    let mut targets: Vec<Vec<Option<Target>>> = sides.iter().map(|&side| targets_of(side)).collect();
    let ambiguous = drop_ambiguous(statement, grid, records, &mut targets);
    out.diagnostics.extend(ambiguous_note(statement, grid, records, &ambiguous));
    let sideless = targets_of(None);
    // A table by unit lists units (only its total is read) or, with codes, one unit's (the
    // department's) row over its function rows.
    let listed_by_unit = by_unit(grid);
    let by_subject = grid.columns.iter().any(|c| c.role != Role::Amount && c.says("科目"));
    let unit_rows = listed_by_unit && !by_subject;
    let headed_groups: Vec<bool> = (0..grid.groups.len()).map(|g| headed_by_total(records, g)).collect();
    let numbered_groups: Vec<bool> = (0..grid.groups.len())
        .map(|g| sides.get(g).copied().flatten() == Some(Side::Expenditure) && numbers_its_classes(records, g))
        .collect();
    let mut class_paths: Vec<Vec<String>> = vec![Vec::new(); grid.groups.len()];
    for (k, rec) in records.iter().enumerate() {
        if unit_rows && !is_department_total(records, k) {
            let line = rec.line.no;
            out.set_aside.extend(rec.amounts.iter().map(|&(_, amount)| SetAside {
                line,
                amount,
                why: AsideReason::UnitRow,
            }));
            continue;
        }
        let side = sides.get(rec.group).copied().flatten();
        let row_targets = targets.get(rec.group).unwrap_or(&sideless);
        let mut amounts = rec.amounts.clone();
        if let Some(ids) = identities.get(rec.group) {
            let notes = split_value::repair(&mut amounts, ids, rec.line.no);
            out.diagnostics
                .extend(notes.into_iter().map(|d| Diagnostic { message: format!("{statement}: {}", d.message), ..d }));
        }
        let rec = &Record { amounts, ..rec.clone() };
        if side == Some(Side::Economic) {
            out.set_aside.extend(rec.amounts.iter().map(|&(_, amount)| SetAside {
                line: rec.line.no,
                amount,
                why: AsideReason::NoMeaning,
            }));
            continue;
        }
        let headed = headed_groups.get(rec.group).copied().unwrap_or(false);
        let numbered = numbered_groups.get(rec.group).copied().unwrap_or(false);
        let path = class_paths.get_mut(rec.group);
        let Some(row) = (match path {
            Some(path) if numbered => item_under_class(rec, path),
            _ => None,
        })
        .or_else(|| row_meaning(statement, side, headed, rec, &mut out.diagnostics)) else {
            continue;
        };
        // A table by unit: its one row read is the department's total, whatever it is named;
        // so is the uncoded row over the coded rows of the department's one unit.
        let heads_rows = listed_by_unit && k == 0 && rec.code.is_none();
        let row = if (unit_rows || heads_rows) && statement != Statement::T06 {
            Row { dimension: Dimension::Total, level: Some(0), code: None, path: Vec::new(), ..row }
        } else {
            row
        };
        if numbered && let Some(path) = class_paths.get_mut(rec.group) {
            if row.dimension == Dimension::Function && row.level == Some(1) {
                *path = vec![row.name.clone()];
            } else if row.level == Some(0) {
                path.clear();
            }
        }
        let line = rec.line.no;
        for &(col, amount) in &rec.amounts {
            let aside = |why| SetAside { line, amount, why };
            let Some(column) = grid.columns.get(col) else { continue };
            let Some(target) = row_targets.get(col).copied().flatten() else {
                // A column of no measure is not read (the audit counts it unread); one outside
                // the contract is set aside.
                if measure(column, ctx).is_some() && !ambiguous.contains(&col) {
                    out.set_aside.push(aside(AsideReason::NoMeaning));
                }
                continue;
            };
            if amount.is_zero() && !keeps_zero(statement, &row, target) {
                out.set_aside.push(aside(AsideReason::Zero));
                continue;
            }
            match subtotal_column(statement, column) {
                // A 人员经费 / 公用经费 column repeats each code's 合计; on the total row it is a
                // figure of its own, named after its column.
                Some(label) if row.level == Some(0) && row.code.is_none() => {
                    let named = Row { name: label.to_string(), code: None, ..row.clone() };
                    push_fact(&mut out, statement, &named, target, amount, rec, ctx.unit);
                }
                Some(_) => out.set_aside.push(aside(AsideReason::Repeat)),
                None => push_fact(&mut out, statement, &row, target, amount, rec, ctx.unit),
            }
        }
    }
    dedupe_totals(&mut out);
    out
}

/// Two amount columns read as the same split and measure, and a row printing a figure in
/// each: the header was not understood (a 合计 label lost above a 基本支出 group, say), and
/// which column is which cannot be told. Their figures are not read — the self-audit counts
/// them unread — rather than published under a meaning the table does not give. Columns that
/// share a meaning but never a row (one column cut in two by OCR or layout) are one column.
/// (t06's 人员经费 / 公用经费 columns, which repeat a code's 合计 by design, are told apart by
/// their labels.) A 小计 beside a column that names the same meaning itself yields to it.
fn drop_ambiguous(
    statement: Statement,
    grid: &Grid,
    records: &[Record],
    targets: &mut [Vec<Option<Target>>],
) -> Vec<usize> {
    let mut dropped: Vec<usize> = Vec::new();
    for rec in records {
        let Some(row) = targets.get(rec.group) else { continue };
        let own = |col: usize| grid.columns.get(col).is_some_and(|c| subtotal_column(statement, c).is_none());
        let cols: Vec<(usize, Target)> = rec
            .amounts
            .iter()
            .filter(|(c, _)| own(*c))
            .filter_map(|&(c, _)| Some((c, row.get(c).copied()??)))
            .collect();
        // A 小计 takes its meaning from a group label the header may have misplaced; beside a
        // column whose own label says the same, it is the one left out.
        let inherits = |col: usize| grid.columns.get(col).and_then(|c| c.path.last()).is_some_and(|l| l == "小计");
        for &(c, t) in &cols {
            let rivals: Vec<usize> = cols.iter().filter(|&&(d, u)| d != c && u == t).map(|&(d, _)| d).collect();
            let yields = !rivals.is_empty() && (inherits(c) || !rivals.iter().all(|&d| inherits(d)));
            if yields && !dropped.contains(&c) {
                dropped.push(c);
            }
        }
    }
    for row in targets.iter_mut() {
        for &c in &dropped {
            if let Some(t) = row.get_mut(c) {
                *t = None;
            }
        }
    }
    dropped.sort_unstable();
    dropped
}

fn ambiguous_note(statement: Statement, grid: &Grid, records: &[Record], dropped: &[usize]) -> Option<Diagnostic> {
    dropped.first()?;
    let shows = |rec: &&Record| rec.amounts.iter().any(|(c, _)| dropped.contains(c));
    let line = records.iter().find(shows).map_or(0, |r| r.line.no);
    let names: Vec<String> = dropped.iter().map(|c| (c + 1).to_string()).collect();
    let labels: Vec<String> = dropped.iter().filter_map(|c| grid.columns.get(*c)).map(|c| c.path.join("/")).collect();
    Some(Diagnostic::new(
        line,
        format!(
            "{statement}: columns {} read as the same split and measure ({}): their figures are left out",
            names.join(", "),
            labels.join(" | ")
        ),
    ))
}

/// The label of a t06 column that splits the 合计 into 人员经费 / 公用经费 (its own label, not
/// a group label over a code–name–amount block).
fn subtotal_column(statement: Statement, column: &Column) -> Option<&str> {
    let leaf = column.path.last()?;
    let subtotal = statement == Statement::T06 && is_basic_part(leaf);
    subtotal.then_some(leaf.as_str())
}

/// The identity every row of an expenditure table prints (`1栏 = 2+3+…栏`): its total column
/// is the sum of its basic, project and other split columns. None for other statements.
fn expenditure_identities(
    statement: Statement,
    grid: &Grid,
    group: &super::grid::Group,
    ctx: &Context,
) -> Vec<Identity> {
    if !matches!(statement, Statement::T03 | Statement::T05 | Statement::T07 | Statement::T08) {
        return Vec::new();
    }
    let split_of =
        |c: usize| column_target(statement, FundScope::All, false, None, &grid.columns[c], ctx).map(|t| (c, t.split));
    let splits: Vec<(usize, Split)> = group.columns.clone().filter_map(split_of).collect();
    let total = splits.iter().find(|(_, s)| *s == Split::Total).map(|(c, _)| *c);
    let parts: Vec<usize> = splits.iter().filter(|(_, s)| *s != Split::Total).map(|(c, _)| *c).collect();
    match total {
        Some(total) if !parts.is_empty() => vec![Identity { total, parts }],
        _ => Vec::new(),
    }
}

/// What a row is: dimension, level, code and name.
#[derive(Debug, Clone)]
pub(super) struct Row {
    pub(super) dimension: Dimension,
    pub(super) level: Option<u8>,
    pub(super) code: Option<Code>,
    pub(super) name: String,
    /// The names of the rows above it that may be its 类 and 款, outermost first, where the
    /// table prints them by name only (the codes stage looks its code up by them).
    pub(super) path: Vec<String>,
}

/// A summary table's side whose numbered items stand under a total printed as their heading
/// (`一、部门预算` over `1、财政拨款`, `(1)一般公共预算拨款`): its Arabic-numbered items are
/// sources of their own (level 1), its bracketed ones their parts (level 2).
fn headed_by_total(records: &[Record], group: usize) -> bool {
    records
        .iter()
        .filter(|r| r.group == group)
        .any(|r| starts_with_chinese_ordinal(r.raw_name.as_deref()) && r.name.as_deref().is_some_and(is_total_name))
}

fn starts_with_chinese_ordinal(raw_name: Option<&str>) -> bool {
    raw_name.is_some_and(|raw| raw.starts_with(|c: char| "一二三四五六七八九十".contains(c)))
}

/// A summary table's expenditure side that numbers its classes (`一、一般公共服务支出`): its
/// unnumbered rows are their 款 and 项, printed by name only.
fn numbers_its_classes(records: &[Record], group: usize) -> bool {
    records
        .iter()
        .filter(|r| r.group == group)
        .any(|r| starts_with_chinese_ordinal(r.raw_name.as_deref()) && r.name.as_deref().is_some_and(is_function_class))
}

/// An unnumbered row under a numbered class (see [`numbers_its_classes`]): a function row
/// whose level and code the codes stage finds by its name and the names above it (`path`,
/// the class and the rows since), or `None` for a row of another kind. Its name joins `path`.
fn item_under_class(rec: &Record, path: &mut Vec<String>) -> Option<Row> {
    let name = rec.name.clone()?;
    if path.is_empty()
        || rec.amounts.is_empty()
        || starts_with_chinese_ordinal(rec.raw_name.as_deref())
        || is_total_name(&name)
        || is_balance(&name)
    {
        return None;
    }
    let row = Row { dimension: Dimension::Function, level: None, code: None, name: name.clone(), path: path.clone() };
    path.push(name);
    Some(row)
}

/// The level of a revenue source by its numbering (see [`headed_by_total`]).
fn revenue_level(raw_name: Option<&str>, headed: bool) -> u8 {
    let raw = raw_name.unwrap_or("");
    let bracketed = raw.starts_with(['(', '（']);
    match (headed, is_sub_item(raw_name)) {
        (true, true) if bracketed || raw.starts_with("其中") => 2,
        (true, _) | (false, false) => 1,
        (false, true) => 2,
    }
}

fn row_meaning(
    statement: Statement,
    side: Option<Side>,
    headed: bool,
    rec: &Record,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Row> {
    if rec.amounts.is_empty() {
        return None;
    }
    let code = rec.code.as_deref().and_then(Code::parse);
    if rec.code.is_some() && code.is_none() {
        diagnostics.push(Diagnostic::new(rec.line.no, format!("code {:?} is not a 3/5/7-digit code", rec.code)));
    }
    let name = rec.name.clone().unwrap_or_default();
    if code.is_none() && name.is_empty() {
        diagnostics.push(Diagnostic::new(rec.line.no, "amounts with neither code nor name: left out"));
        return None;
    }
    let row = |dimension, level| Row { dimension, level, code: code.clone(), name: name.clone(), path: Vec::new() };
    if code.is_none() && is_total_name(&name) {
        // The 合计 of the economic table is an economic row (人员经费合计 is one too).
        let dimension = if statement == Statement::T06 { Dimension::Economic } else { Dimension::Total };
        return Some(row(dimension, Some(0)));
    }
    Some(match statement {
        Statement::T01 | Statement::T04 => match side {
            Some(Side::Revenue) => row(Dimension::Revenue, Some(revenue_level(rec.raw_name.as_deref(), headed))),
            // `一、财政拨款` heading the uses of appropriations: their total.
            Some(Side::Expenditure)
                if starts_with_chinese_ordinal(rec.raw_name.as_deref()) && name.ends_with("拨款") =>
            {
                row(Dimension::Total, Some(0))
            }
            _ if is_function_class(&name) => row(Dimension::Function, Some(1)),
            _ if is_balance(&name) => row(Dimension::Total, Some(0)),
            // A 款 or 项 printed by name alone (no code, no indentation read): its level
            // and code are not established, and a guess would publish it as a total.
            _ => {
                let note = format!("{statement}: {name:?} is neither a class, a balance nor a total: left out");
                diagnostics.push(Diagnostic::new(rec.line.no, note));
                return None;
            }
        },
        Statement::T06 => match &code {
            Some(c) => row(Dimension::Economic, Some(c.level())),
            None if name.contains("合计") => row(Dimension::Economic, Some(0)),
            None => row(Dimension::Economic, None),
        },
        _ => match &code {
            Some(c) => row(Dimension::Function, Some(c.level())),
            None => row(Dimension::Function, None),
        },
    })
}

/// A revenue source numbered as a part of the one above (`1. 一般公共预算资金` under
/// `一、财政拨款收入`): Arabic or bracketed numbers sit under Chinese ones; a 其中 row is one.
fn is_sub_item(raw_name: Option<&str>) -> bool {
    let Some(raw) = raw_name else { return false };
    // `其中：专项资金列入部门预算的项目`: a part of the source above.
    if raw.starts_with("其中") {
        return true;
    }
    let mut chars = raw.chars();
    match chars.next() {
        Some(c) if c.is_ascii_digit() => {
            let rest: String = chars.skip_while(char::is_ascii_digit).take(1).collect();
            matches!(rest.as_str(), "." | "、" | "．")
        }
        Some('(' | '（') => chars.next().is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    }
}

/// An expenditure-side row of t01/t04 that names a function class (`一般公共服务支出`), not a
/// balance (`年末结转和结余`, `结余分配`).
/// A carry-over or balance row of a summary table's expenditure side (年末结转和结余, 结余分配).
fn is_balance(name: &str) -> bool {
    name.contains("结转") || name.contains("结余")
}

fn is_function_class(name: &str) -> bool {
    name.ends_with("支出") && !name.contains("结余") && !name.contains("结转")
}

/// For two-sided statements, which side each group is on: by its header (收入 / 支出), else
/// by position (revenue first).
fn sides(statement: Statement, grid: &Grid) -> Vec<Option<Side>> {
    if !matches!(statement, Statement::T01 | Statement::T04) {
        return vec![None; grid.groups.len()];
    }
    grid.groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let top = g.columns.clone().find_map(|c| grid.columns[c].path.first().cloned()).unwrap_or_default();
            let by_economic_class = g.columns.clone().any(|c| {
                grid.columns
                    .get(c)
                    .is_some_and(|col| col.role == Role::Name && (col.says("经济分类") || col.says("经济科目")))
            });
            Some(if by_economic_class {
                Side::Economic
            } else if top.contains("支出") {
                Side::Expenditure
            } else if top.contains("收入") || i == 0 {
                Side::Revenue
            } else {
                Side::Expenditure
            })
        })
        .collect()
}

/// The measure a column's header states, read with the document's phase; `None` when the
/// document states no phase and the header names no measure that needs none.
pub(super) fn measure(column: &Column, ctx: &Context) -> Option<Measure> {
    // A change on the year before (增减变化情况, 增减额, 增长率) is no measure of the contract.
    if column.says("增减") || column.says("增长") || column.says("变化") {
        return None;
    }
    let prior = ctx.fiscal_year.is_some_and(|y| column.path.iter().any(|p| mentions_year_before(p, y)));
    Some(if column.says("年初预算") {
        Measure::InitialBudget
    } else if column.says("全年预算") || column.says("调整后预算") {
        Measure::FullYearBudget
    } else {
        match ctx.phase? {
            // `预算数` in a final account is the adjusted full-year budget (the standard note
            // on the 三公 table says so); `一般公共预算` names a fund, not a measure.
            Phase::Final if column.says("预算数") => Measure::FullYearBudget,
            Phase::Final => Measure::Final,
            Phase::Budget if prior || column.says("上年") => {
                if column.says("执行") || column.says("决算") {
                    Measure::PriorActual
                } else {
                    Measure::PriorBudget
                }
            }
            Phase::Budget => Measure::Budget,
        }
    })
}

/// True when `text` prints a year from 1990 to the one before `year` as four digits.
fn mentions_year_before(text: &str, year: i16) -> bool {
    text.as_bytes().windows(4).any(|w| {
        let value = w.iter().try_fold(0i16, |n, &b| b.is_ascii_digit().then(|| n * 10 + i16::from(b - b'0')));
        value.is_some_and(|y| (1990..year).contains(&y))
    })
}

/// Where a column's amounts go for this statement, or `None` for a column outside the
/// output's scope (t02's 事业收入, t07's carry-overs).
fn column_target(
    statement: Statement,
    scope: FundScope,
    basic_only: bool,
    side: Option<Side>,
    column: &Column,
    ctx: &Context,
) -> Option<Target> {
    if column.role != Role::Amount {
        return None;
    }
    let measure = measure(column, ctx)?;
    let target = |fund_scope, split| Some(Target { fund_scope, split, measure });
    match statement {
        Statement::T01 => match side {
            // The expenditure half of a budget's t01 may print 合计 | 基本支出 (人员经费,
            // 公用经费) | 项目支出: each column its split, the parts of 基本支出 none.
            Some(Side::Expenditure) => leaf_split(column).and_then(|s| target(FundScope::All, s)),
            _ => target(FundScope::All, Split::Total),
        },
        Statement::T02 => revenue_split(column).and_then(|(fund, split)| target(fund, split)),
        // A column of one source of money (一般公共预算拨款 / 小计) is no use of it; a 合计 is
        // the row's total whatever a layout header put over it.
        Statement::T03 if column.says("拨款") && column.path.last().is_none_or(|l| l != "合计") => None,
        Statement::T03 => expenditure_split(column).and_then(|s| target(FundScope::All, s)),
        Statement::T05 => expenditure_split(column).and_then(|s| target(scope, s)),
        Statement::T08 => expenditure_split(column).and_then(|s| target(FundScope::SoeCapital, s)),
        Statement::T07 => {
            let spending = column.says("本年支出") || column.says("基本支出") || column.says("项目支出");
            if spending { expenditure_split(column).and_then(|s| target(FundScope::GovFund, s)) } else { None }
        }
        Statement::T04 => {
            let scope = if side == Some(Side::Revenue) {
                FundScope::Fiscal
            } else {
                fund_of(column).unwrap_or(FundScope::Fiscal)
            };
            target(scope, Split::Total)
        }
        // The 基本支出 table's columns are its total and the parts of it (人员经费 / 公用经费,
        // read on the total row only); a table of all the fund's spending splits it.
        Statement::T06 if basic_only || subtotal_column(statement, column).is_some() => target(scope, Split::Total),
        Statement::T06 if column.says("政府采购") => None,
        Statement::T06 => target(scope, expenditure_split(column).unwrap_or(Split::Total)),
        Statement::T09 | Statement::Narrative => None,
    }
}

/// The fund and split of a t02 column: by its own label when that names one (a group label
/// a layout header puts over it may be a neighbour's), else by its group's (a 小计 under
/// 财政拨款收入 is all appropriations). A column of one fund (一般公共预算, 政府性基金) is that
/// fund's share of the appropriations (design.md); other sources are no split.
fn revenue_split(column: &Column) -> Option<(FundScope, Split)> {
    let leaf = column.path.last()?;
    if matches!(leaf.as_str(), "合计" | "总计" | "本年收入" | "本年收入合计" | "收入合计" | "收入总计")
    {
        return Some((FundScope::All, Split::Total));
    }
    if let Some(fund) = fund_of(column) {
        return Some((fund, Split::Fiscal));
    }
    // A 小计 under a group of one fund (`一般公共预算拨款` over 小计 and 其中 columns).
    if leaf == "小计"
        && let Some(fund) = column.path.iter().rev().skip(1).find_map(|p| fund_of_label(p))
    {
        return Some((fund, Split::Fiscal));
    }
    if leaf.contains("财政拨款") {
        return Some((FundScope::All, Split::Fiscal));
    }
    if lexicon::is_column_label(leaf) {
        return None;
    }
    if column.says("合计") {
        Some((FundScope::All, Split::Total))
    } else if column.says("财政拨款") {
        Some((FundScope::All, Split::Fiscal))
    } else {
        None
    }
}

/// The split a t01 expenditure column holds, by its own label: none for the parts of
/// 基本支出, total for a plain 决算数 / 预算数 / 合计.
fn leaf_split(column: &Column) -> Option<Split> {
    let leaf = column.path.last().map_or("", String::as_str);
    if is_basic_part(leaf) { None } else { Some(split_of_label(leaf).unwrap_or(Split::Total)) }
}

/// A label of a part of 基本支出 by economic kind: 人员经费 / 公用经费, 人员支出 / 日常公用支出.
fn is_basic_part(label: &str) -> bool {
    ["人员经费", "公用经费", "人员支出", "公用支出"].iter().any(|w| label.contains(w))
}

/// The split a label names, if any.
fn split_of_label(label: &str) -> Option<Split> {
    Some(if label.contains("基本支出") {
        Split::Basic
    } else if label.contains("项目支出") {
        Split::Project
    } else if label.contains("上缴上级") {
        Split::RemitSuperior
    } else if label.contains("经营支出") {
        Split::Operating
    } else if label.contains("附属单位") {
        Split::SubsidyAffiliates
    } else {
        return None;
    })
}

/// The split of an expenditure column: its own label first (a group label over it, read from
/// a layout header, may name a neighbour's split), then the labels above it.
fn expenditure_split(column: &Column) -> Option<Split> {
    // 政府采购 columns beside the spending (of which procurement, and its 中小企业 share) are
    // no split of the contract.
    if column.says("政府采购") {
        return None;
    }
    // 人员经费 / 公用经费 (人员支出 / 日常公用支出) columns under 基本支出 split the basic
    // spending by economic kind: no split of the contract.
    if column.path.last().is_some_and(|leaf| is_basic_part(leaf)) {
        return None;
    }
    if let Some(split) = column.path.last().and_then(|leaf| split_of_label(leaf)) {
        return Some(split);
    }
    // A column labelled 合计 is the row's total, whatever group label a layout header put over
    // it (suzhou's 基本支出, centred over its 小计 and parts, spans the whole header as read);
    // a 小计 is its group's.
    if column.path.last().is_some_and(|leaf| matches!(leaf.as_str(), "合计" | "总计" | "支出总计" | "本年支出合计"))
    {
        return Some(Split::Total);
    }
    Some(if column.says("基本支出") {
        Split::Basic
    } else if column.says("项目支出") {
        Split::Project
    } else if column.says("上缴上级") {
        Split::RemitSuperior
    } else if column.says("经营支出") {
        Split::Operating
    } else if column.says("附属单位") {
        Split::SubsidyAffiliates
    } else if column.says("合计")
        || column.says("小计")
        || column.says("本年支出")
        || column.says("支出总计")
        || column.says("金额")
    {
        Split::Total
    } else {
        return None;
    })
}

/// The fund a t04 expenditure or t02 appropriation column is restricted to, if any.
fn fund_of(column: &Column) -> Option<FundScope> {
    fund_of_label(column.path.last()?)
}

/// The fund a label names, if any.
pub(super) fn fund_of_label(leaf: &str) -> Option<FundScope> {
    if leaf.contains("一般公共预算") {
        Some(FundScope::Gpb)
    } else if leaf.contains("政府性基金") {
        Some(FundScope::GovFund)
    } else if leaf.contains("国有资本经营") {
        Some(FundScope::SoeCapital)
    } else {
        None
    }
}

/// A printed zero is a figure only in a coded function table's total/basic/project columns.
fn keeps_zero(statement: Statement, row: &Row, target: Target) -> bool {
    matches!(statement, Statement::T02 | Statement::T03 | Statement::T05 | Statement::T07 | Statement::T08)
        && row.dimension == Dimension::Function
        && matches!(target.split, Split::Total | Split::Basic | Split::Project)
}

pub(super) fn push_fact(
    out: &mut Parsed,
    statement: Statement,
    row: &Row,
    target: Target,
    amount: Amount,
    rec: &Record,
    unit: Unit,
) {
    if amount.to_yuan(unit).is_none() {
        out.diagnostics
            .push(Diagnostic::new(rec.line.no, format!("amount {amount} {unit} cannot be stored exactly: left out")));
        return;
    }
    out.facts.push(Fact {
        statement,
        fund_scope: target.fund_scope,
        dimension: row.dimension,
        code: row.code.clone(),
        code_source: row.code.as_ref().map(|_| CodeSource::Printed),
        level: row.level,
        name: row.name.clone(),
        path: row.path.clone(),
        split: target.split,
        measure: target.measure,
        amount,
        unit,
        line: rec.line.no,
        page: rec.line.page,
        evidence: Evidence::Unchecked,
    });
}

/// A total printed on both halves of one line (t01's 总计 | 总计) is one figure: the second
/// is set aside as a repeat. (收入总计 | 支出总计 are two rows, each named as printed.)
fn dedupe_totals(out: &mut Parsed) {
    let mut seen: Vec<Fact> = Vec::new();
    let mut repeats = Vec::new();
    out.facts.retain(|f| {
        if f.dimension != Dimension::Total {
            return true;
        }
        let duplicate = seen.iter().any(|s| s == f);
        if duplicate {
            repeats.push(SetAside { line: f.line, amount: f.amount, why: AsideReason::Repeat });
        } else {
            seen.push(f.clone());
        }
        !duplicate
    });
    out.set_aside.extend(repeats);
}

#[cfg(test)]
mod tests {
    use super::mentions_year_before;
    use crate::normalize;
    use crate::segment;
    use crate::tables::{Context, ocr_fixture, parse};
    use crate::vocab::{Phase, Split, Unit};

    #[test]
    fn a_split_value_is_joined_when_total_equals_basic_plus_project() {
        let lines = normalize::lines(&ocr_fixture("split-value-expenditure.txt", None));
        let seg = segment::segment(&lines);
        let ctx = Context { phase: Some(Phase::Final), unit: Unit::Wan, fiscal_year: Some(2023) };
        let parsed = parse(&seg.tables[0], &ctx);
        let got: Vec<(String, Split, String)> = parsed
            .facts
            .iter()
            .map(|f| (f.code.as_ref().map(|c| c.to_string()).unwrap_or_default(), f.split, f.amount.to_string()))
            .collect();
        let want = [
            ("201", Split::Total, "3.05"),
            ("201", Split::Project, "3.05"),
            ("20103", Split::Project, "3.00"),
            ("2010350", Split::Total, "1.00"),
            ("2010350", Split::Basic, "1.00"),
        ];
        let want: Vec<(String, Split, String)> =
            want.iter().map(|(c, s, a)| (c.to_string(), *s, a.to_string())).collect();
        assert_eq!(got, want);
        let notes: Vec<&str> = parsed.diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert!(notes.iter().any(|n| n.contains("read as 3.05")), "{notes:?}");
        assert!(notes.iter().any(|n| n.contains("`4.1` | `2`") && n.contains("left out")), "{notes:?}");
    }

    #[test]
    fn a_prior_year_is_four_digits_before_the_report_year() {
        assert!(mentions_year_before("2022年预算数", 2023));
        assert!(mentions_year_before("上年(2022)决算", 2023));
        assert!(!mentions_year_before("2023年预算数", 2023));
        assert!(!mentions_year_before("1989年", 2023));
        assert!(!mentions_year_before("202２年", 2023), "a full-width digit is not a digit here");
        assert!(!mentions_year_before("-2022", 2022));
    }
}
