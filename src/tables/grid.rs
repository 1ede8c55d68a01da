//! Lines to a grid: cells, a header, column roles and column groups.
//!
//! Takes a statement's lines; gives a [`Grid`]: its header rows folded into one [`Column`]
//! per position (the header path from top to bottom, what the column holds, its printed
//! column number), the columns cut into side-by-side [`Group`]s (a t01 prints a revenue and an
//! expenditure half, a t06 three code–name–amount blocks), and the body rows. Rows are
//! tab-separated or markdown (`| a | b |`; layout text is `super::layout`'s); a line that is
//! neither is not part of the grid,
//! except a totals line that lost its tabs below the body ([`super::flattened`]). OCR noise
//! in the header (`私 日 父 秘`, `1 おし口 父 おば`) is survived by trusting the 栏次 numbers and
//! the body's content over the header words, and a group label that OCR split across the
//! cells of its merged header cell over a `小计` is joined. Does not decide what a column
//! means for the statement: that is `meaning`'s job.

use std::ops::Range;

use crate::amount::Amount;
use crate::model::{Code, Diagnostic};
use crate::normalize::{Line, squeeze};

/// One row of cells, trimmed, indexed by column.
#[derive(Debug, Clone)]
pub struct Row<'a> {
    pub line: &'a Line,
    pub cells: Vec<String>,
}

impl Row<'_> {
    pub fn cell(&self, col: usize) -> &str {
        self.cells.get(col).map_or("", |c| c.as_str())
    }
}

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Classification codes (科目编码, 类/款/项).
    Code,
    /// Row names (项目, 科目名称).
    Name,
    /// Printed row numbers (行次).
    LineNo,
    /// Amounts.
    Amount,
}

/// One column position: its header, top to bottom, and its role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub role: Role,
    /// Header cell texts covering this column, whitespace removed, outermost first.
    pub path: Vec<String>,
    /// The column number printed in the 栏次 row, if any.
    pub number: Option<u32>,
}

impl Column {
    /// True when any header cell above the column contains `word`.
    pub fn says(&self, word: &str) -> bool {
        self.path.iter().any(|p| p.contains(word))
    }
}

/// A block of columns that belong together: labels, then amounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub columns: Range<usize>,
}

/// A parsed statement grid.
#[derive(Debug, Clone)]
pub struct Grid<'a> {
    pub columns: Vec<Column>,
    pub groups: Vec<Group>,
    pub body: Vec<Row<'a>>,
    /// What building the grid left out or could not read.
    pub notes: Vec<Diagnostic>,
}

/// Splits one line into cells, if it is a table row.
pub fn split_row(text: &str) -> Option<Vec<String>> {
    let trimmed = text.trim();
    if let Some(inner) = trimmed.strip_prefix('|') {
        let inner = inner.strip_suffix('|').unwrap_or(inner);
        if inner.chars().all(|c| matches!(c, '-' | ':' | '|' | ' ')) {
            return None;
        }
        return Some(inner.split('|').map(|c| c.trim().to_string()).collect());
    }
    text.contains('\t').then(|| text.split('\t').map(|c| c.trim().to_string()).collect())
}

/// True for a cell that is a printed value (not a column or row number).
pub fn is_value(cell: &str) -> bool {
    Amount::parse(cell).is_some() && (cell.contains('.') || cell.contains(',') || cell.len() >= 4)
}

/// True for a cell that is a classification code.
pub fn is_code(cell: &str) -> bool {
    Code::parse(cell).is_some()
}

/// Builds the grid of a statement's lines, or `None` when they hold no table rows.
pub fn grid(lines: &[Line]) -> Option<Grid<'_>> {
    let rows: Vec<Row> = lines.iter().filter_map(|l| split_row(&l.text).map(|cells| Row { line: l, cells })).collect();
    if rows.is_empty() {
        return None;
    }
    let width = rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
    let (header, numbers, body_start) = split_header(&rows);
    let mut header_rows = rows[..header].to_vec();
    let merged = join_split_group_labels(&mut header_rows);
    let mut columns = header_paths(&header_rows, width, &merged)
        .into_iter()
        .enumerate()
        .map(|(c, path)| {
            let number = numbers.and_then(|n| rows[n].cell(c).parse().ok());
            Column { role: header_role(&path, number), path, number }
        })
        .collect::<Vec<_>>();
    let mut body: Vec<Row> = rows[body_start..].to_vec();
    refine_roles_by_content(&mut columns, &body);
    let groups = groups(&columns);
    let flat = flattened_rows(lines, body.first().map(|r| r.line), &columns, &groups);
    if !flat.is_empty() {
        body.extend(flat);
        body.sort_by_key(|r| r.line.no);
    }
    Some(Grid { columns, groups, body, notes: Vec::new() })
}

/// The flattened totals lines below the first body row (see [`super::flattened`]), as rows:
/// the k-th label in the k-th group's label column, its value in that group's first amount
/// column.
fn flattened_rows<'a>(
    lines: &'a [Line],
    first_body: Option<&Line>,
    columns: &[Column],
    groups: &[Group],
) -> Vec<Row<'a>> {
    let Some(first) = first_body.and_then(|f| lines.iter().position(|l| std::ptr::eq(l, f))) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for line in lines[first..].iter().filter(|l| split_row(&l.text).is_none()) {
        let Some(pairs) = super::flattened::totals(&line.text) else { continue };
        let mut cells = vec![String::new(); columns.len()];
        for ((label, value), group) in pairs.into_iter().zip(groups) {
            let role_at = |role: Role| group.columns.clone().find(|&c| columns[c].role == role);
            let label_col = role_at(Role::Name).or_else(|| role_at(Role::Code));
            if let (Some(l), Some(v)) = (label_col, role_at(Role::Amount)) {
                cells[l] = label;
                cells[v] = value;
            }
        }
        out.push(Row { line, cells });
    }
    out
}

/// Finds where the header ends: at the 栏次 (column-number) row if there is one, else before
/// the first row that holds a value or a code. Gives (header rows, number row, body start).
fn split_header(rows: &[Row]) -> (usize, Option<usize>, usize) {
    let first_data = rows.iter().position(|r| r.cells.iter().any(|c| is_value(c) || is_code(c))).unwrap_or(rows.len());
    match rows[..first_data.min(rows.len())].iter().position(is_number_row) {
        Some(n) => (n, Some(n), n + 1),
        None => (first_data, None, first_data),
    }
}

/// The 栏次 row: column numbers 1, 2, 3… (increasing), besides 栏次 / 类 款 项 labels.
fn is_number_row(row: &Row) -> bool {
    let mut last = 0u32;
    let mut seen = 0;
    for cell in row.cells.iter().filter(|c| !c.is_empty()) {
        let squeezed = squeeze(cell);
        if matches!(squeezed.as_str(), "栏次" | "类" | "款" | "项") {
            continue;
        }
        match squeezed.parse::<u32>() {
            Ok(n) if n > last && n <= 99 => {
                last = n;
                seen += 1;
            }
            _ => return false,
        }
    }
    seen >= 1
}

/// A header cell whose extent is known: (header row, columns).
type Merged = (usize, Range<usize>);

/// Joins a group label that OCR split across the cells of its merged header cell. A `小计`
/// column opens the group it subtotals, so the header text above the `小计` and the columns
/// that follow it, printed in consecutive cells (`公务` | `用车购置及` | `运行费` over `小计` |
/// `公务用车购置费` | `公务用车运行费`), is one label over exactly those columns: it is moved
/// into the first cell, and its extent returned. A label above a `小计` that fills its own
/// cell only (the next cell empty, as a merged cell prints) is left as printed.
fn join_split_group_labels(header: &mut [Row]) -> Vec<Merged> {
    let mut merged = Vec::new();
    for r in 1..header.len() {
        let subtotals: Vec<usize> =
            (0..header[r].cells.len()).filter(|&c| squeeze(header[r].cell(c)) == "小计").collect();
        for c in subtotals {
            let above = &mut header[r - 1];
            let run = (c..above.cells.len()).take_while(|&k| !above.cell(k).trim().is_empty()).count();
            if run < 2 {
                continue;
            }
            let joined: String = (c..c + run).map(|k| squeeze(above.cell(k))).collect();
            for cell in above.cells.iter_mut().skip(c).take(run) {
                cell.clear();
            }
            if let Some(cell) = above.cells.get_mut(c) {
                *cell = joined;
            }
            merged.push((r - 1, c..c + run));
        }
    }
    merged
}

/// Folds the header rows into one path per column. A header cell covers the empty cells to
/// its right, but never beyond the cell above it, nor beyond its known extent (`merged`).
fn header_paths(header: &[Row], width: usize, merged: &[Merged]) -> Vec<Vec<String>> {
    let mut paths = vec![Vec::new(); width];
    let mut parents: Vec<Range<usize>> = std::iter::once(0..width).collect();
    for (r, row) in header.iter().enumerate() {
        let mut spans = Vec::new();
        for parent in &parents {
            let mut c = parent.start;
            while c < parent.end {
                let text = squeeze(row.cell(c));
                if text.is_empty() {
                    spans.push(c..c + 1);
                    c += 1;
                    continue;
                }
                let known = merged.iter().find(|(mr, span)| *mr == r && span.start == c).map(|(_, s)| s.end);
                let end = known.unwrap_or_else(|| {
                    (c + 1..parent.end).find(|&k| !row.cell(k).trim().is_empty()).unwrap_or(parent.end)
                });
                let end = end.min(parent.end);
                for path in &mut paths[c..end] {
                    path.push(text.clone());
                }
                spans.push(c..end);
                c = end;
            }
        }
        parents = spans;
    }
    paths
}

/// What a header says a column holds. A printed column number marks an amount column.
fn header_role(path: &[String], number: Option<u32>) -> Role {
    let says = |w: &str| path.iter().any(|p| p.contains(w));
    let is = |w: &str| path.iter().any(|p| p == w);
    if number.is_some() {
        Role::Amount
    } else if says("行次") {
        Role::LineNo
    } else if says("编码") || says("代码") || is("类") || is("款") || is("项") {
        Role::Code
    } else if says("名称") || is("项目") || is("项目(单位)") || path.is_empty() {
        Role::Name
    } else {
        Role::Amount
    }
}

/// A column the header could not place is judged by what its body cells hold.
fn refine_roles_by_content(columns: &mut [Column], body: &[Row]) {
    for (c, column) in columns.iter_mut().enumerate() {
        if column.number.is_some() || column.role == Role::LineNo {
            continue;
        }
        let cells: Vec<&str> = body.iter().map(|r| r.cell(c)).filter(|s| !s.is_empty()).collect();
        if cells.is_empty() {
            continue;
        }
        let codes = cells.iter().filter(|s| is_code(s)).count();
        let values = cells.iter().filter(|s| !is_code(s) && is_value(s)).count();
        let names = cells.len() - values - codes;
        if column.role == Role::Name && values > names + codes {
            column.role = Role::Amount;
        } else if column.role == Role::Amount && names + codes > values && values == 0 {
            column.role = if codes > names { Role::Code } else { Role::Name };
        }
    }
}

/// Cuts the columns into side-by-side groups: a new group starts at a label column that
/// follows an amount column.
fn groups(columns: &[Column]) -> Vec<Group> {
    let mut out = Vec::new();
    let mut start = 0;
    for c in 1..columns.len() {
        let label = matches!(columns[c].role, Role::Code | Role::Name);
        if label && columns[c - 1].role == Role::Amount {
            out.push(Group { columns: start..c });
            start = c;
        }
    }
    if start < columns.len() {
        out.push(Group { columns: start..columns.len() });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize;

    type Shape = (Vec<Line>, Vec<(Role, String, Option<u32>)>, Vec<Range<usize>>, usize);

    fn grid_of(text: &str) -> Shape {
        let lines = normalize::lines(text);
        let g = grid(&lines).expect("a grid");
        let cols = g.columns.iter().map(|c| (c.role, c.path.join("/"), c.number)).collect();
        let groups = g.groups.iter().map(|g| g.columns.clone()).collect();
        let body = g.body.len();
        (lines.clone(), cols, groups, body)
    }

    fn section(name: &str) -> Shape {
        grid_of(&crate::tables::ocr_fixture("headers.txt", Some(name)))
    }

    #[test]
    fn a_group_label_split_over_a_subtotal_is_joined_over_its_columns() {
        let (_, cols, _, _) = section("split-over-subtotal");
        let paths: Vec<&str> = cols.iter().map(|c| c.1.as_str()).collect();
        assert_eq!(
            paths,
            [
                "合计",
                "因公出国(境)费",
                "公务用车购置及运行费/小计",
                "公务用车购置及运行费/公务用车购置费",
                "公务用车购置及运行费/公务用车运行费",
                "公务接待费"
            ]
        );
    }

    #[test]
    fn labels_wrapped_down_a_column_are_not_joined_across() {
        let (_, cols, _, _) = section("wrapped-not-split");
        assert_eq!(cols[2].1, "本年收入/合计");
        assert_eq!(cols[3].1, "财政拨款/收入");
        assert_eq!(cols[4].1, "上级补/助收入");
    }

    #[test]
    fn noise_headers_still_give_the_column_roles() {
        let roles = |name: &str| section(name).1.iter().map(|c| (c.0, c.2)).collect::<Vec<_>>();
        assert_eq!(
            roles("noise-over-names"),
            [(Role::Name, None), (Role::Amount, Some(1)), (Role::Amount, Some(2)), (Role::Amount, Some(3))]
        );
        assert_eq!(
            roles("noise-over-codes"),
            [
                (Role::Code, None),
                (Role::Name, None),
                (Role::Amount, Some(1)),
                (Role::Amount, Some(2)),
                (Role::Amount, Some(3))
            ]
        );
    }

    #[test]
    fn rows_are_tab_or_pipe_separated() {
        assert_eq!(split_row("a\t\tb").unwrap(), ["a", "", "b"]);
        assert_eq!(split_row("| 合计 | 1.00 |").unwrap(), ["合计", "1.00"]);
        assert!(split_row("|---|:--:|").is_none());
        assert!(split_row("注：本表反映部门本年度收入。").is_none());
    }

    #[test]
    fn values_are_not_column_numbers() {
        assert!(is_value("3,087.79") && is_value("0.00") && is_value("2,932,700") && is_value("1000"));
        assert!(!is_value("1") && !is_value("32") && !is_value("合计"));
        assert!(is_code("2010350") && !is_code("2010.50"));
    }

    #[test]
    fn two_halves_with_row_numbers() {
        let text = "收 入\t\t\t支 出\t\t\n项 目\t行次\t金 额\t项 目\t行次\t金 额\n栏 次\t\t1\t栏 次\t\t2\n\
                    一、一般公共预算财政拨款收入\t1\t3,087.79\t一、一般公共服务支出\t32\t2,619.57\n";
        let (_, cols, groups, body) = grid_of(text);
        assert_eq!(cols[0], (Role::Name, "收入/项目".to_string(), None));
        assert_eq!(cols[1].0, Role::LineNo);
        assert_eq!(cols[2], (Role::Amount, "收入/金额".to_string(), Some(1)));
        assert_eq!(cols[5], (Role::Amount, "支出/金额".to_string(), Some(2)));
        assert_eq!(groups, [0..3, 3..6]);
        assert_eq!(body, 1);
    }

    #[test]
    fn spans_stop_at_the_parent_cell() {
        let text = "预算数\t\t\t\t\t\t决算数\t\t\t\t\t\n\
                    合计\t因公出国 (境)费\t公务用车购置及运行维护费\t\t\t公务接待 费\t合计\t因公出国 (境)费\t公务用车购置及运行维护费\t\t\t公务接待 费\n\
                    \t\t小计\t公务用车 购置费\t公务用车运 行维护费\t\t\t\t小计\t公务用车 购置费\t公务用车运 行维护费\t\n\
                    1\t2\t3\t4\t5\t6\t7\t8\t9\t10\t11\t12\n\
                    1.67\t\t1.59\t\t1.59\t0.08\t1.67\t\t1.59\t\t1.59\t0.08\n";
        let (_, cols, groups, _) = grid_of(text);
        assert_eq!(cols[2].1, "预算数/公务用车购置及运行维护费/小计");
        assert_eq!(cols[4].1, "预算数/公务用车购置及运行维护费/公务用车运行维护费");
        assert_eq!(cols[5].1, "预算数/公务接待费");
        assert_eq!(cols[11].1, "决算数/公务接待费");
        assert!(cols.iter().all(|c| c.0 == Role::Amount));
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0], 0..12);
    }

    #[test]
    fn three_code_name_amount_blocks() {
        let text = "人员经费\t\t\t公用经费\t\t\t\t\t\n\
                    科目代码\t科目名称\t决算数\t科目代码\t科目名称\t决算数\t科目代码\t科目名称\t决算数\n\
                    301\t工资福利支出\t386.31\t302\t商品和服务支出\t27.38\t310\t资本性支出\t3.54\n";
        let (_, cols, groups, body) = grid_of(text);
        assert_eq!(
            cols.iter().map(|c| c.0).collect::<Vec<_>>(),
            [
                Role::Code,
                Role::Name,
                Role::Amount,
                Role::Code,
                Role::Name,
                Role::Amount,
                Role::Code,
                Role::Name,
                Role::Amount
            ]
        );
        assert_eq!(groups, [0..3, 3..6, 6..9]);
        assert_eq!(body, 1);
    }
}
