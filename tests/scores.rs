//! Each report's exact recall and precision against its gold key, with the thresholds the
//! issues set. Computed as `../shared/tools/score.py` computes them (same matching), so the
//! independent scorer gives the same figures.

use crate::gold::{load, matching, output_rows};
use crate::util::corpus_output;

/// Which rows of a report are scored.
#[derive(Clone, Copy)]
enum Part {
    Tables,
    Narrative,
}

/// (exact recall, precision) in percent.
fn score(report: &str, part: Part) -> (f64, f64, String) {
    let keep = |statement: &str| (statement == "narrative") == matches!(part, Part::Narrative);
    let gold: Vec<_> = load(report).into_iter().filter(|g| keep(&g.statement)).collect();
    let out: Vec<_> = output_rows(corpus_output(), report).into_iter().filter(|o| keep(&o.statement)).collect();
    let exact = matching(&gold, &out, true).iter().flatten().count();
    let found = matching(&gold, &out, false).iter().flatten().count();
    let recall = 100.0 * exact as f64 / gold.len().max(1) as f64;
    let precision = if out.is_empty() { 0.0 } else { 100.0 * found as f64 / out.len() as f64 };
    let summary = format!("{report}: gold {}, output {}, exact {exact}, found {found}", gold.len(), out.len());
    (recall, precision, summary)
}

fn assert_at_least(report: &str, part: Part, min_recall: f64, min_precision: f64) {
    let (recall, precision, summary) = score(report, part);
    assert!(
        recall >= min_recall && precision >= min_precision,
        "{summary}: exact recall {recall:.1}% (need {min_recall}%), precision {precision:.1}% (need {min_precision}%)"
    );
}

/// Issue 3: clean tab-separated tables.
#[test]
fn jianghan_tables() {
    assert_at_least("wuhan-jianghan-bigdata-2023-final", Part::Tables, 98.0, 98.0);
}

/// Issue 4: OCR-mangled tables.
#[test]
fn city_info_center_tables() {
    assert_at_least("wuhan-city-info-center-2023-final", Part::Tables, 97.0, 98.0);
}

/// Issue 5: the narrative of every Wuhan report.
#[test]
fn wuhan_narratives() {
    for report in [
        "wuhan-caidian-bigdata-2023-final",
        "wuhan-hanyang-bigdata-2023-budget",
        "wuhan-jianghan-bigdata-2023-final",
        "wuhan-city-info-center-2023-final",
    ] {
        assert_at_least(report, Part::Narrative, 95.0, 95.0);
    }
    // Hongshan: every figure found (100%), but 4 of its 51 rows need codes no source gives
    // (gold::UNAVAILABLE: 2011308 ×2, 2101199 ×2), so exact recall stops at 47/51 = 92.2%; the
    // hongshan_narrative gold test checks those rows exactly, without a code.
    assert_at_least("wuhan-hongshan-bigdata-2023-final", Part::Narrative, 92.0, 100.0);
    let (recall, _, summary) = score("wuhan-hongshan-bigdata-2023-final", Part::Narrative);
    assert!(
        summary.contains("found 51") && recall < 95.0,
        "{summary}: the unavailable codes are now resolved; raise the bar"
    );
}

/// Issue 7: layout text (`pdftotext -layout`), a final account and a budget.
#[test]
fn shanghai_tables() {
    assert_at_least("shanghai-putuo-planning-natural-resources-2024-final", Part::Tables, 95.0, 95.0);
    assert_at_least("shanghai-putuo-wanli-subdistrict-2024-budget", Part::Tables, 95.0, 95.0);
}
