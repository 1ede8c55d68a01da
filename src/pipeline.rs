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

use crate::cache::{self, Cache, CacheStats};
use crate::decode::{self, Format};
use crate::discover::{self, Entry, Kind};
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
    /// Files larger than this are not read (a `failed` row says so): a real report's text is
    /// well under a megabyte, and the limit keeps one bad file from exhausting memory.
    pub max_file_bytes: u64,
    /// Parse every file again, ignoring the previous run's cache.
    pub rebuild: bool,
}

/// The default `max_file_bytes`: 32 MiB.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 32 << 20;

impl Config {
    /// A configuration with the defaults: every CPU, no progress bar, 32 MiB per file.
    pub fn new(input: impl Into<PathBuf>, output: impl Into<PathBuf>) -> Config {
        Config {
            input: input.into(),
            output: output.into(),
            jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
            progress: false,
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            rebuild: false,
        }
    }
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
    /// Files not read because they duplicate another (a text beside its PDF).
    pub skipped: usize,
    pub facts: usize,
    /// Arithmetic checks that failed, over all documents.
    pub checks_failed: usize,
    /// Files parsed, reused from the cache, and removed since the last run.
    pub cache: CacheStats,
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
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.jobs.max(1))
        .build()
        .map_err(|e| Error::ThreadPool { jobs: config.jobs, message: e.to_string() })?;
    let sink = Sink::create(&config.output)?;
    let previous = if config.rebuild { sink.staging().to_path_buf() } else { config.output.clone() };
    let cache = Cache::open(&previous, sink.staging())?;
    let mut summary = RunSummary {
        version: env!("CARGO_PKG_VERSION"),
        parser_version: PARSER_VERSION,
        input: config.input.display().to_string(),
        output: config.output.display().to_string(),
        jobs: config.jobs,
        files: entries.len(),
        discover_seconds: started.elapsed().as_secs_f64(),
        ..RunSummary::default()
    };
    let parse_started = Instant::now();
    let (sink, manifest) = parse_and_write(config, &entries, &pool, &cache, sink, &mut summary)?;
    summary.cache.removed = cache.finish(&manifest)?;
    summary.rows = sink.written();
    summary.parse_write_seconds = parse_started.elapsed().as_secs_f64();
    summary.seconds = started.elapsed().as_secs_f64();
    sink.finish(&serde_json::to_string_pretty(&summary).unwrap_or_default())?;
    Ok(summary)
}

/// Parses (or takes from the cache) the entries a chunk at a time on the pool while a writer
/// thread writes the previous chunk. Gives the sink back with the list of (file, key) read.
fn parse_and_write(
    config: &Config,
    entries: &[Entry],
    pool: &rayon::ThreadPool,
    cache: &Cache,
    sink: Sink,
    summary: &mut RunSummary,
) -> Result<(Sink, Vec<(String, String)>)> {
    let progress = progress_bar(config.progress, entries.len());
    let mut manifest = Vec::with_capacity(entries.len());
    let sink = std::thread::scope(|scope| -> Result<Sink> {
        let (tx, rx) = mpsc::sync_channel::<Vec<Document>>(1);
        let writer = scope.spawn(move || -> Result<Sink> {
            let mut sink = sink;
            for docs in rx {
                sink.write(&docs)?;
            }
            Ok(sink)
        });
        for chunk in entries.chunks(CHUNK) {
            let read: Vec<Read> = pool.install(|| chunk.par_iter().map(|e| read_entry(e, config, cache)).collect());
            let mut docs = Vec::with_capacity(read.len());
            for r in read {
                summary.count(&r);
                if let Some(key) = r.key {
                    manifest.push((r.doc.source_file.clone(), key));
                }
                docs.push(r.doc);
            }
            progress.inc(docs.len() as u64);
            if tx.send(docs).is_err() {
                break; // The writer failed; its error is returned below.
            }
        }
        drop(tx);
        writer.join().map_err(|_| Error::ThreadPool { jobs: 1, message: "the writer thread panicked".into() })?
    })?;
    progress.finish_and_clear();
    Ok((sink, manifest))
}

impl RunSummary {
    fn count(&mut self, read: &Read) {
        if read.reused {
            self.cache.reused += 1;
        } else {
            self.cache.parsed += 1;
        }
        let doc = &read.doc;
        match doc.status {
            Status::Ok => self.ok += 1,
            Status::Partial => self.partial += 1,
            Status::Failed => self.failed += 1,
            Status::Skipped => self.skipped += 1,
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

/// One entry, read: its document, the key of its bytes (when they could be read) and whether
/// the document came from the cache.
struct Read {
    doc: Document,
    key: Option<String>,
    reused: bool,
}

fn read_entry(entry: &Entry, config: &Config, cache: &Cache) -> Read {
    let failed = |reason: String| Read {
        doc: Document::failed(report_id(entry.relative.as_bytes()), entry.relative.clone(), reason),
        key: None,
        reused: false,
    };
    let format = match &entry.kind {
        Kind::Read(format) => *format,
        Kind::Unreadable(reason) => return failed(reason.clone()),
        Kind::DuplicateOf(pdf) => {
            let mut read = failed(DocError::Duplicate(pdf.clone()).to_string());
            read.doc.status = Status::Skipped;
            return read;
        }
    };
    if let Ok(meta) = std::fs::metadata(&entry.path)
        && meta.len() > config.max_file_bytes
    {
        return failed(DocError::TooLarge { bytes: meta.len(), limit: config.max_file_bytes }.to_string());
    }
    let bytes = match std::fs::read(&entry.path) {
        Ok(bytes) => bytes,
        Err(e) => return failed(DocError::Unreadable(e.to_string()).to_string()),
    };
    let key = cache::key(&bytes);
    if let Some(doc) = cache.get(&key, &entry.relative) {
        return Read { doc, key: Some(key), reused: true };
    }
    let doc = parse_guarded(&entry.relative, &bytes, format);
    // A cache that cannot be written costs the next run time, not this run its output.
    let _ = cache.put(&key, &doc);
    Read { doc, key: Some(key), reused: false }
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
