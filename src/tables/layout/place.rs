//! Body chunks to columns: which column each figure is in, which group each label is in.
//!
//! Takes the body lines (cut into chunks) and the header's columns; gives each chunk its
//! role (a code part, text, or a figure) and each figure its column. pdftotext right-aligns
//! figures in their columns but moves whole pages left or right and squeezes them, so the
//! figures of one page that stand over each other are one column (a cluster), and the
//! clusters of a page are matched to the columns in order: on the page that prints the header,
//! to the nearest label on their left (a label is centred in its cell, a figure ends at the
//! cell's right edge); on a later page, to where the same columns' figures ended on the page
//! before. A line that prints as many figures as its group has columns fills them in order,
//! however they are spaced (`2.85 0.39 0.00 0.00 …`). Bare digits are a code where a code can
//! be (at the start of the line, before a name, or any 3/5/7 digits in a table whose figures
//! all have decimals), else a figure (`0`, `25`). Does not join a row's lines.

use std::ops::Range;

use crate::FastMap;
use crate::normalize::Line;

use super::chunks::{Chunk, Kind};
use super::header::Leaf;

/// What a body chunk is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Code,
    Text,
    Figure,
    /// A dash standing for an empty cell.
    Empty,
    /// The code or name of a second classification printed beside the row's own (a
    /// 政府预算支出经济分类 code and name after the 部门预算 ones): no part of the row.
    Beside,
}

/// A body chunk with its reading.
#[derive(Debug, Clone)]
pub struct Token {
    pub chunk: Chunk,
    pub role: Role,
    /// The leaf column of a figure.
    pub column: Option<usize>,
    /// The column group (side-by-side block) the chunk belongs to.
    pub group: usize,
}

/// One body line.
#[derive(Debug, Clone)]
pub struct BodyLine<'a> {
    pub line: &'a Line,
    pub tokens: Vec<Token>,
}

/// The column groups: a new group starts at a label column that follows a figure column.
pub fn groups(leaves: &[Leaf]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, leaf) in leaves.iter().enumerate() {
        let after_figures = leaves.get(start..i).is_some_and(|prev| prev.iter().any(|l| !l.label));
        if leaf.label && after_figures {
            out.push(start..i);
            start = i;
        }
    }
    if start < leaves.len() {
        out.push(start..leaves.len());
    }
    out
}

/// Reads the body lines against the header's columns.
pub fn place<'a>(lines: Vec<(&'a Line, Vec<Chunk>)>, leaves: &[Leaf], groups: &[Range<usize>]) -> Vec<BodyLine<'a>> {
    let decimal = decimal_style(&lines);
    let first_figure_x = leaves.iter().filter(|l| !l.label).map(|l| l.x0).min().unwrap_or(usize::MAX);
    let mut body: Vec<BodyLine> = lines
        .into_iter()
        .map(|(line, chunks)| {
            let roles = roles(&chunks, decimal, first_figure_x);
            let tokens = chunks
                .into_iter()
                .zip(roles)
                .map(|(chunk, role)| Token { chunk, role, column: None, group: 0 })
                .collect();
            BodyLine { line, tokens }
        })
        .collect();
    columns_by_page(&mut body, leaves);
    fill_in_order(&mut body, leaves, groups);
    assign_groups(&mut body, leaves, groups);
    set_aside_second_classification(&mut body, leaves, groups);
    body
}

/// Where a group's header prints two code columns (`科目编码`, or the `类` column of one)
/// before its figures (two classifications of the row side by side), a line's second code
/// after its first code and name starts the second classification: it and its name are
/// [`Role::Beside`], and the row is read by the first. (The second block is told by order,
/// not by position: its labels are centred over wider cells than the body's text takes.)
fn set_aside_second_classification(body: &mut [BodyLine], leaves: &[Leaf], groups: &[Range<usize>]) {
    let is_code_label = |l: &Leaf| l.path.last().is_some_and(|t| t == "类" || t.contains("编码") || t.contains("代码"));
    for (g, range) in groups.iter().enumerate() {
        let code_labels = range.clone().filter_map(|i| leaves.get(i)).filter(|l| l.label && is_code_label(l)).count();
        if code_labels < 2 {
            continue;
        }
        for line in body.iter_mut() {
            let (mut coded, mut named, mut beside) = (false, false, false);
            for t in line.tokens.iter_mut().filter(|t| t.group == g) {
                match t.role {
                    Role::Figure => break,
                    Role::Code if coded && named => beside = true,
                    Role::Code => coded = true,
                    Role::Text if coded => named = true,
                    _ => {}
                }
                if beside && matches!(t.role, Role::Code | Role::Text) {
                    t.role = Role::Beside;
                }
            }
        }
    }
}

/// A table whose figures (nearly) all print decimals: its bare integers are codes.
fn decimal_style(lines: &[(&Line, Vec<Chunk>)]) -> bool {
    let amounts: Vec<&Chunk> = lines.iter().flat_map(|(_, cs)| cs).filter(|c| c.kind == Kind::Amount).collect();
    let with_point = amounts.iter().filter(|c| c.text.contains('.')).count();
    !amounts.is_empty() && with_point * 10 >= amounts.len() * 9
}

/// The role of each chunk of a line.
fn roles(chunks: &[Chunk], decimal: bool, first_figure_x: usize) -> Vec<Role> {
    let mut roles: Vec<Role> = chunks
        .iter()
        .map(|c| match c.kind {
            Kind::Amount => Role::Figure,
            Kind::Empty => Role::Empty,
            Kind::Text | Kind::Digits => Role::Text,
        })
        .collect();
    let mut i = 0;
    while i < chunks.len() {
        if chunks.get(i).is_none_or(|c| c.kind != Kind::Digits) {
            i += 1;
            continue;
        }
        let end =
            (i..chunks.len()).find(|&k| chunks.get(k).is_none_or(|c| c.kind != Kind::Digits)).unwrap_or(chunks.len());
        let at_start = i == 0 && chunks.first().is_some_and(|c| c.x0 < first_figure_x);
        let before_name = chunks.get(end).is_some_and(|c| c.kind == Kind::Text);
        for k in i..end {
            let Some(c) = chunks.get(k) else { continue };
            let code_shaped = matches!(c.text.len(), 3 | 5 | 7) && !c.text.starts_with('0');
            let after_code = k > i && roles.get(k - 1) == Some(&Role::Code);
            let code = at_start || before_name || (decimal && (code_shaped || after_code));
            if let Some(r) = roles.get_mut(k) {
                *r = if code { Role::Code } else { Role::Figure };
            }
        }
        i = end;
    }
    roles
}

/// Clusters each page's figures into columns and matches them to the leaves.
fn columns_by_page(body: &mut [BodyLine], leaves: &[Leaf]) {
    let figure_leaves: Vec<usize> = (0..leaves.len()).filter(|&i| leaves.get(i).is_some_and(|l| !l.label)).collect();
    let mut seen: FastMap<usize, usize> = FastMap::default();
    let mut pages: Vec<Option<u16>> = body.iter().map(|b| b.line.page).collect();
    pages.dedup();
    for page in pages {
        let spots: Vec<(usize, usize)> = body
            .iter()
            .enumerate()
            .filter(|(_, b)| b.line.page == page)
            .flat_map(|(li, b)| {
                b.tokens.iter().enumerate().filter(|(_, t)| t.role == Role::Figure).map(move |(ti, _)| (li, ti))
            })
            .collect();
        let spans: Vec<(usize, usize)> = spots
            .iter()
            .filter_map(|&(li, ti)| body.get(li)?.tokens.get(ti).map(|t| (t.chunk.x0, t.chunk.x1)))
            .collect();
        let clusters = clusters(&spans);
        let cost = |c: &Cluster, leaf: usize| match seen.get(&leaf) {
            Some(&right) => c.right.abs_diff(right) as f64,
            None => match leaves.get(leaf) {
                // Where the header is compact, a figure stands in half the columns it is
                // printed in: the widest one's true right edge is half way along it.
                Some(l) if l.compact => cost_from_label(c.left + (c.right - c.left).div_ceil(2), l.center),
                l => cost_from_label(c.right, l.map_or(0.0, |l| l.center)),
            },
        };
        let Some(matched) = match_in_order(&clusters, &figure_leaves, cost) else { continue };
        for (cluster, leaf) in clusters.iter().zip(matched) {
            seen.insert(leaf, cluster.right);
            for &member in &cluster.members {
                if let Some(&(li, ti)) = spots.get(member)
                    && let Some(t) = body.get_mut(li).and_then(|b| b.tokens.get_mut(ti))
                {
                    t.column = Some(leaf);
                }
            }
        }
    }
}

/// How far a column of figures ending at `right` is from the column headed by a label centred
/// at `center`: figures end at the cell's right edge, right of the label's centre; ending a
/// little left of it is jitter, further left is another column.
fn cost_from_label(right: usize, center: f64) -> f64 {
    let d = right as f64 - center;
    if d >= -2.0 { d.abs() } else { 10.0 - 3.0 * d }
}

/// Figures standing over each other on a page.
#[derive(Debug, Clone)]
struct Cluster {
    left: usize,
    right: usize,
    /// Indexes into the spans the cluster was made from.
    members: Vec<usize>,
}

/// Groups spans that overlap (directly or through others), left to right.
fn clusters(spans: &[(usize, usize)]) -> Vec<Cluster> {
    let mut order: Vec<usize> = (0..spans.len()).collect();
    order.sort_by_key(|&i| spans.get(i).map_or(0, |s| s.0));
    let mut out: Vec<Cluster> = Vec::new();
    for i in order {
        let Some(&(x0, x1)) = spans.get(i) else { continue };
        match out.last_mut() {
            // Sorted by left edge, a span overlaps the current cluster iff it starts before its end.
            Some(c) if x0 < c.right => {
                c.right = c.right.max(x1);
                c.members.push(i);
            }
            _ => out.push(Cluster { left: x0, right: x1, members: vec![i] }),
        }
    }
    out
}

/// Matches clusters to leaves, both left to right, each leaf at most once, at the least total
/// cost. None when there are more clusters than leaves.
fn match_in_order(clusters: &[Cluster], leaves: &[usize], cost: impl Fn(&Cluster, usize) -> f64) -> Option<Vec<usize>> {
    let (n, m) = (clusters.len(), leaves.len());
    if n > m {
        return None;
    }
    // best[i][j]: least cost of matching the first i clusters within the first j leaves.
    let mut best = vec![vec![f64::INFINITY; m + 1]; n + 1];
    let mut took = vec![vec![false; m + 1]; n + 1];
    for b in best[0].iter_mut() {
        *b = 0.0;
    }
    for i in 1..=n {
        for j in i..=m {
            let skip = best[i][j - 1];
            let take = match (clusters.get(i - 1), leaves.get(j - 1)) {
                (Some(c), Some(&leaf)) => best[i - 1][j - 1] + cost(c, leaf),
                _ => f64::INFINITY,
            };
            if take < skip {
                best[i][j] = take;
                took[i][j] = true;
            } else {
                best[i][j] = skip;
            }
        }
    }
    let mut out = vec![0; n];
    let (mut i, mut j) = (n, m);
    while i > 0 && j > 0 {
        if took[i][j] {
            out[i - 1] = *leaves.get(j - 1)?;
            i -= 1;
        }
        j -= 1;
    }
    (i == 0).then_some(out)
}

/// A line that prints exactly as many figures as its group has columns fills them in order.
fn fill_in_order(body: &mut [BodyLine], leaves: &[Leaf], groups: &[Range<usize>]) {
    for b in body.iter_mut() {
        for g in groups {
            let columns: Vec<usize> = g.clone().filter(|&i| leaves.get(i).is_some_and(|l| !l.label)).collect();
            let mine: Vec<usize> = (0..b.tokens.len())
                .filter(|&k| {
                    b.tokens.get(k).is_some_and(|t| t.role == Role::Figure && t.column.is_some_and(|c| g.contains(&c)))
                })
                .collect();
            if mine.len() == columns.len() {
                for (k, col) in mine.into_iter().zip(columns) {
                    if let Some(t) = b.tokens.get_mut(k) {
                        t.column = Some(col);
                    }
                }
            }
        }
    }
}

/// Gives every token its group: a figure by its column; a code or text by where it starts: a
/// group's labels start right of where the figures of the group before it start.
fn assign_groups(body: &mut [BodyLine], leaves: &[Leaf], groups: &[Range<usize>]) {
    let group_of = |col: usize| groups.iter().position(|g| g.contains(&col)).unwrap_or(0);
    let figures_start = |g: &Range<usize>| {
        let seen = body
            .iter()
            .flat_map(|b| &b.tokens)
            .filter(|t| t.role == Role::Figure && t.column.is_some_and(|c| g.contains(&c)))
            .map(|t| t.chunk.x0)
            .min();
        seen.or_else(|| g.clone().filter_map(|i| leaves.get(i)).filter(|l| !l.label).map(|l| l.x0).min())
    };
    let bounds: Vec<Option<usize>> = groups.iter().map(figures_start).collect();
    for b in body.iter_mut() {
        for t in &mut b.tokens {
            t.group = match t.column {
                Some(c) => group_of(c),
                None => (1..groups.len())
                    .rev()
                    .find(|&g| bounds.get(g - 1).copied().flatten().is_some_and(|x| t.chunk.x0 > x))
                    .unwrap_or(0),
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(x0: usize, text: &str, label: bool) -> Leaf {
        let c = super::super::chunks::header_chunks(&format!("{}{text}", " ".repeat(x0)));
        let center = c.first().map_or(0.0, Chunk::center);
        Leaf { x0, x1: x0 + text.chars().count(), center, path: vec![text.to_string()], label, compact: false }
    }

    #[test]
    fn clusters_join_figures_that_stand_over_each_other() {
        let got: Vec<(Vec<usize>, usize)> =
            clusters(&[(27, 33), (24, 31), (38, 44), (46, 50)]).into_iter().map(|c| (c.members, c.right)).collect();
        assert_eq!(got, [(vec![1, 0], 33), (vec![2], 44), (vec![3], 50)]);
    }

    #[test]
    fn bare_digits_are_codes_where_codes_are_printed() {
        let chunks =
            super::super::chunks::body_chunks(" 301   2     津贴补贴        16,623,810   16,623,810            0");
        assert_eq!(
            roles(&chunks, false, 30),
            [Role::Code, Role::Code, Role::Text, Role::Figure, Role::Figure, Role::Figure]
        );
        let chunks = super::super::chunks::body_chunks("30109    职业年金缴费          225.12   30207");
        assert_eq!(roles(&chunks, true, 20), [Role::Code, Role::Text, Role::Figure, Role::Code]);
    }

    #[test]
    fn figures_match_the_nearest_label_on_their_left() {
        let leaves =
            [leaf(0, "项目", true), leaf(10, "合计", false), leaf(20, "基本支出", false), leaf(32, "项目支出", false)];
        let clusters = clusters(&[(12, 18), (35, 41)]);
        let figure_leaves = [1, 2, 3];
        let cost = |c: &Cluster, l: usize| cost_from_label(c.right, leaves[l].center);
        assert_eq!(match_in_order(&clusters, &figure_leaves, cost), Some(vec![1, 3]));
    }
}
