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

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

use crate::model::Diagnostic;
use crate::normalize::Line;

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

/// Builds the grid of a layout table, or `None` when the lines hold no header with columns
/// of figures.
pub fn grid(lines: &[Line]) -> Option<Grid<'_>> {
    let start = lines.iter().position(|l| !l.is_blank() && !PREAMBLE.is_match(&l.text))?;
    let end = (start..lines.len())
        .find(|&i| lines.get(i).is_some_and(|l| TRAILER.is_match(l.text.trim())))
        .unwrap_or(lines.len());
    let region = lines.get(start..end)?;
    let body_at = first_body_line(region);
    let header_lines = region.get(..body_at)?;
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
    let known: HashSet<String> = header.iter().flatten().map(|c| squeeze(&c.text)).collect();
    let header_page = header_lines.iter().rev().find(|l| !l.is_blank()).and_then(|l| l.page);
    let body_lines = body_lines(region.get(body_at..)?, &known, header_page);
    let groups = place::groups(&leaves);
    let placed = place::place(body_lines, &leaves, &groups);
    let mut notes = unplaced_notes(&placed);
    let rows = rows::rows(&placed, &groups);
    Some(build(&leaves, &groups, rows, &mut notes))
}

fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Where the body starts: the first line of figures (not a row of column numbers), less the
/// name pieces printed right above it in the body's name column.
fn first_body_line(region: &[Line]) -> usize {
    let chunked: Vec<Vec<Chunk>> = region.iter().map(|l| chunks::body_chunks(&l.text)).collect();
    let Some(first) = chunked.iter().position(|cs| cs.iter().any(Chunk::is_number) && !is_number_row(cs)) else {
        return region.len();
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

/// The body's lines, chunked, without a header repeated at the top of a later page or a page
/// number. Blank lines are kept (empty): a wrapped name never continues across one.
fn body_lines<'a>(lines: &'a [Line], known: &HashSet<String>, header_page: Option<u16>) -> Vec<(&'a Line, Vec<Chunk>)> {
    let mut out = Vec::with_capacity(lines.len());
    let mut figures_on_page: Option<Option<u16>> = None;
    for (i, line) in lines.iter().enumerate() {
        let chunks = chunks::body_chunks(&line.text);
        let has_figures = chunks.iter().any(Chunk::is_number);
        let new_page_top = line.page != header_page && figures_on_page != Some(line.page);
        let repeated_header = new_page_top
            && !has_figures
            && !chunks.is_empty()
            && chunks::header_chunks(&line.text)
                .iter()
                .all(|c| known.contains(&squeeze(&c.text)) || header::is_label(&c.text));
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
    if !PAGE_NUMBER.is_match(&squeeze(&line.text)) {
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

/// The grid: per group a code column, a name column, then the group's figure columns.
fn build<'a>(
    leaves: &[Leaf],
    groups: &[std::ops::Range<usize>],
    rows: Vec<LayoutRow<'a>>,
    notes: &mut Vec<Diagnostic>,
) -> Grid<'a> {
    let mut columns = Vec::new();
    let mut grid_groups = Vec::new();
    // For each group: (code column, name column), and each leaf's column.
    let mut label_cols = Vec::new();
    let mut leaf_col = vec![None; leaves.len()];
    for g in groups {
        let start = columns.len();
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
        columns
            .push(Column { role: Role::Code, path: with(label_text(&["编码", "代码"], "编码")), number: None });
        columns
            .push(Column { role: Role::Name, path: with(label_text(&["名称", "项目"], "项目")), number: None });
        label_cols.push((start, start + 1));
        for i in figures {
            leaf_col[i] = Some(columns.len());
            let path = leaves.get(i).map(|l| l.path.clone()).unwrap_or_default();
            columns.push(Column { role: Role::Amount, path, number: None });
        }
        grid_groups.push(Group { columns: start..columns.len() });
    }
    let width = columns.len();
    let body = rows
        .into_iter()
        .map(|r| {
            let mut cells = vec![String::new(); width];
            let Some(&(code_col, name_col)) = label_cols.get(r.group) else { return Row { line: r.line, cells } };
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
                if let Some(cell) = leaf_col.get(leaf).copied().flatten().and_then(|c| cells.get_mut(c)) {
                    *cell = text;
                }
            }
            Row { line: r.line, cells }
        })
        .collect();
    Grid { columns, groups: grid_groups, body, notes: std::mem::take(notes) }
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
