//! Placed body lines to rows: each group's code, name and figures, one row per figure line.
//!
//! Takes the placed body lines; gives, per column group, one [`LayoutRow`] per line that
//! prints figures (or a code), with its code parts joined (`201   05   07` → 2010507, a
//! one-digit part padded: `301   2` → 30102), a code printed alone on the line above its
//! figures moved down to them, and its name put together from the pieces pdftotext printed
//! on the lines around it. Which row a name piece belongs to is chosen for the whole group at
//! once, as the cheapest reading under these rules: a piece that does not fill the name
//! column's width ends its name (a name fills a line before it wraps), a name is centred on
//! its figure line (as many pieces above as below) or starts on it, a row printed without a
//! name on its figure line takes pieces, pieces never join across a blank line, a piece that
//! starts with an ordinal (`二、`, `1.`) can only start a name, and a piece may stand alone (a
//! label with no figures, `使用非财政拨款结余`, `二、外交支出`). Does not decide what a row means.

use std::ops::Range;

use crate::FastMap;
use crate::normalize::{Line, push_squeezed};

use super::place::{BodyLine, Role};

/// One row of one group.
#[derive(Debug, Clone)]
pub struct LayoutRow<'a> {
    pub group: usize,
    /// The line its figures are on (or its code, when it has none).
    pub line: &'a Line,
    /// The code parts as printed, in order.
    pub code_parts: Vec<String>,
    /// The name pieces, top to bottom.
    pub name: String,
    /// (leaf column, figure text).
    pub figures: Vec<(usize, String)>,
}

/// What one line holds for one group.
#[derive(Debug, Clone)]
struct Part<'a> {
    /// Index of the body line.
    at: usize,
    line: &'a Line,
    code: Vec<String>,
    /// Where its first code part is printed (in characters from the line's start).
    code_x: Option<usize>,
    text: String,
    /// Printed width of the text.
    width: usize,
    figures: Vec<(usize, String)>,
}

impl Part<'_> {
    /// A piece of a name alone on its line: no code, no figures.
    fn is_piece(&self) -> bool {
        !self.text.is_empty() && self.code.is_empty() && self.figures.is_empty()
    }

    /// Text that opens a new item (`二、外交支出`): it can only start a name.
    fn opens_item(&self) -> bool {
        starts_with_ordinal(&self.text)
    }
}

fn starts_with_ordinal(text: &str) -> bool {
    static ORDINAL: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^(?:[一二三四五六七八九十]+[、.．]|\d{1,2}[、.．]|[(（][一二三四五六七八九十\d]{1,3}[)）])")
            .expect("valid regex")
    });
    ORDINAL.is_match(text)
}

/// Joins code parts printed in 类/款/项 columns; None when they do not make a code.
pub fn join_code(parts: &[String]) -> Option<String> {
    let (first, rest) = parts.split_first()?;
    if !rest.is_empty() && first.len() != 3 {
        return None; // a 类 is three digits: `7 11 02` lost two of them
    }
    let mut code = first.clone();
    for p in rest {
        if p.len() == 1 {
            code.push('0');
        }
        code.push_str(p);
    }
    crate::model::Code::parse(&code).map(|c| c.to_string())
}

/// The rows of every group.
pub fn rows<'a>(body: &[BodyLine<'a>], groups: &[Range<usize>]) -> Vec<LayoutRow<'a>> {
    let mut out = Vec::new();
    for g in 0..groups.len() {
        let mut parts = merge_lone_codes(parts_of(body, g));
        fill_hierarchy(&mut parts);
        out.extend(assemble(&parts, body, g));
    }
    out.sort_by_key(|r| (r.line.no, r.group));
    out
}

fn parts_of<'a>(body: &[BodyLine<'a>], group: usize) -> Vec<Part<'a>> {
    let mut out = Vec::new();
    for (at, b) in body.iter().enumerate() {
        let mine: Vec<_> =
            b.tokens.iter().filter(|t| t.group == group && !matches!(t.role, Role::Empty | Role::Beside)).collect();
        if mine.is_empty() {
            continue;
        }
        let figures = Vec::with_capacity(mine.len());
        let mut part =
            Part { at, line: b.line, code: Vec::new(), code_x: None, text: String::new(), width: 0, figures };
        for t in mine {
            match (t.role, t.column) {
                (Role::Code, _) => {
                    part.code_x.get_or_insert(t.chunk.x0);
                    part.code.push(t.chunk.text.clone());
                }
                (Role::Figure, Some(col)) => part.figures.push((col, t.chunk.text.clone())),
                (Role::Figure, None) | (Role::Empty | Role::Beside, _) => {}
                (Role::Text, _) => {
                    push_squeezed(&mut part.text, &t.chunk.text);
                    part.width += t.chunk.printed_width();
                }
            }
        }
        out.push(part);
    }
    out
}

/// Codes printed as a hierarchy in 类/款/项 columns: `201` in the 类 column, then `40` alone in
/// the 款 column (20140), then `01` alone in the 项 column (2014001). A two-digit part is a
/// 款 or a 项 by where it is printed: the left of the two positions two-digit parts take is
/// the 款 column. When they take one position only, which level they are cannot be told, and
/// they are left as printed (the row is then read by its name, with a note).
fn fill_hierarchy(parts: &mut [Part]) {
    let lone = |p: &Part| matches!(p.code.as_slice(), [c] if c.len() == 2);
    let xs: Vec<usize> = parts.iter().filter(|p| lone(p)).filter_map(|p| p.code_x).collect();
    let (Some(&kuan_x), Some(&xiang_x)) = (xs.iter().min(), xs.iter().max()) else { return };
    if xiang_x < kuan_x + 2 {
        return;
    }
    let (mut lei, mut kuan): (Option<String>, Option<String>) = (None, None);
    for p in parts.iter_mut() {
        let Some(first) = p.code.first().filter(|_| p.code.len() == 1).cloned() else { continue };
        match first.len() {
            3 => (lei, kuan) = (Some(first), None),
            5 => (lei, kuan) = (first.get(..3).map(str::to_string), Some(first)),
            2 => {
                let x = p.code_x.unwrap_or(kuan_x);
                let is_kuan = x.abs_diff(kuan_x) <= x.abs_diff(xiang_x);
                let above = if is_kuan { lei.as_ref() } else { kuan.as_ref() };
                if let Some(joined) = above.map(|a| format!("{a}{first}")) {
                    if is_kuan {
                        kuan = Some(joined.clone());
                    }
                    p.code = vec![joined];
                }
            }
            _ => {}
        }
    }
}

/// A code alone on its line joins the figures printed on the next line without a code.
fn merge_lone_codes(parts: Vec<Part>) -> Vec<Part> {
    let mut out: Vec<Part> = Vec::with_capacity(parts.len());
    let mut pending: Option<Part> = None;
    for mut part in parts {
        if let Some(lone) = pending.take() {
            if part.at == lone.at + 1 && !part.figures.is_empty() && part.code.is_empty() {
                part.code = lone.code;
            } else {
                out.push(lone);
            }
        }
        if !part.code.is_empty() && part.figures.is_empty() && part.text.is_empty() {
            pending = Some(part);
        } else {
            out.push(part);
        }
    }
    out.extend(pending);
    out
}

/// How a gap's pieces are shared: the first `below` go to the row above, pieces from `above`
/// on go to the row below, the ones between stand alone.
#[derive(Debug, Clone, Copy)]
struct Split {
    below: usize,
    above: usize,
}

/// The most name pieces a row takes from one side: a name is a few lines long.
const MAX_PIECES: usize = 3;
const COST_ALONE: u32 = 3;
const COST_ORDINAL_INSIDE: u32 = 50;
const COST_NAMELESS: u32 = 5;
const COST_UNFINISHED: u32 = 10;
const COST_FULL_END: u32 = 2;
const COST_ACROSS_BLANK: u32 = 50;

fn assemble<'a>(parts: &[Part<'a>], body: &[BodyLine<'a>], group: usize) -> Vec<LayoutRow<'a>> {
    let rows: Vec<usize> = (0..parts.len()).filter(|&k| parts.get(k).is_some_and(|p| !p.is_piece())).collect();
    let bounds: Vec<isize> =
        std::iter::once(-1).chain(rows.iter().map(|&r| r as isize)).chain([parts.len() as isize]).collect();
    let gaps: Vec<Vec<usize>> =
        bounds.windows(2).map(|w| ((w[0] + 1) as usize..w[1].max(0) as usize).collect()).collect();
    let costs = Costs { parts, body, full_width: full_widths(parts) };
    let splits = best_splits(&rows, &gaps, |k, above, below| costs.row(k, above, below), |q| costs.alone(q));
    rows.iter()
        .enumerate()
        .filter_map(|(i, &k)| {
            let part = parts.get(k)?;
            let above = splits.get(i).and_then(|s| gaps.get(i)?.get(s.above..)).unwrap_or_default();
            let below = splits.get(i + 1).and_then(|s| gaps.get(i + 1)?.get(..s.below)).unwrap_or_default();
            let piece = |q: &usize| parts.get(*q).map_or("", |p| p.text.as_str());
            let name: String =
                above.iter().map(piece).chain([part.text.as_str()]).chain(below.iter().map(piece)).collect();
            let keep = !part.figures.is_empty() || !part.code.is_empty();
            keep.then(|| LayoutRow {
                group,
                line: part.line,
                code_parts: part.code.clone(),
                name,
                figures: part.figures.clone(),
            })
        })
        .collect()
}

/// The cost model of a reading: what each row's name, and each piece left alone, costs.
struct Costs<'p, 'a> {
    parts: &'p [Part<'a>],
    body: &'p [BodyLine<'a>],
    /// The widest name piece on each page.
    full_width: FastMap<Option<u16>, usize>,
}

impl Costs<'_, '_> {
    /// A piece as wide as the widest on its page filled its line: the name wraps on.
    fn is_full(&self, k: usize) -> bool {
        self.parts.get(k).is_some_and(|p| self.full_width.get(&page_of(p)).is_some_and(|&w| p.width + 1 >= w))
    }

    fn opens_item(&self, k: usize) -> bool {
        self.parts.get(k).is_some_and(Part::opens_item)
    }

    /// True when a blank line lies between parts `a` and `b`.
    fn blank_between(&self, a: usize, b: usize) -> bool {
        let (Some(pa), Some(pb)) = (self.parts.get(a), self.parts.get(b)) else { return true };
        self.body.get(pa.at + 1..pb.at).is_none_or(|between| between.iter().any(|l| l.tokens.is_empty()))
    }

    /// What row `k` costs with these pieces above and below its figure line.
    fn row(&self, k: usize, above: &[usize], below: &[usize]) -> u32 {
        let own = self.parts.get(k).is_some_and(|p| !p.text.is_empty());
        let seq: Vec<usize> = above.iter().copied().chain(own.then_some(k)).chain(below.iter().copied()).collect();
        let mut cost = 0;
        if seq.is_empty() && self.parts.get(k).is_some_and(|p| !p.figures.is_empty()) {
            cost += COST_NAMELESS;
        }
        cost += seq.iter().skip(1).filter(|&&q| self.opens_item(q)).count() as u32 * COST_ORDINAL_INSIDE;
        if let Some((last, init)) = seq.split_last() {
            cost += init.iter().filter(|&&q| !self.is_full(q)).count() as u32 * COST_UNFINISHED;
            if self.is_full(*last) {
                cost += COST_FULL_END;
            }
        }
        cost += above.len().abs_diff(below.len()) as u32;
        let chain: Vec<usize> = above.iter().copied().chain([k]).chain(below.iter().copied()).collect();
        cost + chain.windows(2).filter(|w| self.blank_between(w[0], w[1])).count() as u32 * COST_ACROSS_BLANK
    }

    /// What a piece left alone costs: nothing for a numbered label (a row without figures).
    fn alone(&self, q: usize) -> u32 {
        if self.opens_item(q) { 0 } else { COST_ALONE }
    }
}

fn page_of(part: &Part) -> Option<u16> {
    part.line.page
}

/// The widest name printed on each page: a piece as wide is a full line that wraps on.
fn full_widths(parts: &[Part]) -> FastMap<Option<u16>, usize> {
    let mut out = FastMap::default();
    for p in parts.iter().filter(|p| !p.text.is_empty()) {
        let w = out.entry(page_of(p)).or_insert(0);
        *w = (*w).max(p.width);
    }
    out
}

/// Chooses how every gap's pieces are shared, at the least total cost, by dynamic
/// programming over the rows (the state: how many pieces the gap above gave the row).
fn best_splits(
    rows: &[usize],
    gaps: &[Vec<usize>],
    row_cost: impl Fn(usize, &[usize], &[usize]) -> u32,
    alone_cost: impl Fn(usize) -> u32,
) -> Vec<Split> {
    // states: for the gap just read, (its `above` index) -> (cost so far, splits so far).
    let mut states: Vec<(usize, u32, Vec<Split>)> = vec![(0, 0, Vec::new())];
    for (i, gap) in gaps.iter().enumerate() {
        let n = gap.len();
        let first = i == 0;
        let last = i == rows.len();
        let mut next: Vec<(usize, u32, Vec<Split>)> = Vec::new();
        for (prev_above, cost0, splits) in &states {
            for below in 0..=n.min(MAX_PIECES) {
                if first && below > 0 {
                    break;
                }
                for above in below.max(n.saturating_sub(MAX_PIECES))..=n {
                    if last && above < n {
                        continue;
                    }
                    let alone: u32 = gap.get(below..above).unwrap_or_default().iter().map(|&q| alone_cost(q)).sum();
                    let mut cost = cost0 + alone;
                    if let (Some(&row), Some(prev_gap)) =
                        (i.checked_sub(1).and_then(|r| rows.get(r)), i.checked_sub(1).and_then(|r| gaps.get(r)))
                    {
                        let above_row = prev_gap.get(*prev_above..).unwrap_or_default();
                        let below_row = gap.get(..below).unwrap_or_default();
                        cost += row_cost(row, above_row, below_row);
                    }
                    match next.iter_mut().find(|s| s.0 == above) {
                        Some(s) if s.1 <= cost => {}
                        Some(s) => *s = (above, cost, with(splits, Split { below, above })),
                        None => next.push((above, cost, with(splits, Split { below, above }))),
                    }
                }
            }
        }
        states = next;
    }
    states.into_iter().min_by_key(|s| s.1).map(|s| s.2).unwrap_or_default()
}

fn with(splits: &[Split], s: Split) -> Vec<Split> {
    let mut v = splits.to_vec();
    v.push(s);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_parts_join_and_pad() {
        let p = |v: &[&str]| join_code(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(p(&["201", "05", "07"]).as_deref(), Some("2010507"));
        assert_eq!(p(&["301", "2"]).as_deref(), Some("30102"));
        assert_eq!(p(&["2010506"]).as_deref(), Some("2010506"));
        assert_eq!(p(&["7", "11", "02"]), None);
    }
}
