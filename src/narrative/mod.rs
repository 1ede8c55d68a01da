//! Figures stated in the prose (情况说明 / 编制说明).
//!
//! Takes the document's prose — the runs of lines outside every statement table, from
//! `segment` — and its metadata; gives `narrative` facts, each with the line its amount begins
//! on, and diagnostics for amounts it saw and could not place. The prose is cut into the
//! blocks of its in-scope sections ([`outline`]), each joined back into one text that still
//! knows every character's line ([`flow`]), and read clause by clause: numbers and units
//! ([`tokens`]), then the words before each amount — its subject and its measure words
//! ([`words`], [`path`]). A function item stated as a 类/款/项 path gives its leaf, with the
//! path's names in [`Fact::path`](crate::model::Fact::path) and its level, for `codes` to resolve. Does not record what
//! the gold conventions leave out: changes and comparisons, percentages, estimates, named
//! projects (what 项目支出 is `主要用于`), explanations (`主要原因是…`), procurement,
//! 机关运行经费, assets and performance.

pub mod flow;
pub mod outline;
pub mod path;
pub mod tokens;
pub mod words;

mod reader;

use crate::model::{Diagnostic, Meta, Parsed};
use crate::normalize::Line;

/// Reads the figures of the prose.
pub fn parse(prose: &[&[Line]], meta: &Meta) -> Parsed {
    // The prose's measure words (预算数 a budget's or a final account's full-year budget) are
    // read with the phase: without it no figure of the prose has an established meaning.
    if meta.phase.is_none() {
        let line = prose.iter().find_map(|run| run.first()).map_or(1, |l| l.no);
        let note = "narrative: phase (决算/预算) not stated: the prose's figures are left out, their measure unknown";
        return Parsed { diagnostics: vec![Diagnostic::new(line, note)], ..Parsed::default() };
    }
    let glossary = path::Glossary::from_text(&outline::joined(prose));
    let mut reader = reader::Reader::new(meta, &glossary);
    for block in outline::blocks(prose) {
        reader.block(&block);
    }
    reader.finish()
}

#[cfg(test)]
mod tests;
