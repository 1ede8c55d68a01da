//! The datasets' Arrow schemas, and the batches that fill them.
//!
//! Takes finished [`Document`]s; gives one [`RecordBatch`] per dataset and partition, with
//! the columns and types of docs/schema.md. Each dataset's schema is declared once here;
//! `RecordBatch::try_new` checks every batch against it.

use std::sync::{Arc, LazyLock};

use arrow_array::builder::{
    BooleanBuilder, Decimal128Builder, Int8Builder, Int16Builder, Int32Builder, ListBuilder, StringBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};
use rust_decimal::Decimal;

use crate::PARSER_VERSION;
use crate::curate::Curated;
use crate::model::{Document, Fact};

/// DECIMAL(18,2), the type of every amount.
pub const AMOUNT: DataType = DataType::Decimal128(18, 2);

fn utf8(name: &str, nullable: bool) -> Field {
    Field::new(name, DataType::Utf8, nullable)
}

fn list_of_utf8(name: &str) -> Field {
    Field::new(name, DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))), false)
}

/// `documents.parquet`.
pub static DOCUMENTS: LazyLock<SchemaRef> = LazyLock::new(|| {
    Arc::new(Schema::new(vec![
        utf8("report_id", false),
        utf8("source_file", false),
        utf8("status", false),
        utf8("error", true),
        utf8("department", true),
        Field::new("fiscal_year", DataType::Int16, true),
        utf8("phase", true),
        utf8("unit", true),
        list_of_utf8("statements"),
        Field::new("facts", DataType::Int32, false),
        Field::new("checks_failed", DataType::Int32, false),
        utf8("parser_version", false),
        list_of_utf8("notes"),
    ]))
});

/// `facts/year=Y/part-0.parquet`.
pub static FACTS: LazyLock<SchemaRef> = LazyLock::new(|| {
    Arc::new(Schema::new(vec![
        utf8("report_id", false),
        utf8("source_file", false),
        utf8("department", true),
        Field::new("fiscal_year", DataType::Int16, true),
        utf8("phase", true),
        utf8("statement", false),
        utf8("fund_scope", false),
        utf8("dimension", false),
        utf8("code", true),
        utf8("code_source", true),
        Field::new("level", DataType::Int8, true),
        utf8("name", false),
        utf8("split", false),
        utf8("measure", false),
        Field::new("amount", AMOUNT, false),
        utf8("unit", false),
        Field::new("amount_yuan", AMOUNT, false),
        utf8("source", false),
        Field::new("source_line", DataType::Int32, false),
        Field::new("source_page", DataType::Int16, true),
    ]))
});

/// `functional_expenditure/year=Y/part-0.parquet`.
pub static FUNCTIONAL: LazyLock<SchemaRef> = LazyLock::new(|| {
    Arc::new(Schema::new(vec![
        utf8("report_id", false),
        utf8("department", true),
        Field::new("fiscal_year", DataType::Int16, true),
        utf8("phase", true),
        utf8("statement", false),
        utf8("fund_scope", false),
        utf8("func_code", true),
        Field::new("level", DataType::Int8, true),
        utf8("name", false),
        utf8("split", false),
        utf8("measure", false),
        Field::new("amount_yuan", AMOUNT, false),
        utf8("code_source", false),
        utf8("source", false),
        Field::new("source_line", DataType::Int32, false),
        Field::new("is_primary", DataType::Boolean, false),
    ]))
});

/// Hundredths of a scale-2 decimal, as Decimal128(18, 2) stores them.
fn cents(value: Decimal) -> i128 {
    let mut v = value;
    v.rescale(2);
    v.mantissa()
}

fn decimals(values: impl Iterator<Item = Decimal>) -> Result<ArrayRef, ArrowError> {
    let mut b = Decimal128Builder::new();
    for v in values {
        b.append_value(cents(v));
    }
    Ok(Arc::new(b.finish().with_precision_and_scale(18, 2)?))
}

fn strings<'s>(values: impl Iterator<Item = Option<&'s str>>) -> ArrayRef {
    let mut b = StringBuilder::new();
    for v in values {
        b.append_option(v);
    }
    Arc::new(b.finish())
}

fn string_lists<'s>(values: impl Iterator<Item = Vec<&'s str>>) -> ArrayRef {
    let mut b = ListBuilder::new(StringBuilder::new());
    for list in values {
        for v in list {
            b.values().append_value(v);
        }
        b.append(true);
    }
    Arc::new(b.finish())
}

fn int16s(values: impl Iterator<Item = Option<i16>>) -> ArrayRef {
    let mut b = Int16Builder::new();
    b.extend(values);
    Arc::new(b.finish())
}

fn int8s(values: impl Iterator<Item = Option<i8>>) -> ArrayRef {
    let mut b = Int8Builder::new();
    b.extend(values);
    Arc::new(b.finish())
}

fn int32s(values: impl Iterator<Item = i32>) -> ArrayRef {
    let mut b = Int32Builder::new();
    b.extend(values.map(Some));
    Arc::new(b.finish())
}

fn clamp_i32(n: impl TryInto<i32>) -> i32 {
    n.try_into().unwrap_or(i32::MAX)
}

/// One `documents` row per document.
pub fn documents_batch(docs: &[&Document]) -> Result<RecordBatch, ArrowError> {
    let d = || docs.iter();
    RecordBatch::try_new(
        DOCUMENTS.clone(),
        vec![
            strings(d().map(|x| Some(x.report_id.as_str()))),
            strings(d().map(|x| Some(x.source_file.as_str()))),
            strings(d().map(|x| Some(x.status.as_str()))),
            strings(d().map(|x| x.error.as_deref())),
            strings(d().map(|x| x.meta.department.as_deref())),
            int16s(d().map(|x| x.meta.fiscal_year)),
            strings(d().map(|x| x.meta.phase.map(|p| p.as_str()))),
            strings(d().map(|x| x.meta.unit.map(|u| u.as_str()))),
            string_lists(d().map(|x| x.statements.iter().map(|s| s.as_str()).collect())),
            int32s(d().map(|x| clamp_i32(x.facts.len()))),
            int32s(d().map(|x| clamp_i32(x.checks_failed()))),
            strings(d().map(|_| Some(PARSER_VERSION))),
            string_lists(d().map(|x| x.notes.iter().map(|n| n.message.as_str()).collect())),
        ],
    )
}

/// A fact together with the document it belongs to.
pub type Owned<'a, T> = (&'a Document, T);

/// The `facts` rows of some documents.
pub fn facts_batch(rows: &[Owned<&Fact>]) -> Result<RecordBatch, ArrowError> {
    let r = || rows.iter();
    RecordBatch::try_new(
        FACTS.clone(),
        vec![
            strings(r().map(|(d, _)| Some(d.report_id.as_str()))),
            strings(r().map(|(d, _)| Some(d.source_file.as_str()))),
            strings(r().map(|(d, _)| d.meta.department.as_deref())),
            int16s(r().map(|(d, _)| d.meta.fiscal_year)),
            strings(r().map(|(d, _)| d.meta.phase.map(|p| p.as_str()))),
            strings(r().map(|(_, f)| Some(f.statement.as_str()))),
            strings(r().map(|(_, f)| Some(f.fund_scope.as_str()))),
            strings(r().map(|(_, f)| Some(f.dimension.as_str()))),
            strings(r().map(|(_, f)| f.code.as_ref().map(|c| c.as_str()))),
            strings(r().map(|(_, f)| f.code_source.map(|c| c.as_str()))),
            int8s(r().map(|(_, f)| f.level.map(|l| l as i8))),
            strings(r().map(|(_, f)| Some(f.name.as_str()))),
            strings(r().map(|(_, f)| Some(f.split.as_str()))),
            strings(r().map(|(_, f)| Some(f.measure.as_str()))),
            decimals(r().map(|(_, f)| f.amount.value()))?,
            strings(r().map(|(_, f)| Some(f.unit.as_str()))),
            decimals(r().map(|(_, f)| f.amount_yuan().unwrap_or_default()))?,
            strings(r().map(|(_, f)| Some(f.statement.source().as_str()))),
            int32s(r().map(|(_, f)| clamp_i32(f.line))),
            int16s(r().map(|(_, f)| f.page.and_then(|p| i16::try_from(p).ok()))),
        ],
    )
}

/// The `functional_expenditure` rows of some documents.
pub fn functional_batch(rows: &[Owned<Curated>]) -> Result<RecordBatch, ArrowError> {
    let r = || rows.iter();
    RecordBatch::try_new(
        FUNCTIONAL.clone(),
        vec![
            strings(r().map(|(d, _)| Some(d.report_id.as_str()))),
            strings(r().map(|(d, _)| d.meta.department.as_deref())),
            int16s(r().map(|(d, _)| d.meta.fiscal_year)),
            strings(r().map(|(d, _)| d.meta.phase.map(|p| p.as_str()))),
            strings(r().map(|(_, c)| Some(c.fact.statement.as_str()))),
            strings(r().map(|(_, c)| Some(c.fact.fund_scope.as_str()))),
            strings(r().map(|(_, c)| c.fact.code.as_ref().map(|c| c.as_str()))),
            int8s(r().map(|(_, c)| c.fact.level.map(|l| l as i8))),
            strings(r().map(|(_, c)| Some(c.fact.name.as_str()))),
            strings(r().map(|(_, c)| Some(c.fact.split.as_str()))),
            strings(r().map(|(_, c)| Some(c.fact.measure.as_str()))),
            decimals(r().map(|(_, c)| c.fact.amount_yuan().unwrap_or_default()))?,
            strings(r().map(|(_, c)| Some(c.fact.code_source.map_or("unresolved", |s| s.as_str())))),
            strings(r().map(|(_, c)| Some(c.fact.statement.source().as_str()))),
            int32s(r().map(|(_, c)| clamp_i32(c.fact.line))),
            {
                let mut b = BooleanBuilder::new();
                b.extend(r().map(|(_, c)| Some(c.is_primary)));
                Arc::new(b.finish()) as ArrayRef
            },
        ],
    )
}
