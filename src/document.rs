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
use crate::model::{Diagnostic, Document, Fact, Meta, Parsed, SetAside, StatementAudit};
use crate::segment::{self, Segmented};
use crate::tables::{self, Context};
use crate::vocab::{Statement, Status};
use crate::{audit, codes, discover, metadata, narrative, normalize, reconcile};

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
        let what = crate::error::panic_message(panic.as_ref());
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
    let (mut facts, set_aside, mut notes) = parse_statements(&segmented, &meta);
    notes.extend(distrust_cut_ending(&text, &mut facts));
    let (audit, unread) = audit::audit(&segmented.tables, &facts, &set_aside);
    notes.extend(unread);
    notes.extend(segmented.outside.iter().map(|(line, title)| {
        Diagnostic::new(*line, format!("{title}: a table outside the nine statements, not read"))
    }));
    let resolution = codes::resolve(&mut facts, meta.fiscal_year);
    notes.extend(resolution.notes);
    facts.sort_by_key(|f| f.line);
    let checks = reconcile::reconcile(&facts, &resolution.corrections);
    reconcile::evidence::assess(&mut facts, &checks);
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
        audit,
    };
    judge(&mut doc);
    doc
}

/// A file that ends in the middle of a number was cut off (a truncated download): the figures
/// of its last line may be missing digits, so they are left out, and the note says why.
fn distrust_cut_ending(text: &str, facts: &mut Vec<Fact>) -> Option<Diagnostic> {
    if !ends_mid_number(text) {
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

/// True when the text ends inside a number: on a separator, or on a number with fewer decimals
/// than the last decimal number before it (`2,305.6` after `313.93`). A file whose last number
/// is whole and just lacks a final newline is not cut.
fn ends_mid_number(text: &str) -> bool {
    let is_part = |c: char| c.is_ascii_digit() || c == '.' || c == ',';
    if text.ends_with(['.', ',']) {
        return true;
    }
    let body = text.trim_end_matches(is_part);
    let last = &text[body.len()..];
    if last.is_empty() {
        return false;
    }
    let decimals = |n: &str| n.rsplit_once('.').map(|(_, d)| d.len());
    let before = body
        .split(|c: char| !is_part(c))
        .rev()
        .find_map(|t| decimals(t.trim_matches([',', '.'].as_slice())).filter(|_| t.contains('.')));
    match (decimals(last), before) {
        (Some(d), Some(usual)) => d < usual,
        // `2,305` among decimal amounts: cut before its decimals.
        (None, Some(_)) => last.contains(','),
        _ => false,
    }
}

fn parse_statements(segmented: &Segmented, meta: &Meta) -> (Vec<Fact>, Vec<SetAside>, Vec<Diagnostic>) {
    let mut out = Parsed::default();
    for table in &segmented.tables {
        // A unit is read from the table's header or the document, never assumed.
        let Some(unit) = table.unit.or(meta.unit) else {
            out.diagnostics.push(Diagnostic::new(
                table.title_line,
                format!("{}: no unit (万元 or 元) stated: its figures are left out", table.statement),
            ));
            continue;
        };
        let ctx = Context { phase: meta.phase, unit, fiscal_year: meta.fiscal_year };
        out.extend(tables::parse(table, &ctx));
    }
    out.extend(narrative::parse(&segmented.prose, meta));
    (out.facts, out.set_aside, out.diagnostics)
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
    let mut reasons = Vec::new();
    if !missing.is_empty() {
        reasons.push(format!("{} not found in the text", missing.join(", ")));
    }
    reasons.extend(unread_reason(doc));
    if !reasons.is_empty() {
        doc.status = Status::Partial;
        doc.error = Some(reasons.join("; "));
    }
}

/// The self-audit's verdict in one phrase: the statement with the most numbers not read
/// (`t03: 42 of 160 printed numbers not read`), and how many others have some.
fn unread_reason(doc: &Document) -> Option<String> {
    if doc.audit.unread == 0 {
        return None;
    }
    let mut unread: Vec<&StatementAudit> = doc.audit.statements.iter().filter(|s| s.unread > 0).collect();
    unread.sort_by_key(|s| std::cmp::Reverse(s.unread));
    let first = unread.first()?.to_string();
    Some(match unread.len() {
        1 => first,
        n => format!("{first} (and some in {} more statements)", n - 1),
    })
}

#[cfg(test)]
mod tests {
    use super::ends_mid_number;

    #[test]
    fn a_cut_number_is_told_from_a_missing_final_newline() {
        assert!(ends_mid_number("合计\t313.93\n2010399\t其他\t2,305.6"));
        assert!(ends_mid_number("合计\t313.93\n2010399\t其他\t2,305."));
        assert!(ends_mid_number("合计\t313.93\n2010399\t其他\t2,"));
        assert!(!ends_mid_number("合计\t313.93\n2010399\t其他\t2,305.64"));
        assert!(!ends_mid_number("合计\t313.93\n2010399\t其他\t2,305.64\n"));
        assert!(!ends_mid_number("第 12 页"));
    }
}
