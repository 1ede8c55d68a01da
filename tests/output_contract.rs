//! The output contract (docs/schema.md), spelled out here by hand rather than imported from
//! the sink, and checked against what a run actually writes; plus a round trip of the edge
//! amounts through DECIMAL(18,2).

use std::sync::Arc;

use arrow_schema::{DataType, Field};

use crate::util::{Dir, batches, cnbudget, fixture, text};

fn utf8(name: &str, nullable: bool) -> Field {
    Field::new(name, DataType::Utf8, nullable)
}

fn list(name: &str) -> Field {
    Field::new(name, DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))), false)
}

const DEC: DataType = DataType::Decimal128(18, 2);

/// The columns every curated dataset and `checks` start with.
fn document() -> Vec<Field> {
    vec![
        utf8("report_id", false),
        utf8("department", true),
        Field::new("fiscal_year", DataType::Int16, true),
        utf8("phase", true),
    ]
}

/// The columns every curated dataset but `functional_expenditure` ends with.
fn provenance() -> Vec<Field> {
    vec![
        Field::new("amount_yuan", DEC, false),
        utf8("source", false),
        Field::new("source_line", DataType::Int32, false),
        Field::new("is_primary", DataType::Boolean, false),
        utf8("evidence", false),
    ]
}

fn expected(dataset: &str) -> Vec<Field> {
    match dataset {
        "documents" => vec![
            utf8("report_id", false),
            utf8("source_file", false),
            utf8("status", false),
            utf8("error", true),
            utf8("department", true),
            Field::new("fiscal_year", DataType::Int16, true),
            utf8("phase", true),
            utf8("unit", true),
            list("statements"),
            Field::new("facts", DataType::Int32, false),
            Field::new("checks_failed", DataType::Int32, false),
            utf8("parser_version", false),
            list("notes"),
            Field::new("amount_tokens", DataType::Int32, false),
            Field::new("tokens_read", DataType::Int32, false),
            Field::new("tokens_not_figures", DataType::Int32, false),
            Field::new("tokens_set_aside", DataType::Int32, false),
            Field::new("tokens_unread", DataType::Int32, false),
            Field::new("coverage", DataType::Float64, true),
            list("unread_statements"),
            Field::new("facts_confirmed", DataType::Int32, false),
            Field::new("facts_contradicted", DataType::Int32, false),
        ],
        "facts" => vec![
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
            Field::new("amount", DEC, false),
            utf8("unit", false),
            Field::new("amount_yuan", DEC, false),
            utf8("source", false),
            Field::new("source_line", DataType::Int32, false),
            Field::new("source_page", DataType::Int16, true),
            utf8("evidence", false),
        ],
        "functional_expenditure" => vec![
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
            Field::new("amount_yuan", DEC, false),
            utf8("code_source", false),
            utf8("source", false),
            Field::new("source_line", DataType::Int32, false),
            Field::new("is_primary", DataType::Boolean, false),
            utf8("evidence", false),
        ],
        "economic_expenditure" => [
            document(),
            vec![
                utf8("statement", false),
                utf8("fund_scope", false),
                utf8("econ_code", true),
                Field::new("level", DataType::Int8, true),
                utf8("name", false),
                utf8("category", false),
                utf8("split", false),
                utf8("measure", false),
                utf8("code_source", false),
            ],
            provenance(),
        ]
        .concat(),
        "revenue" => [
            document(),
            vec![
                utf8("statement", false),
                utf8("fund_scope", false),
                utf8("revenue_source", true),
                utf8("func_code", true),
                Field::new("level", DataType::Int8, true),
                utf8("name", false),
                utf8("measure", false),
            ],
            provenance(),
        ]
        .concat(),
        "three_public" => [
            document(),
            vec![
                utf8("statement", false),
                utf8("fund_scope", false),
                utf8("item", true),
                Field::new("level", DataType::Int8, true),
                utf8("name", false),
                utf8("measure", false),
            ],
            provenance(),
        ]
        .concat(),
        "checks" => [
            document(),
            vec![
                utf8("check", false),
                utf8("subject", false),
                Field::new("expected", DEC, false),
                Field::new("actual", DEC, false),
                // NULL where the difference of two storable amounts needs more than 18 digits.
                Field::new("diff", DEC, true),
                utf8("status", false),
                utf8("detail", false),
                Field::new("source_line", DataType::Int32, false),
            ],
        ]
        .concat(),
        other => panic!("unknown dataset {other}"),
    }
}

#[test]
fn every_dataset_has_the_documented_columns_and_types() {
    let out = crate::util::corpus_output();
    for (dataset, path) in [
        ("documents", out.join("documents.parquet")),
        ("facts", out.join("facts")),
        ("functional_expenditure", out.join("functional_expenditure")),
        ("economic_expenditure", out.join("economic_expenditure")),
        ("revenue", out.join("revenue")),
        ("three_public", out.join("three_public")),
        ("checks", out.join("checks")),
    ] {
        let got = batches(&path);
        assert!(!got.is_empty(), "{dataset}: no batches");
        for b in &got {
            let fields: Vec<Field> = b
                .schema()
                .fields()
                .iter()
                .map(|f| f.as_ref().clone().with_metadata(std::collections::HashMap::new()))
                .collect();
            assert_eq!(fields, expected(dataset), "{dataset}");
        }
    }
    assert!(out.join("facts/year=2023/part-0.parquet").is_file(), "facts are partitioned by year");
    assert!(out.join("run.json").is_file());
}

#[test]
fn edge_amounts_round_trip_exactly() {
    let dir = Dir::new("edge-amounts");
    std::fs::create_dir(dir.join("in")).unwrap();
    std::fs::copy(fixture("contract/edge-amounts.txt"), dir.join("in/edge-amounts.txt")).unwrap();
    cnbudget(dir.path(), &["run", "-i", "in", "-o", "out", "-q"], 0);
    let mut got: Vec<(String, String, String, String)> = Vec::new();
    for b in batches(&dir.join("out/facts")) {
        for r in 0..b.num_rows() {
            let t = |c| text(&b, c, r).unwrap_or_default();
            got.push((t("name"), t("split"), t("amount"), t("amount_yuan")));
        }
    }
    let want = [
        ("合计", "total", "9999999999999999.99", "9999999999999999.99"),
        ("合计", "project", "9999999999999999.99", "9999999999999999.99"),
        ("一般公共服务支出", "total", "-12.50", "-12.50"),
        ("一般公共服务支出", "basic", "0.00", "0.00"),
        ("一般公共服务支出", "project", "-12.50", "-12.50"),
    ];
    let want: Vec<(String, String, String, String)> =
        want.iter().map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string())).collect();
    assert_eq!(got, want);
    // 合计 9,999,999,999,999,999.99 against its one class, −12.50: the difference needs 19
    // digits, so the check is written with a NULL diff rather than failing the run.
    let mut total_sum = Vec::new();
    for b in batches(&dir.join("out/checks")) {
        for r in 0..b.num_rows() {
            let t = |c| text(&b, c, r);
            if t("check").as_deref() == Some("t03.total_sum") && t("subject").as_deref() == Some("合计") {
                total_sum.push((t("expected"), t("actual"), t("diff"), t("status")));
            }
        }
    }
    let want = (Some("9999999999999999.99".to_string()), Some("-12.50".to_string()), None, Some("fail".to_string()));
    assert!(total_sum.contains(&want), "{total_sum:?}");
}

#[test]
fn documents_come_year_by_year_in_input_order_and_each_year_is_one_file() {
    let out = crate::util::corpus_output();
    let mut rows: Vec<(Option<i32>, String)> = Vec::new();
    for b in batches(&out.join("documents.parquet")) {
        for r in 0..b.num_rows() {
            let year = text(&b, "fiscal_year", r).map(|y| y.parse().unwrap());
            rows.push((year, text(&b, "source_file", r).unwrap()));
        }
    }
    // A report of no known year sorts last, as its partition does.
    let key = |(year, file): &(Option<i32>, String)| (year.is_none(), *year, file.clone());
    let mut sorted = rows.clone();
    sorted.sort_by_key(key);
    assert_eq!(rows, sorted);
    let years: std::collections::BTreeSet<i32> = rows.iter().filter_map(|r| r.0).collect();
    assert!(years.len() >= 4, "the bundled corpus spans several years: {years:?}");
    for year in years {
        let dir = out.join(format!("facts/year={year}"));
        let files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(files, ["part-0.parquet"], "{}", dir.display());
    }
}
