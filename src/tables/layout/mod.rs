//! Layout text to a grid: tables whose columns are runs of spaces.
//!
//! Takes a statement's lines as `pdftotext -layout` (or another extractor that places text by
//! its x position) printed them; gives the same [`Grid`] the tab-separated path gives: one
//! column per printed column, with its header path and role, the side-by-side column groups,
//! and one body row per line of figures, so that `records` and `meaning` read it unchanged.
//! The steps, one module each: [`chunks`] cuts a line into runs of text, [`header`] finds the
//! columns and their labels from the header lines, [`place`] puts each figure in its column
//! and each label in its group, [`rows`] joins a row's code parts and wrapped name. Here: the
//! header is the lines between the unit line and the first line of figures (less the first
//! piece of a name printed above its figures); the body ends at the table's note (`注：`);
//! on later pages a repeated header and page numbers are left out. Text that keeps no column
//! positions (one space between cells) is read by [`plain`] instead. Does not decide what a
//! column means.

pub mod chunks;
pub mod header;
pub mod place;
pub mod plain;
pub mod rows;

use std::sync::LazyLock;

use regex::Regex;

use crate::FastSet;
use crate::model::Diagnostic;
use crate::normalize::{Line, squeeze};
use crate::segment;

use super::grid::{Column, Grid, Group, Role, Row};
use chunks::{Chunk, Kind};
use header::Leaf;
use place::BodyLine;
use rows::LayoutRow;

static PREAMBLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:[单平]位\s*[:：])|^\s*(?:编制部门|编制单位|部门|单位名称|预算单位|预算主管部门)\s*[:：]")
        .expect("valid regex")
});
static TRAILER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:注|说明|备注)\s*(?:[:：]|\d|[(（])").expect("valid regex"));
static PAGE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[-—–]\s*\d{1,3}\s*[-—–]|\d{1,3}|第\d{1,3}页(?:共\d{1,3}页)?)$").expect("valid regex")
});

/// The most lines read as a table's header, counted up from its body.
const MAX_HEADER_LINES: usize = 30;

/// Builds the grid of a layout table, or `None` when the lines hold no header with columns
/// of figures.
pub fn grid(lines: &[Line]) -> Option<Grid<'_>> {
    let start = lines.iter().position(|l| !l.is_blank() && !PREAMBLE.is_match(&l.text))?;
    let end = (start..lines.len())
        .find(|&i| lines.get(i).is_some_and(|l| TRAILER.is_match(l.text.trim())))
        .unwrap_or(lines.len());
    let region = lines.get(start..end)?;
    let mut chunked: Vec<Vec<Chunk>> = region.iter().map(|l| chunks::body_chunks(&l.text)).collect();
    let body_at = first_body_line(&chunked);
    // A header is a dozen lines; what lies further above the body is a lost table's text.
    let header_lines = region.get(body_at.saturating_sub(MAX_HEADER_LINES)..body_at)?;
    if plain::is_plain(header_lines) {
        let leaves = plain::leaves(header_lines);
        if !leaves.iter().any(|l| !l.label) {
            return None;
        }
        let groups = place::groups(&leaves);
        let (rows, mut notes) = plain::rows(region.get(body_at..)?, &leaves, &groups);
        return Some(build(&leaves, &groups, rows, &mut notes));
    }
    let header: Vec<Vec<Chunk>> = header_lines.iter().map(|l| chunks::header_chunks(&l.text)).collect();
    let leaves = header::leaves(&header);
    if !leaves.iter().any(|l| !l.label) {
        return None;
    }
    let known: FastSet<String> = header.iter().flatten().map(|c| squeeze(&c.text)).collect();
    let header_page = header_lines.iter().rev().find(|l| !l.is_blank()).and_then(|l| l.page);
    let body_lines = body_lines(region.get(body_at..)?, chunked.split_off(body_at), &known, header_page);
    let groups = place::groups(&leaves);
    let placed = place::place(body_lines, &leaves, &groups);
    let mut notes = unplaced_notes(&placed);
    let rows = rows::rows(&placed, &groups);
    Some(build(&leaves, &groups, rows, &mut notes))
}

/// Where the body starts: the first line of figures (not a row of column numbers), less the
/// name pieces printed right above it in the body's name column.
fn first_body_line(chunked: &[Vec<Chunk>]) -> usize {
    let figures = |cs: &[Chunk]| (0..cs.len()).any(|i| cs[i].is_number() && !is_year_label(cs, i));
    let Some(first) = chunked.iter().position(|cs| figures(cs) && !is_number_row(cs)) else {
        return chunked.len();
    };
    // Where the body's names start: the text right after a leading code.
    let name_x: Vec<usize> = chunked
        .iter()
        .skip(first)
        .filter_map(|cs| match cs.as_slice() {
            [code, name, ..] if code.kind == Kind::Digits && name.kind == Kind::Text => Some(name.x0),
            _ => None,
        })
        .collect();
    let (Some(&lo), Some(&hi)) = (name_x.iter().min(), name_x.iter().max()) else { return first };
    let mut at = first;
    while let Some(cs) = at.checked_sub(1).and_then(|i| chunked.get(i)) {
        let piece = matches!(cs.as_slice(), [c] if c.kind == Kind::Text && c.x0 + 1 >= lo && c.x0 <= hi + 1 && !header::is_label(&c.text));
        if !piece {
            break;
        }
        at -= 1;
    }
    at
}

/// A year in a header label (`2026 年政府采购项目`): four digits, 1990 to 2099, and 年 next.
fn is_year_label(chunks: &[Chunk], i: usize) -> bool {
    let year = chunks[i].text.parse::<u16>().is_ok_and(|y| (1990..2100).contains(&y));
    year && chunks.get(i + 1).is_some_and(|next| next.text.starts_with('年'))
}

/// A row of column numbers: 1, 2, 3… increasing, besides 栏次 / 类 款 项 captions.
fn is_number_row(chunks: &[Chunk]) -> bool {
    let mut last = 0u32;
    let mut seen = 0;
    for c in chunks {
        if header::is_label(&c.text) {
            continue;
        }
        match c.text.parse::<u32>() {
            Ok(n) if n > last && n <= 99 => {
                last = n;
                seen += 1;
            }
            _ => return false,
        }
    }
    seen >= 2
}

/// The body's lines with their chunks, without a header repeated at the top of a later page or
/// a page number. Blank lines are kept (empty): a wrapped name never continues across one.
fn body_lines<'a>(
    lines: &'a [Line],
    chunked: Vec<Vec<Chunk>>,
    known: &FastSet<String>,
    header_page: Option<u16>,
) -> Vec<(&'a Line, Vec<Chunk>)> {
    let mut out = Vec::with_capacity(lines.len());
    let mut figures_on_page: Option<Option<u16>> = None;
    for (i, (line, chunks)) in lines.iter().zip(chunked).enumerate() {
        let has_figures = (0..chunks.len()).any(|i| chunks[i].is_number() && !is_year_label(&chunks, i));
        let new_page_top = line.page != header_page && figures_on_page != Some(line.page);
        // The top of a later page may print the table's number, title and unit line again
        // before its header.
        let caption = || {
            segment::is_table_label(&line.text) || segment::title(&line.text).is_some() || PREAMBLE.is_match(&line.text)
        };
        let repeated_header = new_page_top
            && !has_figures
            && !chunks.is_empty()
            && (caption()
                || chunks::header_chunks(&line.text)
                    .iter()
                    .all(|c| known.contains(&squeeze(&c.text)) || header::is_label(&c.text) || c.text == "年"));
        if repeated_header || is_page_number(lines, i) {
            continue;
        }
        if has_figures {
            figures_on_page = Some(line.page);
        }
        out.push((line, chunks));
    }
    out
}

/// A page number: a short number (`12`, `- 12 -`, `第12页`) on the first or last line of a page.
fn is_page_number(lines: &[Line], i: usize) -> bool {
    let Some(line) = lines.get(i) else { return false };
    // Runs on every layout line: squeeze only one as short as the longest page number
    // (`第123页共123页`, 10 characters besides spaces).
    let longer = line.text.chars().filter(|c| !c.is_whitespace()).nth(10).is_some();
    if longer || !PAGE_NUMBER.is_match(&squeeze(&line.text)) {
        return false;
    }
    let other_page = |j: Option<usize>| j.and_then(|j| lines.get(j)).is_none_or(|l| l.page != line.page);
    let prev = (0..i).rev().find(|&j| lines.get(j).is_some_and(|l| !l.is_blank()));
    let next = (i + 1..lines.len()).find(|&j| lines.get(j).is_some_and(|l| !l.is_blank()));
    line.page.is_some() && (other_page(prev) || other_page(next))
}

fn unplaced_notes(placed: &[BodyLine]) -> Vec<Diagnostic> {
    placed
        .iter()
        .flat_map(|b| {
            b.tokens
                .iter()
                .filter(|t| t.role == place::Role::Figure && t.column.is_none())
                .map(|t| Diagnostic::new(b.line.no, format!("value {} outside any column: left out", t.chunk.text)))
        })
        .collect()
}

/// Where each group's code and name go, and each leaf's figures.
struct Layout {
    columns: Vec<Column>,
    groups: Vec<Group>,
    /// (code column, name column) per group.
    labels: Vec<(usize, usize)>,
    /// The grid column of each leaf that holds figures.
    leaf_col: Vec<Option<usize>>,
}

/// The grid's columns: per group a code column, a name column, then the group's figure
/// columns. The code and name columns carry the labels above the group's first figure column
/// (`支出` over a t01's second half).
fn layout_columns(leaves: &[Leaf], groups: &[std::ops::Range<usize>]) -> Layout {
    let mut out =
        Layout { columns: Vec::new(), groups: Vec::new(), labels: Vec::new(), leaf_col: vec![None; leaves.len()] };
    for g in groups {
        let start = out.columns.len();
        let figures: Vec<usize> = g.clone().filter(|&i| leaves.get(i).is_some_and(|l| !l.label)).collect();
        let above: Vec<String> = figures
            .first()
            .and_then(|&i| leaves.get(i))
            .map(|l| l.path.split_last().map_or_else(Vec::new, |(_, rest)| rest.to_vec()))
            .unwrap_or_default();
        let label_text = |want: &[&str], default: &str| {
            g.clone()
                .filter_map(|i| leaves.get(i))
                .filter(|l| l.label)
                .filter_map(|l| l.path.last())
                .find(|t| want.iter().any(|w| t.contains(w)))
                .cloned()
                .unwrap_or_else(|| default.to_string())
        };
        let with = |last: String| above.iter().cloned().chain([last]).collect::<Vec<_>>();
        out.columns
            .push(Column { role: Role::Code, path: with(label_text(&["编码", "代码"], "编码")), number: None });
        // A name column may be headed by what it classifies (`支出功能分类科目（按大类）`), or
        // by the units it lists (`预算单位`).
        let name_label = label_text(&["名称", "项目"], "");
        let name_label = if name_label.is_empty() {
            g.clone()
                .filter_map(|i| leaves.get(i))
                .filter(|l| l.label)
                .filter_map(|l| l.path.last())
                .find(|t| (t.contains("科目") || t.contains("单位")) && !t.contains("编码") && !t.contains("代码"))
                .cloned()
                .unwrap_or_else(|| "项目".to_string())
        } else {
            name_label
        };
        // A column of units beside the code and name (`预算单位 | 科目编码 | 科目名称`) is said
        // over the name: the rows are one unit's.
        let unit_label = g
            .clone()
            .filter_map(|i| leaves.get(i))
            .filter(|l| l.label)
            .filter_map(|l| l.path.last())
            .find(|t| t.contains("单位") && **t != name_label)
            .cloned();
        let mut name_path = with(name_label);
        if let Some(unit) = unit_label {
            name_path.insert(name_path.len() - 1, unit);
        }
        out.columns.push(Column { role: Role::Name, path: name_path, number: None });
        out.labels.push((start, start + 1));
        for i in figures {
            if let Some(slot) = out.leaf_col.get_mut(i) {
                *slot = Some(out.columns.len());
            }
            let path = leaves.get(i).map(|l| l.path.clone()).unwrap_or_default();
            out.columns.push(Column { role: Role::Amount, path, number: None });
        }
        out.groups.push(Group { columns: start..out.columns.len() });
    }
    out
}

/// The grid of a table's columns and rows.
fn build<'a>(
    leaves: &[Leaf],
    groups: &[std::ops::Range<usize>],
    rows: Vec<LayoutRow<'a>>,
    notes: &mut Vec<Diagnostic>,
) -> Grid<'a> {
    let layout = layout_columns(leaves, groups);
    let body = rows.into_iter().map(|r| row_cells(&layout, r, notes)).collect();
    Grid { columns: layout.columns, groups: layout.groups, body, notes: std::mem::take(notes) }
}

/// One row's cells: its joined code, its name and its figures in their columns.
fn row_cells<'a>(layout: &Layout, r: LayoutRow<'a>, notes: &mut Vec<Diagnostic>) -> Row<'a> {
    let mut cells = vec![String::new(); layout.columns.len()];
    let Some(&(code_col, name_col)) = layout.labels.get(r.group) else { return Row { line: r.line, cells } };
    match rows::join_code(&r.code_parts) {
        Some(code) => {
            if let Some(cell) = cells.get_mut(code_col) {
                *cell = code;
            }
        }
        None if !r.code_parts.is_empty() => notes.push(Diagnostic::new(
            r.line.no,
            format!("code parts `{}` do not make a code: the row is read by its name", r.code_parts.join(" ")),
        )),
        None => {}
    }
    if let Some(cell) = cells.get_mut(name_col) {
        *cell = r.name;
    }
    for (leaf, text) in r.figures {
        if let Some(cell) = layout.leaf_col.get(leaf).copied().flatten().and_then(|c| cells.get_mut(c)) {
            *cell = text;
        }
    }
    Row { line: r.line, cells }
}

/// A section of a fixture file of tests/fixtures/layout/ (the lines after `## name` up to the
/// next `##`), comment lines (`# …`) left out.
#[cfg(test)]
pub(crate) fn fixture(file: &str, section: &str) -> String {
    let path = format!("{}/tests/fixtures/layout/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut out = String::new();
    let mut inside = false;
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("## ") {
            inside = name.trim() == section;
        } else if inside && !line.starts_with("# ") {
            out.push_str(line);
            out.push('\n');
        }
    }
    assert!(!out.is_empty(), "{path}: no section {section:?}");
    out
}

/// Each general rule of the layout reader, on a statement of tests/fixtures/layout/tables.txt
/// read as the pipeline reads it (normalize, segment, tables).
#[cfg(test)]
mod tests {
    use crate::model::{Fact, Parsed};
    use crate::normalize;
    use crate::segment;
    use crate::tables::{Context, parse};
    use crate::vocab::{Dimension, Measure, Phase, Split, Statement, Unit};

    /// A fixture section parsed: its facts and notes.
    fn read(section: &str, phase: Phase, year: i16) -> Parsed {
        let text = super::fixture("tables.txt", section);
        let lines = normalize::lines(&text);
        let seg = segment::segment(&lines);
        let table = seg.tables.first().unwrap_or_else(|| panic!("{section}: no statement"));
        parse(table, &Context { phase: Some(phase), unit: Unit::Wan, fiscal_year: Some(year) })
    }

    /// (code or name, split, amount) of the facts on a fixture line.
    fn on(p: &Parsed, line: u32) -> Vec<(String, Split, String)> {
        p.facts
            .iter()
            .filter(|f| f.line == line)
            .map(|f| (f.code.as_ref().map_or_else(|| f.name.clone(), |c| c.to_string()), f.split, f.amount.to_string()))
            .collect()
    }

    fn row(key: &str, split: Split, amount: &str) -> (String, Split, String) {
        (key.to_string(), split, amount.to_string())
    }

    fn named<'a>(p: &'a Parsed, code: &str) -> Option<&'a Fact> {
        p.facts.iter().find(|f| f.code.as_ref().is_some_and(|c| c.as_str() == code))
    }

    #[test]
    fn a_name_centred_on_its_figures_takes_the_pieces_above_and_below() {
        // Source lines 402–404 (`社会保障和就` / `208 … 754.75` / `业支出`), 414–416, 424–426.
        let p = read("wrapped-names-centred", Phase::Final, 2024);
        assert_eq!(named(&p, "208").map(|f| f.name.as_str()), Some("社会保障和就业支出"));
        assert_eq!(named(&p, "2080505").map(|f| f.name.as_str()), Some("机关事业单位基本养老保险缴费支出"));
        assert_eq!(named(&p, "21011").map(|f| f.name.as_str()), Some("行政事业单位医疗"));
        assert_eq!(named(&p, "210").map(|f| f.name.as_str()), Some("卫生健康支出"));
        assert_eq!(named(&p, "2120101").map(|f| f.name.as_str()), Some("行政运行"));
        assert_eq!(named(&p, "21202").map(|f| f.name.as_str()), Some("城乡社区规划与管理"));
        // The figures are on the code's line; the 合计 below the items and after a page break.
        assert_eq!(
            on(&p, 11),
            [
                row("208", Split::Total, "754.75"),
                row("208", Split::Basic, "754.75"),
                row("208", Split::Project, "0.00")
            ]
        );
        assert_eq!(on(&p, 67)[..2], [row("合计", Split::Total, "9746.50"), row("合计", Split::Basic, "5364.75")]);
    }

    #[test]
    fn a_name_that_fills_its_cell_wraps_onto_the_line_below() {
        // Source lines 241–244: `机关事业单位基本养老保险缴` / `费支出`; the page after line 253 is
        // printed narrower, and its figures still land in 本年收入合计 and 财政拨款收入.
        let p = read("wrapped-names-below", Phase::Final, 2024);
        assert_eq!(named(&p, "2080505").map(|f| f.name.as_str()), Some("机关事业单位基本养老保险缴费支出"));
        assert_eq!(named(&p, "2080506").map(|f| f.name.as_str()), Some("机关事业单位职业年金缴费支出"));
        assert_eq!(on(&p, 33), [row("212", Split::Total, "3832.36"), row("212", Split::Fiscal, "3832.36")]);
        assert_eq!(p.facts.len(), 50);
    }

    #[test]
    fn a_code_alone_on_its_line_joins_the_figures_below_in_its_column_group() {
        // Source lines 475–476: `30109 职业年金缴费 225.12   30207` / `邮电费 8.05`; 525–527
        // `信息网络及软件购置` / `31007 … 0.00` / `更新`; 533 the two totals.
        let p = read("codes-above-figures", Phase::Final, 2024);
        let f = named(&p, "30207").expect("30207");
        assert_eq!((f.name.as_str(), f.line, f.amount.to_string()), ("邮电费", 16, "8.05".to_string()));
        assert_eq!(named(&p, "30109").map(|f| f.line), Some(15));
        assert!(named(&p, "31007").is_none(), "a zero economic row is no fact");
        let totals: Vec<(String, Option<u8>, String)> = p
            .facts
            .iter()
            .filter(|f| f.code.is_none())
            .map(|f| (f.name.clone(), f.level, f.amount.to_string()))
            .collect();
        assert_eq!(
            totals,
            [("人员经费合计".into(), Some(0), "4884.09".into()), ("公用经费合计".into(), Some(0), "480.66".into())]
        );
        assert!(p.facts.iter().all(|f| f.dimension == Dimension::Economic));
    }

    #[test]
    fn a_line_with_as_many_figures_as_columns_fills_them_in_order() {
        // Source line 546: `2.85 0.39 0.00 0.00  0.00 …`, crammed against the left edge.
        let p = read("crammed-figures", Phase::Final, 2024);
        let got: Vec<(String, Measure, String)> =
            p.facts.iter().map(|f| (f.name.clone(), f.measure, f.amount.to_string())).collect();
        assert_eq!(
            got,
            [
                ("合计".into(), Measure::FullYearBudget, "2.85".into()),
                ("合计".into(), Measure::Final, "0.39".into()),
                ("公务接待费".into(), Measure::FullYearBudget, "2.85".into()),
                ("公务接待费".into(), Measure::Final, "0.39".into()),
            ]
        );
    }

    #[test]
    fn a_numbered_source_under_another_is_a_sub_item_and_each_total_keeps_its_label() {
        let p = read("two-halves-with-sub-items", Phase::Budget, 2024);
        let revenue: Vec<(String, Option<u8>)> =
            p.facts.iter().filter(|f| f.dimension == Dimension::Revenue).map(|f| (f.name.clone(), f.level)).collect();
        assert_eq!(revenue, [("财政拨款收入".into(), Some(1)), ("一般公共预算资金".into(), Some(2))]);
        let totals: Vec<&str> =
            p.facts.iter().filter(|f| f.dimension == Dimension::Total).map(|f| f.name.as_str()).collect();
        assert_eq!(totals, ["收入总计", "支出总计"]);
        assert_eq!(p.facts.iter().filter(|f| f.dimension == Dimension::Function).count(), 9);
    }

    #[test]
    fn a_header_repeated_on_the_next_page_is_no_row() {
        // Source lines 552–556 repeat the header; line 558 is the first row of the new page.
        let p = read("repeated-header", Phase::Budget, 2024);
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        assert_eq!(
            on(&p, 41),
            [row("204", Split::Total, "1633000"), row("204", Split::Basic, "0"), row("204", Split::Project, "1633000")]
        );
    }

    #[test]
    fn code_parts_join_and_a_subtotal_column_counts_on_the_total_row_only() {
        // Source lines 720 (`301   2` → 30102) and 777 (合计 | 人员经费 | 公用经费).
        let p = read("code-columns", Phase::Budget, 2024);
        assert_eq!(named(&p, "30102").map(|f| f.amount.to_string()), Some("16623810".into()));
        assert_eq!(named(&p, "30107").map(|f| f.amount.to_string()), Some("11447100".into()));
        assert_eq!(p.facts.iter().filter(|f| f.code.as_ref().is_some_and(|c| c.as_str() == "301")).count(), 1);
        let bottom: Vec<(String, String)> =
            p.facts.iter().filter(|f| f.line == 70).map(|f| (f.name.clone(), f.amount.to_string())).collect();
        assert_eq!(
            bottom,
            [
                ("合计".into(), "99706020".into()),
                ("人员经费".into(), "88537451".into()),
                ("公用经费".into(), "11168569".into())
            ]
        );
    }

    #[test]
    fn items_under_a_group_label_are_named_with_its_subject() {
        let p = read("side-label-items", Phase::Budget, 2024);
        let got: Vec<(String, Option<u8>, String)> =
            p.facts.iter().map(|f| (f.name.clone(), f.level, f.amount.to_string())).collect();
        assert_eq!(
            got,
            [
                ("合计".into(), Some(0), "47.91".into()),
                ("公务接待费".into(), Some(1), "1.35".into()),
                ("公务用车购置及运行费".into(), Some(1), "46.56".into()),
                ("公务用车购置费".into(), Some(2), "25".into()),
                ("公务用车运行费".into(), Some(2), "21.56".into()),
            ]
        );
    }

    #[test]
    fn a_budget_t01_splits_its_expenditure_columns() {
        // 合计 | 基本支出 (人员经费, 公用经费) | 项目支出: the parts of 基本支出 are no split.
        let p = read("expenditure-splits-in-t01", Phase::Budget, 2025);
        assert_eq!(
            on(&p, 9),
            [
                row("财政拨款收入", Split::Total, "171915169"),
                row("一般公共服务支出", Split::Total, "127886849"),
                row("一般公共服务支出", Split::Project, "43025130"),
            ]
        );
        assert_eq!(p.facts.iter().filter(|f| f.statement == Statement::T01 && f.split == Split::Basic).count(), 0);
    }

    #[test]
    fn a_name_may_start_with_its_numbered_line_above_the_figures() {
        // Source lines 511–513: `四、文化旅游体育与传媒` / `200,000 200,000` / `支出`.
        let p = read("ordinal-starts-a-name", Phase::Budget, 2023);
        let names: Vec<&str> = p.facts.iter().filter(|f| f.line == 14).map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["文化旅游体育与传媒支出", "文化旅游体育与传媒支出"]);
    }

    #[test]
    fn a_page_printed_elsewhere_keeps_its_columns_and_page_numbers_are_no_rows() {
        let p = read("shifted-page-with-page-numbers", Phase::Final, 2024);
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        assert_eq!(on(&p, 10), [row("20101", Split::Total, "70.00"), row("20101", Split::Basic, "70.00")]);
        assert_eq!(on(&p, 17), [row("2010101", Split::Total, "30.00"), row("2010101", Split::Basic, "30.00")]);
        assert_eq!(on(&p, 18), [row("2010102", Split::Total, "20.00"), row("2010102", Split::Project, "20.00")]);
        assert_eq!(p.facts.len(), 12);
    }

    #[test]
    fn a_second_classification_in_code_columns_of_its_own_is_no_part_of_the_row() {
        // 部门经济科目编码 | 名称 | 政府经济科目编码 | 名称: 30101 is printed once per 政府 class.
        let p = read("two-classifications-in-code-columns", Phase::Budget, 2026);
        let basic: Vec<String> = p
            .facts
            .iter()
            .filter(|f| f.code.as_ref().is_some_and(|c| c.as_str() == "30101"))
            .map(|f| f.amount.to_string())
            .collect();
        assert_eq!(basic, ["22098333.60", "874679.40"], "{:?}", p.facts);
    }

    #[test]
    fn a_second_classification_beside_the_first_is_no_part_of_the_row() {
        // Each row prints its 部门预算 code and name, then its 政府预算 code and name (5xx).
        let p = read("two-classifications-side-by-side", Phase::Budget, 2026);
        assert_eq!(
            named(&p, "301").map(|f| (f.name.as_str(), f.amount.to_string())),
            Some(("工资福利支出", "593.01".into()))
        );
        assert_eq!(named(&p, "30108").map(|f| f.name.as_str()), Some("机关事业单位基本养老保险缴费"));
        assert!(p.facts.iter().all(|f| f.code.as_ref().is_none_or(|c| c.as_str().starts_with("30"))), "{:?}", p.facts);
    }
}

/// Random layout-like text never panics the reader, and stays fast.
#[cfg(test)]
mod random_tests {
    use crate::normalize;
    use crate::segment;
    use crate::tables::{Context, parse};
    use crate::testing::Rng;
    use crate::vocab::{Phase, Unit};

    #[test]
    fn random_layout_text_never_panics() {
        const PIECES: &[&str] = &[
            " ",
            "  ",
            "      ",
            "合计",
            "项目",
            "科目编码",
            "基本支出",
            "预算数",
            "决算数",
            "小计",
            "公务用车",
            "购置费",
            "201",
            "05",
            "7",
            "2010350",
            "1,234.56",
            "0",
            "0.00",
            "12,000",
            "-",
            "一、",
            "1.",
            "注：",
            "\u{c}",
            "支出",
            "收入",
            "（境）费",
            "2024年",
            "- 7 -",
        ];
        let mut rng = Rng(0x1a70_c0de);
        let ctx = Context { phase: Some(Phase::Final), unit: Unit::Wan, fiscal_year: Some(2024) };
        for _ in 0..300 {
            let mut text = String::from("支出决算表\n单位：万元\n");
            let lines = 5 + rng.next() % 40;
            for _ in 0..lines {
                let words = rng.next() % 12;
                for _ in 0..words {
                    text.push_str(rng.pick(PIECES));
                }
                text.push('\n');
            }
            let lines = normalize::lines(&text);
            for table in segment::segment(&lines).tables {
                let _ = parse(&table, &ctx);
            }
        }
    }
}
