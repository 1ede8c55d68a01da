//! Grid rows to records: what each row of each column group says.
//!
//! Takes a [`Grid`]; gives one [`Record`] per row and group that holds anything: its printed
//! code, its name, and its amounts by column. Reads cells by content as well as by position,
//! because real tables misplace cells: a name printed in the code column (`合 计`), or a
//! total printed one column too far right, in the next group's code column (a stray value
//! goes to the nearest group to its left that has a name and no amount). OCR damage too:
//! the code column's 类/款/项 caption moved into a body row is not a name, a name wrapped
//! onto a line of its own joins its row, and a line with text but no figure in the amount
//! columns (noise, a repeated header) gives one note and no record. Does not decide what a
//! row means for the statement.

use crate::amount::Amount;
use crate::model::Diagnostic;
use crate::normalize::{Line, clean_name, squeeze};

use super::grid::{Grid, Role, is_code, is_value};

/// What one group of one row says.
#[derive(Debug, Clone)]
pub struct Record<'a> {
    pub group: usize,
    pub line: &'a Line,
    /// The printed code, digits only (parts printed in 类/款/项 columns joined).
    pub code: Option<String>,
    /// The cleaned name.
    pub name: Option<String>,
    /// The name as printed (whitespace removed), with its ordinal: `1.一般公共预算资金` under
    /// `一、财政拨款收入` is a sub-item.
    pub raw_name: Option<String>,
    /// Amounts by column index.
    pub amounts: Vec<(usize, Amount)>,
}

impl Record<'_> {
    fn is_empty(&self) -> bool {
        self.code.is_none() && self.name.is_none() && self.amounts.is_empty()
    }
}

fn has_letters(text: &str) -> bool {
    text.chars().any(|c| c.is_alphabetic())
}

/// Reads every body row of a grid.
pub fn records<'a>(grid: &Grid<'a>) -> (Vec<Record<'a>>, Vec<Diagnostic>) {
    let mut out: Vec<Record<'a>> = Vec::new();
    let mut diagnostics = Vec::new();
    // Records of the previous body row (indexes into `out`), and a wrapped name fragment
    // waiting for the row below.
    let mut previous: Vec<usize> = Vec::new();
    let mut pending: Option<(usize, String)> = None;
    for row in &grid.body {
        if let Some((g, fragment)) = wrapped_fragment(grid, row) {
            let target = previous.iter().copied().find(|&i| out[i].group == g && continues(&out[i]));
            match target {
                Some(i) => out[i].name = out[i].name.take().map(|n| clean_name(&(n + &fragment))),
                None => pending = Some((g, fragment)),
            }
            previous.clear();
            continue;
        }
        let mut row_records: Vec<Record> = Vec::with_capacity(grid.groups.len());
        let mut strays: Vec<(usize, Amount)> = Vec::new();
        let mut row_notes: Vec<Diagnostic> = Vec::new();
        for (g, group) in grid.groups.iter().enumerate() {
            let mut rec =
                Record { group: g, line: row.line, code: None, name: None, raw_name: None, amounts: Vec::new() };
            let mut name_parts: Vec<&str> = Vec::new();
            for c in group.columns.clone() {
                let cell = row.cell(c);
                if cell.is_empty() {
                    continue;
                }
                match grid.columns[c].role {
                    Role::LineNo => {}
                    Role::Code | Role::Name => {
                        if grid.columns[c].role == Role::Code && is_level_label(cell) {
                            // The 类/款/项 caption of the code column, that OCR moved into
                            // the first body row (`类款项 | 合计`): header text, not a name.
                        } else if is_code(cell) {
                            push_code(&mut rec.code, cell);
                        } else if let (true, Some(a)) = (is_value(cell), Amount::parse(cell)) {
                            strays.push((g, a));
                        } else if is_code_part(cell, rec.code.as_deref()) {
                            push_code(&mut rec.code, cell);
                        } else if has_letters(cell) {
                            name_parts.push(cell);
                        }
                    }
                    Role::Amount => match Amount::parse(cell) {
                        Some(a) => rec.amounts.push((c, a)),
                        None if has_letters(cell) && rec.name.is_none() && name_parts.is_empty() => {
                            name_parts.push(cell)
                        }
                        None => row_notes
                            .push(Diagnostic::new(row.line.no, format!("unreadable amount {cell:?}: left out"))),
                    },
                }
            }
            if !name_parts.is_empty() {
                let raw = squeeze(&name_parts.concat());
                rec.name = Some(clean_name(&raw)).filter(|n| !n.is_empty());
                rec.raw_name = Some(raw);
            }
            row_records.push(rec);
        }
        let figures = strays.len() + row_records.iter().map(|r| r.amounts.len()).sum::<usize>();
        if figures == 0 && !row_notes.is_empty() {
            // Text in the amount columns and not one figure: a header repeated by OCR, or noise.
            row_notes = vec![Diagnostic::new(
                row.line.no,
                "text but no figure in the amount columns (noise or a repeated header): no rows",
            )];
        }
        diagnostics.extend(row_notes);
        place_strays(grid, &mut row_records, strays, row.line, &mut diagnostics);
        if let Some((g, fragment)) = pending.take()
            && let Some(rec) = row_records.iter_mut().find(|r| r.group == g && continues(r))
        {
            rec.name = rec.name.take().map(|n| clean_name(&(fragment + &n)));
        }
        previous.clear();
        for rec in row_records.into_iter().filter(|r| !r.is_empty()) {
            previous.push(out.len());
            out.push(rec);
        }
    }
    (out, diagnostics)
}

/// The longest piece of a name that a wrapped line holds on its own.
const MAX_FRAGMENT_CHARS: usize = 12;

/// A line that holds nothing but a piece of a name, in the name column: the rest of a name
/// that did not fit its cell and wrapped onto a line of its own (`其他政府办公厅（室）及相关机构事`
/// / `务支出`). Not a fragment: a line with a code, a figure or a row number, a new item (an
/// ordinal `二、`), a total, or a caption (`其中：`). Gives its group and text.
fn wrapped_fragment(grid: &Grid, row: &super::grid::Row) -> Option<(usize, String)> {
    let mut filled = row.cells.iter().enumerate().filter(|(_, c)| !c.trim().is_empty());
    let (col, cell) = filled.next()?;
    if filled.next().is_some() || grid.columns.get(col)?.role != Role::Name {
        return None;
    }
    let squeezed = squeeze(cell);
    let name = clean_name(cell);
    let caption = ["其中", "合计", "总计", "小计"].iter().any(|w| name.contains(w)) || squeezed.ends_with([':', '：']);
    let plain = name == squeezed && has_letters(&name) && !is_code(cell) && !is_value(cell);
    let group = grid.groups.iter().position(|g| g.columns.contains(&col))?;
    (plain && !caption && name.chars().count() <= MAX_FRAGMENT_CHARS).then_some((group, name))
}

/// A record that a wrapped name can belong to: a named row with a code or figures.
fn continues(rec: &Record) -> bool {
    rec.name.is_some() && (rec.code.is_some() || !rec.amounts.is_empty())
}

/// A cell that holds only the 类/款/项 captions of a code column.
fn is_level_label(cell: &str) -> bool {
    cell.chars().any(|c| !c.is_whitespace())
        && cell.chars().all(|c| c.is_whitespace() || matches!(c, '类' | '款' | '项'))
}

/// A 2-digit 款 or 项 part that continues a code printed in separate columns.
fn is_code_part(cell: &str, code: Option<&str>) -> bool {
    cell.len() == 2 && cell.bytes().all(|b| b.is_ascii_digit()) && matches!(code.map(str::len), Some(3 | 5))
}

fn push_code(code: &mut Option<String>, cell: &str) {
    match code {
        Some(c) if is_code_part(cell, Some(c)) => c.push_str(cell),
        Some(_) => {}
        None => *code = Some(cell.to_string()),
    }
}

/// Gives each stray value to the nearest group on its left that has a name and no amount,
/// in that group's first amount column.
fn place_strays(
    grid: &Grid,
    records: &mut [Record],
    strays: Vec<(usize, Amount)>,
    line: &Line,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for (g, amount) in strays {
        let target = (0..=g).rev().find(|&h| records[h].name.is_some() && records[h].amounts.is_empty());
        let column =
            target.and_then(|h| grid.groups[h].columns.clone().find(|&c| grid.columns[c].role == Role::Amount));
        match (target, column) {
            (Some(h), Some(c)) => records[h].amounts.push((c, amount)),
            _ => diagnostics
                .push(Diagnostic::new(line.no, format!("value {amount} outside any amount column: left out"))),
        }
    }
}

/// A table whose rows are the department's units (a 单位编码 / 单位名称 / 预算单位 column): only its
/// total row is the department's.
pub(super) fn by_unit(grid: &Grid) -> bool {
    grid.columns
        .iter()
        .any(|c| c.role != Role::Amount && (c.says("单位编码") || c.says("单位名称") || c.says("预算单位")))
}

/// The record that holds the department's figures in a table by unit: its 合计 row, or the
/// first row when none is named so.
pub(super) fn is_department_total(records: &[Record], k: usize) -> bool {
    let total = |r: &Record| r.name.as_deref().is_some_and(|n| matches!(n, "合计" | "总计"));
    match records.iter().position(total) {
        Some(t) => t == k,
        None => k == 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize;
    use crate::tables::grid::grid;

    type Read = (usize, Option<String>, Option<String>, Vec<(usize, String)>);

    fn recs(text: &str) -> Vec<Read> {
        let lines = normalize::lines(text);
        let g = grid(&lines).unwrap();
        let (rs, _) = records(&g);
        rs.iter()
            .map(|r| {
                (r.group, r.code.clone(), r.name.clone(), r.amounts.iter().map(|(c, a)| (*c, a.to_string())).collect())
            })
            .collect()
    }

    #[test]
    fn a_name_in_the_code_column_is_a_name() {
        let text = "功能分类科目编码\t科目名称\t\t本年收入合计\t财政拨款收入\n类\t款\t项\t1\t2\n\
                    合 计\t\t\t3,087.79\t3,087.79\n201\t一般公共服务支出\t\t2,619.58\t2,619.58\n";
        let got = recs(text);
        assert_eq!(got[0], (0, None, Some("合计".into()), vec![(3, "3087.79".into()), (4, "3087.79".into())]));
        assert_eq!(got[1].1.as_deref(), Some("201"));
        assert_eq!(got[1].2.as_deref(), Some("一般公共服务支出"));
    }

    #[test]
    fn a_total_printed_a_column_too_far_goes_to_its_label() {
        let text = "人员经费\t\t\t公用经费\t\t\t\t\t\n\
                    科目代码\t科目名称\t决算数\t科目代码\t科目名称\t决算数\t科目代码\t科目名称\t决算数\n\
                    301\t工资福利支出\t386.31\t302\t商品和服务支出\t27.38\t310\t资本性支出\t3.54\n\
                    人员经费合计\t\t386.31\t公用经费合计\t\t\t30.92\t\t\n";
        let got = recs(text);
        let totals: Vec<_> = got.iter().filter(|r| r.1.is_none()).collect();
        assert_eq!(totals.len(), 2);
        assert_eq!(totals[1].2.as_deref(), Some("公用经费合计"));
        assert_eq!(totals[1].3, vec![(5, "30.92".to_string())]);
    }

    #[test]
    fn the_level_caption_in_a_code_cell_is_not_a_name() {
        let got = recs(&crate::tables::ocr_fixture("level-caption.txt", None));
        let names: Vec<(Option<&str>, Option<&str>)> = got.iter().map(|r| (r.1.as_deref(), r.2.as_deref())).collect();
        assert_eq!(names, [(None, Some("合计")), (Some("201"), Some("一般公共服务支出")), (None, Some("合计"))]);
    }

    #[test]
    fn a_name_wrapped_onto_its_own_line_joins_its_row() {
        let names = |section: &str| -> Vec<(Option<String>, Option<String>)> {
            recs(&crate::tables::ocr_fixture("wrapped-names.txt", Some(section)))
                .into_iter()
                .map(|r| (r.1, r.2))
                .collect()
        };
        let pair = |c: Option<&str>, n: &str| (c.map(str::to_string), Some(n.to_string()));
        assert_eq!(
            names("continues-the-row-above"),
            [pair(Some("2010399"), "其他政府办公厅（室）及相关机构事务支出"), pair(Some("2010350"), "事业运行")]
        );
        assert_eq!(names("opens-the-row-below"), [pair(Some("2080505"), "机关事业单位基本养老保险缴费支出")]);
        assert_eq!(
            names("not-fragments"),
            [pair(Some("201"), "一般公共服务支出"), pair(None, "其中"), pair(None, "外交支出"), pair(None, "合计")]
        );
    }

    #[test]
    fn codes_in_separate_columns_are_joined() {
        let text = "科目编码\t\t\t科目名称\t合计\n类\t款\t项\t\t1\n201\t05\t07\t专项普查活动\t257,700\n";
        let got = recs(text);
        assert_eq!(got[0].1.as_deref(), Some("2010507"));
    }
}
