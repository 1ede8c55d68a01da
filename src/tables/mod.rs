//! Statement tables to facts.
//!
//! Takes one [`TableSegment`] (a statement's lines, from `segment`) and the document's
//! context; gives the statement's facts and what could not be read ([`Parsed`]). Works in
//! three steps, one module each: [`grid`] splits rows into cells and folds the header into
//! column roles and groups (or, for text whose columns are runs of spaces, [`layout`] builds
//! the same grid from positions), [`records`] reads each row's code, name and amounts by
//! content, and [`meaning`] maps rows and columns to the output's dimensions, splits and
//! measures ([`three_public`] for the 三公 table). Repairs of OCR damage are general rules, each with
//! its own unit test on a fixture of tests/fixtures/ocr/: [`flattened`] totals lines,
//! [`split_value`] cells joined on the row's arithmetic, and those of `grid` and `records`.
//! Codes missing from a row, and printed codes that OCR misread, are left for `codes`.

pub mod flattened;
pub mod grid;
pub mod layout;
pub mod meaning;
pub mod records;
#[cfg(test)]
mod regress;
pub mod split_value;
pub mod three_public;

pub use meaning::Context;

use crate::model::{Diagnostic, Parsed};
use crate::segment::TableSegment;

/// Parses one statement.
pub fn parse(segment: &TableSegment, ctx: &Context) -> Parsed {
    let Some(grid) = grid::grid(segment.lines).or_else(|| layout::grid(segment.lines)) else {
        // Say so: a statement found and not read is what the self-audit must explain.
        let note = format!("{}: no header with columns of figures found below the title: not read", segment.statement);
        return Parsed { diagnostics: vec![Diagnostic::new(segment.title_line, note)], ..Parsed::default() };
    };
    let ctx = Context { unit: segment.unit.unwrap_or(ctx.unit), ..*ctx };
    let (records, mut diagnostics) = records::records(&grid);
    diagnostics.extend(grid.notes.iter().cloned());
    let mut parsed = meaning::facts(segment, &grid, &records, &ctx);
    if parsed.facts.is_empty() && parsed.set_aside.is_empty() && parsed.diagnostics.is_empty() && !records.is_empty() {
        let note = format!("{}: {} rows found, none read as a row of the statement", segment.statement, records.len());
        parsed.diagnostics.push(Diagnostic::new(segment.title_line, note));
    }
    parsed.diagnostics.extend(
        diagnostics.into_iter().map(|d| Diagnostic { message: format!("{}: {}", segment.statement, d.message), ..d }),
    );
    parsed
}

/// A fixture of tests/fixtures/ocr/, or one of its sections (the lines after `## name`, up
/// to the next `##`), comment lines (`# …`) left out.
#[cfg(test)]
pub(crate) fn ocr_fixture(file: &str, section: Option<&str>) -> String {
    let path = format!("{}/tests/fixtures/ocr/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut out = String::new();
    let mut inside = section.is_none();
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("## ") {
            inside = section == Some(name.trim());
        } else if inside && !line.starts_with("# ") {
            out.push_str(line);
            out.push('\n');
        }
    }
    assert!(!out.is_empty(), "{path}: no section {section:?}");
    out
}
