//! Documents to Parquet datasets, published atomically.
//!
//! Takes finished [`Document`]s, a chunk at a time, in output order (fiscal year, then input
//! order); gives the output folder of docs/schema.md: `documents.parquet` and the
//! hive-partitioned datasets (`facts/year=2023/part-0.parquet`, …), each written with one
//! `ArrowWriter` per partition into a staging folder and swapped in by [`Sink::finish`]. A
//! year's files are closed by [`Sink::close_year`] once its documents are all written, so that
//! only one year's writers hold memory. Rows come out in the order given, and nothing that
//! varies between runs (time, thread count) is written into the Parquet files, so the same
//! input gives byte-identical files.

mod publish;
pub mod schema;

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, Encoding};
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::schema::types::ColumnPath;
use rayon::prelude::*;

use publish::Publisher;
pub use publish::RUN_FILE;

use crate::curate;
use crate::error::{Error, Result};
use crate::model::Document;

/// Rows per row group: large enough for efficient scans, small enough that a writer's
/// buffer stays a few MiB.
const ROW_GROUP_ROWS: usize = 128 * 1024;
/// Rows per row group of `documents.parquet`, whose one file stays open for the whole run: a
/// documents row is wide (notes, statements), and the file's buffer must not grow with the
/// corpus.
const DOCUMENT_ROW_GROUP_ROWS: usize = 4 * 1024;
/// What all open writers may hold together (ArrowWriter::memory_size) before the largest one
/// writes its row group out. Each year of each dataset has its own writer, holding a whole
/// row group in memory; a run closes each year's before the next opens, and the budget bounds
/// a caller that keeps many years open.
const BUFFER_BUDGET: usize = 64 << 20;
/// The partition directory of rows whose year could not be read (Hive's name for NULL).
const NULL_PARTITION: &str = "__HIVE_DEFAULT_PARTITION__";

/// Row counts of what was written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Written {
    pub documents: usize,
    pub facts: usize,
    pub functional_expenditure: usize,
    pub economic_expenditure: usize,
    pub revenue: usize,
    pub three_public: usize,
    pub checks: usize,
}

/// An output being written.
pub struct Sink {
    publisher: Publisher,
    props: WriterProperties,
    document_props: WriterProperties,
    documents: Dataset,
    facts: Dataset,
    functional: Dataset,
    economic: Dataset,
    revenue: Dataset,
    three_public: Dataset,
    checks: Dataset,
    written: Written,
}

/// Rows of one chunk, by year partition.
type ByYear<T> = BTreeMap<Option<i16>, Vec<T>>;

fn by_year<'a, T>(docs: &'a [Document], rows: impl Fn(&'a Document) -> Vec<T>) -> ByYear<(&'a Document, T)> {
    let mut out: ByYear<(&Document, T)> = BTreeMap::new();
    for doc in docs {
        out.entry(doc.meta.fiscal_year).or_default().extend(rows(doc).into_iter().map(|r| (doc, r)));
    }
    out.retain(|_, rows| !rows.is_empty());
    out
}

impl Sink {
    /// Locks `output` and opens a staging folder beside it.
    pub fn create(output: &Path) -> Result<Sink> {
        let publisher = Publisher::prepare(output)?;
        let staging = publisher.staging().to_path_buf();
        let partitioned = |name: &str, schema: &SchemaRef| Dataset::partitioned(staging.join(name), schema.clone());
        Ok(Sink {
            props: writer_properties(ROW_GROUP_ROWS),
            document_props: writer_properties(DOCUMENT_ROW_GROUP_ROWS),
            documents: Dataset::single(staging.join("documents.parquet"), schema::DOCUMENTS.clone()),
            facts: partitioned("facts", &schema::FACTS),
            functional: partitioned("functional_expenditure", &schema::FUNCTIONAL),
            economic: partitioned("economic_expenditure", &schema::ECONOMIC),
            revenue: partitioned("revenue", &schema::REVENUE),
            three_public: partitioned("three_public", &schema::THREE_PUBLIC),
            checks: partitioned("checks", &schema::CHECKS),
            publisher,
            written: Written::default(),
        })
    }

    /// Closes the files of one year partition of every dataset: its documents are all written.
    /// Rows of that year written later go to a new file of the partition (`part-1.parquet`, …).
    pub fn close_year(&mut self, year: Option<i16>) -> Result<()> {
        for dataset in self.datasets() {
            dataset.close_partition(Some(year))?;
        }
        Ok(())
    }

    /// Appends a chunk of documents, in order.
    pub fn write(&mut self, docs: &[Document]) -> Result<()> {
        let (props, document_props) = (&self.props, &self.document_props);
        let Sink { documents, facts, functional, economic, revenue, three_public, checks, .. } = self;
        // The datasets are independent files: each is written on its own thread, each in order,
        // so the bytes do not depend on the threads.
        type Job<'a> = Box<dyn FnOnce() -> Result<usize> + Send + 'a>;
        let jobs: [Job<'_>; 7] = [
            Box::new(|| {
                let all: Vec<&Document> = docs.iter().collect();
                let batch = schema::documents_batch(&all).map_err(|e| documents.arrow_error(e))?;
                documents.write(None, &batch, document_props)?;
                Ok(docs.len())
            }),
            Box::new(|| facts.write_years(props, by_year(docs, |d| d.facts.iter().collect()), schema::facts_batch)),
            Box::new(|| {
                let rows = by_year(docs, |d| curate::functional(&d.facts));
                functional.write_years(props, rows, schema::functional_batch)
            }),
            Box::new(|| {
                economic.write_years(props, by_year(docs, |d| curate::economic(&d.facts)), schema::economic_batch)
            }),
            Box::new(|| {
                revenue.write_years(props, by_year(docs, |d| curate::revenue(&d.facts)), schema::revenue_batch)
            }),
            Box::new(|| {
                let rows = by_year(docs, |d| curate::three_public(&d.facts));
                three_public.write_years(props, rows, schema::three_public_batch)
            }),
            Box::new(|| checks.write_years(props, by_year(docs, |d| d.checks.iter().collect()), schema::checks_batch)),
        ];
        let n: Vec<usize> = jobs.into_par_iter().map(|job| job()).collect::<Result<_>>()?;
        let w = &mut self.written;
        for (count, rows) in [
            &mut w.documents,
            &mut w.facts,
            &mut w.functional_expenditure,
            &mut w.economic_expenditure,
            &mut w.revenue,
            &mut w.three_public,
            &mut w.checks,
        ]
        .into_iter()
        .zip(n)
        {
            *count += rows;
        }
        self.keep_within_budget()
    }

    /// Flushes the largest buffered row groups until the writers hold no more than the budget.
    /// It depends only on the rows written so far, so reruns still give identical files.
    fn keep_within_budget(&mut self) -> Result<()> {
        let datasets = self.datasets();
        loop {
            let sizes: Vec<(usize, usize, Option<Option<i16>>)> = datasets
                .iter()
                .enumerate()
                .flat_map(|(d, ds)| ds.writers.iter().map(move |(p, w)| (w.memory_size(), d, *p)))
                .collect();
            let total: usize = sizes.iter().map(|s| s.0).sum();
            match sizes.iter().max() {
                Some(&(_, d, partition)) if total > BUFFER_BUDGET => datasets[d].flush(partition)?,
                _ => return Ok(()),
            }
        }
    }

    /// Every dataset, each once.
    fn datasets(&mut self) -> [&mut Dataset; 7] {
        [
            &mut self.documents,
            &mut self.facts,
            &mut self.functional,
            &mut self.economic,
            &mut self.revenue,
            &mut self.three_public,
            &mut self.checks,
        ]
    }

    /// The staging folder the new output is written into.
    pub fn staging(&self) -> &Path {
        self.publisher.staging()
    }

    /// What has been written so far.
    pub fn written(&self) -> Written {
        self.written
    }

    /// Closes every file, writes `run.json` and swaps the output in.
    pub fn finish(mut self, run_json: &str) -> Result<Written> {
        if self.written.documents == 0 {
            // An empty input still publishes a readable (empty) documents table.
            let batch = schema::documents_batch(&[]).map_err(|e| self.documents.arrow_error(e))?;
            self.documents.write(None, &batch, &self.document_props)?;
        }
        for dataset in self.datasets() {
            dataset.close()?;
        }
        let run_path = self.publisher.staging().join(RUN_FILE);
        fs::write(&run_path, run_json).map_err(|source| Error::Output { path: run_path, source })?;
        let written = self.written;
        self.publisher.publish()?;
        Ok(written)
    }
}

fn writer_properties(row_group_rows: usize) -> WriterProperties {
    // Line numbers go DELTA_BINARY_PACKED, not through a dictionary: they ascend within a
    // report, so they pack into a few bits a value, without hashing each one or buffering an
    // 8-byte dictionary index per row (at 20,000 reports: datasets 8 % smaller, instructions
    // 0.5 % fewer; docs/performance.md). Levels, pages and years repeat in runs and amounts
    // recur, which a dictionary packs smaller (delta-packed amounts doubled the datasets).
    let line = ColumnPath::from(schema::SOURCE_LINE);
    WriterProperties::builder()
        .set_column_dictionary_enabled(line.clone(), false)
        .set_column_encoding(line, Encoding::DELTA_BINARY_PACKED)
        .set_compression(Compression::SNAPPY)
        .set_statistics_enabled(EnabledStatistics::Chunk)
        .set_max_row_group_row_count(Some(row_group_rows))
        .set_created_by(format!("cnbudget {}", env!("CARGO_PKG_VERSION")))
        .build()
}

/// One dataset: a single file, or one file per year partition.
struct Dataset {
    root: PathBuf,
    schema: SchemaRef,
    partitioned: bool,
    writers: BTreeMap<Option<Option<i16>>, ArrowWriter<BufWriter<File>>>,
    /// Files already closed, per partition: the next file of the partition is numbered after them.
    closed: BTreeMap<Option<Option<i16>>, usize>,
}

impl Dataset {
    fn single(path: PathBuf, schema: SchemaRef) -> Dataset {
        Dataset { root: path, schema, partitioned: false, writers: BTreeMap::new(), closed: BTreeMap::new() }
    }

    fn partitioned(root: PathBuf, schema: SchemaRef) -> Dataset {
        Dataset { root, schema, partitioned: true, writers: BTreeMap::new(), closed: BTreeMap::new() }
    }

    fn path(&self, partition: Option<Option<i16>>) -> PathBuf {
        match partition {
            Some(year) if self.partitioned => {
                let value = year.map_or_else(|| NULL_PARTITION.to_string(), |y| y.to_string());
                let part = self.closed.get(&partition).copied().unwrap_or(0);
                self.root.join(format!("year={value}")).join(format!("part-{part}.parquet"))
            }
            _ => self.root.clone(),
        }
    }

    fn arrow_error(&self, e: arrow_schema::ArrowError) -> Error {
        Error::Parquet { path: self.root.clone(), source: e.into() }
    }

    fn write(&mut self, partition: Option<Option<i16>>, batch: &RecordBatch, props: &WriterProperties) -> Result<()> {
        let path = self.path(partition);
        let parquet_err = |source| Error::Parquet { path: path.clone(), source };
        if !self.writers.contains_key(&partition) {
            if let Some(dir) = path.parent() {
                fs::create_dir_all(dir).map_err(|source| Error::Output { path: dir.to_path_buf(), source })?;
            }
            let file = File::create(&path).map_err(|source| Error::Output { path: path.clone(), source })?;
            let writer = ArrowWriter::try_new(BufWriter::new(file), self.schema.clone(), Some(props.clone()))
                .map_err(parquet_err)?;
            self.writers.insert(partition, writer);
        }
        let writer = self.writers.get_mut(&partition).expect("inserted above");
        writer.write(batch).map_err(parquet_err)
    }

    /// Writes out one partition's buffered rows as a row group.
    fn flush(&mut self, partition: Option<Option<i16>>) -> Result<()> {
        let path = self.path(partition);
        match self.writers.get_mut(&partition) {
            Some(w) => w.flush().map_err(|source| Error::Parquet { path, source }),
            None => Ok(()),
        }
    }

    /// Writes one batch per year partition; gives the number of rows written.
    fn write_years<T>(
        &mut self,
        props: &WriterProperties,
        rows: ByYear<T>,
        batch: impl Fn(&[T]) -> std::result::Result<RecordBatch, arrow_schema::ArrowError>,
    ) -> Result<usize> {
        let mut n = 0;
        for (year, rows) in &rows {
            let b = batch(rows).map_err(|e| self.arrow_error(e))?;
            self.write(Some(*year), &b, props)?;
            n += rows.len();
        }
        Ok(n)
    }

    /// Closes every open file.
    fn close(&mut self) -> Result<()> {
        let open: Vec<_> = self.writers.keys().copied().collect();
        for partition in open {
            self.close_partition(partition)?;
        }
        Ok(())
    }

    /// Writes out and syncs one partition's file, if it is open (of a dataset that is not
    /// partitioned, the one file).
    fn close_partition(&mut self, partition: Option<Option<i16>>) -> Result<()> {
        if !self.partitioned && partition.is_some() {
            return Ok(());
        }
        let Some(writer) = self.writers.remove(&partition) else { return Ok(()) };
        let path = self.path(partition);
        *self.closed.entry(partition).or_default() += 1;
        let buffered = writer.into_inner().map_err(|source| Error::Parquet { path: path.clone(), source })?;
        let file = buffered.into_inner().map_err(|e| Error::Output { path: path.clone(), source: e.into_error() })?;
        file.sync_all().map_err(|source| Error::Output { path, source })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::Format;

    fn report(name: &str) -> Document {
        let path = format!("{}/data/corpus/{name}", env!("CARGO_MANIFEST_DIR"));
        crate::parse_document(name, &std::fs::read(path).unwrap(), Format::Text)
    }

    #[test]
    fn line_numbers_are_delta_packed_and_other_columns_keep_their_dictionary() {
        use parquet::file::reader::{FileReader, SerializedFileReader};
        let doc = report("wuhan-jianghan-bigdata-2023-final.txt");
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let mut sink = Sink::create(&out).unwrap();
        sink.write(std::slice::from_ref(&doc)).unwrap();
        sink.finish("{}").unwrap();

        let file = File::open(out.join("facts/year=2023/part-0.parquet")).unwrap();
        let reader = SerializedFileReader::new(file).unwrap();
        let group = reader.metadata().row_group(0);
        let column = |name: &str| {
            let c = group.columns().iter().find(|c| c.column_path().string() == name).unwrap();
            (c.encodings().collect::<Vec<_>>(), c.dictionary_page_offset().is_some())
        };
        let (encodings, dictionary) = column(schema::SOURCE_LINE);
        assert!(encodings.contains(&Encoding::DELTA_BINARY_PACKED), "{encodings:?}");
        assert!(!dictionary, "source_line has a dictionary page");
        for name in ["fiscal_year", "level", "source_page", "amount", "amount_yuan", "name"] {
            let (encodings, dictionary) = column(name);
            assert!(encodings.contains(&Encoding::RLE_DICTIONARY), "{name}: {encodings:?}");
            assert!(dictionary, "{name} has no dictionary page");
        }
    }

    #[test]
    fn a_closed_year_written_again_gets_a_second_file_not_a_truncated_first() {
        let doc = report("wuhan-jianghan-bigdata-2023-final.txt");
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let mut sink = Sink::create(&out).unwrap();
        sink.write(std::slice::from_ref(&doc)).unwrap();
        sink.close_year(Some(2023)).unwrap();
        sink.write(std::slice::from_ref(&doc)).unwrap();
        let written = sink.finish("{}").unwrap();

        assert_eq!(written.documents, 2);
        assert_eq!(written.facts, 2 * doc.facts.len());
        let year = out.join("facts").join("year=2023");
        let rows = |part: &str| {
            let file = File::open(year.join(part)).unwrap();
            parquet::file::reader::SerializedFileReader::new(file).map(|r| {
                use parquet::file::reader::FileReader;
                r.metadata().file_metadata().num_rows()
            })
        };
        assert_eq!(rows("part-0.parquet").unwrap(), doc.facts.len() as i64);
        assert_eq!(rows("part-1.parquet").unwrap(), doc.facts.len() as i64);
    }
}
