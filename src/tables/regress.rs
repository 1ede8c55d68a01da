//! Regression tests for issue 4 (OCR tables): one fixture per real bug, each an excerpt of
//! `data/corpus/wuhan-city-info-center-2023-final.txt` copied verbatim under a two-line
//! comment, parsed as the pipeline parses it (normalize, segment, tables). Each test names
//! the source line of the bug; `at` maps it to the fixture's line.

use rust_decimal::Decimal;

use crate::model::{Diagnostic, Fact};
use crate::normalize::{self, Line};
use crate::segment;
use crate::vocab::{Dimension, FundScope, Measure, Phase, Split, Unit};

use super::{Context, parse};

const CONTEXT: Context = Context { phase: Some(Phase::Final), unit: Unit::Wan, fiscal_year: Some(2023) };

/// A fixture's statement: its facts and notes, and a map from source lines to its lines.
struct Parsed {
    facts: Vec<Fact>,
    notes: Vec<Diagnostic>,
    lines: Vec<Line>,
    first_source_line: u32,
}

impl Parsed {
    /// The fixture line of a source line (two comment lines come first).
    fn at(&self, source_line: u32) -> u32 {
        source_line - self.first_source_line + 3
    }

    fn on(&self, source_line: u32) -> Vec<&Fact> {
        self.facts.iter().filter(|f| f.line == self.at(source_line)).collect()
    }
}

fn read(name: &str, first_source_line: u32) -> Parsed {
    let path = format!("{}/tests/fixtures/regress/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let lines = normalize::lines(&text);
    let seg = segment::segment(&lines);
    let table = seg.tables.first().unwrap_or_else(|| panic!("{name}: no statement found"));
    let parsed = parse(table, &CONTEXT);
    Parsed { facts: parsed.facts, notes: parsed.diagnostics, lines: lines.clone(), first_source_line }
}

fn wan(text: &str) -> Decimal {
    text.parse().expect("decimal")
}

fn summary(facts: &[&Fact]) -> Vec<(String, Split, Measure, Decimal)> {
    facts.iter().map(|f| (f.name.clone(), f.split, f.measure, f.amount.value())).collect()
}

/// Source t01 line 69 (`3, 295. 68`) and prose line 400 (`2196. 49`).
#[test]
fn i4_split_numbers() {
    let p = read("4-split-numbers.txt", 60);
    let revenue: Vec<&Fact> = p.on(69).into_iter().filter(|f| f.dimension == Dimension::Revenue).collect();
    assert_eq!(summary(&revenue), [("一般公共预算财政拨款收入".into(), Split::Total, Measure::Final, wan("3295.68"))]);
    assert_eq!(p.on(99).len(), 1, "总计 3, 295. 68 printed on both halves is one figure");
    let prose = p.lines.iter().find(|l| l.text.contains("年初预算为")).expect("prose line");
    assert!(prose.text.contains("年初预算为 2196.49 万元, 支出决算为 2723.66 万元"), "{}", prose.text);
}

/// Source t03 line 153: `类款项 | 合计 | 3, 295. 68 | …`.
#[test]
fn i4_level_caption_in_code_cell() {
    let p = read("4-level-caption-in-code-cell.txt", 145);
    let total = p.on(153);
    assert_eq!(
        summary(&total),
        [
            ("合计".into(), Split::Total, Measure::Final, wan("3295.68")),
            ("合计".into(), Split::Basic, Measure::Final, wan("1385.51")),
            ("合计".into(), Split::Project, Measure::Final, wan("1910.17")),
        ]
    );
    assert!(total.iter().all(|f| f.dimension == Dimension::Total && f.level == Some(0)));
}

/// Source t06 line 299: `人员经费合计 1,236.31 公用经费合计 注: 本表反映…。 149.20`.
#[test]
fn i4_flattened_totals() {
    let p = read("4-flattened-totals.txt", 263);
    let totals = p.on(299);
    assert_eq!(
        summary(&totals),
        [
            ("人员经费合计".into(), Split::Total, Measure::Final, wan("1236.31")),
            ("公用经费合计".into(), Split::Total, Measure::Final, wan("149.20")),
        ]
    );
    assert!(totals.iter().all(|f| f.dimension == Dimension::Economic && f.level == Some(0) && f.code.is_none()));
}

fn three_public_rows(p: &Parsed) -> Vec<(String, u8, Measure, Decimal)> {
    p.on(335).iter().map(|f| (f.name.clone(), f.level.unwrap_or(9), f.measure, f.amount.value())).collect()
}

/// Source t09 line 332: `公务` | `用车购置及` | `运行费` over `小计` | 购置费 | 运行费.
#[test]
fn i4_split_group_label() {
    let p = read("4-split-group-label.txt", 327);
    let subtotals: Vec<(String, u8)> =
        three_public_rows(&p).into_iter().filter(|r| r.3 == wan("7.41") && r.1 == 1).map(|r| (r.0, r.1)).collect();
    assert_eq!(subtotals, [("公务用车购置及运行费".to_string(), 1), ("公务用车购置及运行费".to_string(), 1)]);
}

/// Source t09 line 331: only `决算数` survives, printed over both halves.
#[test]
fn i4_lost_budget_label() {
    let p = read("4-lost-budget-label.txt", 327);
    let rows = three_public_rows(&p);
    let budget = rows.iter().filter(|r| r.2 == Measure::FullYearBudget).count();
    let final_ = rows.iter().filter(|r| r.2 == Measure::Final).count();
    assert_eq!((budget, final_), (4, 4), "{rows:?}");
    assert!(p.notes.iter().any(|n| n.message.contains("standard order")), "{:?}", p.notes);
}

/// Source t09 line 335: `7.4` | `8` | 7. 41 | | 7. 41 | 0. 07 | 7. 48 | …
#[test]
fn i4_split_value() {
    let p = read("4-split-value.txt", 327);
    let rows = three_public_rows(&p);
    assert!(rows.contains(&("合计".into(), 0, Measure::FullYearBudget, wan("7.48"))), "{rows:?}");
    assert!(rows.iter().all(|r| r.3 != wan("8") && r.3 != wan("7.4")), "{rows:?}");
    assert!(p.notes.iter().any(|n| n.line == p.at(335) && n.message.contains("7.48")), "{:?}", p.notes);
}

/// Source t05 lines 232–257: no code column, header `私 日 父 秘`, garbage line 257.
#[test]
fn i4_no_code_column() {
    let p = read("4-no-code-column.txt", 228);
    let functions: Vec<&Fact> = p.facts.iter().filter(|f| f.dimension == Dimension::Function).collect();
    assert_eq!(functions.len(), 43);
    assert!(functions.iter().all(|f| f.code.is_none() && f.level.is_none()), "codes are for `codes` to resolve");
    let names: Vec<&str> = p.on(246).iter().chain(p.on(247).iter()).map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["其他社会保障和就业支出"; 4]);
    assert!(p.on(251).iter().any(|f| f.split == Split::Project && f.amount.is_zero()), "project 0.00 is a figure");
    assert_eq!(summary(&p.on(236)).len(), 3, "合计 total, basic, project");
    assert!(p.on(257).is_empty(), "the garbage line gives no rows");
    let noted: Vec<&Diagnostic> = p.notes.iter().filter(|n| n.line == p.at(257)).collect();
    assert_eq!(noted.len(), 1, "{noted:?}");
    assert!(noted[0].message.contains("no figure"), "{noted:?}");
}

/// Source t02 lines 113–117: header lines of OCR noise above the 栏次 row.
#[test]
fn i4_garbage_header() {
    let p = read("4-garbage-header.txt", 109);
    assert!(p.facts.iter().all(|f| f.line >= p.at(119)));
    assert_eq!(summary(&p.on(119)), [("合计".into(), Split::Total, Measure::Final, wan("3295.68"))]);
    let row = p.on(123);
    assert_eq!(row.iter().map(|f| f.split).collect::<Vec<_>>(), [Split::Total, Split::Fiscal]);
    assert_eq!(row[0].name, "其他政府办公厅(室)及相关机构事务支出");
    assert_eq!(p.facts.len(), 41);
}

/// Source t04 line 212 (blank, inside the table) and lines 213–220 (one trailing tab short).
#[test]
fn i4_blank_line_short_rows() {
    let p = read("4-blank-line-short-rows.txt", 179);
    let scopes = |line: u32| {
        let mut v: Vec<(String, String)> =
            p.on(line).iter().map(|f| (f.name.clone(), f.fund_scope.as_str().to_string())).collect();
        v.sort();
        v
    };
    let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(
        scopes(215),
        [pair("本年支出合计", "fiscal"), pair("本年支出合计", "gpb"), pair("本年收入合计", "fiscal")]
    );
    assert_eq!(scopes(220), [pair("总计", "fiscal"), pair("总计", "gpb")]);
    assert_eq!(scopes(206), [pair("住房保障支出", "fiscal"), pair("住房保障支出", "gpb")]);
}

/// Parsers are total: every fixture, damaged further at random (characters dropped,
/// doubled or replaced by tabs, spaces, digits and separators), parses without a panic.
#[test]
fn damaged_fixtures_never_panic() {
    let mut state: u64 = 0x0c2_5eed;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let dir = format!("{}/tests/fixtures/regress", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> = std::fs::read_dir(&dir).expect("regress dir").flatten().map(|e| e.path()).collect();
    files.sort();
    const NOISE: &[char] = &['\t', ' ', '7', '0', '.', ',', '合', '计', '小', '类', '\n', '注', '。'];
    for path in files.iter().filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("4-"))) {
        let text = std::fs::read_to_string(path).expect("fixture");
        let chars: Vec<char> = text.chars().collect();
        for _ in 0..40 {
            let mut damaged = String::with_capacity(text.len());
            for &c in &chars {
                match next() % 40 {
                    0 => {}
                    1 => damaged.extend([c, c]),
                    2 => damaged.push(NOISE[(next() % NOISE.len() as u64) as usize]),
                    _ => damaged.push(c),
                }
            }
            let lines = normalize::lines(&damaged);
            for table in &segment::segment(&lines).tables {
                let _ = parse(table, &CONTEXT);
            }
        }
    }
}

/// A 2026 budget's statement in a fixture of tests/fixtures/regress (its first statement),
/// parsed as the pipeline parses it.
fn budget_2026(name: &str) -> crate::model::Parsed {
    let path = format!("{}/tests/fixtures/regress/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let lines = normalize::lines(&text);
    let seg = segment::segment(&lines);
    let table = seg.tables.first().unwrap_or_else(|| panic!("{name}: no statement found"));
    parse(table, &Context { phase: Some(Phase::Budget), unit: Unit::Wan, fiscal_year: Some(2026) })
}

/// Issue 26, ../shared/wild suzhou-audit-2026-budget line 458 (公开07表): the 基本支出 label,
/// centred over its 小计 and its 人员经费 / 公用经费 parts, is read as spanning the whole header.
/// The 合计 column is still the row's total, the 小计 the basic; the parts are no split.
/// Gold: 201 一般公共服务支出 2,906.63 total, 2,567.13 basic, 339.50 project.
#[test]
fn i26_subtotal_under_a_spanning_group() {
    let parsed = budget_2026("26-subtotal-under-a-spanning-group.txt");
    // Source line 458 is fixture line 14.
    let row: Vec<(Split, Decimal)> =
        parsed.facts.iter().filter(|f| f.line == 14).map(|f| (f.split, f.amount.value())).collect();
    assert_eq!(row, [(Split::Total, wan("2906.63")), (Split::Basic, wan("2567.13")), (Split::Project, wan("339.50"))]);
}

/// Issue 20: two columns read as the same split and measure, and a row printing a figure in
/// each: which is which cannot be told from the header, so neither gives a fact, and a note
/// says so; the columns told apart are read.
#[test]
fn i20_two_columns_one_meaning() {
    let parsed = budget_2026("20-two-columns-one-meaning.txt");
    let row: Vec<(Split, Decimal)> = parsed.facts.iter().map(|f| (f.split, f.amount.value())).collect();
    assert_eq!(row, [(Split::Total, wan("10.00")), (Split::Project, wan("3.00"))]);
    assert!(
        parsed.diagnostics.iter().any(|d| d.message.contains("read as the same split and measure")),
        "{:?}",
        parsed.diagnostics
    );
}

/// Issue 26, tests/fixtures/wild shenzhen-petitions-2026-budget line 636 (表3 支出总表): the
/// header's `2026 年政府采购项目` was taken for the first line of figures, so no header was
/// found and the statement was not read; and its 政府采购 小计 would have been a second total.
/// Gold: 201 一般公共服务支出 3,459.13 = 1,866.84 basic + 1,592.29 project.
#[test]
fn i26_year_in_header() {
    let parsed = budget_2026("26-year-in-header.txt");
    let row: Vec<(Split, Decimal)> = parsed
        .facts
        .iter()
        .filter(|f| f.line == 22 && f.code.as_ref().is_some_and(|c| c.as_str() == "201"))
        .filter(|f| matches!(f.split, Split::Total | Split::Basic | Split::Project))
        .map(|f| (f.split, f.amount.value()))
        .collect();
    assert_eq!(row, [(Split::Total, wan("3459.13")), (Split::Basic, wan("1866.84")), (Split::Project, wan("1592.29"))]);
    assert!(parsed.facts.iter().all(|f| f.measure == Measure::Budget));
    assert!(!parsed.facts.iter().any(|f| f.amount.value() == wan("1100.30")), "政府采购 小计 is no split");
}

/// Issue 26, tests/fixtures/wild yantai-petitions-2026-budget lines 391–395 (公开表5): codes
/// printed as a hierarchy in 类/款/项 columns, and 人员支出 / 日常公用支出 columns under 基本支出
/// beside its 小计, under a 合计 printed letter-spaced (`合   计`). Gold: 201, 20140 and 2014001
/// with total, basic (the 小计) and project.
#[test]
fn i26_code_hierarchy_columns() {
    let parsed = budget_2026("26-code-hierarchy-columns.txt");
    let rows: Vec<(u32, String, Split, Decimal)> = parsed
        .facts
        .iter()
        .filter(|f| (13..=17).contains(&f.line))
        .map(|f| (f.line, f.code.as_ref().map_or("-", |c| c.as_str()).to_string(), f.split, f.amount.value()))
        .collect();
    let want = [
        (13, "201", Split::Total, "1378.84"),
        (13, "201", Split::Basic, "854.84"),
        (13, "201", Split::Project, "524.00"),
        (15, "20140", Split::Total, "1378.84"),
        (15, "20140", Split::Basic, "854.84"),
        (15, "20140", Split::Project, "524.00"),
        (17, "2014001", Split::Total, "507.97"),
        (17, "2014001", Split::Basic, "507.97"),
    ];
    let want: Vec<(u32, String, Split, Decimal)> =
        want.iter().map(|(l, c, s, a)| (*l, c.to_string(), *s, wan(a))).collect();
    assert_eq!(rows, want);
}

/// Issue 26, ../shared/wild xian-justice-2026-budget lines 1187–1204 (表13): a 三公 table by
/// unit, in 上年 / 当年 / 增减变化情况 halves, whose 合计 adds 会议费 and 培训费 to the 三公
/// 小计. The report's arithmetic: 上年 小计 848,081.50 = 公务接待费 23,081.50 + 公务用车
/// 825,000.00. Only the 合计 row is the department's; the change half is no measure.
#[test]
fn i26_three_public_by_unit() {
    let parsed = budget_2026("26-three-public-by-unit.txt");
    let yuan = |s: &str| s.parse::<Decimal>().unwrap_or_default();
    let prior: Vec<(&str, u8, Decimal)> = parsed
        .facts
        .iter()
        .filter(|f| f.measure == Measure::PriorBudget)
        .map(|f| (f.name.as_str(), f.level.unwrap_or(9), f.amount.value()))
        .collect();
    assert!(prior.contains(&("合计", 0, yuan("848081.50"))), "{prior:?}");
    assert!(prior.contains(&("公务接待费", 1, yuan("23081.50"))), "{prior:?}");
    assert!(prior.contains(&("会议费", 0, yuan("102500.00"))), "{prior:?}");
    assert!(!prior.iter().any(|f| f.2 == yuan("2305070.50")), "the 合计 with 会议费 and 培训费 is no 三公 total");
    let rows: Vec<u32> = parsed.facts.iter().map(|f| f.line).collect();
    assert!(rows.windows(2).all(|w| w[0] == w[1]), "one row, the 合计: {rows:?}");
    assert!(parsed.facts.iter().all(|f| f.amount.value() >= Decimal::ZERO), "no 增减 figure");
}

/// Issue 26, ../shared/wild guangzhou-civil-affairs-2026-budget lines 601–616 (表8): a 三公
/// table by rows, a column per fund. The report's arithmetic: “三公”经费 334.21 = 因公出国
/// 83.40 + 公务用车 210.39 + 公务接待 40.42; 公务用车 210.39 = 购置 40.00 + 运行 170.39.
#[test]
fn i26_three_public_by_rows() {
    let parsed = budget_2026("26-three-public-by-rows.txt");
    let fiscal: Vec<(&str, u8, Decimal)> = parsed
        .facts
        .iter()
        .filter(|f| f.fund_scope == FundScope::Fiscal)
        .map(|f| (f.name.as_str(), f.level.unwrap_or(9), f.amount.value()))
        .collect();
    let want = [
        ("行政经费", 0, wan("5077.89")),
        ("合计", 0, wan("334.21")),
        ("因公出国（境）支出", 1, wan("83.40")),
        ("公务用车购置及运行维护支出", 1, wan("210.39")),
        ("公务用车购置费", 2, wan("40.00")),
        ("公务用车运行维护费", 2, wan("170.39")),
        ("公务接待费支出", 1, wan("40.42")),
    ];
    assert_eq!(fiscal, want);
    let gpb_total = parsed.facts.iter().find(|f| f.fund_scope == FundScope::Gpb && f.name == "合计");
    assert_eq!(gpb_total.map(|f| f.amount.value()), Some(wan("316.31")));
}
