//! Figures stated in the prose (情况说明 / 编制说明).
//!
//! Takes the document's prose — the runs of lines outside every statement table, from
//! `segment` — and its metadata; gives `narrative` facts, each with its line, and diagnostics
//! for what it saw and could not read. A function item stated as a 类/款/项 path gives its
//! leaf, with the path's names in [`Fact::path`](crate::model::Fact) and its level, for
//! `codes` to resolve.
//!
//! Issue 5 builds this parser; until then it reads nothing.

use crate::model::{Meta, Parsed};
use crate::normalize::Line;

/// Reads the figures of the prose.
pub fn parse(_prose: &[&[Line]], _meta: &Meta) -> Parsed {
    Parsed::default()
}
