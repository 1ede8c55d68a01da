//! Per-stage throughput over the real reports in `data/corpus`.
//!
//! Each benchmark runs one stage over every report of the corpus, with the stage's input
//! prepared beforehand, and reports MB/s of the reports' bytes, so the stages compare with
//! each other and with the whole-run figures of `scripts/bench.sh`:
//!
//! ```sh
//! cargo bench --bench stages                 # all stages
//! cargo bench --bench stages -- 'stage/'     # the stages only, not each file
//! ```
//!
//! `parse_document/<file>` times each report on its own, to show which kind of text is slow.
//! `sink/write_chunk` writes a run's chunk of documents (64, as the pipeline does) to an open
//! Parquet output; `sink/one_chunk_output` is a whole (one-chunk) output, fsyncs included.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

use cnbudget::decode::{self, Format};
use cnbudget::discover::{self, Kind};
use cnbudget::model::Meta;
use cnbudget::normalize::{self, Line};
use cnbudget::segment::{self, Segmented};
use cnbudget::sink::Sink;
use cnbudget::tables::{self, Context};
use cnbudget::{Document, Fact, codes, metadata, narrative, parse_document, reconcile};

/// Documents the pipeline hands the writer at a time (`pipeline::CHUNK`).
const SINK_CHUNK: usize = 64;

/// One report, read into memory.
struct Report {
    name: String,
    bytes: Vec<u8>,
    format: Format,
}

fn corpus() -> Result<Vec<Report>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/corpus");
    let entries = discover::discover(&root).with_context(|| format!("cannot list {}", root.display()))?;
    entries
        .into_iter()
        .filter_map(|e| match e.kind {
            Kind::Read(format) => Some((e.path(&root).into_owned(), e.relative, format)),
            Kind::Unreadable(_) | Kind::DuplicateOf(_) => None,
        })
        .map(|(path, name, format)| {
            let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            Ok(Report { name, bytes, format })
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    let reports = corpus().expect("the benchmark corpus data/corpus is readable");
    let total: u64 = reports.iter().map(|r| r.bytes.len() as u64).sum();
    // Every stage's input, prepared once. A report that does not decode is left out of the
    // later stages, as parse_document leaves it.
    let texts: Vec<String> = reports.iter().filter_map(|r| decode::decode(&r.bytes, r.format).ok()).collect();
    let lines: Vec<Vec<Line>> = texts.iter().map(|t| normalize::lines(t)).collect();
    let metas: Vec<Meta> = lines.iter().map(|l| metadata::read(l)).collect();
    let segmented: Vec<Segmented> = lines.iter().map(|l| segment::segment(l)).collect();
    let facts: Vec<Vec<Fact>> = segmented.iter().zip(&metas).map(|(s, m)| table_facts(s, m)).collect();

    let mut stage = c.benchmark_group("stage");
    stage.throughput(Throughput::Bytes(total));
    stage.bench_function("decode", |b| {
        b.iter(|| {
            reports.iter().map(|r| decode::decode(black_box(&r.bytes), r.format).map_or(0, |t| t.len())).sum::<usize>()
        })
    });
    stage.bench_function("normalize", |b| {
        b.iter(|| texts.iter().map(|t| normalize::lines(black_box(t)).len()).sum::<usize>())
    });
    stage.bench_function("metadata", |b| {
        b.iter(|| lines.iter().filter(|l| metadata::read(black_box(l)).department.is_some()).count())
    });
    stage.bench_function("segment", |b| {
        b.iter(|| lines.iter().map(|l| segment::segment(black_box(l)).tables.len()).sum::<usize>())
    });
    stage.bench_function("tables", |b| {
        b.iter(|| segmented.iter().zip(&metas).map(|(s, m)| table_facts(black_box(s), m).len()).sum::<usize>())
    });
    stage.bench_function("narrative", |b| {
        b.iter(|| {
            segmented
                .iter()
                .zip(&metas)
                .map(|(s, m)| narrative::parse(black_box(&s.prose), m).facts.len())
                .sum::<usize>()
        })
    });
    stage.bench_function("codes+reconcile", |b| {
        b.iter_batched_ref(
            || facts.clone(),
            |facts| {
                let mut checks = 0;
                for (f, m) in facts.iter_mut().zip(&metas) {
                    let resolution = codes::resolve(f, m.fiscal_year);
                    checks += reconcile::reconcile(f, &resolution.corrections).len();
                }
                checks
            },
            BatchSize::SmallInput,
        )
    });
    stage.bench_function("parse_document", |b| {
        b.iter(|| {
            reports.iter().map(|r| parse_document(&r.name, black_box(&r.bytes), r.format).facts.len()).sum::<usize>()
        })
    });
    stage.finish();

    bench_each_file(c, &reports);
    bench_sink(c, &reports);
}

/// The facts of every statement table of a document, as `parse_document` gathers them.
fn table_facts(segmented: &Segmented, meta: &Meta) -> Vec<Fact> {
    segmented
        .tables
        .iter()
        .filter_map(|t| {
            let unit = t.unit.or(meta.unit)?;
            Some(tables::parse(t, &Context { phase: meta.phase, unit, fiscal_year: meta.fiscal_year }).facts)
        })
        .flatten()
        .collect()
}

fn bench_each_file(c: &mut Criterion, reports: &[Report]) {
    let mut group = c.benchmark_group("parse_document");
    for r in reports {
        group.throughput(Throughput::Bytes(r.bytes.len() as u64));
        group.bench_function(r.name.as_str(), |b| b.iter(|| parse_document(&r.name, black_box(&r.bytes), r.format)));
    }
    group.finish();
}

/// The sink on a chunk of documents (the corpus repeated up to the pipeline's chunk size):
/// `write_chunk` is the steady state of a long run (Arrow batches, Parquet encoding, zstd)
/// into an open output; `one_chunk_output` adds what every run pays once (opening a writer
/// per dataset and year, closing and fsyncing the files, publishing the folder).
fn bench_sink(c: &mut Criterion, reports: &[Report]) {
    let docs: Vec<Document> =
        reports.iter().cycle().take(SINK_CHUNK).map(|r| parse_document(&r.name, &r.bytes, r.format)).collect();
    let bytes: u64 = reports.iter().cycle().take(SINK_CHUNK).map(|r| r.bytes.len() as u64).sum();
    let mut group = c.benchmark_group("sink");
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("write_chunk", |b| {
        b.iter_custom(|iters| {
            let dir = tempfile::tempdir().expect("a temporary folder");
            let mut sink = Sink::create(&dir.path().join("out")).expect("the sink opens");
            sink.write(&docs).expect("the chunk is written"); // opens the writers, untimed
            let start = Instant::now();
            for _ in 0..iters {
                sink.write(black_box(&docs)).expect("the chunk is written");
            }
            let elapsed = start.elapsed();
            sink.finish("{}").expect("the output is published");
            elapsed
        })
    });
    group.bench_function("one_chunk_output", |b| {
        b.iter_batched(
            || tempfile::tempdir().expect("a temporary folder"),
            |dir| {
                let mut sink = Sink::create(&dir.path().join("out")).expect("the sink opens");
                sink.write(black_box(&docs)).expect("the chunk is written");
                sink.finish("{}").expect("the output is published");
                dir // dropped (deleted) outside the timing
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn config() -> Criterion {
    // Short runs: the stages take milliseconds, and the machine is small and shared.
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args()
}

criterion_group! { name = stages; config = config(); targets = benches }
criterion_main!(stages);
