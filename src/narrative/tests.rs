//! The narrative parser on small fixtures, one file per sentence shape
//! (`tests/fixtures/narrative/<shape>.txt`), each with the rows it must give in
//! `<shape>.expected`: one row per line, `line scope dimension level name split measure
//! amount+unit [path]`. A first line `# phase: budget` makes the fixture a budget document;
//! other `#` lines are comments. The `.expected` file is required: one that expects no rows
//! holds just a comment (`# expects no figures`).

use std::path::{Path, PathBuf};

use crate::model::{Fact, Meta};
use crate::normalize;
use crate::vocab::{Phase, Unit};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/narrative")
}

fn row(f: &Fact) -> String {
    let level = f.level.map_or("-".to_string(), |l| l.to_string());
    let path = if f.path.is_empty() { String::new() } else { format!(" [{}]", f.path.join(" > ")) };
    format!(
        "{} {} {} {} {} {} {} {}{}{}",
        f.line, f.fund_scope, f.dimension, level, f.name, f.split, f.measure, f.amount, f.unit, path
    )
}

/// What the parser gives for a fixture, as rows.
fn rows(dir: &Path, shape: &str, phase: Phase) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join(format!("{shape}.txt"))).expect("fixture");
    let lines = normalize::lines(&text);
    let meta = Meta { phase: Some(phase), unit: Some(Unit::Wan), fiscal_year: Some(2023), ..Meta::default() };
    super::parse(&[&lines], &meta).facts.iter().map(row).collect()
}

fn check(shape: &str) {
    check_in(&fixtures(), shape);
}

fn check_in(dir: &Path, shape: &str) {
    let path = dir.join(format!("{shape}.expected"));
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("{}: {e} (a fixture that expects no rows says so: `# expects no figures`)", path.display())
    });
    let phase = if expected.starts_with("# phase: budget") { Phase::Budget } else { Phase::Final };
    let want: Vec<&str> = expected.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).collect();
    let got = rows(dir, shape, phase);
    assert_eq!(got, want, "\n{shape}: got\n{}\n", got.join("\n"));
}

/// A fixture without its `.expected` file is a failure naming that file, not a fixture that
/// expects nothing.
#[test]
#[should_panic(expected = "no-figures.expected")]
fn a_fixture_without_its_expected_file_fails() {
    let dir = tempfile::tempdir().expect("a temp dir");
    std::fs::write(dir.path().join("no-figures.txt"), "一、部门职责\n本部门负责某某工作。\n").expect("written");
    check_in(dir.path(), "no-figures");
}

/// Every fixture text has its `.expected` file.
#[test]
fn every_fixture_has_its_expected_file() {
    let mut texts = 0;
    for entry in std::fs::read_dir(fixtures()).expect("the narrative fixtures") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_some_and(|e| e == "txt") {
            texts += 1;
            assert!(path.with_extension("expected").is_file(), "{} has no .expected file", path.display());
        }
    }
    assert!(texts > 0, "no fixtures in {}", fixtures().display());
}

macro_rules! shapes {
    ($($test:ident: $shape:literal;)*) => {
        $(
            #[test]
            fn $test() {
                check($shape);
            }
        )*
    };
}

shapes! {
    compound_subject_respectively: "compound-subject-respectively";
    total_with_sources_and_splits: "total-with-sources-and-splits";
    other_side_ellipsis: "other-side-ellipsis";
    class_list_with_one_marker: "class-list-with-one-marker";
    path_sentence_then_measures: "path-sentence-then-measures";
    broken_number_and_caption: "broken-number-and-caption";
    economic_items_after_personnel: "economic-items-after-personnel";
    three_public_items: "three-public-items";
    changes_shares_and_projects_excluded: "changes-shares-and-projects-excluded";
    out_of_scope_sections: "out-of-scope-sections";
    budget_document: "budget-document";
    layout_text_items: "layout-text-items";
    yuan_unit_adjusted_budget_and_kuan: "yuan-unit-adjusted-budget-and-kuan";
    ocr_spaced_numbers_without_parts: "ocr-spaced-numbers-without-parts";
    other_provinces_budget: "other-provinces-budget";
}

/// The parser is total: text assembled at random from the pieces it reacts to (markers,
/// units, separators, broken numbers, headings) gives rows or nothing, never a panic, and
/// every row's line is one of the input's.
#[test]
fn odd_text_never_panics() {
    const PIECES: &[&str] = &[
        "（类）",
        "(款)",
        "（项）",
        "支出",
        "收、支",
        "分别为",
        "均为",
        "为",
        "0",
        "1,",
        "2.",
        "34",
        ".5",
        "-",
        "万元",
        "万",
        "元",
        "%",
        "，",
        "、",
        "。",
        "；",
        "：",
        "\n",
        "\n一、",
        "\n(一)",
        "\n1.",
        "\n第三部分 情况说明\n",
        "三公",
        "基本支出",
        "年初预算",
        "决算",
        "原因",
        "用于",
        "“",
        "”",
        "图 1：",
        "\n- 3 -\n",
        "其中",
        "人员经费",
        "2023年度",
        "公务用车购置",
    ];
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = |n: usize| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as usize % n
    };
    for _ in 0..400 {
        let text: String = (0..next(60)).map(|_| PIECES[next(PIECES.len())]).collect();
        let lines = normalize::lines(&text);
        let count = u32::try_from(text.split('\n').count()).unwrap_or(u32::MAX);
        for phase in [Phase::Final, Phase::Budget] {
            let meta = Meta { phase: Some(phase), ..Meta::default() };
            let parsed = super::parse(&[&lines], &meta);
            assert!(parsed.facts.iter().all(|f| (1..=count).contains(&f.line)), "{text:?}");
        }
    }
}

/// An amount whose clause names nothing, with nothing named before it, is noted, not guessed.
#[test]
fn an_amount_without_a_subject_is_a_diagnostic() {
    let lines = normalize::lines("一、收入支出决算总体情况说明\n支出决算为 5 万元。\n");
    let parsed = super::parse(&[&lines], &Meta { phase: Some(Phase::Final), ..Meta::default() });
    assert!(parsed.facts.is_empty());
    let notes: Vec<String> = parsed.diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(notes, ["line 2: narrative: 5万元 stated without a subject to give it"]);
}

/// Without a phase the prose's measure words cannot be read: its figures are left out, with
/// one note, not published under a guessed measure.
#[test]
fn prose_without_a_phase_gives_no_figures_and_says_why() {
    let lines = normalize::lines("一、收入支出总体情况说明\n收入合计 5.00 万元。\n");
    let parsed = super::parse(&[&lines], &Meta::default());
    assert!(parsed.facts.is_empty());
    let notes: Vec<String> = parsed.diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(
        notes,
        ["line 1: narrative: phase (决算/预算) not stated: the prose's figures are left out, their measure unknown"]
    );
}
