//! A whole run: every file of the input to a published output.
//!
//! Takes a [`Config`]; gives a [`RunSummary`] after publishing the output. Two passes over the
//! files, each a chunk at a time on the worker pool: the first parses every new or changed
//! file (the rest come from the cache) into the next cache and learns the codes the reports
//! print; the second takes each document back from the cache, gives its unresolved rows the
//! codes learned from the corpus, and hands it to a writer thread. The second pass goes one
//! fiscal year at a time (in input order within the year), so that the sink has one file per
//! dataset open and closes each year's files when the year is done: memory holds a few chunks
//! and one year's row groups, never the corpus, and the output order (and bytes) never depend
//! on the number of threads or on what was cached.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use crate::PARSER_VERSION;
use crate::cache::{self, Cache, CacheStats, Key};
use crate::codes::corpus::{self, CorpusIndex};
use crate::discover::{self, Entry, Kind};
use crate::document::{parse_guarded, report_id};
use crate::error::{DocError, Error, Result};
use crate::model::Document;
use crate::reconcile;
use crate::reconcile::budgets::{self, Budget};
use crate::sink::{Sink, Written};
use crate::vocab::{Phase, Status};

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
    let progress = progress_bar(config.progress, 2 * entries.len());
    let (slots, index) = read_all(config, &entries, &pool, &cache, &mut summary, &progress);
    let manifest = slots.iter().zip(&entries).filter_map(|(slot, e)| Some((e.relative.as_str(), slot.key.as_ref()?)));
    summary.cache.removed = cache.finish(manifest)?;
    let sink = write_all(&slots, &entries, config, &pool, &cache, &index, sink, &mut summary, &progress)?;
    progress.finish_and_clear();
    summary.rows = sink.written();
    summary.parse_write_seconds = parse_started.elapsed().as_secs_f64();
    summary.seconds = started.elapsed().as_secs_f64();
    sink.finish(&serde_json::to_string_pretty(&summary).unwrap_or_default())?;
    Ok(summary)
}

/// What the first pass learns from the whole run for the second.
#[derive(Default)]
struct RunIndex {
    codes: CorpusIndex,
    /// Each department's budget document of a year, by its place in the run: a final account
    /// of the same department and year is checked against it in the second pass.
    budgets: HashMap<(String, i16), usize>,
    /// Each document's fiscal year, by its place in the run: the second pass goes year by year.
    years: Vec<Option<i16>>,
}

impl RunIndex {
    /// The places of the run's documents, grouped by fiscal year (the years in order, a
    /// document of no known year last, as its partition sorts last), each group in input order.
    fn by_year(&self) -> BTreeMap<(bool, Option<i16>), Vec<usize>> {
        let mut groups: BTreeMap<(bool, Option<i16>), Vec<usize>> = BTreeMap::new();
        for (i, year) in self.years.iter().enumerate() {
            groups.entry((year.is_none(), *year)).or_default().push(i);
        }
        groups
    }
}

/// Where the first pass left a document for the second: in the next cache under its key, or
/// here when it could not be cached (a file that was never read, or a cache write that failed).
/// Small, as there is one per file of the run.
struct Slot {
    /// The key of the file's bytes, when they could be read.
    key: Option<Key>,
    held: Option<Box<Document>>,
}

/// Pass 1: reads every entry (parsing what the cache does not have), learns the printed codes.
/// A collector thread learns from each chunk while the pool parses the next, so that the
/// learning, which is serial, keeps no core waiting.
fn read_all(
    config: &Config,
    entries: &[Entry],
    pool: &rayon::ThreadPool,
    cache: &Cache,
    summary: &mut RunSummary,
    progress: &ProgressBar,
) -> (Vec<Slot>, RunIndex) {
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::sync_channel::<Vec<Read>>(1);
        let collector = scope.spawn(move || {
            let mut run = (Vec::with_capacity(entries.len()), RunIndex::default());
            for read in rx {
                progress.inc(read.len() as u64);
                for r in read {
                    summary.count_read(&r);
                    collect(r, &mut run);
                }
            }
            run
        });
        for chunk in entries.chunks(CHUNK) {
            let read: Vec<Read> = pool.install(|| chunk.par_iter().map(|e| read_entry(e, config, cache)).collect());
            if tx.send(read).is_err() {
                break; // The collector panicked: joined below.
            }
        }
        drop(tx);
        collector.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// Takes one read entry into the run: the codes it prints, its year, its place.
fn collect(r: Read, (slots, index): &mut (Vec<Slot>, RunIndex)) {
    index.codes.learn(&r.doc);
    index.years.push(r.doc.meta.fiscal_year);
    if r.doc.meta.phase == Some(Phase::Budget)
        && let Some(pair) = budgets::pair_key(&r.doc)
    {
        index.budgets.entry(pair).or_insert(slots.len());
    }
    let held = (!r.cached).then(|| Box::new(r.doc));
    slots.push(Slot { key: r.key, held });
}

/// A document of pass 1, taken back from where it was left.
fn take_back(slot: &Slot, entry: &Entry, config: &Config, cache: &Cache) -> Document {
    match slot {
        Slot { held: Some(doc), .. } => (**doc).clone(),
        // The entry was written in pass 1; should it be gone, the file is read again.
        Slot { key, held: None } => key
            .and_then(|key| cache.load_next(&key, &entry.relative))
            .unwrap_or_else(|| read_entry(entry, config, cache).doc),
    }
}

/// What the second pass hands the writer thread.
enum ToSink {
    /// Finished documents, in output order.
    Documents(Vec<Document>),
    /// Every document of this fiscal year has been sent: its files can be closed.
    YearDone(Option<i16>),
}

/// Pass 2: takes each document back, fills codes from the corpus, and writes it, a year at a
/// time, while a writer thread writes the previous chunk.
#[allow(clippy::too_many_arguments)]
fn write_all(
    slots: &[Slot],
    entries: &[Entry],
    config: &Config,
    pool: &rayon::ThreadPool,
    cache: &Cache,
    index: &RunIndex,
    sink: Sink,
    summary: &mut RunSummary,
    progress: &ProgressBar,
) -> Result<Sink> {
    std::thread::scope(|scope| -> Result<Sink> {
        let (tx, rx) = mpsc::sync_channel::<ToSink>(1);
        let writer = scope.spawn(move || -> Result<Sink> {
            let mut sink = sink;
            for message in rx {
                match message {
                    // On the run's pool: the sink writes its datasets in parallel.
                    ToSink::Documents(docs) => pool.install(|| sink.write(&docs))?,
                    ToSink::YearDone(year) => sink.close_year(year)?,
                }
            }
            Ok(sink)
        });
        'years: for ((_, year), places) in index.by_year() {
            for chunk in places.chunks(CHUNK) {
                let docs: Vec<Document> = pool.install(|| {
                    chunk
                        .par_iter()
                        // `index.years` has one place per slot and entry, so `i` is in range.
                        .map(|&i| finish_document(&slots[i], &entries[i], (slots, entries), config, cache, index))
                        .collect()
                });
                for doc in &docs {
                    summary.count_written(doc);
                }
                progress.inc(docs.len() as u64);
                if tx.send(ToSink::Documents(docs)).is_err() {
                    break 'years; // The writer failed; its error is returned below.
                }
            }
            if tx.send(ToSink::YearDone(year)).is_err() {
                break;
            }
        }
        drop(tx);
        writer.join().map_err(|panic| Error::writer_panicked(&*panic))?
    })
}

/// A document of pass 1, with the codes the corpus gives it (and its checks redone if any) and
/// its checks against the department's published budget.
fn finish_document(
    slot: &Slot,
    entry: &Entry,
    run: (&[Slot], &[Entry]),
    config: &Config,
    cache: &Cache,
    index: &RunIndex,
) -> Document {
    let mut doc = take_back(slot, entry, config, cache);
    if corpus::fill(&mut doc, &index.codes) {
        doc.checks = reconcile::recheck(&doc.facts, std::mem::take(&mut doc.checks));
    }
    let budget = (doc.meta.phase == Some(Phase::Final))
        .then(|| budgets::pair_key(&doc))
        .flatten()
        .and_then(|pair| index.budgets.get(&pair))
        .and_then(|&i| Some(take_back(run.0.get(i)?, run.1.get(i)?, config, cache)));
    let across_reports = budget.map(|b| Budget::of(&b).checks(&doc)).unwrap_or_default();
    if !across_reports.is_empty() {
        doc.checks.extend(across_reports);
        doc.checks.sort_by(|a, b| (a.line, &a.check, &a.subject).cmp(&(b.line, &b.check, &b.subject)));
    }
    reconcile::evidence::assess(&mut doc.facts, &doc.checks);
    doc
}

impl RunSummary {
    fn count_read(&mut self, read: &Read) {
        if read.reused {
            self.cache.reused += 1;
        } else {
            self.cache.parsed += 1;
        }
        match read.doc.status {
            Status::Ok => self.ok += 1,
            Status::Partial => self.partial += 1,
            Status::Failed => self.failed += 1,
            Status::Skipped => self.skipped += 1,
        }
    }

    fn count_written(&mut self, doc: &Document) {
        self.facts += doc.facts.len();
        self.checks_failed += doc.checks_failed();
    }
}

fn progress_bar(enabled: bool, steps: usize) -> ProgressBar {
    if !enabled {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(steps as u64), ProgressDrawTarget::stderr());
    // Each report is counted twice: read, then written.
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} {bar:40} {percent:>3}%  {per_sec}  eta {eta}  (read, then write)")
    {
        bar.set_style(style);
    }
    bar
}

/// One entry, read: its document, the key of its bytes (when they could be read), whether the
/// document came from the cache, and whether it is in the next cache.
struct Read {
    doc: Document,
    key: Option<Key>,
    reused: bool,
    cached: bool,
}

fn read_entry(entry: &Entry, config: &Config, cache: &Cache) -> Read {
    let failed = |reason: String| Read {
        doc: Document::failed(report_id(entry.relative.as_bytes()), entry.relative.clone(), reason),
        key: None,
        reused: false,
        cached: false,
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
    let path = entry.path(&config.input);
    if let Ok(meta) = std::fs::metadata(&path)
        && meta.len() > config.max_file_bytes
    {
        return failed(DocError::TooLarge { bytes: meta.len(), limit: config.max_file_bytes }.to_string());
    }
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) => return failed(DocError::Unreadable(e.to_string()).to_string()),
    };
    let key = cache::key(&bytes);
    if let Some(doc) = cache.get(&key, &entry.relative) {
        return Read { doc, key: Some(key), reused: true, cached: true };
    }
    let doc = parse_guarded(&entry.relative, &bytes, format);
    // A cache that cannot be written costs time (the document is held in memory), not output.
    let cached = cache.put(&key, &doc).is_ok();
    Read { doc, key: Some(key), reused: false, cached }
}
