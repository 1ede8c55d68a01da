//! One report: bytes to a finished [`Document`].
//!
//! Takes one file's bytes and format; gives its document — decoded, normalized, its metadata
//! read, cut into statements and prose, each parsed, codes resolved from the report itself and
//! the bundled reference, and its arithmetic checked — or a `failed` document saying why.
//! Never panics on any input: a parser bug is contained to the file that triggered it. Does
//! not know about other files (codes learned from the corpus come later, in the run).

use std::path::Path;

use crate::decode::{self, Format};
use crate::error::{DocError, Error, Result};
use crate::model::{Diagnostic, Document, Fact, Meta};
use crate::segment::{self, Segmented};
use crate::tables::{self, Context};
use crate::vocab::{Phase, Statement, Status, Unit};
use crate::{codes, discover, metadata, narrative, normalize, reconcile};

/// A stable id for a file's bytes: the first 16 hex digits of their BLAKE3 hash.
pub fn report_id(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex()[..16].to_string()
}

/// Reads and parses one report file (`cnbudget inspect`). A file that is not a report is a
/// `failed` document, as in a run; only an unreadable path is an error.
pub fn parse_file(path: &Path) -> Result<Document> {
    let bytes = std::fs::read(path).map_err(|source| Error::Input { path: path.to_path_buf(), source })?;
    let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    Ok(parse_guarded(&name, &bytes, discover::format_of(path).unwrap_or(Format::Text)))
}

/// [`parse_document`], with a parser bug contained to the file that triggered it: the run
/// goes on and the file gets a `failed` row saying so.
pub fn parse_guarded(source_file: &str, bytes: &[u8], format: Format) -> Document {
    std::panic::catch_unwind(|| parse_document(source_file, bytes, format)).unwrap_or_else(|panic| {
        let what =
            panic.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| panic.downcast_ref::<String>().cloned());
        Document::failed(
            report_id(bytes),
            source_file.to_string(),
            format!("internal error while parsing (a cnbudget bug, please report it): {}", what.unwrap_or_default()),
        )
    })
}

/// Reads one report: decoding, metadata, statements, codes. Never panics on any input;
/// what cannot be read is a `failed` document or a note.
pub fn parse_document(source_file: &str, bytes: &[u8], format: Format) -> Document {
    let id = report_id(bytes);
    let text = match decode::decode(bytes, format) {
        Ok(text) => text,
        Err(e) => return Document::failed(id, source_file.to_string(), e.to_string()),
    };
    let lines = normalize::lines(&text);
    let meta = metadata::read(&lines);
    let segmented = segment::segment(&lines);
    let (mut facts, mut notes) = parse_statements(&segmented, &meta);
    notes.extend(distrust_cut_ending(&text, &mut facts));
    let resolution = codes::resolve(&mut facts, meta.fiscal_year);
    notes.extend(resolution.notes);
    facts.sort_by_key(|f| f.line);
    let checks = reconcile::reconcile(&facts, &resolution.corrections);
    let statements = statements_found(&segmented, &facts);
    let mut doc = Document {
        report_id: id,
        source_file: source_file.to_string(),
        status: Status::Ok,
        error: None,
        meta,
        statements,
        facts,
        checks,
        notes,
    };
    judge(&mut doc);
    doc
}

/// A file that ends in the middle of a number was cut off (a truncated download): the figures
/// of its last line may be missing digits, so they are left out, and the note says why.
fn distrust_cut_ending(text: &str, facts: &mut Vec<Fact>) -> Option<Diagnostic> {
    if !text.ends_with(|c: char| c.is_ascii_digit() || c == '.' || c == ',') {
        return None;
    }
    let last = u32::try_from(text.matches('\n').count() + 1).unwrap_or(u32::MAX);
    let before = facts.len();
    facts.retain(|f| f.line != last);
    (facts.len() < before).then(|| {
        Diagnostic::new(
            last,
            "the file ends in the middle of a number (truncated?): the last line's figures are left out",
        )
    })
}

fn parse_statements(segmented: &Segmented, meta: &Meta) -> (Vec<Fact>, Vec<Diagnostic>) {
    let ctx = Context {
        phase: meta.phase.unwrap_or(Phase::Final),
        unit: meta.unit.unwrap_or(Unit::Wan),
        fiscal_year: meta.fiscal_year,
    };
    let mut facts = Vec::new();
    let mut notes = Vec::new();
    for table in &segmented.tables {
        let parsed = tables::parse(table, &ctx);
        facts.extend(parsed.facts);
        notes.extend(parsed.diagnostics);
    }
    let prose = narrative::parse(&segmented.prose, meta);
    facts.extend(prose.facts);
    notes.extend(prose.diagnostics);
    (facts, notes)
}

fn statements_found(segmented: &Segmented, facts: &[Fact]) -> Vec<Statement> {
    let narrative = facts.iter().any(|f| f.statement == Statement::Narrative).then_some(Statement::Narrative);
    let mut found: Vec<Statement> = segmented.tables.iter().map(|t| t.statement).chain(narrative).collect();
    found.sort();
    found.dedup();
    found
}

/// Sets the status: failed when nothing of a report was found, partial when what identifies
/// it (department, year, phase) could not be read.
fn judge(doc: &mut Document) {
    if doc.statements.is_empty() && doc.facts.is_empty() {
        doc.status = Status::Failed;
        doc.error = Some(DocError::NotAReport.to_string());
        return;
    }
    let missing: Vec<&str> = [
        (doc.meta.department.is_none(), "department"),
        (doc.meta.fiscal_year.is_none(), "fiscal year"),
        (doc.meta.phase.is_none(), "phase (决算/预算)"),
    ]
    .into_iter()
    .filter_map(|(m, what)| m.then_some(what))
    .collect();
    if !missing.is_empty() {
        doc.status = Status::Partial;
        doc.error = Some(format!("{} not found in the text", missing.join(", ")));
    }
}
