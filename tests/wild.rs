//! Real reports of other provinces (tests/fixtures/wild: four budgets with hand-built gold
//! keys). What cnbudget says it confirmed must be right there too: every `confirmed` figure is
//! exactly a gold row (keys, name, amount, line). And each report says how much of it was
//! read: a coverage, and `partial` with the statement named whenever numbers were not read.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::gold::{exact, load_from, output_rows};
use crate::util::{FactRow, batches, fixture, text};

const REPORTS: &[&str] = &[
    "fuzhou-commerce-2026-budget",
    "shenzhen-petitions-2026-budget",
    "suzhou-audit-2026-budget",
    "yantai-petitions-2026-budget",
    "xian-audit-2026-budget",
];

/// One run over tests/fixtures/wild/text, shared by the tests of this module.
fn wild_output() -> &'static Path {
    static OUT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, out) = OUT.get_or_init(|| {
        let dir = tempfile::Builder::new().prefix("cnbudget-wild-").tempdir().expect("temp dir");
        let out = dir.path().join("out");
        let config = cnbudget::Config { jobs: 2, ..cnbudget::Config::new(fixture("wild/text"), &out) };
        cnbudget::run(&config).expect("the pipeline runs on the wild fixtures");
        (dir, out)
    });
    out
}

#[test]
fn every_confirmed_figure_of_a_wild_report_is_exactly_a_gold_row() {
    let mut wrong = Vec::new();
    for report in REPORTS {
        let gold = load_from(&fixture(&format!("wild/gold/{report}.csv")));
        let out = output_rows(wild_output(), report);
        let confirmed: Vec<&FactRow> = out.iter().filter(|o| o.evidence == "confirmed").collect();
        assert!(!confirmed.is_empty(), "{report}: nothing confirmed");
        for o in confirmed.into_iter().filter(|o| !gold.iter().any(|g| exact(g, o))) {
            wrong.push(format!(
                "{report} line {} {} {} {} {} {} {} {}",
                o.line, o.statement, o.fund_scope, o.code, o.split, o.measure, o.yuan, o.name
            ));
        }
    }
    assert!(wrong.is_empty(), "confirmed, but not a gold row:\n{}", wrong.join("\n"));
}

/// The self-audit of each wild report: coverage is stated, and the status and error follow
/// from the count of numbers not read.
#[test]
fn each_wild_report_states_its_coverage_and_is_partial_when_numbers_were_not_read() {
    let mut seen = 0;
    for b in batches(&wild_output().join("documents.parquet")) {
        for r in 0..b.num_rows() {
            let t = |c| text(&b, c, r);
            let file = t("source_file").unwrap();
            let tokens: u32 = t("amount_tokens").unwrap().parse().unwrap();
            let unread: u32 = t("tokens_unread").unwrap().parse().unwrap();
            let coverage: f64 = t("coverage").expect("coverage").parse().unwrap();
            assert!(tokens > 100, "{file}: its tables print numbers");
            assert!((coverage - f64::from(tokens - unread) / f64::from(tokens)).abs() < 1e-9, "{file}");
            let (status, error) = (t("status").unwrap(), t("error").unwrap_or_default());
            if unread > 0 {
                assert_eq!(status, "partial", "{file}");
                assert!(error.contains("printed numbers not read"), "{file}: {error}");
            }
            seen += 1;
        }
    }
    assert_eq!(seen, REPORTS.len());
}

/// Gold rows of a wild report's tables read exactly, at least this share of them: floors
/// that the parsers' progress on each template does not fall back from (exact recall of
/// table rows against the hand-built key).
const TABLE_RECALL_FLOOR: &[(&str, f64)] = &[
    ("fuzhou-commerce-2026-budget", 0.90),
    ("shenzhen-petitions-2026-budget", 0.95),
    ("suzhou-audit-2026-budget", 0.95),
    ("yantai-petitions-2026-budget", 0.95),
    ("xian-audit-2026-budget", 0.85),
];

/// The same for the prose's figures: each province words them its own way.
const NARRATIVE_RECALL_FLOOR: &[(&str, f64)] = &[
    ("fuzhou-commerce-2026-budget", 0.95),
    ("shenzhen-petitions-2026-budget", 0.50),
    ("suzhou-audit-2026-budget", 0.30),
    ("yantai-petitions-2026-budget", 0.90),
    ("xian-audit-2026-budget", 0.90),
];

/// Reports whose gold rows of one kind (tables or prose) are read below their floor.
fn below_floor(floors: &[(&str, f64)], narrative: bool) -> Vec<String> {
    let mut low = Vec::new();
    for &(report, floor) in floors {
        let gold = load_from(&fixture(&format!("wild/gold/{report}.csv")));
        let rows: Vec<_> = gold.iter().filter(|g| (g.statement == "narrative") == narrative).collect();
        let out = output_rows(wild_output(), report);
        let read = rows.iter().filter(|g| out.iter().any(|o| exact(g, o))).count();
        let recall = read as f64 / rows.len() as f64;
        if recall < floor {
            low.push(format!("{report}: {read} of {} rows ({recall:.3} < {floor})", rows.len()));
        }
    }
    low
}

#[test]
fn the_gold_rows_of_each_wild_report_are_read() {
    let low = below_floor(TABLE_RECALL_FLOOR, false);
    assert!(low.is_empty(), "{}", low.join("\n"));
}

#[test]
fn the_gold_figures_of_each_wild_reports_prose_are_read() {
    let low = below_floor(NARRATIVE_RECALL_FLOOR, true);
    assert!(low.is_empty(), "{}", low.join("\n"));
}
