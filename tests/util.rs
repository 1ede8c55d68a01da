//! Shared test harness: where the fixtures are, a temp dir per test, running the `cnbudget`
//! binary with a readable failure, and reading the published Parquet datasets back.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use arrow_array::cast::AsArray;
use arrow_array::types::{Decimal128Type, Int8Type, Int16Type, Int32Type};
use arrow_array::{Array, RecordBatch};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use rust_decimal::Decimal;

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The bundled corpus (override with `CNBUDGET_CORPUS`).
pub fn corpus() -> PathBuf {
    std::env::var_os("CNBUDGET_CORPUS").map_or_else(|| root().join("data/corpus"), PathBuf::from)
}

pub fn fixture(rel: &str) -> PathBuf {
    root().join("tests/fixtures").join(rel)
}

/// A fresh temporary directory named after the test, kept on failure for inspection.
pub struct Dir {
    pub tmp: tempfile::TempDir,
}

impl Dir {
    pub fn new(name: &str) -> Dir {
        let tmp = tempfile::Builder::new().prefix(&format!("cnbudget-{name}-")).tempdir().expect("temp dir");
        Dir { tmp }
    }

    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    pub fn join(&self, rel: &str) -> PathBuf {
        self.tmp.path().join(rel)
    }
}

/// Runs the binary; on an unexpected exit code, panics with the command, cwd, status, stdout,
/// stderr and a listing of `cwd`.
pub fn cnbudget(cwd: &Path, args: &[&str], expect_code: i32) -> Output {
    let out =
        Command::new(env!("CARGO_BIN_EXE_cnbudget")).args(args).current_dir(cwd).output().expect("spawn cnbudget");
    if out.status.code() != Some(expect_code) {
        let listing: Vec<String> = walk(cwd).into_iter().map(|p| p.display().to_string()).collect();
        panic!(
            "\ncommand: cnbudget {}\ncwd: {}\nexpected exit {expect_code}, got {:?}\n--- stdout\n{}\n--- stderr\n{}\n--- files\n{}\n",
            args.join(" "),
            cwd.display(),
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            listing.join("\n"),
        );
    }
    out
}

/// Every file under `dir`, sorted.
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The output of one run of the library on the bundled corpus, shared by the tests that
/// only read it.
pub fn corpus_output() -> &'static Path {
    static OUT: OnceLock<tempfile::TempDir> = OnceLock::new();
    OUT.get_or_init(|| {
        let dir = tempfile::Builder::new().prefix("cnbudget-corpus-").tempdir().expect("temp dir");
        let config = cnbudget::Config { jobs: 2, ..cnbudget::Config::new(corpus(), dir.path().join("out")) };
        cnbudget::run(&config).expect("the pipeline runs on the bundled corpus");
        dir
    })
    .path()
    .join("out")
    .leak()
}

/// All record batches of the Parquet files under `path` (a file or a folder), in path order.
pub fn batches(path: &Path) -> Vec<RecordBatch> {
    let files = if path.is_dir() {
        walk(path).into_iter().filter(|p| p.extension().is_some_and(|e| e == "parquet")).collect()
    } else {
        vec![path.to_path_buf()]
    };
    let mut out = Vec::new();
    for f in files {
        let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(&f).expect("open parquet"))
            .expect("parquet footer")
            .build()
            .expect("reader");
        out.extend(reader.map(|b| b.expect("batch")));
    }
    out
}

/// One cell of a batch as an optional string, whatever its type.
pub fn text(batch: &RecordBatch, column: &str, row: usize) -> Option<String> {
    let col = batch.column_by_name(column).unwrap_or_else(|| panic!("no column {column}"));
    if col.is_null(row) {
        return None;
    }
    Some(match col.data_type() {
        arrow_schema::DataType::Utf8 => col.as_string::<i32>().value(row).to_string(),
        arrow_schema::DataType::Int8 => col.as_primitive::<Int8Type>().value(row).to_string(),
        arrow_schema::DataType::Int16 => col.as_primitive::<Int16Type>().value(row).to_string(),
        arrow_schema::DataType::Int32 => col.as_primitive::<Int32Type>().value(row).to_string(),
        arrow_schema::DataType::Decimal128(_, s) => {
            Decimal::from_i128_with_scale(col.as_primitive::<Decimal128Type>().value(row), *s as u32).to_string()
        }
        arrow_schema::DataType::Boolean => col.as_boolean().value(row).to_string(),
        arrow_schema::DataType::Float64 => col.as_primitive::<arrow_array::types::Float64Type>().value(row).to_string(),
        other => panic!("column {column}: unexpected type {other}"),
    })
}

/// (source_file, status, error) of every documents row.
pub fn documents(out: &Path) -> Vec<(String, String, Option<String>)> {
    let mut rows = Vec::new();
    for b in batches(&out.join("documents.parquet")) {
        for r in 0..b.num_rows() {
            rows.push((text(&b, "source_file", r).unwrap(), text(&b, "status", r).unwrap(), text(&b, "error", r)));
        }
    }
    rows
}

/// Every fact of one source file as `|`-joined values of the given columns, in output order:
/// for comparing two copies of a report (the columns leave out what identifies the file).
pub fn fact_lines(output: &Path, source_file: &str, columns: &[&str]) -> Vec<String> {
    let mut rows = Vec::new();
    for b in batches(&output.join("facts")) {
        for r in 0..b.num_rows() {
            if text(&b, "source_file", r).as_deref() == Some(source_file) {
                rows.push(columns.iter().map(|c| text(&b, c, r).unwrap_or_default()).collect::<Vec<_>>().join("|"));
            }
        }
    }
    rows
}

/// One cell of a list-of-strings column.
pub fn list_text(batch: &RecordBatch, column: &str, row: usize) -> Vec<String> {
    let col = batch.column_by_name(column).unwrap_or_else(|| panic!("no column {column}"));
    let items = col.as_list::<i32>().value(row);
    let items = items.as_string::<i32>();
    (0..items.len()).map(|i| items.value(i).to_string()).collect()
}

/// A facts row as the tests compare it.
#[derive(Debug, Clone)]
pub struct FactRow {
    pub source_file: String,
    pub statement: String,
    pub fund_scope: String,
    pub dimension: String,
    pub code: String,
    pub level: String,
    pub name: String,
    pub split: String,
    pub measure: String,
    pub yuan: Decimal,
    pub line: i64,
    pub evidence: String,
}

/// Every facts row of an output folder.
pub fn facts(output: &Path) -> Vec<FactRow> {
    let mut rows = Vec::new();
    for b in batches(&output.join("facts")) {
        for r in 0..b.num_rows() {
            let t = |c: &str| text(&b, c, r).unwrap_or_default();
            rows.push(FactRow {
                source_file: t("source_file"),
                statement: t("statement"),
                fund_scope: t("fund_scope"),
                dimension: t("dimension"),
                code: t("code"),
                level: t("level"),
                name: t("name"),
                split: t("split"),
                measure: t("measure"),
                yuan: t("amount_yuan").parse().expect("decimal"),
                line: t("source_line").parse().expect("line"),
                evidence: t("evidence"),
            });
        }
    }
    rows
}
