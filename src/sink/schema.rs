//! The datasets' columns, and the batches that fill them.
//!
//! Takes finished [`Document`]s (and their curated rows and checks); gives one
//! [`RecordBatch`] per dataset, with the columns and types of docs/schema.md. Each dataset's
//! columns are declared once, in its `*_columns` function; its schema constant is that
//! function applied to no rows, so the two cannot drift apart.

use std::sync::{Arc, LazyLock};

use arrow_array::builder::{
    BooleanBuilder, Decimal128Builder, Float64Builder, Int8Builder, Int16Builder, Int32Builder, ListBuilder,
    StringBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};
use rust_decimal::Decimal;

use crate::PARSER_VERSION;
use crate::curate::{self, Curated};
use crate::model::{Check, Document, Fact};
use crate::vocab::{Evidence, ThreePublicItem};

/// The column of a row's 1-based line in its report, in every dataset but documents.
pub const SOURCE_LINE: &str = "source_line";

/// DECIMAL(18,2), the type of every amount.
pub const AMOUNT: DataType = DataType::Decimal128(18, 2);
/// The smallest count of hundredths DECIMAL(18,2) cannot hold.
const MAX_CENTS: u128 = 10u128.pow(18);

/// A row of a dataset together with the document it belongs to.
pub type Owned<'a, T> = (&'a Document, T);

/// Columns being built: each call appends one field and its array. A column whose values
/// cannot be written keeps its field (so the schema stays whole) and records why, and
/// [`Columns::batch`] gives that error instead of a batch.
struct Columns {
    fields: Vec<Field>,
    arrays: Vec<ArrayRef>,
    error: Option<ArrowError>,
}

fn clamp_i32(n: impl TryInto<i32>) -> i32 {
    n.try_into().unwrap_or(i32::MAX)
}

/// Hundredths of a decimal rounded to scale 2, as Decimal128(18, 2) stores them.
fn cents(value: Decimal) -> i128 {
    let mut v = value;
    v.rescale(2);
    v.mantissa()
}

impl Columns {
    fn new() -> Columns {
        Columns { fields: Vec::new(), arrays: Vec::new(), error: None }
    }

    fn push(mut self, field: Field, array: ArrayRef) -> Columns {
        self.fields.push(field);
        self.arrays.push(array);
        self
    }

    fn utf8<'s>(self, name: &str, nullable: bool, values: impl Iterator<Item = Option<&'s str>>) -> Columns {
        // Sized up front: a chunk's column holds hundreds of KB, which a growing builder would
        // copy at every doubling.
        let values: Vec<Option<&str>> = values.collect();
        let bytes = values.iter().flatten().map(|v| v.len()).sum();
        let mut b = StringBuilder::with_capacity(values.len(), bytes);
        values.into_iter().for_each(|v| b.append_option(v));
        self.push(Field::new(name, DataType::Utf8, nullable), Arc::new(b.finish()))
    }

    fn list<S: AsRef<str>>(self, name: &str, values: impl Iterator<Item = Vec<S>>) -> Columns {
        let mut b = ListBuilder::new(StringBuilder::new());
        for list in values {
            list.into_iter().for_each(|v| b.values().append_value(v.as_ref()));
            b.append(true);
        }
        let item = Arc::new(Field::new("item", DataType::Utf8, true));
        self.push(Field::new(name, DataType::List(item), false), Arc::new(b.finish()))
    }

    fn i8(self, name: &str, values: impl Iterator<Item = Option<i8>>) -> Columns {
        let mut b = Int8Builder::new();
        b.extend(values);
        self.push(Field::new(name, DataType::Int8, true), Arc::new(b.finish()))
    }

    fn i16(self, name: &str, values: impl Iterator<Item = Option<i16>>) -> Columns {
        let mut b = Int16Builder::new();
        b.extend(values);
        self.push(Field::new(name, DataType::Int16, true), Arc::new(b.finish()))
    }

    fn i32(self, name: &str, values: impl Iterator<Item = i32>) -> Columns {
        let mut b = Int32Builder::new();
        b.extend(values.map(Some));
        self.push(Field::new(name, DataType::Int32, false), Arc::new(b.finish()))
    }

    fn f64(self, name: &str, values: impl Iterator<Item = Option<f64>>) -> Columns {
        let mut b = Float64Builder::new();
        b.extend(values);
        self.push(Field::new(name, DataType::Float64, true), Arc::new(b.finish()))
    }

    fn boolean(self, name: &str, values: impl Iterator<Item = bool>) -> Columns {
        let mut b = BooleanBuilder::new();
        b.extend(values.map(Some));
        self.push(Field::new(name, DataType::Boolean, false), Arc::new(b.finish()))
    }

    /// A nullable DECIMAL(18,2) column: a check's difference of two storable amounts may
    /// itself need more than 18 digits, and is then NULL.
    fn decimal_or_null(self, name: &str, values: impl Iterator<Item = Option<Decimal>>) -> Columns {
        let mut b = Decimal128Builder::new();
        values.for_each(|v| b.append_option(v.map(cents)));
        match b.finish().with_precision_and_scale(18, 2) {
            Ok(a) => self.push(Field::new(name, AMOUNT, true), Arc::new(a)),
            Err(e) => self.fail(name, e),
        }
    }

    fn fail(mut self, name: &str, e: ArrowError) -> Columns {
        self.error.get_or_insert(e);
        self.push(Field::new(name, AMOUNT, false), Arc::new(Decimal128Builder::new().finish()))
    }

    /// A DECIMAL(18,2) column. Every value must be present and fit 18 digits: facts are
    /// checked on creation, so a missing or oversized value is a bug, reported as an error
    /// rather than written as some other number.
    fn decimal(self, name: &str, values: impl Iterator<Item = Option<Decimal>>) -> Columns {
        let mut b = Decimal128Builder::new();
        let mut missing = 0usize;
        for v in values {
            match v {
                Some(v) => b.append_value(cents(v)),
                None => {
                    missing += 1;
                    b.append_null();
                }
            }
        }
        let array = b.finish().with_precision_and_scale(18, 2).and_then(|a| {
            a.validate_decimal_precision(18)?;
            Ok(a)
        });
        match array {
            Ok(a) if missing == 0 => self.push(Field::new(name, AMOUNT, false), Arc::new(a)),
            outcome => {
                let why = outcome.err().unwrap_or_else(|| {
                    ArrowError::InvalidArgumentError(format!("{name}: {missing} amounts cannot be stated in yuan"))
                });
                self.fail(name, why)
            }
        }
    }

    /// The document columns every curated dataset starts with.
    fn document<T>(self, rows: &[Owned<'_, T>]) -> Columns {
        let d = || rows.iter().map(|(d, _)| *d);
        self.utf8("report_id", false, d().map(|x| Some(x.report_id.as_str())))
            .utf8("department", true, d().map(|x| x.meta.department.as_deref()))
            .i16("fiscal_year", d().map(|x| x.meta.fiscal_year))
            .utf8("phase", true, d().map(|x| x.meta.phase.map(|p| p.as_str())))
    }

    fn schema(&self) -> SchemaRef {
        Arc::new(Schema::new(self.fields.clone()))
    }

    fn batch(self) -> Result<RecordBatch, ArrowError> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let schema = self.schema();
        RecordBatch::try_new(schema, self.arrays)
    }
}

/// The facts behind curated rows.
fn facts_of<'s, 'a: 's>(rows: &'s [Owned<'a, Curated<'a>>]) -> impl Iterator<Item = &'a Fact> + 's {
    rows.iter().map(|(_, c)| c.fact)
}

fn documents_columns(docs: &[&Document]) -> Columns {
    let d = || docs.iter();
    Columns::new()
        .utf8("report_id", false, d().map(|x| Some(x.report_id.as_str())))
        .utf8("source_file", false, d().map(|x| Some(x.source_file.as_str())))
        .utf8("status", false, d().map(|x| Some(x.status.as_str())))
        .utf8("error", true, d().map(|x| x.error.as_deref()))
        .utf8("department", true, d().map(|x| x.meta.department.as_deref()))
        .i16("fiscal_year", d().map(|x| x.meta.fiscal_year))
        .utf8("phase", true, d().map(|x| x.meta.phase.map(|p| p.as_str())))
        .utf8("unit", true, d().map(|x| x.meta.unit.map(|u| u.as_str())))
        .list("statements", d().map(|x| x.statements.iter().map(|s| s.as_str()).collect()))
        .i32("facts", d().map(|x| clamp_i32(x.facts.len())))
        .i32("checks_failed", d().map(|x| clamp_i32(x.checks_failed())))
        .utf8("parser_version", false, d().map(|_| Some(PARSER_VERSION)))
        .list("notes", d().map(|x| x.notes.iter().map(|n| n.to_string()).collect()))
        .i32("amount_tokens", d().map(|x| clamp_i32(x.audit.tokens)))
        .i32("tokens_read", d().map(|x| clamp_i32(x.audit.read)))
        .i32("tokens_not_figures", d().map(|x| clamp_i32(x.audit.not_figures)))
        .i32("tokens_set_aside", d().map(|x| clamp_i32(x.audit.set_aside)))
        .i32("tokens_unread", d().map(|x| clamp_i32(x.audit.unread)))
        .f64("coverage", d().map(|x| x.audit.coverage()))
        .list("unread_statements", d().map(|x| x.audit.unread_statements.iter().map(|s| s.as_str()).collect()))
        .i32(
            "facts_confirmed",
            d().map(|x| clamp_i32(x.facts.iter().filter(|f| f.evidence == Evidence::Confirmed).count())),
        )
        .i32(
            "facts_contradicted",
            d().map(|x| clamp_i32(x.facts.iter().filter(|f| f.evidence == Evidence::Contradicted).count())),
        )
}

fn facts_columns(rows: &[Owned<&Fact>]) -> Columns {
    let r = || rows.iter();
    let f = || rows.iter().map(|(_, f)| *f);
    Columns::new()
        .utf8("report_id", false, r().map(|(d, _)| Some(d.report_id.as_str())))
        .utf8("source_file", false, r().map(|(d, _)| Some(d.source_file.as_str())))
        .utf8("department", true, r().map(|(d, _)| d.meta.department.as_deref()))
        .i16("fiscal_year", r().map(|(d, _)| d.meta.fiscal_year))
        .utf8("phase", true, r().map(|(d, _)| d.meta.phase.map(|p| p.as_str())))
        .utf8("statement", false, f().map(|x| Some(x.statement.as_str())))
        .utf8("fund_scope", false, f().map(|x| Some(x.fund_scope.as_str())))
        .utf8("dimension", false, f().map(|x| Some(x.dimension.as_str())))
        .utf8("code", true, f().map(|x| x.code.as_ref().map(|c| c.as_str())))
        .utf8("code_source", true, f().map(|x| x.code_source.map(|c| c.as_str())))
        .i8("level", f().map(|x| x.level.map(|l| l as i8)))
        .utf8("name", false, f().map(|x| Some(x.name.as_str())))
        .utf8("split", false, f().map(|x| Some(x.split.as_str())))
        .utf8("measure", false, f().map(|x| Some(x.measure.as_str())))
        .decimal("amount", f().map(|x| Some(x.amount.value())))
        .utf8("unit", false, f().map(|x| Some(x.unit.as_str())))
        .decimal("amount_yuan", f().map(|x| x.amount_yuan()))
        .utf8("source", false, f().map(|x| Some(x.statement.source().as_str())))
        .i32(SOURCE_LINE, f().map(|x| clamp_i32(x.line)))
        .i16("source_page", f().map(|x| x.page.and_then(|p| i16::try_from(p).ok())))
        .utf8("evidence", false, f().map(|x| Some(x.evidence.as_str())))
}

/// The tail every curated dataset ends with.
fn provenance<'a>(cols: Columns, rows: &[Owned<'a, Curated<'a>>]) -> Columns {
    let f = || facts_of(rows);
    cols.decimal("amount_yuan", f().map(|x| x.amount_yuan()))
        .utf8("source", false, f().map(|x| Some(x.statement.source().as_str())))
        .i32(SOURCE_LINE, f().map(|x| clamp_i32(x.line)))
        .boolean("is_primary", rows.iter().map(|(_, c)| c.is_primary))
        .utf8("evidence", false, f().map(|x| Some(x.evidence.as_str())))
}

fn functional_columns<'a>(rows: &[Owned<'a, Curated<'a>>]) -> Columns {
    let f = || facts_of(rows);
    let cols = Columns::new()
        .document(rows)
        .utf8("statement", false, f().map(|x| Some(x.statement.as_str())))
        .utf8("fund_scope", false, f().map(|x| Some(x.fund_scope.as_str())))
        .utf8("func_code", true, f().map(|x| x.code.as_ref().map(|c| c.as_str())))
        .i8("level", f().map(|x| x.level.map(|l| l as i8)))
        .utf8("name", false, f().map(|x| Some(x.name.as_str())))
        .utf8("split", false, f().map(|x| Some(x.split.as_str())))
        .utf8("measure", false, f().map(|x| Some(x.measure.as_str())));
    cols.decimal("amount_yuan", f().map(|x| x.amount_yuan()))
        .utf8("code_source", false, f().map(|x| Some(x.code_source.map_or("unresolved", |s| s.as_str()))))
        .utf8("source", false, f().map(|x| Some(x.statement.source().as_str())))
        .i32(SOURCE_LINE, f().map(|x| clamp_i32(x.line)))
        .boolean("is_primary", rows.iter().map(|(_, c)| c.is_primary))
        .utf8("evidence", false, f().map(|x| Some(x.evidence.as_str())))
}

fn economic_columns<'a>(rows: &[Owned<'a, Curated<'a>>]) -> Columns {
    let f = || facts_of(rows);
    let cols = Columns::new()
        .document(rows)
        .utf8("statement", false, f().map(|x| Some(x.statement.as_str())))
        .utf8("fund_scope", false, f().map(|x| Some(x.fund_scope.as_str())))
        .utf8("econ_code", true, f().map(|x| x.code.as_ref().map(|c| c.as_str())))
        .i8("level", f().map(|x| x.level.map(|l| l as i8)))
        .utf8("name", false, f().map(|x| Some(x.name.as_str())))
        .utf8("category", false, f().map(|x| Some(curate::category(x).as_str())))
        .utf8("split", false, f().map(|x| Some(x.split.as_str())))
        .utf8("measure", false, f().map(|x| Some(x.measure.as_str())))
        .utf8("code_source", false, f().map(|x| Some(x.code_source.map_or("unresolved", |s| s.as_str()))));
    provenance(cols, rows)
}

fn revenue_columns<'a>(rows: &[Owned<'a, Curated<'a>>]) -> Columns {
    let f = || facts_of(rows);
    let cols = Columns::new()
        .document(rows)
        .utf8("statement", false, f().map(|x| Some(x.statement.as_str())))
        .utf8("fund_scope", false, f().map(|x| Some(x.fund_scope.as_str())))
        .utf8("revenue_source", true, f().map(|x| curate::revenue_source(x).map(|s| s.as_str())))
        .utf8("func_code", true, f().map(|x| x.code.as_ref().map(|c| c.as_str())))
        .i8("level", f().map(|x| x.level.map(|l| l as i8)))
        .utf8("name", false, f().map(|x| Some(x.name.as_str())))
        .utf8("measure", false, f().map(|x| Some(x.measure.as_str())));
    provenance(cols, rows)
}

fn three_public_columns<'a>(rows: &[Owned<'a, Curated<'a>>]) -> Columns {
    let f = || facts_of(rows);
    let cols = Columns::new()
        .document(rows)
        .utf8("statement", false, f().map(|x| Some(x.statement.as_str())))
        .utf8("fund_scope", false, f().map(|x| Some(x.fund_scope.as_str())))
        .utf8("item", true, f().map(|x| ThreePublicItem::from_printed(&x.name).map(|i| i.as_str())))
        .i8("level", f().map(|x| x.level.map(|l| l as i8)))
        .utf8("name", false, f().map(|x| Some(x.name.as_str())))
        .utf8("measure", false, f().map(|x| Some(x.measure.as_str())));
    provenance(cols, rows)
}

fn checks_columns<'a>(rows: &[Owned<'a, &'a Check>]) -> Columns {
    let c = || rows.iter().map(|(_, c)| *c);
    Columns::new()
        .document(rows)
        .utf8("check", false, c().map(|x| Some(x.check.as_str())))
        .utf8("subject", false, c().map(|x| Some(x.subject.as_str())))
        .decimal("expected", c().map(|x| Some(x.expected)))
        .decimal("actual", c().map(|x| Some(x.actual)))
        .decimal_or_null("diff", c().map(|x| Some(x.diff()).filter(|d| cents(*d).unsigned_abs() < MAX_CENTS)))
        .utf8("status", false, c().map(|x| Some(x.status.as_str())))
        .utf8("detail", false, c().map(|x| Some(x.detail.as_str())))
        .i32(SOURCE_LINE, c().map(|x| clamp_i32(x.line)))
}

macro_rules! dataset_schema {
    ($name:ident, $columns:ident) => {
        pub static $name: LazyLock<SchemaRef> = LazyLock::new(|| $columns(&[]).schema());
    };
}

dataset_schema!(DOCUMENTS, documents_columns);
dataset_schema!(FACTS, facts_columns);
dataset_schema!(FUNCTIONAL, functional_columns);
dataset_schema!(ECONOMIC, economic_columns);
dataset_schema!(REVENUE, revenue_columns);
dataset_schema!(THREE_PUBLIC, three_public_columns);
dataset_schema!(CHECKS, checks_columns);

pub fn documents_batch(docs: &[&Document]) -> Result<RecordBatch, ArrowError> {
    documents_columns(docs).batch()
}

pub fn facts_batch(rows: &[Owned<&Fact>]) -> Result<RecordBatch, ArrowError> {
    facts_columns(rows).batch()
}

pub fn functional_batch<'a>(rows: &[Owned<'a, Curated<'a>>]) -> Result<RecordBatch, ArrowError> {
    functional_columns(rows).batch()
}

pub fn economic_batch<'a>(rows: &[Owned<'a, Curated<'a>>]) -> Result<RecordBatch, ArrowError> {
    economic_columns(rows).batch()
}

pub fn revenue_batch<'a>(rows: &[Owned<'a, Curated<'a>>]) -> Result<RecordBatch, ArrowError> {
    revenue_columns(rows).batch()
}

pub fn three_public_batch<'a>(rows: &[Owned<'a, Curated<'a>>]) -> Result<RecordBatch, ArrowError> {
    three_public_columns(rows).batch()
}

pub fn checks_batch<'a>(rows: &[Owned<'a, &'a Check>]) -> Result<RecordBatch, ArrowError> {
    checks_columns(rows).batch()
}
