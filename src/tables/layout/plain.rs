//! Text without column positions to rows: tables whose cells are only a space apart.
//!
//! Takes a statement's header and body lines as an extractor printed them that keeps no x
//! positions (words one space apart, header labels run together: `财政拨款收入事业收入事业单位`);
//! gives the columns and the rows the layout reader gives, so the rest of the pipeline is the
//! same. Without positions only the words tell where one label ends, so the header's row of
//! column labels (the line that names the most) is cut by the words the standard tables use
//! for their columns ([`FIGURE_WORDS`], [`LABEL_WORDS`]). A row that prints as many figures as
//! its group has columns fills them in order; a shorter row has its first figure in the first
//! column (the total, which every row prints) and its other figures placed where the table's
//! sums allow only one placement: a row's parts add up to its total, and a parent code's (or
//! the 合计 row's) column to its children's. Figures no sum pins down are left out, each with
//! a note. Does not read text with positions (see [`super::place`]).

use std::ops::Range;

use rust_decimal::Decimal;

use crate::FastMap;
use crate::amount::Amount;
use crate::model::{Code, Diagnostic};
use crate::normalize::Line;

use super::chunks::{self, Chunk, Kind};
use super::header::Leaf;
use super::rows::{LayoutRow, join_code};

/// Column labels of figures, as the standard statements print them (longest match wins).
pub const FIGURE_WORDS: &[&str] = &[
    "合计",
    "小计",
    "总计",
    "金额",
    "预算数",
    "决算数",
    "本年收入合计",
    "本年支出合计",
    "本年收入",
    "本年支出",
    "财政拨款收入",
    "上级补助收入",
    "事业收入",
    "事业单位经营收入",
    "经营收入",
    "附属单位上缴收入",
    "其他收入",
    "基本支出",
    "项目支出",
    "人员经费",
    "公用经费",
    "上缴上级支出",
    "经营支出",
    "对附属单位补助支出",
    "一般公共预算",
    "政府性基金预算",
    "国有资本经营预算",
    "一般公共预算财政拨款",
    "政府性基金预算财政拨款",
    "国有资本经营预算财政拨款",
    "年初结转和结余",
    "年末结转和结余",
    "因公出国(境)费",
    "因公出国（境）费",
    "公务接待费",
    "公务用车购置及运行费",
    "公务用车购置及运行维护费",
    "公务用车购置费",
    "公务用车运行费",
    "公务用车运行维护费",
    "购置费",
    "运行费",
    "运行维护费",
];

/// Column labels of codes and names.
pub const LABEL_WORDS: &[&str] = &[
    "项目",
    "功能分类科目编码",
    "功能分类科目名称",
    "经济分类科目编码",
    "部门经济分类科目名称",
    "经济分类科目名称",
    "科目编码",
    "科目名称",
    "科目代码",
    "类",
    "款",
    "项",
];

/// True when no header line separates its labels by a run of spaces: the text keeps no
/// column positions.
pub fn is_plain(header: &[Line]) -> bool {
    let labelled: Vec<&Line> = header.iter().filter(|l| l.text.split_whitespace().count() >= 2).collect();
    !labelled.is_empty() && !labelled.iter().any(|l| l.text.trim().contains("  "))
}

/// A header line's text cut into known labels: (label, is a figure column). What matches no
/// word is dropped; the unmatched tail (a label cut by the line's end) is returned too.
fn cut(text: &str) -> (Vec<(String, bool)>, String) {
    let chars: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    let mut out = Vec::new();
    let mut tail = String::new();
    let mut i = 0;
    while i < chars.len() {
        let rest: String = chars.get(i..).map(|r| r.iter().collect()).unwrap_or_default();
        let word = FIGURE_WORDS
            .iter()
            .map(|w| (*w, true))
            .chain(LABEL_WORDS.iter().map(|w| (*w, false)))
            .filter(|(w, _)| rest.starts_with(w))
            .max_by_key(|(w, _)| w.chars().count());
        match word {
            Some((w, figure)) => {
                out.push((w.to_string(), figure));
                i += w.chars().count();
                tail.clear();
            }
            None => {
                tail.extend(chars.get(i));
                i += 1;
            }
        }
    }
    (out, tail)
}

/// The columns: the labels of the header line that names the most, its cut-off last label
/// completed from the next line (`…事业单位` / `经营收入其他收入`).
pub fn leaves(header: &[Line]) -> Vec<Leaf> {
    let cuts: Vec<(Vec<(String, bool)>, String)> = header.iter().map(|l| cut(&l.text)).collect();
    let Some(main) = (0..cuts.len()).max_by_key(|&i| (cuts.get(i).map_or(0, |c| c.0.len()), std::cmp::Reverse(i)))
    else {
        return Vec::new();
    };
    let Some((mut labels, tail)) = cuts.get(main).cloned() else { return Vec::new() };
    if !tail.is_empty()
        && let Some(next) = header.get(main + 1)
    {
        let (more, _) = cut(&format!("{tail}{}", next.text));
        labels.extend(more);
    }
    labels
        .into_iter()
        .enumerate()
        .map(|(i, (word, figure))| Leaf {
            x0: i,
            x1: i + 1,
            center: i as f64,
            path: vec![word],
            label: !figure,
            compact: false,
        })
        .collect()
}

/// One row before its figures are placed.
#[derive(Debug, Clone)]
struct Pending<'a> {
    group: usize,
    line: &'a Line,
    code_parts: Vec<String>,
    name: String,
    figures: Vec<(String, Decimal)>,
    /// The leaf column of each figure, once known.
    placed: Vec<Option<usize>>,
}

/// The rows of a plain table, and what could not be placed.
pub fn rows<'a>(body: &'a [Line], leaves: &[Leaf], groups: &[Range<usize>]) -> (Vec<LayoutRow<'a>>, Vec<Diagnostic>) {
    let columns: Vec<Vec<usize>> =
        groups.iter().map(|g| g.clone().filter(|&i| leaves.get(i).is_some_and(|l| !l.label)).collect()).collect();
    let mut pending: Vec<Pending> = body.iter().flat_map(|line| read_line(line, &columns)).collect();
    for (g, cols) in columns.iter().enumerate() {
        let mine: Vec<usize> = (0..pending.len()).filter(|&i| pending.get(i).is_some_and(|p| p.group == g)).collect();
        place_in_order(&mut pending, &mine, cols);
        resolve_by_sums(&mut pending, &mine, cols);
    }
    let mut notes = Vec::new();
    let rows = pending
        .into_iter()
        .map(|p| {
            let unplaced: Vec<&str> =
                p.figures.iter().zip(&p.placed).filter(|(_, c)| c.is_none()).map(|(f, _)| f.0.as_str()).collect();
            if !unplaced.is_empty() {
                notes.push(Diagnostic::new(
                    p.line.no,
                    format!(
                        "figures {} left out: the text has no column positions and the table's sums do not tell their columns",
                        unplaced.join(" ")
                    ),
                ));
            }
            let figures = p.figures.iter().zip(&p.placed).filter_map(|(f, c)| c.map(|c| (c, f.0.clone()))).collect();
            LayoutRow { group: p.group, line: p.line, code_parts: p.code_parts, name: p.name, figures }
        })
        .collect();
    (rows, notes)
}

/// The rows one line prints: a group's label starts after the previous group's figures, or
/// at a second item (`三、国有资本经营预算 三、教育支出`); a line with one group's label and more
/// figures than the first group has columns belongs to the first later group that has as
/// many, else to the widest.
fn read_line<'a>(line: &'a Line, columns: &[Vec<usize>]) -> Vec<Pending<'a>> {
    let tokens = plain_chunks(&line.text);
    let mut out: Vec<Pending> = Vec::new();
    let mut current: Option<Pending> = None;
    for t in tokens {
        let figure = matches!(t.kind, Kind::Amount)
            || (t.kind == Kind::Digits
                && current.as_ref().is_some_and(|c| !c.name.is_empty() || !c.figures.is_empty()));
        let starts_group = match &current {
            None => true,
            Some(c) => !figure && (!c.figures.is_empty() || (t.kind == Kind::Text && !c.name.is_empty())),
        };
        if starts_group && let Some(done) = current.take() {
            out.push(done);
        }
        let group = out.len();
        let row = current.get_or_insert_with(|| Pending {
            group,
            line,
            code_parts: Vec::new(),
            name: String::new(),
            figures: Vec::new(),
            placed: Vec::new(),
        });
        match t.kind {
            Kind::Amount | Kind::Digits if figure => {
                if let Some(a) = Amount::parse(&t.text) {
                    row.figures.push((t.text.clone(), a.value()));
                    row.placed.push(None);
                }
            }
            Kind::Digits => row.code_parts.push(t.text.clone()),
            Kind::Text => row.name.push_str(&t.text),
            Kind::Amount | Kind::Empty => {}
        }
    }
    out.extend(current);
    if let [only] = out.as_mut_slice() {
        only.group = group_that_holds(only.figures.len(), columns).unwrap_or(only.group);
    }
    out.retain(|p| p.group < columns.len() && (!p.figures.is_empty() || !p.code_parts.is_empty()));
    out
}

/// For a line with one group's label and `n` figures: the first group when they fit it, else
/// the first later group that holds them, else the widest (a later one on a tie).
fn group_that_holds(n: usize, columns: &[Vec<usize>]) -> Option<usize> {
    let capacity = |g: usize| columns.get(g).map_or(0, Vec::len);
    if capacity(0) >= n {
        return Some(0);
    }
    let fits = (1..columns.len()).find(|&g| capacity(g) >= n);
    fits.or_else(|| (1..columns.len()).max_by_key(|&g| (capacity(g), g)))
}

/// Words one space apart: a text word joins the text before it unless it opens an item.
fn plain_chunks(text: &str) -> Vec<Chunk> {
    let mut out: Vec<Chunk> = Vec::new();
    for chunk in chunks::header_chunks(text).into_iter().flat_map(|c| chunks::body_chunks(&c.text)) {
        match out.last_mut() {
            Some(prev) if prev.kind == Kind::Text && chunk.kind == Kind::Text && !opens_item(&chunk.text) => {
                prev.push_text(&chunk.text)
            }
            _ => out.push(chunk),
        }
    }
    out
}

fn opens_item(text: &str) -> bool {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) if "一二三四五六七八九十".contains(c) => {
            chars.find(|c| !"一二三四五六七八九十".contains(*c)).is_some_and(|c| matches!(c, '、' | '.' | '．'))
        }
        Some(c) if c.is_ascii_digit() => {
            chars.find(|c| !c.is_ascii_digit()).is_some_and(|c| matches!(c, '、' | '.' | '．'))
        }
        _ => false,
    }
}

/// A row with as many figures as columns fills them in order; any other has its first figure
/// in the first column.
fn place_in_order(pending: &mut [Pending], rows: &[usize], columns: &[usize]) {
    for &i in rows {
        let Some(p) = pending.get_mut(i) else { continue };
        if p.figures.len() == columns.len() {
            p.placed = columns.iter().map(|&c| Some(c)).collect();
        } else if let (Some(slot), Some(&first)) = (p.placed.first_mut(), columns.first()) {
            *slot = Some(first);
        }
    }
}

/// The most placements of a parent's children tried at once.
const MAX_TRIALS: usize = 1 << 14;

/// A column for each figure of a row.
type Placement = Vec<usize>;

/// Places the other figures of short rows where the sums leave one choice (see the module doc).
fn resolve_by_sums(pending: &mut [Pending], rows: &[usize], columns: &[usize]) {
    let Some((_, parts)) = columns.split_first() else { return };
    if parts.is_empty() {
        return;
    }
    let tree = tree(pending, rows);
    let mut parents: Vec<(&usize, &Vec<usize>)> = tree.iter().collect();
    parents.sort();
    loop {
        let fixes: Vec<(usize, Placement)> =
            parents.iter().flat_map(|&(&parent, children)| pinned(pending, parent, children, parts)).collect();
        if fixes.is_empty() {
            break;
        }
        for (child, placement) in fixes {
            if let Some(p) = pending.get_mut(child) {
                p.placed = placement.into_iter().map(Some).collect();
            }
        }
    }
}

/// The children of a placed parent whose placement every solution of the parent's sums
/// agrees on, with that placement.
fn pinned(pending: &[Pending], parent: usize, children: &[usize], parts: &[usize]) -> Vec<(usize, Placement)> {
    let Some(parent_row) = pending.get(parent) else { return Vec::new() };
    let Some(target) = placed(parent_row) else { return Vec::new() };
    let want: Vec<Decimal> = parts.iter().map(|&col| column_sum(parent_row, &target, col)).collect();
    // A part the parent does not have, none of its children has either.
    let empty: Vec<usize> = parts.iter().zip(&want).filter(|(_, w)| w.is_zero()).map(|(c, _)| *c).collect();
    let options: Vec<Vec<Placement>> = children
        .iter()
        .map(|&c| {
            let Some(p) = pending.get(c) else { return Vec::new() };
            let fits = |pl: &Placement| empty.iter().all(|&col| column_sum(p, pl, col).is_zero());
            candidates(p, parts).into_iter().filter(fits).collect()
        })
        .collect();
    let trials = options.iter().try_fold(1usize, |n, o| n.checked_mul(o.len().max(1)));
    if trials.is_none_or(|n| n > MAX_TRIALS) {
        return Vec::new();
    }
    let kids: Vec<Option<&Pending>> = children.iter().map(|&c| pending.get(c)).collect();
    let solutions = solutions(&kids, &options, parts, &want);
    let mut out = Vec::new();
    for (k, &child) in children.iter().enumerate() {
        let chosen: Vec<&Placement> = solutions.iter().filter_map(|s| options.get(k)?.get(*s.get(k)?)).collect();
        let unique = chosen.first().filter(|first| chosen.iter().all(|c| c == *first));
        if let Some(first) = unique
            && pending.get(child).is_some_and(|p| placed(p).is_none())
        {
            out.push((child, (*first).clone()));
        }
    }
    out
}

/// The sum of a row's figures placed in `col`.
fn column_sum(p: &Pending, placement: &Placement, col: usize) -> Decimal {
    p.figures.iter().zip(placement).filter(|(_, c)| **c == col).map(|(f, _)| f.1).sum()
}

/// Which choice of each child's placement makes every part column add up to the parent's.
fn solutions(
    kids: &[Option<&Pending>],
    options: &[Vec<Placement>],
    parts: &[usize],
    want: &[Decimal],
) -> Vec<Vec<usize>> {
    if options.iter().any(Vec::is_empty) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut choice = vec![0usize; options.len()];
    loop {
        let adds_up = parts.iter().zip(want).all(|(&col, want)| {
            let sum: Decimal = choice
                .iter()
                .zip(options)
                .zip(kids)
                .filter_map(|((&k, o), kid)| Some(column_sum((*kid)?, o.get(k)?, col)))
                .sum();
            sum == *want
        });
        if adds_up {
            out.push(choice.clone());
        }
        // Next combination, like an odometer.
        let mut k = 0;
        loop {
            let Some(c) = choice.get_mut(k) else { return out };
            *c += 1;
            if *c < options.get(k).map_or(0, Vec::len) {
                break;
            }
            *c = 0;
            k += 1;
        }
    }
}

/// A row's placement, when all its figures are placed.
fn placed(p: &Pending) -> Option<Placement> {
    p.placed.iter().copied().collect()
}

/// The placements of a row's figures after the first, left to right into the part columns,
/// that make the parts add up to the first (the row's total).
fn candidates(p: &Pending, parts: &[usize]) -> Vec<Placement> {
    if let Some(v) = placed(p) {
        return vec![v];
    }
    let (Some(&(_, total)), Some(&Some(total_col))) = (p.figures.first(), p.placed.first()) else { return Vec::new() };
    let rest: Vec<Decimal> = p.figures.iter().skip(1).map(|f| f.1).collect();
    let too_many = binomial(parts.len(), rest.len()).is_none_or(|n| n > MAX_TRIALS);
    if rest.iter().copied().sum::<Decimal>() != total || rest.len() > parts.len() || too_many {
        return Vec::new();
    }
    increasing_choices(parts.len(), rest.len())
        .into_iter()
        .map(|ks| std::iter::once(total_col).chain(ks.iter().filter_map(|&k| parts.get(k).copied())).collect())
        .collect()
}

/// n choose k, or None when it overflows.
fn binomial(n: usize, k: usize) -> Option<usize> {
    let k = k.min(n.saturating_sub(k));
    (0..k).try_fold(1usize, |acc, i| acc.checked_mul(n - i).map(|v| v / (i + 1)))
}

/// Every way to choose `k` of `n` positions, in increasing order.
fn increasing_choices(n: usize, k: usize) -> Vec<Vec<usize>> {
    if k == 0 {
        return vec![Vec::new()];
    }
    (k - 1..n)
        .flat_map(|last| {
            increasing_choices(last, k - 1).into_iter().map(move |mut c| {
                c.push(last);
                c
            })
        })
        .collect()
}

/// Each parent row and its children: by code (a 款 under its 类, a 项 under its 款), and the
/// total row (合计, 总计) over the top-level codes, or over every other row when none has one.
fn tree(pending: &[Pending], rows: &[usize]) -> FastMap<usize, Vec<usize>> {
    // Each row's code, read once: every row looks its parent up among the others.
    let codes: Vec<Option<Code>> = rows
        .iter()
        .map(|&i| pending.get(i).and_then(|p| join_code(&p.code_parts)).and_then(|c| Code::parse(&c)))
        .collect();
    let mut first_with: FastMap<&Code, usize> = FastMap::default();
    for (&i, code) in rows.iter().zip(&codes) {
        if let Some(code) = code {
            first_with.entry(code).or_insert(i);
        }
    }
    let is_total = |i: usize| {
        pending.get(i).is_some_and(|p| p.code_parts.is_empty() && (p.name.contains("合计") || p.name.contains("总计")))
    };
    let mut out: FastMap<usize, Vec<usize>> = FastMap::default();
    let total = rows.iter().copied().find(|&i| is_total(i));
    let any_code = !first_with.is_empty();
    for (&i, code) in rows.iter().zip(&codes) {
        let parent = match code {
            Some(code) => match code.parent() {
                Some(up) => first_with.get(&up).copied(),
                None => total,
            },
            None if !any_code && !is_total(i) => total,
            None => None,
        };
        if let Some(p) = parent {
            out.entry(p).or_default().push(i);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_together_labels_are_cut_by_the_standard_words() {
        let (labels, tail) = cut("功能分类科目名称 合计 财政拨款收入事业收入事业单位");
        let words: Vec<&str> = labels.iter().map(|l| l.0.as_str()).collect();
        assert_eq!(words, ["功能分类科目名称", "合计", "财政拨款收入", "事业收入"]);
        assert_eq!(tail, "事业单位");
    }

    #[test]
    fn choices_are_increasing() {
        assert_eq!(increasing_choices(3, 2), [vec![0, 1], vec![0, 2], vec![1, 2]]);
    }
}

/// The rules on statements of tests/fixtures/layout/plain.txt, read as the pipeline reads them.
#[cfg(test)]
mod fixture_tests {
    use crate::model::Parsed;
    use crate::normalize;
    use crate::segment;
    use crate::tables::{Context, parse};
    use crate::vocab::{Phase, Split, Unit};

    fn read(section: &str) -> Parsed {
        let text = super::super::fixture("plain.txt", section);
        let lines = normalize::lines(&text);
        let seg = segment::segment(&lines);
        let table = seg.tables.first().unwrap_or_else(|| panic!("{section}: no statement"));
        parse(table, &Context { phase: Some(Phase::Budget), unit: Unit::Yuan, fiscal_year: Some(2026) })
    }

    fn splits(p: &Parsed, code: &str) -> Vec<(Split, String)> {
        p.facts
            .iter()
            .filter(|f| f.code.as_ref().is_some_and(|c| c.as_str() == code))
            .map(|f| (f.split, f.amount.to_string()))
            .collect()
    }

    #[test]
    fn short_rows_are_placed_where_the_sums_allow_one_placement() {
        let p = read("no-positions-expenditure");
        // A full row fills its columns in order.
        assert_eq!(
            splits(&p, "208"),
            [(Split::Total, "8568532".into()), (Split::Basic, "4787960".into()), (Split::Project, "3780572".into())]
        );
        // The basic column of 合计 (26,917,990) is 208 + 210 + 212 + 221's basic alone: 201's
        // second figure is project, and so are its children's.
        assert_eq!(splits(&p, "201"), [(Split::Total, "3353072".into()), (Split::Project, "3353072".into())]);
        assert_eq!(splits(&p, "2010506"), [(Split::Total, "1200".into()), (Split::Project, "1200".into())]);
        // 212's basic is all 21201's, whose basic is all 2120101's.
        assert_eq!(splits(&p, "2120101"), [(Split::Total, "16879230".into()), (Split::Basic, "16879230".into())]);
        assert_eq!(splits(&p, "2120102"), [(Split::Total, "13121269".into()), (Split::Project, "13121269".into())]);
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    }

    #[test]
    fn figures_no_sum_pins_down_are_left_out_with_a_note() {
        let p = read("no-positions-three-public");
        let got: Vec<(String, String)> = p.facts.iter().map(|f| (f.name.clone(), f.amount.to_string())).collect();
        assert_eq!(got, [("合计".to_string(), "8.53".to_string())]);
        assert!(p.diagnostics.iter().any(|d| d.message.contains("1.53 7 7 386.02 left out")), "{:?}", p.diagnostics);
    }
}
