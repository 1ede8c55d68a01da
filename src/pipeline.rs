//! The stages wired together: one document, and a whole run.
//!
//! Takes a [`Config`] (or one file's bytes); gives a [`RunSummary`] after publishing the
//! output (or one [`Document`]). Files are parsed in parallel a chunk at a time while a writer
//! thread writes the previous chunk, so memory holds two chunks, not the corpus, and the
//! output order (and bytes) never depend on the number of threads.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use crate::decode::{self, Format};
use crate::discover::{self, Entry};
use crate::error::{DocError, Error, Result};
use crate::model::{Diagnostic, Document, Fact, Meta};
use crate::segment::{self, Segmented};
use crate::sink::{Sink, Written};
use crate::tables::{self, Context};
use crate::vocab::{Phase, Statement, Status, Unit};
use crate::{PARSER_VERSION, codes, metadata, narrative, normalize, reconcile};

/// Files parsed together before their results go to the writer. Fixed, so that the batches,
/// and therefore the Parquet bytes, are the same whatever the thread count.
const CHUNK: usize = 64;

/// A validated run configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// A folder of reports, or one report file.
    pub input: PathBuf,
    /// The output folder, replaced atomically at the end of the run.
    pub output: PathBuf,
    /// Worker threads (at least 1).
    pub jobs: usize,
    /// Draw a progress bar on standard error.
    pub progress: bool,
}

/// What a run did; written to `run.json`.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct RunSummary {
    pub version: &'static str,
    pub parser_version: &'static str,
    pub input: String,
    pub output: String,
    pub jobs: usize,
    pub files: usize,
    pub ok: usize,
    pub partial: usize,
    pub failed: usize,
    pub facts: usize,
    /// Arithmetic checks that failed, over all documents.
    pub checks_failed: usize,
    /// Rows written per dataset.
    pub rows: Written,
    /// Seconds spent listing the input.
    pub discover_seconds: f64,
    /// Seconds from the first file read to the last document written.
    pub parse_write_seconds: f64,
    pub seconds: f64,
}

/// Runs the whole pipeline on `config.input` and publishes `config.output`.
pub fn run(config: &Config) -> Result<RunSummary> {
    let started = Instant::now();
    let entries = discover::discover(&config.input)?;
    let discover_seconds = started.elapsed().as_secs_f64();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.jobs.max(1))
        .build()
        .map_err(|e| Error::ThreadPool { jobs: config.jobs, message: e.to_string() })?;
    let sink = Sink::create(&config.output)?;
    let progress = progress_bar(config.progress, entries.len());
    let mut summary = RunSummary {
        version: env!("CARGO_PKG_VERSION"),
        parser_version: PARSER_VERSION,
        input: config.input.display().to_string(),
        output: config.output.display().to_string(),
        jobs: config.jobs,
        files: entries.len(),
        discover_seconds,
        ..RunSummary::default()
    };
    let parse_started = Instant::now();
    let written = std::thread::scope(|scope| -> Result<Written> {
        let (tx, rx) = mpsc::sync_channel::<Vec<Document>>(1);
        let writer = scope.spawn(move || -> Result<Sink> {
            let mut sink = sink;
            for docs in rx {
                sink.write(&docs)?;
            }
            Ok(sink)
        });
        for chunk in entries.chunks(CHUNK) {
            let docs: Vec<Document> = pool.install(|| chunk.par_iter().map(read_entry).collect());
            for doc in &docs {
                summary.count(doc);
            }
            progress.inc(docs.len() as u64);
            if tx.send(docs).is_err() {
                break; // The writer failed; its error is returned below.
            }
        }
        drop(tx);
        let sink = writer
            .join()
            .map_err(|_| Error::ThreadPool { jobs: 1, message: "the writer thread panicked".into() })??;
        summary.rows = sink.written();
        summary.parse_write_seconds = parse_started.elapsed().as_secs_f64();
        summary.seconds = started.elapsed().as_secs_f64();
        let json = serde_json::to_string_pretty(&summary).unwrap_or_default();
        sink.finish(&json)
    })?;
    progress.finish_and_clear();
    summary.rows = written;
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

impl RunSummary {
    fn count(&mut self, doc: &Document) {
        match doc.status {
            Status::Ok => self.ok += 1,
            Status::Partial => self.partial += 1,
            Status::Failed => self.failed += 1,
        }
        self.facts += doc.facts.len();
        self.checks_failed += doc.checks_failed();
    }
}

fn progress_bar(enabled: bool, total: usize) -> ProgressBar {
    if !enabled {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{spinner} {bar:40} {pos}/{len} reports  {per_sec}  eta {eta}") {
        bar.set_style(style);
    }
    bar
}

/// A stable id for a file's bytes: the first 16 hex digits of their BLAKE3 hash.
pub fn report_id(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex()[..16].to_string()
}

fn read_entry(entry: &Entry) -> Document {
    let format = match &entry.kind {
        Ok(format) => *format,
        Err(reason) => {
            return Document::failed(report_id(entry.relative.as_bytes()), entry.relative.clone(), reason.clone());
        }
    };
    match std::fs::read(&entry.path) {
        Ok(bytes) => parse_guarded(&entry.relative, &bytes, format),
        Err(e) => Document::failed(
            report_id(entry.relative.as_bytes()),
            entry.relative.clone(),
            DocError::Unreadable(e.to_string()).to_string(),
        ),
    }
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
fn parse_guarded(source_file: &str, bytes: &[u8], format: Format) -> Document {
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
