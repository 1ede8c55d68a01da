//! Documents to Parquet datasets, published atomically.
//!
//! Takes finished [`Document`]s, in input order, a chunk at a time; gives the output folder
//! of docs/schema.md: `documents.parquet` and the hive-partitioned datasets
//! (`facts/year=2023/part-0.parquet`, …), each written with one `ArrowWriter` per partition
//! into a staging folder and swapped in by [`Sink::finish`]. Rows come out in input order
//! (source file, then line), and nothing that varies between runs (time, thread count) is
//! written into the Parquet files, so the same input gives byte-identical files.

mod publish;
pub mod schema;

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::{EnabledStatistics, WriterProperties};

use publish::Publisher;
pub use publish::RUN_FILE;

use crate::curate;
use crate::error::{Error, Result};
use crate::model::{Document, Fact};

/// Rows per row group: large enough for efficient scans, small enough that a writer's
/// buffer stays a few MiB.
const ROW_GROUP_ROWS: usize = 128 * 1024;
/// The partition directory of rows whose year could not be read (Hive's name for NULL).
const NULL_PARTITION: &str = "__HIVE_DEFAULT_PARTITION__";

/// Row counts of what was written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Written {
    pub documents: usize,
    pub facts: usize,
    pub functional_expenditure: usize,
}

/// An output being written.
pub struct Sink {
    publisher: Publisher,
    props: WriterProperties,
    documents: Dataset,
    facts: Dataset,
    functional: Dataset,
    written: Written,
}

impl Sink {
    /// Locks `output` and opens a staging folder beside it.
    pub fn create(output: &Path) -> Result<Sink> {
        let publisher = Publisher::prepare(output)?;
        let staging = publisher.staging().to_path_buf();
        Ok(Sink {
            props: writer_properties(),
            documents: Dataset::single(staging.join("documents.parquet"), schema::DOCUMENTS.clone()),
            facts: Dataset::partitioned(staging.join("facts"), schema::FACTS.clone()),
            functional: Dataset::partitioned(staging.join("functional_expenditure"), schema::FUNCTIONAL.clone()),
            publisher,
            written: Written::default(),
        })
    }

    /// Appends a chunk of documents, in order.
    pub fn write(&mut self, docs: &[Document]) -> Result<()> {
        let all: Vec<&Document> = docs.iter().collect();
        let batch = schema::documents_batch(&all).map_err(|e| self.documents.arrow_error(e))?;
        self.documents.write(None, &batch, &self.props)?;
        self.written.documents += docs.len();

        let mut facts: BTreeMap<Option<i16>, Vec<(&Document, &Fact)>> = BTreeMap::new();
        let mut functional: BTreeMap<Option<i16>, Vec<(&Document, curate::Curated)>> = BTreeMap::new();
        for doc in docs {
            let year = doc.meta.fiscal_year;
            facts.entry(year).or_default().extend(doc.facts.iter().map(|f| (doc, f)));
            functional.entry(year).or_default().extend(curate::functional(&doc.facts).into_iter().map(|c| (doc, c)));
        }
        for (year, rows) in facts.into_iter().filter(|(_, r)| !r.is_empty()) {
            let batch = schema::facts_batch(&rows).map_err(|e| self.facts.arrow_error(e))?;
            self.facts.write(Some(year), &batch, &self.props)?;
            self.written.facts += rows.len();
        }
        for (year, rows) in functional.into_iter().filter(|(_, r)| !r.is_empty()) {
            let batch = schema::functional_batch(&rows).map_err(|e| self.functional.arrow_error(e))?;
            self.functional.write(Some(year), &batch, &self.props)?;
            self.written.functional_expenditure += rows.len();
        }
        Ok(())
    }

    /// Closes every file, writes `run.json` and swaps the output in.
    pub fn finish(mut self, run_json: &str) -> Result<Written> {
        if self.written.documents == 0 {
            // An empty input still publishes a readable (empty) documents table.
            let batch = schema::documents_batch(&[]).map_err(|e| self.documents.arrow_error(e))?;
            self.documents.write(None, &batch, &self.props)?;
        }
        self.documents.close()?;
        self.facts.close()?;
        self.functional.close()?;
        let run_path = self.publisher.staging().join(RUN_FILE);
        fs::write(&run_path, run_json).map_err(|source| Error::Output { path: run_path, source })?;
        let written = self.written;
        self.publisher.publish()?;
        Ok(written)
    }
}

fn writer_properties() -> WriterProperties {
    WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::default()))
        .set_statistics_enabled(EnabledStatistics::Page)
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .set_created_by(format!("cnbudget {}", env!("CARGO_PKG_VERSION")))
        .build()
}

/// One dataset: a single file, or one file per year partition.
struct Dataset {
    root: PathBuf,
    schema: SchemaRef,
    partitioned: bool,
    writers: BTreeMap<Option<Option<i16>>, ArrowWriter<BufWriter<File>>>,
}

impl Dataset {
    fn single(path: PathBuf, schema: SchemaRef) -> Dataset {
        Dataset { root: path, schema, partitioned: false, writers: BTreeMap::new() }
    }

    fn partitioned(root: PathBuf, schema: SchemaRef) -> Dataset {
        Dataset { root, schema, partitioned: true, writers: BTreeMap::new() }
    }

    fn path(&self, partition: Option<Option<i16>>) -> PathBuf {
        match partition {
            Some(year) if self.partitioned => {
                let value = year.map_or_else(|| NULL_PARTITION.to_string(), |y| y.to_string());
                self.root.join(format!("year={value}")).join("part-0.parquet")
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

    fn close(&mut self) -> Result<()> {
        for (partition, writer) in std::mem::take(&mut self.writers) {
            let path = self.path(partition);
            let buffered = writer.into_inner().map_err(|source| Error::Parquet { path: path.clone(), source })?;
            let file =
                buffered.into_inner().map_err(|e| Error::Output { path: path.clone(), source: e.into_error() })?;
            file.sync_all().map_err(|source| Error::Output { path, source })?;
        }
        Ok(())
    }
}
