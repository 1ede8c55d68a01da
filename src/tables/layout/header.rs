//! Header lines to columns: the leaf labels, left to right, each with the labels above it.
//!
//! Takes a table's header lines, already cut into chunks; gives its [`Leaf`] columns in
//! order, each with its header path (outermost label first) and whether it holds labels (a
//! code or name column) or figures. pdftotext prints a header cell's text centred in the
//! cell, one text line per printed line, so a cell is found as the pieces of text stacked
//! under each other (`因公出国` / `（境）费`), a cell that has other cells under it on both
//! sides (or right under it) heads them, and the others are the columns. A label heads the
//! columns whose centres fall within its reach on its own level (half way to its neighbours),
//! so a label that wraps around a lower row (`附属单位` / `上缴收入` around `经营收入`) stays one
//! label, and a group label centred over an odd number of columns (`收入预算` over `事业收入`) is
//! not read as the first line of the middle one. Does not read the body.

use super::chunks::{Chunk, narrow_if_crowded};
use crate::lexicon::is_column_label;
use crate::normalize::{push_squeezed, squeeze};

/// One column of the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Leaf {
    pub x0: usize,
    pub x1: usize,
    /// Centre as printed (see [`Chunk::center`]).
    pub center: f64,
    /// Header labels over the column, outermost first, the column's own label last.
    pub path: Vec<String>,
    /// A code or name column (`科目编码`, `项目`), not a column of figures.
    pub label: bool,
    /// The header prints a CJK character one text column wide (see
    /// [`narrow_if_crowded`]): a figure is then printed about twice as wide as it stands.
    pub compact: bool,
}

/// A header cell: the chunks of one label, top to bottom.
#[derive(Debug, Clone)]
struct Cell {
    pieces: Vec<(usize, Chunk)>,
}

impl Cell {
    fn top(&self) -> usize {
        self.pieces.iter().map(|p| p.0).min().unwrap_or(0)
    }
    fn bottom(&self) -> usize {
        self.pieces.iter().map(|p| p.0).max().unwrap_or(0)
    }
    fn x0(&self) -> usize {
        self.pieces.iter().map(|p| p.1.x0).min().unwrap_or(0)
    }
    fn x1(&self) -> usize {
        self.pieces.iter().map(|p| p.1.x1).max().unwrap_or(0)
    }
    fn center(&self) -> f64 {
        let printed_end = self.pieces.iter().map(|p| p.1.x0 + p.1.printed_width()).max().unwrap_or(0);
        (self.x0() + printed_end) as f64 / 2.0
    }
    fn text(&self) -> String {
        let mut text = String::new();
        for p in &self.pieces {
            push_squeezed(&mut text, &p.1.text);
        }
        text
    }
    fn shares_lines(&self, other: &Cell) -> bool {
        !(other.bottom() < self.top() || other.top() > self.bottom())
    }
}

/// True for a label that names a code or name column, not a column of figures.
pub fn is_label(text: &str) -> bool {
    let t = squeeze(text);
    ["科目", "编码", "代码", "名称", "行次", "栏次"].iter().any(|w| t.contains(w))
        || matches!(
            t.as_str(),
            "项目"
                | "项目(单位)"
                | "项目（单位）"
                | "预算单位"
                | "类"
                | "款"
                | "项"
                | "类款项"
                | "功能分类"
                | "经济分类"
        )
}

/// The columns of a header, left to right.
pub fn leaves(lines: &[Vec<Chunk>]) -> Vec<Leaf> {
    let mut lines = lines.to_vec();
    let compact = narrow_if_crowded(&mut lines);
    let cells = cells(&lines);
    let parents: Vec<bool> = cells.iter().map(|c| heads_others(c, &cells)).collect();
    let mut out: Vec<Leaf> = cells
        .iter()
        .zip(&parents)
        .filter(|(_, p)| !**p)
        .map(|(leaf, _)| {
            let mut above: Vec<&Cell> = cells
                .iter()
                .zip(&parents)
                .filter(|(c, p)| **p && c.bottom() < leaf.top() && reaches(c, &cells, leaf.center()))
                .map(|(c, _)| c)
                .collect();
            above.sort_by_key(|c| c.top());
            let mut path: Vec<String> = above.iter().map(|c| c.text()).collect();
            path.push(leaf.text());
            Leaf { x0: leaf.x0(), x1: leaf.x1(), center: leaf.center(), label: is_label(&leaf.text()), path, compact }
        })
        .collect();
    out.sort_by(|a, b| a.center.total_cmp(&b.center));
    out
}

/// The half-open span of centres a cell reaches on its level: half way to the nearest cell
/// on either side among those that share a line with it.
fn reach(cell: &Cell, cells: &[Cell]) -> (f64, f64) {
    let c = cell.center();
    let mut lo = f64::NEG_INFINITY;
    let mut hi = f64::INFINITY;
    for other in cells.iter().filter(|o| !std::ptr::eq(*o, cell) && o.shares_lines(cell)) {
        let m = (other.center() + c) / 2.0;
        if other.center() < c {
            lo = lo.max(m);
        } else if other.center() > c {
            hi = hi.min(m);
        }
    }
    (lo, hi)
}

fn reaches(cell: &Cell, cells: &[Cell], x: f64) -> bool {
    let (lo, hi) = reach(cell, cells);
    lo < x && x < hi
}

/// A cell heads others when a cell below is right under it, or when cells below within its
/// reach lie on both sides of its centre.
fn heads_others(cell: &Cell, cells: &[Cell]) -> bool {
    let below: Vec<&Cell> = cells.iter().filter(|o| o.top() > cell.bottom()).collect();
    let under = below.iter().any(|o| overlap(o.x0(), o.x1(), cell.x0(), cell.x1()) > 0);
    let (lo, hi) = reach(cell, cells);
    let c = cell.center();
    let within: Vec<f64> = below.iter().map(|o| o.center()).filter(|&x| lo < x && x < hi).collect();
    under || (within.iter().any(|&x| x < c) && within.iter().any(|&x| x > c))
}

fn overlap(a0: usize, a1: usize, b0: usize, b1: usize) -> isize {
    a1.min(b1) as isize - a0.max(b0) as isize
}

fn text_center(c: &Chunk) -> f64 {
    (c.x0 + c.x1) as f64 / 2.0
}

/// True when chunk `b`, up to [`WRAP_REACH`] lines below `a`, is the next line of the same label: they
/// stand over each other (left-aligned or centred alike), `b` is no wider than `a` by more
/// than a character (a label fills its first line first), no other label of `b`'s line lies
/// within `a`'s printed width (then `a` spans several columns), and nothing on the lines
/// between them stands in the way. `b_line` is `b`'s line, `between` the chunks of the lines between.
fn continues(a: &Chunk, b: &Chunk, b_line: &[Chunk], between: &[Chunk]) -> bool {
    let ov = overlap(a.x0, a.x1, b.x0, b.x1);
    let narrower = (a.x1 - a.x0).min(b.x1 - b.x0) as isize;
    if ov <= 0 || 2 * ov < narrower || b.printed_width() > a.printed_width() + 2 {
        return false;
    }
    let aligned = (text_center(a) - text_center(b)).abs() <= 1.5 || a.x0.abs_diff(b.x0) <= 1;
    let printed_end = a.x0 + a.printed_width();
    let spans_others =
        b_line.iter().any(|c| c != b && overlap(a.x0, printed_end, c.x0, c.x1) >= ((c.x1 - c.x0) as isize).min(2));
    let (lo, hi) = (a.x0.min(b.x0), a.x1.max(b.x1));
    let blocked = between.iter().any(|c| overlap(lo, hi, c.x0, c.x1) > 0);
    aligned && !spans_others && !blocked
}

/// The header's cells: chunks stacked into labels.
fn cells(lines: &[Vec<Chunk>]) -> Vec<Cell> {
    let items: Vec<(usize, Chunk)> =
        lines.iter().enumerate().flat_map(|(i, cs)| cs.iter().map(move |c| (i, c.clone()))).collect();
    let next = link_wraps(lines);
    let mut has_prev = vec![false; items.len()];
    for &n in next.iter().flatten() {
        if let Some(slot) = has_prev.get_mut(n) {
            *slot = true;
        }
    }
    let main = main_row(lines);
    let mut out = Vec::new();
    for start in (0..items.len()).filter(|&i| has_prev.get(i) == Some(&false)) {
        let mut chain = vec![start];
        while let Some(k) = chain.last().and_then(|&k| next.get(k).copied().flatten()) {
            if chain.contains(&k) {
                break;
            }
            chain.push(k);
        }
        let pieces: Vec<(usize, Chunk)> = chain.iter().filter_map(|&k| items.get(k).cloned()).collect();
        // A label known whole, or a 其中 column (a part of its neighbour, never a group label
        // over others), stays one label.
        let whole = pieces.len() > 1
            && (is_column_label(&pieces.iter().map(|p| p.1.text.as_str()).collect::<String>())
                || pieces.first().is_some_and(|p| p.1.text.starts_with("其中")));
        if pieces.len() > 1 && !whole && touches_main_row(&pieces, main) {
            out.extend(pieces.into_iter().map(|p| Cell { pieces: vec![p] }));
        } else {
            out.push(Cell { pieces });
        }
    }
    out
}

/// How many lines down a label may continue: pdftotext prints each piece of a wrapped label
/// at its own height, so a cell of two lines beside cells of five leaves lines between.
const WRAP_REACH: usize = 4;

/// For each chunk (numbered line by line), the chunk that continues its label on a line below,
/// if any: the first that [`continues`] it, nearer lines first, left to right.
fn link_wraps(lines: &[Vec<Chunk>]) -> Vec<Option<usize>> {
    let mut first = Vec::with_capacity(lines.len() + 1);
    let mut n = 0;
    for line in lines {
        first.push(n);
        n += line.len();
    }
    let mut next: Vec<Option<usize>> = vec![None; n];
    let mut taken = vec![false; n];
    for (la, a_line) in lines.iter().enumerate() {
        for (ai, a) in a_line.iter().enumerate() {
            let a_id = first.get(la).map_or(0, |f| f + ai);
            for lb in la + 1..=la + WRAP_REACH {
                let Some(b_line) = lines.get(lb) else { continue };
                let between: Vec<Chunk> = lines.get(la + 1..lb).unwrap_or_default().iter().flatten().cloned().collect();
                for (bi, b) in b_line.iter().enumerate() {
                    let b_id = first.get(lb).map_or(0, |f| f + bi);
                    let free = next.get(a_id).is_some_and(Option::is_none) && taken.get(b_id) == Some(&false);
                    if free && continues(a, b, b_line, &between) {
                        if let Some(slot) = next.get_mut(a_id) {
                            *slot = Some(b_id);
                        }
                        if let Some(slot) = taken.get_mut(b_id) {
                            *slot = true;
                        }
                    }
                }
            }
        }
    }
    next
}

/// The header line that prints the most column labels: its labels are complete on one line.
fn main_row(lines: &[Vec<Chunk>]) -> Option<usize> {
    lines
        .iter()
        .enumerate()
        .max_by_key(|(i, cs)| (cs.iter().filter(|c| !is_label(&c.text)).count(), *i))
        .map(|(i, _)| i)
}

/// A stack that starts or ends on the main row with a label of its own length there is two
/// labels (a group label over the middle column), not one label on two lines; a single
/// character there (`数` of `机关运行经费预算` / `数`) is the end of a wrapped label.
fn touches_main_row(pieces: &[(usize, Chunk)], main: Option<usize>) -> bool {
    let ends = [pieces.first(), pieces.last()];
    ends.iter().flatten().any(|(l, c)| Some(*l) == main && c.text.chars().count() > 1)
}

#[cfg(test)]
mod tests {
    use super::super::chunks::header_chunks;
    use super::*;

    fn paths(text: &str) -> Vec<String> {
        let lines: Vec<Vec<Chunk>> = text.lines().map(header_chunks).collect();
        leaves(&lines).into_iter().map(|l| format!("{}{}", if l.label { "L:" } else { "" }, l.path.join("/"))).collect()
    }

    fn fixture(section: &str) -> String {
        super::super::fixture("headers.txt", section)
    }

    #[test]
    fn labels_wrapped_around_a_row_are_one_label() {
        let got = paths(&fixture("wrapped-around-a-row"));
        let figures: Vec<&str> = got.iter().filter(|p| !p.starts_with("L:")).map(String::as_str).collect();
        assert_eq!(
            figures,
            [
                "项目/本年支出合计",
                "项目/基本支出",
                "项目/项目支出",
                "项目/上缴上级支出",
                "项目/经营支出",
                "项目/对附属单位补助支出"
            ]
        );
        assert!(got.contains(&"L:项目/科目名称".to_string()), "{got:?}");
    }

    #[test]
    fn a_group_label_over_an_odd_number_of_columns_heads_them() {
        let got = paths(&fixture("group-over-odd-columns"));
        assert!(got.contains(&"收入预算/事业收入".to_string()), "{got:?}");
        assert!(got.contains(&"收入预算/事业单位经营收入".to_string()), "{got:?}");
    }

    #[test]
    fn a_group_label_right_over_one_of_its_columns_heads_them() {
        // `支出预算` stands right over `基本支出`, centred over the three figure columns.
        let got = paths(&fixture("group-right-over-a-column"));
        let figures: Vec<String> = got
            .iter()
            .filter(|p| !p.starts_with("L:"))
            .map(|p| p.rsplit('/').next().unwrap_or("").to_string())
            .collect();
        assert_eq!(figures, ["合计", "基本支出", "项目支出"]);
    }

    #[test]
    fn items_over_budget_and_final_pairs() {
        let got = paths(&fixture("items-over-pairs"));
        assert_eq!(got.len(), 12, "{got:?}");
        assert!(got[0].ends_with("/合计/预算数") && got[1].ends_with("/合计/决算数"), "{got:?}");
        assert!(got[2].ends_with("/因公出国（境）费/预算数"), "{got:?}");
        assert!(got[4].ends_with("公务用车购置及运行维护费/小计/预算数"), "{got:?}");
        assert!(got[6].ends_with("/公务用车购置费/预算数"), "{got:?}");
        assert!(got[11].ends_with("/公务接待费/决算数"), "{got:?}");
    }

    #[test]
    fn leaves_on_two_rows_with_a_side_label() {
        let got = paths(&fixture("leaves-on-two-rows"));
        let leaves: Vec<&str> = got.iter().map(|p| p.rsplit('/').next().unwrap_or("")).collect();
        assert_eq!(
            leaves,
            ["合计", "因公出国(境)费", "公务接待费", "小计", "购置费", "运行费", "2024年机关运行经费预算数"]
        );
        assert!(got[4].contains("公务用车购置及运行费"), "{got:?}");
    }

    #[test]
    fn labels_that_all_wrap_are_joined_line_by_line() {
        // No line prints its labels whole: 一般公共预 / 算收入 and 政府性基金 / 预算收入 wrap
        // around the line of 小计, each under 财政拨款收入; 事业单位经 / 营收入 four lines apart.
        let got = paths(&fixture("wrapped-labels-without-a-main-row"));
        let figures: Vec<&str> = got.iter().filter(|p| !p.starts_with("L:")).map(String::as_str).collect();
        let leaves: Vec<&str> = figures.iter().map(|p| p.rsplit('/').next().unwrap_or("")).collect();
        assert_eq!(
            leaves,
            [
                "合计",
                "小计",
                "一般公共预算收入",
                "政府性基金预算收入",
                "国有资本经营预算收入",
                "财政专户管理资金收入",
                "事业收入（不含教育收费）",
                "事业单位经营收入",
                "其他收入",
                "上级补助收入",
                "附属单位上缴收入",
                "使用非财政拨款结余",
                "上年结转",
            ],
            "{got:?}"
        );
        assert_eq!(figures[1..5].iter().filter(|p| p.starts_with("财政拨款收入/")).count(), 4, "{got:?}");
    }

    #[test]
    fn a_qizhong_column_wrapped_from_the_main_row_is_one_column() {
        let got = paths(&fixture("qizhong-column-wrapped-from-the-main-row"));
        assert!(got.iter().any(|p| p.ends_with("/其中：专项资金列入部门预算的项目")), "{got:?}");
        // Its last piece (项目) is no name column: every label column comes before the figures.
        let first_figure = got.iter().position(|p| !p.starts_with("L:")).unwrap_or(got.len());
        assert!(got[first_figure..].iter().all(|p| !p.starts_with("L:")), "{got:?}");
    }
}
